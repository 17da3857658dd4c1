import { browser } from 'wxt/browser';
import type { HandlerSet } from '../messaging/messages';
import { sidePanelViewItem } from '../storage/items';
import type { SidePanelMessages } from './messages';
import { sidePanelApi, sidePanelUrl, type SidePanelView } from './views';

/**
 * The worker's side of the side panel: open it on a view, or the same page in a tab where it cannot open, and hold
 * the view a page asked for until the panel takes it.
 */

/** The asked view, held in memory too: an ask and the panel's take can follow each other faster than storage. */
let asked: SidePanelView | undefined;

async function rememberView(view: SidePanelView): Promise<void> {
  asked = view;
  await sidePanelViewItem.setValue(view);
}

/**
 * Open the side panel on `view` in window `windowId`, or the side panel page in a tab when it cannot open (no
 * window known, no side panel in this browser, headless Chromium, no user gesture). Chrome allows `sidePanel.open`
 * only inside a user gesture (a notification click), so it is called before anything is awaited.
 */
export async function openSidePanelOrTab(view: SidePanelView | undefined, windowId?: number): Promise<'panel' | 'tab'> {
  const sidePanel = sidePanelApi();
  let opening: Promise<boolean> | undefined;
  try {
    opening =
      sidePanel && windowId !== undefined
        ? sidePanel.open({ windowId }).then(
            () => true,
            () => false,
          )
        : undefined;
  } catch {
    opening = undefined; // an API that throws instead of rejecting: the tab below
  }
  if (view) await rememberView(view);
  if (opening && (await opening)) return 'panel';
  await browser.tabs.create({ url: sidePanelUrl(view) });
  return 'tab';
}

/** The view a page asked for, given once; undefined when none is waiting. */
export async function takeSidePanelView(): Promise<SidePanelView | undefined> {
  const view = asked ?? (await sidePanelViewItem.getValue()) ?? undefined;
  asked = undefined;
  await sidePanelViewItem.removeValue();
  return view;
}

/** The worker's handlers for the side panel messages (joined into the one table in entrypoints/background). */
export const sidePanelHandlers: HandlerSet<SidePanelMessages> = {
  askSidePanelView: async ({ view }) => {
    await rememberView(view);
    return { ok: true };
  },
  takeSidePanelView: async () => ({ view: await takeSidePanelView() }),
};

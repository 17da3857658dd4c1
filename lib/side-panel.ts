import { browser } from 'wxt/browser';
import { send } from './messages';

/** The views the side panel page can show (`/sidepanel.html?view=<view>`). */
export const SIDE_PANEL_VIEWS = ['inventory', 'xur'] as const;
export type SidePanelView = (typeof SIDE_PANEL_VIEWS)[number];

/** The side panel page's URL, opening on `view` (the page reads `?view=`). */
export function sidePanelUrl(view?: SidePanelView): string {
  const url = browser.runtime.getURL('/sidepanel.html');
  return view ? `${url}?view=${encodeURIComponent(view)}` : url;
}

/**
 * Open the side panel next to the current page. Chrome only allows `sidePanel.open` inside a user gesture, so this
 * runs in the page that was clicked (the popup), not in the worker. Where there is no side panel UI (other
 * browsers, headless Chromium) the same view opens as a tab.
 */
export async function openSidePanel(view?: SidePanelView): Promise<'panel' | 'tab'> {
  const sidePanel = (browser as unknown as { sidePanel?: { open(o: { windowId: number }): Promise<void> } }).sidePanel;
  try {
    const win = await browser.windows.getCurrent();
    if (sidePanel && win.id !== undefined) {
      if (view) await browser.storage.session.set({ sidePanelView: view });
      await sidePanel.open({ windowId: win.id });
      return 'panel';
    }
  } catch {
    // Fall through to the tab: no side panel in this browser, or no gesture.
  }
  await send('openSidePanel', { view });
  return 'tab';
}

/** The worker's `openSidePanel` handler: the side panel page in a tab, on the view the popup asked for. */
export async function openSidePanelTab(view?: SidePanelView): Promise<{ ok: boolean }> {
  await browser.tabs.create({ url: sidePanelUrl(view) });
  return { ok: true };
}

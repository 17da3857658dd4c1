import { browser } from 'wxt/browser';
import { send } from '../messaging/messages';
import { sidePanelApi, type SidePanelView } from './views';

/**
 * Open the side panel next to the current page, from a page that was clicked (the popup). Chrome only allows
 * `sidePanel.open` inside a user gesture, so the page opens it itself; the worker only keeps the view for the panel
 * to take. Where there is no side panel UI (other browsers, headless Chromium) the worker opens the view as a tab
 * (lib/side-panel/open.ts).
 */
export async function openSidePanel(view?: SidePanelView): Promise<'panel' | 'tab'> {
  const sidePanel = sidePanelApi();
  try {
    const win = await browser.windows.getCurrent();
    if (sidePanel && win.id !== undefined) {
      // Sent before the panel opens, so the worker holds the view before the panel asks for it.
      const asking = view ? send('askSidePanelView', { view }).catch(() => undefined) : undefined;
      await sidePanel.open({ windowId: win.id });
      await asking;
      return 'panel';
    }
  } catch {
    // Fall through to the tab: no side panel in this browser, or no gesture.
  }
  await send('openSidePanel', { view });
  return 'tab';
}

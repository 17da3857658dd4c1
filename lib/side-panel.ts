import { browser } from 'wxt/browser';
import { send } from './messages';

/**
 * Open the side panel next to the current page. Chrome only allows `sidePanel.open` inside a user gesture, so this
 * runs in the page that was clicked (the popup), not in the worker. Where there is no side panel UI (other
 * browsers, headless Chromium) the same view opens as a tab.
 */
export async function openSidePanel(view?: string): Promise<'panel' | 'tab'> {
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

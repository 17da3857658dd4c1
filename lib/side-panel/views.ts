import { browser } from 'wxt/browser';

/** The views the side panel page can show (`/sidepanel.html?view=<view>`). */
export const SIDE_PANEL_VIEWS = ['inventory', 'xur'] as const;
export type SidePanelView = (typeof SIDE_PANEL_VIEWS)[number];

/** The side panel page's URL, opening on `view` (the page reads `?view=`). */
export function sidePanelUrl(view?: SidePanelView): string {
  const url = browser.runtime.getURL('/sidepanel.html');
  return view ? `${url}?view=${encodeURIComponent(view)}` : url;
}

/** The part of Chrome's `sidePanel` API we use; absent in other browsers and in headless Chromium. */
export interface SidePanelApi {
  open(options: { windowId: number }): Promise<void>;
}

/** Chrome's side panel API, when this browser has one. */
export function sidePanelApi(): SidePanelApi | undefined {
  return (browser as unknown as { sidePanel?: SidePanelApi }).sidePanel;
}

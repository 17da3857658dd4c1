import * as v from 'valibot';
import { EMPTY, type PayloadSchemas } from '../messaging/schema-kit';
import { SIDE_PANEL_VIEWS, type SidePanelView } from './views';

/**
 * Page → worker messages for the side panel's view. The side panel's URL is fixed, so a view asked for by the popup
 * or a notification click waits in the worker until the panel takes it (pages never write storage themselves).
 */
export interface SidePanelMessages {
  /** The popup is about to open the side panel on `view`: keep it for the panel to take. */
  askSidePanelView: { req: { view: SidePanelView }; res: { ok: boolean } };
  /** The side panel page, once opened: the view asked for, if any (given once, then forgotten). */
  takeSidePanelView: { req: Record<string, never>; res: { view?: SidePanelView } };
}

/** What the worker accepts for each side panel message. */
export const sidePanelPayloads: PayloadSchemas<SidePanelMessages> = {
  askSidePanelView: v.object({ view: v.picklist(SIDE_PANEL_VIEWS) }),
  takeSidePanelView: EMPTY,
};

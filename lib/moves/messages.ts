/**
 * Page → worker messages for move/equip/lock plans, preview, undo. Each entry is `name: { req: …; res: … }`; joined into MessageMap in
 * lib/messages.ts. Keep payloads free of secrets: tokens never travel to pages.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MoveMessages {}

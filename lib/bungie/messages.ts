/**
 * Page → worker messages for sign-in, sign-out, accounts, user settings. Each entry is `name: { req: …; res: … }`; joined into MessageMap in
 * lib/messages.ts. Keep payloads free of secrets: tokens never travel to pages.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AuthMessages {}

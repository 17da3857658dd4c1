/** Why a Manifest update failed; decides the sentence and how long to wait before the next download. */
export type ManifestFailure =
  | 'maintenance'
  | 'unreachable'
  | 'download'
  /** No bytes arrived for the stall timeout (a hung connection). */
  | 'stalled'
  /** Declared (Content-Length) or actual size above the cap. */
  | 'too-large'
  | 'corrupt'
  | 'no-database'
  | 'missing-table'
  /** The content path is one we already found damaged or too large; Bungie has not published another yet. */
  | 'known-bad'
  /** sql.js (wasm) could not be loaded here: a local failure. */
  | 'sqljs'
  /** The browser refused to store more (QuotaExceededError): a local failure. */
  | 'quota';

/** An error of the Manifest pipeline carrying a sentence the options page and side panel show as is. */
export class ManifestError extends Error {
  readonly kind: ManifestFailure;
  readonly userMessage: string;

  constructor(kind: ManifestFailure, userMessage: string, detail?: string) {
    super(detail ? `${userMessage} (${detail})` : userMessage);
    this.name = 'ManifestError';
    this.kind = kind;
    this.userMessage = userMessage;
  }
}

/** Why a Manifest update failed; decides the sentence and whether a retry makes sense. */
export type ManifestFailure = 'maintenance' | 'unreachable' | 'download' | 'corrupt' | 'no-database' | 'missing-table';

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

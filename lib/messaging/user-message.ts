/**
 * Turn anything thrown into one sentence a player can read. Errors that already carry a user sentence
 * (`userMessage` property) keep it; everything else gets a generic, code-free sentence.
 */
export function userMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'userMessage' in error) {
    const text = (error as { userMessage: unknown }).userMessage;
    if (typeof text === 'string' && text) return text;
  }
  return 'Something went wrong inside Vault Raider. Try again; if it keeps happening, reload the extension.';
}

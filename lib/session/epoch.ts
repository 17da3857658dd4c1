/**
 * The session epoch: bumped when the user signs in, signs out or switches accounts. Work that started under one
 * epoch (a profile refresh, a move) checks it before every write of personal data and drops its result when it moved.
 */
let epoch = 0;

/** The current session epoch; compare a saved value with a later one to know the session ended. */
export function sessionEpoch(): number {
  return epoch;
}

/** The session ended or changed hands: everything in flight under the old epoch drops its writes. */
export function bumpEpoch(): void {
  epoch++;
}

/**
 * Which account the running job belongs to. The membership is read once when a job starts; before each Bungie call
 * only the session epoch is compared (no storage read), and only when it moved is the account read again: a job
 * whose account is no longer the selected one (sign-out, switch) stops before its next call.
 */
export interface JobAccountDeps {
  /** The selected account (`${membershipType}:${membershipId}`), undefined when signed out. */
  account?(): Promise<string | undefined>;
  /** Changes whenever the session may have changed; without it the account is read before every call. */
  sessionEpoch?(): unknown;
}

export function createJobAccount(deps: JobAccountDeps) {
  let account: string | undefined;
  let epoch: unknown;
  async function read(): Promise<{ account: string | undefined; epoch: unknown }> {
    const at = deps.sessionEpoch?.();
    return { account: deps.account ? await deps.account() : undefined, epoch: at };
  }
  return {
    /** Moves run without accounts (tests with a pretend Bungie): every job is the current account's. */
    tracked: Boolean(deps.account),
    /** The account of the running job. */
    get current(): string | undefined {
      return account;
    },
    /** Read the selected account now (with the epoch it was read under, for `begin`). */
    read,
    /** A job starts under this account. */
    begin(next: { account: string | undefined; epoch: unknown }) {
      account = next.account;
      epoch = next.epoch;
    },
    /** False once the user signed out or switched away from the running job's account. */
    async stillCurrent(): Promise<boolean> {
      if (!deps.account) return true;
      if (deps.sessionEpoch && deps.sessionEpoch() === epoch) return true;
      const now = await read();
      if (now.account !== account) return false;
      epoch = now.epoch;
      return true;
    },
  };
}

import type { HttpClient } from 'bungie-api-ts/http';
import { getBungieHttp, getSession, onSessionChange, sessionEpoch } from '../session/session';
import { getDb } from '../db/schema';
import type { HandlerSet } from '../messaging/messages';
import { profileService, type ProfileService } from '../profile/service';
import { createMoveExecutor, type MoveExecutor } from './executor';
import { dexieJournal, dexieStatus } from './journal';
import type { MoveMessages } from './messages';
import { createMoveDeps } from './step-calls';

export interface MoveService {
  executor: MoveExecutor;
  handlers: HandlerSet<MoveMessages>;
}

/**
 * Starts the worker's move queue on the worker's profile cache, journal and status line (Dexie), and resumes
 * whatever a stopped worker left in the journal (re-planned from a fresh profile, or reported with where each item
 * is). The membership is read once per job; before each call the executor only compares the session epoch, which
 * sign-in, sign-out and account switches bump at once and every other session change (an expiry) bumps here.
 */
export function startMoveService(profiles: ProfileService = profileService()): MoveService {
  let changes = 0;
  onSessionChange(() => changes++);
  const executor = createMoveExecutor({
    ...createMoveDeps({
      http: (async (config) => (await getBungieHttp()).http(config)) as HttpClient,
      async membership() {
        const session = await getSession();
        return session.signedIn && session.membership ? session.membership : undefined;
      },
      sessionEpoch: () => `${sessionEpoch()}:${changes}`,
      profiles,
    }),
    journal: dexieJournal(getDb),
    status: dexieStatus(getDb),
  });
  void executor.resume();
  return { executor, handlers: executor.handlers };
}

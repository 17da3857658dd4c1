import type { HttpClient } from 'bungie-api-ts/http';
import { getBungieHttp, getSession } from '../bungie/service';
import type { HandlerSet } from '../messages';
import { profileService, type ProfileService } from '../profile/service';
import { createMoveDeps } from './deps';
import { createMoveExecutor, type MoveExecutor } from './executor';
import type { MoveMessages } from './messages';

export interface MoveService {
  executor: MoveExecutor;
  handlers: HandlerSet<MoveMessages>;
}

/**
 * Starts the worker's move queue on the worker's profile cache and resumes whatever a stopped worker left in the
 * journal (re-planned from a fresh profile, or reported with where each item is).
 */
export function startMoveService(profiles: ProfileService = profileService()): MoveService {
  const executor = createMoveExecutor(
    createMoveDeps({
      http: (async (config) => (await getBungieHttp()).http(config)) as HttpClient,
      async membership() {
        const session = await getSession();
        return session.signedIn && session.membership ? session.membership : undefined;
      },
      profiles,
    }),
  );
  void executor.resume();
  return { executor, handlers: executor.handlers };
}

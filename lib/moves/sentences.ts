import type { Origin } from '../inventory/move-goals';
import type { MoveIntent } from '../inventory/plan-types';
import { ErrorCode, LocalCode, THROTTLE_CODES } from '../bungie/errors';
import { VAULT_ID, type InventoryItem, type InventoryModel } from '../inventory/types';
import { userMessage } from '../messaging/user-message';

export type { Origin } from '../inventory/move-goals';

/** The Bungie code of a failed call, when the error carries one (BungieError, or anything shaped like it). */
export function errorCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * Bungie: a call whose answer never came (timeout, dropped connection) may still have been applied, so the executor
 * waits a moment before reading the truth instead of assuming either outcome.
 */
export function answerMayBeLost(error: unknown): boolean {
  const code = errorCode(error);
  return code === LocalCode.Timeout || code === LocalCode.NetworkError;
}

/**
 * Failures after which planning again from a freshly fetched profile is not a blind retry and can still succeed:
 * the model was stale (1623 not found, 1642 no room, 1656 equipped, 1641 exotic clash) or Bungie had a passing
 * problem (5xx, timeouts, throttles, 1618/1643/1672). Activity (1671), maintenance (5) and sign-in problems stop.
 */
export function worthReplanning(error: unknown): boolean {
  const code = errorCode(error);
  if (code === undefined) return false;
  if (THROTTLE_CODES.has(code)) return true;
  const replannable: number[] = [
    ErrorCode.DestinyItemNotFound,
    ErrorCode.DestinyNoRoomInDestination,
    ErrorCode.DestinyCannotPerformActionOnEquippedItem,
    ErrorCode.DestinyItemUniqueEquipRestricted,
    ErrorCode.DestinyUnexpectedError,
    ErrorCode.DestinyServiceFailure,
    LocalCode.BungieTrouble,
    LocalCode.NetworkError,
    LocalCode.Timeout,
  ];
  return replannable.includes(code);
}

/** Where an item is, as a player would say it ("Ace of Spades is equipped on your Hunter"). */
export function describeLocation(model: InventoryModel, item: InventoryItem | undefined, name = 'The item'): string {
  if (!item) return `${name} is no longer in your inventory`;
  const store = model.stores.find((s) => s.id === item.owner);
  if (item.owner === VAULT_ID || !store) return `${item.name} is in your vault`;
  if (item.location === 'postmaster') return `${item.name} is in your ${store.name}'s postmaster`;
  if (item.equipped) return `${item.name} is equipped on your ${store.name}`;
  return `${item.name} is on your ${store.name}`;
}

/**
 * The sentence a finished move leaves in the status line: where the item is now ("Heritage is on your Titan."), or
 * the lock state; stacks (whose keys change as they merge) keep the plan's own summary.
 */
export function successSentence(model: InventoryModel, intent: MoveIntent, summary: string): string {
  const item = model.items[intent.itemKey];
  if (!item || !item.isInstanced) return summary;
  if (intent.kind === 'lock') return `${item.name} is ${intent.locked ? 'locked' : 'unlocked'}.`;
  return `${describeLocation(model, item)}.`;
}

function unmoved(item: InventoryItem | undefined, origin: Origin | undefined): boolean {
  return Boolean(item && origin && item.owner === origin.owner && item.equipped === origin.equipped);
}

/** "…is still on…" when the item never left, so the player knows nothing happened to it. */
function whereNow(model: InventoryModel, item: InventoryItem | undefined, origin: Origin | undefined, name: string) {
  const where = describeLocation(model, item, name);
  return unmoved(item, origin) ? where.replace(/ is /, ' is still ') : where;
}

/**
 * The one sentence a player reads when a move stops: what Bungie said, in words about moving items, and where the
 * item is now according to the freshly fetched profile (or that the profile could not be read).
 * `model` is undefined when the reconcile failed too.
 */
export function failureSentence(
  error: unknown,
  model: InventoryModel | undefined,
  item: InventoryItem | undefined,
  origin: Origin | undefined,
  name: string,
): string {
  const code = errorCode(error);
  const where = model ? whereNow(model, item, origin, name) : `refresh to see where ${name} is now`;
  const lead = ((): string => {
    if (code !== undefined && THROTTLE_CODES.has(code)) {
      return 'Bungie asked Vault Raider to slow down, so the move stopped';
    }
    switch (code) {
      case ErrorCode.DestinyCannotPerformActionAtThisLocation:
        return "Bungie says you are in an activity that doesn't allow moving items";
      case ErrorCode.SystemDisabled:
        return 'Bungie.net is down for maintenance, so the move stopped';
      case ErrorCode.DestinyNoRoomInDestination:
        return `There was no room where ${name} was going, even after planning again`;
      case ErrorCode.DestinyCannotPerformActionOnEquippedItem:
        return `${name} is equipped and nothing could take its place`;
      case ErrorCode.DestinyItemNotFound:
        return `${name} was not where Vault Raider expected (it may have moved in game)`;
      case ErrorCode.DestinyItemUniqueEquipRestricted:
        return 'Only one exotic weapon and one exotic armor piece can be equipped at a time';
      case ErrorCode.DestinyItemUnequippable:
        return `${name} can't be equipped on that character right now`;
      case ErrorCode.DestinyItemNotTransferrable:
        return `${name} can't be transferred`;
      case LocalCode.Timeout:
      case LocalCode.NetworkError:
        return 'Bungie.net did not answer, so the move stopped';
      case LocalCode.BungieTrouble:
      case ErrorCode.DestinyUnexpectedError:
      case ErrorCode.DestinyServiceFailure:
        return 'Bungie is having trouble right now, so the move stopped';
      default:
        return userMessage(error).replace(/[.!]\s*$/, '');
    }
  })();
  return `${lead}; ${where}.`;
}

import { describe, expect, it } from 'vitest';
import { BungieError, ErrorCode, LocalCode } from '@/lib/bungie/errors';
import { VAULT_ID, type InventoryItem } from '@/lib/inventory/types';
import { failureSentence, successSentence, worthReplanning } from '@/lib/moves/sentences';
import { loadFixtureModel } from '../inventory/fixtures';

const model = loadFixtureModel();
const hunter = model.stores.find((s) => s.name === 'Hunter')!;
const onHunter = Object.values(model.items).find(
  (i) => i.owner === hunter.id && i.location === 'inventory' && i.isWeapon,
)!;
const origin = { owner: hunter.id, equipped: false, name: onHunter.name };
const still = `${onHunter.name} is still on your Hunter.`;

describe('failure sentences', () => {
  it.each([
    [
      ErrorCode.DestinyCannotPerformActionAtThisLocation,
      `Bungie says you are in an activity that doesn't allow moving items; ${still}`,
      false,
    ],
    [ErrorCode.SystemDisabled, `Bungie.net is down for maintenance, so the move stopped; ${still}`, false],
    [ErrorCode.ThrottleLimitExceeded, `Bungie asked Vault Raider to slow down, so the move stopped; ${still}`, true],
    [
      ErrorCode.PerEndpointRequestThrottleExceeded,
      `Bungie asked Vault Raider to slow down, so the move stopped; ${still}`,
      true,
    ],
    [
      ErrorCode.DestinyNoRoomInDestination,
      `There was no room where ${onHunter.name} was going, even after planning again; ${still}`,
      true,
    ],
    [
      ErrorCode.DestinyCannotPerformActionOnEquippedItem,
      `${onHunter.name} is equipped and nothing could take its place; ${still}`,
      true,
    ],
    [
      ErrorCode.DestinyItemNotFound,
      `${onHunter.name} was not where Vault Raider expected (it may have moved in game); ${still}`,
      true,
    ],
    [
      ErrorCode.DestinyItemUniqueEquipRestricted,
      `Only one exotic weapon and one exotic armor piece can be equipped at a time; ${still}`,
      true,
    ],
    [LocalCode.Timeout, `Bungie.net did not answer, so the move stopped; ${still}`, true],
    [LocalCode.BungieTrouble, `Bungie is having trouble right now, so the move stopped; ${still}`, true],
  ])('code %i', (code, sentence, replan) => {
    const error = new BungieError({ code });
    expect(failureSentence(error, model, onHunter, origin, onHunter.name)).toBe(sentence);
    expect(worthReplanning(error)).toBe(replan);
  });

  it('says where a moved item is now, and what to do when the profile could not be read', () => {
    const error = new BungieError({ code: ErrorCode.DestinyCannotPerformActionAtThisLocation });
    const inVault = { ...onHunter, owner: VAULT_ID, location: 'vault' as const };
    expect(failureSentence(error, model, inVault, origin, onHunter.name)).toMatch(/; .* is in your vault\.$/);
    expect(failureSentence(error, undefined, undefined, origin, onHunter.name)).toBe(
      `Bungie says you are in an activity that doesn't allow moving items; refresh to see where ${onHunter.name} is now.`,
    );
  });
});

describe('successSentence', () => {
  const model = loadFixtureModel();
  const items = Object.values(model.items);
  it.each([
    [
      'a weapon sent to the vault',
      (i: InventoryItem) => i.isWeapon && i.owner === VAULT_ID,
      'move',
      /is in your vault\.$/,
    ],
    [
      'an equipped item',
      (i: InventoryItem) => i.equipped && i.isArmor,
      'equip',
      /is equipped on your (Hunter|Titan|Warlock)\.$/,
    ],
    ['a lock', (i: InventoryItem) => i.lockable && i.isInstanced, 'lock', /is locked\.$/],
  ] as const)('says where the item is after %s', (_name, pick, kind, expected) => {
    const item = items.find(pick)!;
    const intent =
      kind === 'lock'
        ? { kind, itemKey: item.key, locked: true }
        : kind === 'equip'
          ? { kind, itemKey: item.key, characterId: item.owner }
          : { kind, itemKey: item.key, to: item.owner };
    expect(successSentence(model, intent, 'summary')).toMatch(expected);
  });

  it('keeps the plan summary for stacks (their keys change as they merge)', () => {
    const stack = items.find((i) => !i.isInstanced)!;
    expect(successSentence(model, { kind: 'move', itemKey: stack.key, to: VAULT_ID }, 'Moved 3 Glimmer.')).toBe(
      'Moved 3 Glimmer.',
    );
  });
});

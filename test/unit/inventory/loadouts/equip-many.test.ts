import { expect, it } from 'vitest';
import { applyStep } from '@/lib/inventory/apply-step';
import type { EquipManyStep } from '@/lib/inventory/plan-types';
import { BUCKETS, VAULT_ID } from '@/lib/inventory/types';
import { HUNTER, invariantViolations, tinyModel } from '../plan-test-kit';

const model = tinyModel({
  items: [
    { key: 'exo-helm', at: HUNTER, bucket: BUCKETS.Helmet, exotic: 'armor', equipped: true },
    { key: 'plain-helm', at: HUNTER, bucket: BUCKETS.Helmet },
    { key: 'old-chest', at: HUNTER, bucket: BUCKETS.Chest, equipped: true },
    { key: 'exo-chest', at: HUNTER, bucket: BUCKETS.Chest, exotic: 'armor' },
    { key: 'titan-chest', at: HUNTER, bucket: BUCKETS.Chest, classType: 0 },
    { key: 'vault-gun', at: VAULT_ID },
  ],
});

function batch(...keys: string[]): EquipManyStep {
  return {
    action: 'equipMany',
    characterId: HUNTER,
    items: keys.map((k) => ({ itemKey: k, itemInstanceId: k })),
    label: 'equipping',
  };
}

it('equips every item of an EquipItems call, in order, like single equips', () => {
  const after = applyStep(model, batch('plain-helm', 'exo-chest'));
  expect(after.items['plain-helm'].equipped).toBe(true);
  expect(after.items['exo-chest'].equipped).toBe(true);
  expect(after.items['exo-helm']).toMatchObject({ equipped: false, location: 'inventory' });
  expect(after.stores[0].buckets[BUCKETS.Chest][0]).toBe('exo-chest');
  expect(invariantViolations(model, after)).toEqual([]);
  expect(model.items['exo-chest'].equipped).toBe(false);
});

it('refuses an exotic whose unique label is still worn at its turn (Bungie 1641): order matters', () => {
  expect(() => applyStep(model, batch('exo-chest', 'plain-helm'))).toThrow(/clashes with equipped exo-helm/);
});

it('refuses gear of another class (Bungie 1640) and items not on the character', () => {
  expect(() => applyStep(model, batch('titan-chest'))).toThrow(/not for Hunter/);
  expect(() => applyStep(model, batch('vault-gun'))).toThrow(/is not in hunter-1's/);
  expect(() => applyStep(model, { ...batch('plain-helm'), characterId: VAULT_ID })).toThrow(/no character/);
});

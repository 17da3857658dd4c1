/**
 * Shapes shared by the move planner (plan-moves.ts), the step applier (apply-step.ts) and the worker's executor.
 * A plan is a list of Bungie item calls; each step names exactly what the call needs and a label for the UI.
 */

/** What the user asked for. `to` and `characterId` are characterIds or VAULT_ID. */
export type MoveIntent =
  | { kind: 'move'; itemKey: string; to: string; amount?: number }
  | { kind: 'equip'; itemKey: string; characterId: string }
  | { kind: 'pull'; itemKey: string }
  | { kind: 'lock'; itemKey: string; locked: boolean };

/**
 * One Bungie call. `characterId` is the one the endpoint needs: TransferItem to the vault names the source
 * character, from the vault the receiving character; account-wide items (consumables, mods) name any character.
 */
export type PlanStep =
  | {
      action: 'transfer';
      itemKey: string;
      itemHash: number;
      itemInstanceId?: string;
      characterId: string;
      toVault: boolean;
      amount: number;
      label: string;
    }
  | { action: 'equip'; itemKey: string; itemInstanceId: string; characterId: string; label: string }
  | {
      action: 'pull';
      itemKey: string;
      itemHash: number;
      itemInstanceId?: string;
      characterId: string;
      amount: number;
      label: string;
    }
  | { action: 'lock'; itemKey: string; itemInstanceId: string; characterId: string; locked: boolean; label: string };

/**
 * One EquipItems call (Bungie: `Actions/Items/EquipItems`, ≥ 0.1 s after the previous item action): several items,
 * all already in their bucket on `characterId`, equipped in the listed order. Bungie equips them one after the other,
 * so a replacement that frees an exotic's unique label must come before the exotic that takes it. Loadout plans
 * (lib/inventory/loadouts/plan.ts) emit it; the move executor runs it (lib/moves/step-calls.ts) and patches the cache
 * only with the items Bungie's answer reports equipped.
 */
export interface EquipManyStep {
  action: 'equipMany';
  characterId: string;
  items: { itemKey: string; itemInstanceId: string }[];
  label: string;
}

/** Any step a plan may hold: the single-item calls of a move, or a loadout's EquipItems. */
export type ItemStep = PlanStep | EquipManyStep;

export type PlanResult = { ok: true; steps: PlanStep[]; summary: string } | { ok: false; reason: string };

export interface PlanOptions {
  /**
   * Items the user moved recently (earlier plans in the queue). They are never chosen to make room, so a bulk
   * move does not undo itself.
   */
  protectedKeys?: readonly string[];
}

import { applyStep } from '../inventory/apply-step';
import type { ItemStep } from '../inventory/plan-types';
import type { InventoryModel } from '../inventory/types';

type Patch = (update: (m: InventoryModel) => InventoryModel, account?: string) => Promise<unknown>;

/**
 * Patches of the cached model trail the Bungie calls: while one is being written, the next call is already on its
 * way (a patch rewrites the whole cached row, which can take longer than Bungie's 0.1 s between calls). Steps queued
 * meanwhile are written together, per account. A failed write (the cache changed under us, e.g. a refresh landed
 * mid-plan) is remembered: the calls succeeded, only the picture is off, and the executor reconciles.
 */
export function createPatchTrail(patch: Patch, halted: () => boolean) {
  const pending: { step: ItemStep; account?: string }[] = [];
  let writing: Promise<void> | undefined;
  let failed = false;

  async function flush() {
    while (pending.length && !halted()) {
      const account = pending[0].account;
      const n = pending.findIndex((p) => p.account !== account);
      const batch = pending.splice(0, n < 0 ? pending.length : n).map((p) => p.step);
      try {
        await patch((m) => batch.reduce(applyStep, m), account);
      } catch {
        failed = true;
      }
    }
  }

  /** True (once) when a write failed since the last call. */
  function takeFailure(): boolean {
    const was = failed;
    failed = false;
    return was;
  }

  return {
    /** Queue the effect of a step that succeeded for `account`. */
    add(step: ItemStep, account?: string) {
      pending.push({ step, account });
      writing ??= flush().finally(() => (writing = undefined));
    },
    /** Wait until every queued step is written; true when some write failed (the caller reconciles). */
    async settled(): Promise<boolean> {
      while (writing) await writing;
      return takeFailure();
    },
    takeFailure,
  };
}

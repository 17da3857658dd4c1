import type { ItemAnnotation, ItemHashTag, Loadout, TagValue } from '@destinyitemmanager/dim-api-types';
import { membershipKey, type MembershipRef } from '../bungie/protocol';
import { getDb, type AnnotationRow, type ItemHashTagRow, type LoadoutRow, type VaultRaiderDB } from '../db/schema';
import {
  exportDimBackup,
  loadoutToDimJson,
  loadoutToDimLink,
  loadoutToText,
  MAX_NOTES_CHARS,
  parseDimBackup,
  parseDimLoadout,
  type AnnotationsById,
  type ItemHashTagsByHash,
} from '../interop/dim-backup';
import {
  duplicateLoadout,
  loadoutFromEquipped,
  renameLoadout,
  setLoadoutClass,
  setLoadoutNotes,
} from '../inventory/loadouts/loadout';
import { socketSourceFromDefinitions } from '../inventory/loadouts/sockets';
import { GAME_BUCKET_ORDER } from '../inventory/model';
import { findStore } from '../inventory/plan-capacity';
import type { InventoryModel } from '../inventory/types';
import { getAllDefinitions, getDefinitions } from '../manifest/lookup';
import type { BucketDef, ItemDef } from '../manifest/types';
import type { ProfileService } from '../profile/service';
import { getSession, sessionEpoch } from '../session/session';
import type { HandlerSet } from '../messaging/messages';
import type { ImportSummary, LoadoutMessages } from './messages';

/**
 * The worker's loadouts, tags and notes (issue 14 item 1 and 5, issue 15 item 1): the only writer of the Dexie tables
 * `loadouts`, `annotations` and `itemHashTags`, each row filed under the signed-in account's membership key. Every
 * write checks the session epoch inside its transaction: a sign-out or account switch that lands meanwhile aborts
 * it, so nothing of the old session is written after the wipe. Pages read through lib/loadouts/live.ts.
 */

export interface LoadoutServiceDeps {
  /** The selected Destiny membership, or undefined when signed out. */
  currentMembership(): Promise<MembershipRef | undefined>;
  /** The account's cached inventory model (lib/profile/service.ts), if one was built. */
  cachedModel(key: string): Promise<InventoryModel | undefined>;
  /** Item definitions (the active Manifest's) for these hashes: where armor mods sit, which plugs are empty. */
  itemDefinitions(hashes: number[]): Promise<Map<number, ItemDef>>;
  /** The active Manifest's buckets (slot names for a shared loadout's text). */
  bucketDefinitions(): Promise<Map<number, BucketDef>>;
  /** The session epoch (lib/session/epoch.ts). */
  epoch(): number;
  now?: () => number;
  /** A new loadout id (a UUID, as DIM uses). */
  newId?: () => string;
  db?: () => VaultRaiderDB;
}

/** A failure with a sentence for the player; the router replies with it. */
export class LoadoutError extends Error {
  constructor(readonly userMessage: string) {
    super(userMessage);
  }
}

const SIGNED_OUT = 'Sign in to keep loadouts, tags and notes.';
const SESSION_ENDED = 'You signed out or switched accounts meanwhile, so nothing was saved.';
const NOT_FOUND = 'That loadout is no longer saved on this account.';

/** Undo loadouts (`undo-<characterId>`) are Vault Raider's own; a DIM export leaves them out. */
function isUndoLoadout(id: string): boolean {
  return id.startsWith('undo-');
}

function annotationOf(row: AnnotationRow): ItemAnnotation {
  const { account: _account, instanceId, ...rest } = row;
  return { id: instanceId, ...rest };
}

function itemHashTagOf(row: ItemHashTagRow): ItemHashTag {
  const { account: _account, ...rest } = row;
  return rest;
}

/** A row without its absent fields (DIM writes null for "no tag"; a stored row leaves the field out). */
function withoutEmpty<T extends object>(row: { [K in keyof T]: T[K] | null }): T {
  return Object.fromEntries(Object.entries(row).filter(([, x]) => x !== undefined && x !== null)) as T;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export function createLoadoutService(deps: LoadoutServiceDeps) {
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const db = deps.db ?? getDb;

  /** The signed-in account and the epoch this request runs under; refuses when signed out. */
  async function session(): Promise<{ key: string; membership: MembershipRef; ended: () => boolean }> {
    const epoch = deps.epoch();
    const membership = await deps.currentMembership();
    if (!membership || deps.epoch() !== epoch) throw new LoadoutError(SIGNED_OUT);
    return { key: membershipKey(membership), membership, ended: () => deps.epoch() !== epoch };
  }

  /** Throws (aborting the transaction around it) when the session ended since the request started. */
  function stillOurs(ended: () => boolean): void {
    if (ended()) throw new LoadoutError(SESSION_ENDED);
  }

  async function accountLoadouts(key: string): Promise<Loadout[]> {
    const rows = await db().loadouts.where('account').equals(key).toArray();
    return rows.map((r) => r.loadout).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  async function ownRow(key: string, id: string): Promise<LoadoutRow> {
    const row = await db().loadouts.get(id);
    if (!row || row.account !== key) throw new LoadoutError(NOT_FOUND);
    return row;
  }

  /** Store `loadout` under the account (stamping DIM's times), within the session it started in. */
  async function store(key: string, ended: () => boolean, loadout: Loadout): Promise<Loadout> {
    const d = db();
    return d.transaction('rw', d.loadouts, async () => {
      stillOurs(ended);
      const existing = await d.loadouts.get(loadout.id);
      if (existing && existing.account !== key) {
        throw new LoadoutError('That loadout belongs to another Destiny account, so it was not changed.');
      }
      const at = now();
      const saved: Loadout = { ...loadout, createdAt: existing?.loadout.createdAt ?? loadout.createdAt ?? at };
      saved.lastUpdatedAt = at;
      await d.loadouts.put({ id: saved.id, account: key, classType: saved.classType, loadout: saved });
      return saved;
    });
  }

  /** Checks a page's loadout as a player's edit: DIM's shape, then our name, notes and class rules. */
  async function validated(key: string, loadout: Loadout): Promise<Loadout> {
    // Our own limits first (their sentences name the field); then DIM's shape, for what the frame let through.
    let edit = renameLoadout(loadout, loadout.name);
    if (edit.ok) edit = setLoadoutNotes(edit.loadout, loadout.notes ?? '');
    if (!edit.ok) throw new LoadoutError(edit.reason);
    const shape = parseDimLoadout(JSON.stringify(edit.loadout));
    if (!shape.ok) {
      // The parser speaks of importing; here the player is saving.
      throw new LoadoutError(
        shape.error
          .replace(/^This DIM loadout cannot be imported/, 'This loadout cannot be saved')
          .replace(/Nothing was imported\.$/, 'Nothing was saved.'),
      );
    }
    const model = await deps.cachedModel(key);
    edit = { ok: true, loadout: { ...shape.loadout, id: loadout.id } };
    if (model) edit = setLoadoutClass(edit.loadout, loadout.classType, model);
    if (!edit.ok) throw new LoadoutError(edit.reason);
    return edit.loadout;
  }

  async function createFromEquipped(characterId: string, name?: string): Promise<Loadout> {
    const { key, ended } = await session();
    const model = await deps.cachedModel(key);
    if (!model) throw new LoadoutError('Your inventory has not loaded yet; try again in a moment.');
    // The equipped gear and its plugs: the definitions say which sockets hold armor mods and which plugs are empty.
    const hashes = new Set<number>();
    const character = findStore(model, characterId);
    if (character) {
      for (const keys of Object.values(character.buckets)) {
        for (const itemKey of keys) {
          const item = model.items[itemKey];
          if (!item?.equipped) continue;
          hashes.add(item.itemHash);
          for (const socket of item.sockets ?? []) if (socket.plugHash) hashes.add(socket.plugHash);
        }
      }
    }
    const defs = hashes.size > 0 ? await deps.itemDefinitions([...hashes]) : new Map<number, ItemDef>();
    const made = loadoutFromEquipped(model, characterId, {
      id: newId(),
      ...(name !== undefined ? { name } : {}),
      ...(defs.size > 0 ? { sockets: socketSourceFromDefinitions((h) => defs.get(h)) } : {}),
    });
    if (!made.ok) throw new LoadoutError(made.reason);
    return store(key, ended, made.loadout);
  }

  async function importBackup(text: string): Promise<ImportSummary> {
    const { key, membership, ended } = await session();
    const parsed = parseDimBackup(text, { platformMembershipId: membership.membershipId });
    if (!parsed.ok) throw new LoadoutError(parsed.error);
    const { backup } = parsed;
    const d = db();
    const counts = await d.transaction('rw', d.loadouts, d.annotations, d.itemHashTags, async () => {
      stillOurs(ended);
      // A loadout id another account already uses (the same file imported there) gets a fresh id here.
      const existing = await d.loadouts.bulkGet(backup.loadouts.map((l) => l.id));
      const rows: LoadoutRow[] = backup.loadouts.map((loadout, i) => {
        const taken = existing[i] && existing[i].account !== key;
        const kept = taken ? { ...loadout, id: newId() } : loadout;
        return { id: kept.id, account: key, classType: kept.classType, loadout: kept };
      });
      await d.loadouts.bulkPut(rows);
      stillOurs(ended);
      const annotations: AnnotationRow[] = Object.values(backup.annotations).map((a) =>
        withoutEmpty({
          account: key,
          instanceId: a.id,
          tag: a.tag,
          notes: a.notes,
          v: a.v,
          craftedDate: a.craftedDate,
        }),
      );
      await d.annotations.bulkPut(annotations);
      stillOurs(ended);
      const hashTags: ItemHashTagRow[] = Object.values(backup.itemHashTags).map((t) =>
        withoutEmpty({ account: key, hash: t.hash, tag: t.tag, notes: t.notes, v: t.v }),
      );
      await d.itemHashTags.bulkPut(hashTags);
      stillOurs(ended);
      return {
        loadouts: rows.length,
        tags: annotations.filter((a) => a.tag).length,
        notes: annotations.filter((a) => a.notes).length,
        itemHashTags: hashTags.length,
      };
    });
    const parts = [plural(counts.loadouts, 'loadout'), plural(counts.tags, 'tag'), plural(counts.notes, 'note')];
    const summary = `Imported ${parts.slice(0, -1).join(', ')} and ${parts.at(-1)} from DIM.`;
    return { ...counts, problems: backup.problems, summary };
  }

  async function exportBackup(): Promise<LoadoutMessages['exportDimBackup']['res']> {
    const { key, membership } = await session();
    const d = db();
    const [loadouts, annotationRows, hashRows] = await Promise.all([
      accountLoadouts(key),
      d.annotations.where('[account+instanceId]').between([key, ''], [key, '\uffff']).toArray(),
      d.itemHashTags.where('[account+hash]').between([key, -Infinity], [key, Infinity]).toArray(),
    ]);
    const kept = loadouts.filter((l) => !isUndoLoadout(l.id));
    const annotations: AnnotationsById = Object.fromEntries(annotationRows.map((r) => [r.instanceId, annotationOf(r)]));
    const itemHashTags: ItemHashTagsByHash = Object.fromEntries(hashRows.map((r) => [r.hash, itemHashTagOf(r)]));
    const text = exportDimBackup({
      platformMembershipId: membership.membershipId,
      loadouts: kept,
      annotations,
      itemHashTags,
    });
    return {
      text,
      loadouts: kept.length,
      tags: annotationRows.filter((r) => r.tag).length,
      notes: annotationRows.filter((r) => r.notes).length,
    };
  }

  async function share(id: string): Promise<LoadoutMessages['shareLoadout']['res']> {
    const { key } = await session();
    const { loadout } = await ownRow(key, id);
    const hashes = [...loadout.equipped, ...loadout.unequipped].map((e) => e.hash);
    hashes.push(...(loadout.parameters?.mods ?? []));
    const [items, buckets] = await Promise.all([deps.itemDefinitions([...new Set(hashes)]), deps.bucketDefinitions()]);
    const text = loadoutToText(loadout, (hash) => {
      const def = items.get(hash);
      if (!def) return undefined;
      const bucket = buckets.get(def.bucketTypeHash);
      const order = GAME_BUCKET_ORDER.indexOf(def.bucketTypeHash);
      return {
        name: def.name,
        ...(bucket?.name ? { slot: bucket.name } : {}),
        ...(order >= 0 ? { slotOrder: order } : {}),
      };
    });
    return { json: loadoutToDimJson(loadout), link: loadoutToDimLink(loadout), text };
  }

  /** Change the tag and/or notes of some items; an item left with neither loses its row. */
  async function annotate(
    instanceIds: readonly string[],
    change: { tag?: TagValue | null; notes?: string },
  ): Promise<number> {
    const { key, ended } = await session();
    const d = db();
    const ids = [...new Set(instanceIds)];
    return d.transaction('rw', d.annotations, async () => {
      stillOurs(ended);
      const current = await d.annotations.bulkGet(ids.map((id) => [key, id] as [string, string]));
      const puts: AnnotationRow[] = [];
      const deletes: [string, string][] = [];
      let changed = 0;
      ids.forEach((instanceId, i) => {
        const next: AnnotationRow = { ...(current[i] ?? { account: key, instanceId }) };
        if (change.tag !== undefined) {
          if (change.tag === null) {
            delete next.tag;
            delete next.v;
          } else next.tag = change.tag;
        }
        if (change.notes !== undefined) {
          if (change.notes.trim()) next.notes = change.notes;
          else delete next.notes;
        }
        if (next.tag === current[i]?.tag && next.notes === current[i]?.notes) return;
        changed++;
        if (next.tag || next.notes) puts.push(next);
        else deletes.push([key, instanceId]);
      });
      await d.annotations.bulkPut(puts);
      await d.annotations.bulkDelete(deletes);
      stillOurs(ended);
      return changed;
    });
  }

  const handlers: HandlerSet<LoadoutMessages> = {
    async listLoadouts() {
      const membership = await deps.currentMembership();
      return { loadouts: membership ? await accountLoadouts(membershipKey(membership)) : [] };
    },
    async createLoadoutFromEquipped({ characterId, name }) {
      return { loadout: await createFromEquipped(characterId, name) };
    },
    async saveLoadout({ loadout }) {
      const { key, ended } = await session();
      return { loadout: await store(key, ended, await validated(key, loadout)) };
    },
    async duplicateLoadout({ id, name }) {
      const { key, ended } = await session();
      const row = await ownRow(key, id);
      const copy = duplicateLoadout(row.loadout, newId(), name);
      const checked = renameLoadout(copy, copy.name);
      if (!checked.ok) throw new LoadoutError(checked.reason);
      return { loadout: await store(key, ended, checked.loadout) };
    },
    async deleteLoadout({ id }) {
      const { key, ended } = await session();
      const d = db();
      const deleted = await d.transaction('rw', d.loadouts, async () => {
        stillOurs(ended);
        const row = await d.loadouts.get(id);
        if (!row || row.account !== key) return false;
        await d.loadouts.delete(id);
        return true;
      });
      return { deleted };
    },
    importDimBackup: ({ text }) => importBackup(text),
    exportDimBackup: () => exportBackup(),
    shareLoadout: ({ id }) => share(id),
    async setTag({ instanceId, tag }) {
      await annotate([instanceId], { tag });
      return { instanceId, tag };
    },
    async setNote({ instanceId, notes }) {
      if (notes.length > MAX_NOTES_CHARS) {
        throw new LoadoutError(
          `Item notes can be at most ${MAX_NOTES_CHARS.toLocaleString('en-US')} characters long, so they were not saved.`,
        );
      }
      await annotate([instanceId], { notes });
      return { instanceId, notes: notes.trim() ? notes : '' };
    },
    async setTags({ instanceIds, tag }) {
      return { changed: await annotate(instanceIds, { tag }) };
    },
  };

  return { handlers };
}

export type LoadoutService = ReturnType<typeof createLoadoutService>;

/**
 * The worker's loadout service with its real dependencies: the session's selected account and epoch, the profile
 * service's cached model, and item definitions from the active Manifest.
 */
export function startLoadoutService(profiles: ProfileService): LoadoutService {
  return createLoadoutService({
    async currentMembership() {
      const session = await getSession();
      return session.signedIn && session.membership ? session.membership : undefined;
    },
    cachedModel: async (key) => (await profiles.cached(key))?.model,
    itemDefinitions: (hashes) => getDefinitions('InventoryItem', hashes),
    bucketDefinitions: () => getAllDefinitions('InventoryBucket'),
    epoch: sessionEpoch,
  });
}

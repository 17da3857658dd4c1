/**
 * The game's item rules, applied to the captured profile. Every refusal answers with the ErrorCode Bungie uses
 * (docs/field-notes.md "Capacities and game rules", fixtures/bungie/responses/errors.from-issues.json).
 */
import { BungieError } from './envelopes';
import type { BucketDef, ItemDef, ManifestTree } from './fixtures';
import type { LoadoutSlot } from './loadouts';
import type { CapturedProfile, ItemComponent } from './profile';

export const VAULT_BUCKET = 138197802;
export const POSTMASTER_BUCKET = 215593132;
const EQUIPPABLE_CATEGORY = 3;
const ACCOUNT_SCOPE = 1;
const LOCATION_INVENTORY = 1;
const LOCATION_VAULT = 2;
const STATE_LOCKED = 1;
const TRANSFER_EQUIPPED = 1;

/** One item as the state view reports it. */
export interface StateItem {
  itemHash: number;
  itemInstanceId?: string;
  quantity: number;
  bucketHash: number;
  location: number;
  /** 'vault' for the General bucket, 'profile' for other account-wide buckets, else the character id. */
  owner: string;
  equipped: boolean;
  locked: boolean;
}

export interface EmulatorState {
  membershipType: number;
  membershipId: string;
  vaultCapacity: number;
  profileInventory: ItemComponent[];
  characters: Record<string, { classType: number; inventory: ItemComponent[]; equipment: ItemComponent[] }>;
  items: StateItem[];
  /** In-game loadout slots per character (component 206's `loadouts`), see loadouts.ts. */
  loadouts: Record<string, LoadoutSlot[]>;
}

export interface ItemRequest {
  itemId?: string | number;
  itemReferenceHash?: number;
  stackSize?: number;
  transferToVault?: boolean;
  characterId?: string | number;
  membershipType?: number;
  itemIds?: (string | number)[];
  state?: boolean;
}

interface Located {
  list: ItemComponent[];
  item: ItemComponent;
  where: 'profile' | 'inventory' | 'equipment';
  characterId?: string;
}

interface Destination {
  list: ItemComponent[];
  bucketHash: number;
  location: number;
  capacity: number;
  used: number;
}

function idOf(value: string | number | undefined): string {
  return value === undefined || value === null ? '' : String(value);
}

export class Inventory {
  /** Characters whose player is in an activity: equipping is refused there (1671). */
  private inActivity = new Set<string>();
  vaultCapacityOverride: number | null = null;

  constructor(
    readonly profile: CapturedProfile,
    private readonly manifest: () => ManifestTree,
  ) {}

  get membershipType(): number {
    return Object.values(this.profile.characters.data ?? {})[0]?.membershipType ?? 0;
  }

  get membershipId(): string {
    return Object.values(this.profile.characters.data ?? {})[0]?.membershipId ?? '';
  }

  characterIds(): string[] {
    return Object.keys(this.profile.characters.data ?? {});
  }

  /** Bungie: the vault holds the General bucket's itemCount (1300 in the 2026 definitions, 700 in 2024). */
  vaultCapacity(): number {
    return this.vaultCapacityOverride ?? this.bucket(VAULT_BUCKET)?.itemCount ?? 0;
  }

  setInActivity(characterId: string | null): void {
    this.inActivity.clear();
    if (characterId) this.inActivity.add(characterId);
  }

  isInActivity(characterId: string): boolean {
    return this.inActivity.has(characterId);
  }

  /** The character's equipped items, in the capture's order (read-only use). */
  equippedItems(characterId: string): readonly ItemComponent[] {
    return this.equipmentOf(characterId);
  }

  /** The plug in each socket of an instance (component 305), undefined where a socket holds none. */
  socketPlugs(instanceId: string): (number | undefined)[] {
    return this.socketsOf(instanceId)?.map((s) => s.plugHash) ?? [];
  }

  /** Puts plugs into an instance's sockets by index; `skip` marks an index to leave as it is. */
  insertPlugs(instanceId: string, plugs: readonly number[], skip: number): void {
    const sockets = this.socketsOf(instanceId);
    if (!sockets) return;
    plugs.forEach((plug, index) => {
      if (plug !== skip && sockets[index]) sockets[index].plugHash = plug;
    });
  }

  private socketsOf(instanceId: string): { plugHash?: number }[] | undefined {
    const data = this.profile.itemComponents.sockets?.data as
      Record<string, { sockets: { plugHash?: number }[] }> | undefined;
    return data?.[instanceId]?.sockets;
  }

  /** Whether the character holds the instance: equipped or in its inventory (the postmaster does not count). */
  holds(characterId: string, instanceId: string): boolean {
    return (
      this.equipmentOf(characterId).some((i) => i.itemInstanceId === instanceId) ||
      this.inventoryOf(characterId).some((i) => i.itemInstanceId === instanceId && i.bucketHash !== POSTMASTER_BUCKET)
    );
  }

  private get profileItems(): ItemComponent[] {
    return this.profile.profileInventory.data!.items;
  }

  private inventoryOf(characterId: string): ItemComponent[] {
    return this.profile.characterInventories.data![characterId].items;
  }

  private equipmentOf(characterId: string): ItemComponent[] {
    return this.profile.characterEquipment.data![characterId].items;
  }

  private bucket(hash: number): BucketDef | undefined {
    return this.manifest().buckets.get(hash);
  }

  private def(hash: number): ItemDef | undefined {
    return this.manifest().items.get(hash);
  }

  /** The membership and character checks every character action starts with (1601, then 1620). */
  checkRequest(req: ItemRequest): string {
    if (req.membershipType !== this.membershipType) throw new BungieError(1601, { actionResponse: true });
    const characterId = idOf(req.characterId);
    if (!this.profile.characters.data?.[characterId]) throw new BungieError(1620, { actionResponse: true });
    return characterId;
  }

  private locateInstance(instanceId: string): Located | undefined {
    const hit = (list: ItemComponent[], where: Located['where'], characterId?: string) => {
      const item = list.find((i) => i.itemInstanceId === instanceId);
      return item ? { list, item, where, characterId } : undefined;
    };
    const inProfile = hit(this.profileItems, 'profile');
    if (inProfile) return inProfile;
    for (const characterId of this.characterIds()) {
      const found =
        hit(this.equipmentOf(characterId), 'equipment', characterId) ??
        hit(this.inventoryOf(characterId), 'inventory', characterId);
      if (found) return found;
    }
    return undefined;
  }

  /** Finds the item a request names inside one list: by instance id, or by hash for uninstanced stacks. */
  private pick(
    list: ItemComponent[],
    req: ItemRequest,
    accept: (i: ItemComponent) => boolean,
  ): ItemComponent | undefined {
    const instanceId = idOf(req.itemId);
    if (instanceId && instanceId !== '0') return list.find((i) => i.itemInstanceId === instanceId && accept(i));
    return list.find((i) => !i.itemInstanceId && i.itemHash === req.itemReferenceHash && accept(i));
  }

  private notFound(): BungieError {
    return new BungieError(1623, { actionResponse: true });
  }

  private requireTransferable(item: ItemComponent): ItemDef {
    const def = this.def(item.itemHash);
    if (!def) throw this.notFound();
    if (def.nonTransferrable || (item.transferStatus & 2) !== 0) throw new BungieError(1660, { actionResponse: true });
    return def;
  }

  /** Uninstanced stacks of one hash in one bucket act as a single pile for stackSize (several stacks of 999 exist). */
  private pile(source: ItemComponent[], item: ItemComponent): ItemComponent[] {
    if (item.itemInstanceId) return [item];
    return source.filter((i) => !i.itemInstanceId && i.itemHash === item.itemHash && i.bucketHash === item.bucketHash);
  }

  private stackSize(req: ItemRequest, source: ItemComponent[], item: ItemComponent): number {
    const size = req.stackSize ?? 1;
    const total = this.pile(source, item).reduce((sum, i) => sum + i.quantity, 0);
    if (!Number.isInteger(size) || size < 1 || size > total) throw new BungieError(18, { actionResponse: true });
    return size;
  }

  /** Where an item lands when it goes to a character (or its account-wide bucket), with the bucket's capacity. */
  private characterDestination(def: ItemDef, characterId: string): Destination {
    const bucket = this.bucket(def.bucketTypeHash);
    if (!bucket || !bucket.hasTransferDestination) throw new BungieError(1627, { actionResponse: true });
    if (bucket.scope === ACCOUNT_SCOPE) {
      const list = this.profileItems;
      const existing = list.find((i) => i.bucketHash === bucket.hash);
      return {
        list,
        bucketHash: bucket.hash,
        location: existing?.location ?? bucket.location,
        capacity: bucket.itemCount,
        used: list.filter((i) => i.bucketHash === bucket.hash).length,
      };
    }
    const inventory = this.inventoryOf(characterId);
    // Gear buckets hold itemCount including the equipped item (10 = 9 + 1).
    const used =
      inventory.filter((i) => i.bucketHash === bucket.hash).length +
      this.equipmentOf(characterId).filter((i) => i.bucketHash === bucket.hash).length;
    return { list: inventory, bucketHash: bucket.hash, location: LOCATION_INVENTORY, capacity: bucket.itemCount, used };
  }

  private vaultDestination(): Destination {
    const list = this.profileItems;
    return {
      list,
      bucketHash: VAULT_BUCKET,
      location: LOCATION_VAULT,
      capacity: this.vaultCapacity(),
      used: list.filter((i) => i.bucketHash === VAULT_BUCKET).length,
    };
  }

  /**
   * Moves `quantity` of an item into a destination. Instanced items need a free slot; stacks first top up partial
   * stacks of the same hash (up to maxStackSize) and then take new slots. Refused as a whole when it does not fit.
   */
  private move(source: ItemComponent[], item: ItemComponent, quantity: number, def: ItemDef, to: Destination): void {
    const free = Math.max(0, to.capacity - to.used);
    if (item.itemInstanceId || def.maxStackSize <= 1) {
      if (free < 1) throw new BungieError(1642, { actionResponse: true });
      source.splice(source.indexOf(item), 1);
      item.bucketHash = to.bucketHash;
      item.location = to.location;
      to.list.push(item);
      return;
    }
    const partials = to.list.filter(
      (i) =>
        i !== item && i.itemHash === item.itemHash && i.bucketHash === to.bucketHash && i.quantity < def.maxStackSize,
    );
    const room = partials.reduce((sum, i) => sum + (def.maxStackSize - i.quantity), 0) + free * def.maxStackSize;
    if (quantity > room) throw new BungieError(1642, { actionResponse: true });
    // Take from the smallest (last) stacks first so full stacks stay whole.
    let take = quantity;
    for (const stack of this.pile(source, item).reverse()) {
      const from = Math.min(take, stack.quantity);
      stack.quantity -= from;
      take -= from;
      if (stack.quantity === 0) source.splice(source.indexOf(stack), 1);
      if (take === 0) break;
    }
    let left = quantity;
    for (const stack of partials) {
      const add = Math.min(left, def.maxStackSize - stack.quantity);
      stack.quantity += add;
      left -= add;
      if (left === 0) break;
    }
    while (left > 0) {
      const add = Math.min(left, def.maxStackSize);
      to.list.push({ ...item, quantity: add, bucketHash: to.bucketHash, location: to.location });
      left -= add;
    }
  }

  /**
   * TransferItem. Bungie: only character↔vault; a direct character→character move answers 1623 (Bungie-net/api #1936);
   * equipped items answer 1656; nonTransferrable 1660; items whose bucket has no transfer destination 1627
   * (Bungie-net/api #912); a full destination 1642.
   */
  transfer(req: ItemRequest): number {
    const characterId = this.checkRequest(req);
    if (req.transferToVault === true) {
      const equipped = this.pick(this.equipmentOf(characterId), req, () => true);
      if (equipped) throw new BungieError(1656, { actionResponse: true });
      const inventory = this.inventoryOf(characterId);
      const fromCharacter = this.pick(inventory, req, (i) => i.bucketHash !== POSTMASTER_BUCKET);
      // Account-wide buckets (consumables, modifications) act as the character's own for transfers.
      const fromAccount = fromCharacter
        ? undefined
        : this.pick(this.profileItems, req, (i) => {
            const bucket = this.bucket(i.bucketHash);
            return i.bucketHash !== VAULT_BUCKET && !!bucket && bucket.scope === ACCOUNT_SCOPE;
          });
      const item = fromCharacter ?? fromAccount;
      if (!item || item.itemHash !== req.itemReferenceHash) throw this.notFound();
      // Bungie answers a non-vaultable bucket (an emote in Bungie-net/api #912) with 1627 before looking at the item.
      const bucket = this.bucket(item.bucketHash);
      if (!bucket || !bucket.hasTransferDestination) throw new BungieError(1627, { actionResponse: true });
      const def = this.requireTransferable(item);
      const source = fromCharacter ? inventory : this.profileItems;
      const quantity = this.stackSize(req, source, item);
      this.move(source, item, quantity, def, this.vaultDestination());
      return 0;
    }
    const item = this.pick(this.profileItems, req, (i) => i.bucketHash === VAULT_BUCKET);
    if (!item || item.itemHash !== req.itemReferenceHash) throw this.notFound();
    const def = this.requireTransferable(item);
    const quantity = this.stackSize(req, this.profileItems, item);
    this.move(this.profileItems, item, quantity, def, this.characterDestination(def, characterId));
    return 0;
  }

  /** PullFromPostmaster. Bungie: only the character whose postmaster holds the item can pull it; else 1623. */
  pullFromPostmaster(req: ItemRequest): number {
    const characterId = this.checkRequest(req);
    const inventory = this.inventoryOf(characterId);
    const item = this.pick(inventory, req, (i) => i.bucketHash === POSTMASTER_BUCKET);
    if (!item || item.itemHash !== req.itemReferenceHash) throw this.notFound();
    const def = this.def(item.itemHash);
    if (!def) throw this.notFound();
    const quantity = this.stackSize(req, inventory, item);
    this.move(inventory, item, quantity, def, this.characterDestination(def, characterId));
    return 0;
  }

  /**
   * EquipItem. Bungie: the item must be in that character's inventory (else 1623); armor of another class and
   * non-equippable items answer 1640; a second exotic weapon or armor piece (equippingBlock.uniqueLabel) 1641;
   * equipping in an activity 1671. The replaced item goes back to the character's inventory.
   */
  equip(req: ItemRequest): number {
    const characterId = this.checkRequest(req);
    this.equipOne(characterId, idOf(req.itemId));
    return 0;
  }

  private equipOne(characterId: string, instanceId: string): void {
    const equipment = this.equipmentOf(characterId);
    if (equipment.some((i) => i.itemInstanceId === instanceId)) return;
    const inventory = this.inventoryOf(characterId);
    const item = inventory.find((i) => i.itemInstanceId === instanceId && i.bucketHash !== POSTMASTER_BUCKET);
    if (!instanceId || instanceId === '0' || !item) throw this.notFound();
    if (this.inActivity.has(characterId)) throw new BungieError(1671, { actionResponse: true });
    const def = this.def(item.itemHash);
    const bucket = this.bucket(item.bucketHash);
    if (!def || !def.equippable || !bucket || bucket.category !== EQUIPPABLE_CATEGORY) {
      throw new BungieError(1640, { actionResponse: true });
    }
    const classType = this.profile.characters.data![characterId].classType;
    if (def.classType !== 3 && def.classType !== classType) throw new BungieError(1640, { actionResponse: true });
    if (def.uniqueLabel) {
      const clash = equipment.some(
        (i) => i.bucketHash !== item.bucketHash && this.def(i.itemHash)?.uniqueLabel === def.uniqueLabel,
      );
      if (clash) throw new BungieError(1641, { actionResponse: true });
    }
    const slot = equipment.findIndex((i) => i.bucketHash === item.bucketHash);
    inventory.splice(inventory.indexOf(item), 1);
    item.transferStatus |= TRANSFER_EQUIPPED;
    this.setEquippedFlag(item, true);
    if (slot >= 0) {
      const previous = equipment[slot];
      previous.transferStatus &= ~TRANSFER_EQUIPPED;
      this.setEquippedFlag(previous, false);
      equipment[slot] = item;
      inventory.push(previous);
    } else {
      equipment.push(item);
    }
  }

  private setEquippedFlag(item: ItemComponent, equipped: boolean): void {
    const instance = item.itemInstanceId
      ? this.profile.itemComponents.instances?.data?.[item.itemInstanceId]
      : undefined;
    if (instance) instance.isEquipped = equipped;
  }

  /**
   * EquipItems: equips as many as it can and reports a PlatformErrorCode per item (DestinyEquipItemResults).
   * Items refused only because of another exotic are retried once after the rest, since the rest may free the label.
   */
  equipItems(req: ItemRequest): { equipResults: { itemInstanceId: string; equipStatus: number }[] } {
    const characterId = this.checkRequest(req);
    const ids = (req.itemIds ?? []).map(idOf);
    const status = this.equipEach(characterId, ids);
    return { equipResults: ids.map((id) => ({ itemInstanceId: id, equipStatus: status.get(id)! })) };
  }

  /** Equips each instance it can, retrying exotic clashes (1641) once; the PlatformErrorCode per id (1 = equipped). */
  equipEach(characterId: string, ids: readonly string[]): Map<string, number> {
    const status = new Map<string, number>();
    const attempt = (id: string) => {
      try {
        this.equipOne(characterId, id);
        status.set(id, 1);
      } catch (error) {
        if (!(error instanceof BungieError)) throw error;
        status.set(id, error.code);
      }
    };
    ids.forEach(attempt);
    ids.filter((id) => status.get(id) === 1641).forEach(attempt);
    return status;
  }

  /** SetLockState: sets or clears ItemState.Locked on an instanced, lockable item anywhere on the account. */
  setLockState(req: ItemRequest): number {
    this.checkRequest(req);
    const found = this.locateInstance(idOf(req.itemId));
    if (!found) throw this.notFound();
    if (!found.item.lockable) throw new BungieError(1663, { actionResponse: true });
    found.item.state = req.state ? found.item.state | STATE_LOCKED : found.item.state & ~STATE_LOCKED;
    return 0;
  }

  /** A deep copy of where everything is. */
  snapshot(): Omit<EmulatorState, 'loadouts'> {
    const copy = structuredClone({
      profileInventory: this.profileItems,
      characters: Object.fromEntries(
        this.characterIds().map((id) => [
          id,
          {
            classType: this.profile.characters.data![id].classType,
            inventory: this.inventoryOf(id),
            equipment: this.equipmentOf(id),
          },
        ]),
      ),
    });
    const items: StateItem[] = [];
    const add = (i: ItemComponent, owner: string, equipped: boolean) =>
      items.push({
        itemHash: i.itemHash,
        ...(i.itemInstanceId ? { itemInstanceId: i.itemInstanceId } : {}),
        quantity: i.quantity,
        bucketHash: i.bucketHash,
        location: i.location,
        owner,
        equipped,
        locked: (i.state & STATE_LOCKED) !== 0,
      });
    for (const i of copy.profileInventory) add(i, i.bucketHash === VAULT_BUCKET ? 'vault' : 'profile', false);
    for (const [id, c] of Object.entries(copy.characters)) {
      for (const i of c.equipment) add(i, id, true);
      for (const i of c.inventory) add(i, id, false);
    }
    return {
      membershipType: this.membershipType,
      membershipId: this.membershipId,
      vaultCapacity: this.vaultCapacity(),
      ...copy,
      items,
    };
  }
}

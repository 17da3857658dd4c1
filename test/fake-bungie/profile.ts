/**
 * The account's truth: the real 2021 profile capture, mutated in place by item actions, and GetProfile built from it.
 *
 * Item objects keep their captured key order and array position, so an unchanged component serialises to exactly the
 * bytes of the capture's component (JSON.stringify of the capture's value).
 */
import type {
  DestinyCharacterComponent,
  DestinyItemComponent,
  DestinyItemInstanceComponent,
  DestinyProfileUserInfoCard,
} from 'bungie-api-ts/destiny2';
import { BungieError } from './envelopes';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
/** Item and instance components as the emulator mutates them (bungie-api-ts declares them read-only). */
export type ItemComponent = Mutable<DestinyItemComponent>;
export type InstanceComponent = Mutable<DestinyItemInstanceComponent>;

interface Component<T> {
  data?: T;
  privacy: number;
  disabled?: boolean;
}

/** The parts of DestinyProfileResponse present in the capture (components 102,103,200,201,205,300,305,310). */
export interface CapturedProfile {
  profileInventory: Component<{ items: ItemComponent[] }>;
  profileCurrencies: Component<{ items: ItemComponent[] }>;
  profilePlugSets: Component<unknown>;
  characters: Component<Record<string, DestinyCharacterComponent>>;
  characterInventories: Component<Record<string, { items: ItemComponent[] }>>;
  characterEquipment: Component<Record<string, { items: ItemComponent[] }>>;
  characterPlugSets: Component<unknown>;
  itemComponents: {
    instances?: Component<Record<string, InstanceComponent>>;
    sockets?: Component<unknown>;
    reusablePlugs?: Component<unknown>;
    [key: string]: Component<unknown> | undefined;
  };
}

/** Component numbers (DestinyComponentType) → where they live in the capture. */
const PROFILE_KEYS: Record<number, (keyof CapturedProfile)[]> = {
  102: ['profileInventory'],
  103: ['profileCurrencies'],
  200: ['characters'],
  201: ['characterInventories'],
  205: ['characterEquipment'],
  // The capture shows plug sets coming back with ItemSockets (PROVENANCE.md).
  305: ['profilePlugSets', 'characterPlugSets'],
};
const ITEM_COMPONENT_KEYS: Record<number, string> = {
  300: 'instances',
  301: 'objectives',
  302: 'perks',
  304: 'stats',
  305: 'sockets',
  308: 'plugStates',
  309: 'plugObjectives',
  310: 'reusablePlugs',
};

/** Privacy value when the caller is not the owner: private components lose their data (ComponentPrivacySetting). */
const PRIVATE = 2;

/** Parses `components=102,ProfileInventories,...`; Bungie accepts numbers or enum names. */
export function parseComponents(raw: string | null, names: Record<string, number>): number[] {
  if (!raw) throw new BungieError(18);
  const out: number[] = [];
  for (const part of raw.split(',')) {
    const token = part.trim();
    if (!token) continue;
    const value = /^\d+$/.test(token) ? Number(token) : names[token];
    if (value === undefined) throw new BungieError(18);
    out.push(value);
  }
  if (out.length === 0) throw new BungieError(18);
  return out;
}

export interface ProfileBuildContext {
  components: number[];
  /** true when a valid bearer token of this account came with the request. */
  authorized: boolean;
  mintedAt: number;
  userInfo: DestinyProfileUserInfoCard;
  transitory: Record<string, unknown> | null;
  /** Component 206's data (loadouts.ts), keyed by character id. */
  characterLoadouts?: Record<string, unknown>;
}

function withPrivacy<T>(component: Component<T>, authorized: boolean): Component<T> {
  if (authorized || component.privacy !== PRIVATE) return component;
  const { data: _data, ...rest } = component;
  return rest;
}

/** Builds the GetProfile Response object for the requested components, in Bungie's key order. */
export function buildProfileResponse(profile: CapturedProfile, ctx: ProfileBuildContext): Record<string, unknown> {
  const minted = new Date(ctx.mintedAt).toISOString();
  const out: Record<string, unknown> = {
    responseMintedTimestamp: minted,
    secondaryComponentsMintedTimestamp: minted,
  };
  const wanted = new Set(ctx.components);
  if (wanted.has(100)) {
    const characters = profile.characters.data ?? {};
    const lastPlayed = Object.values(characters)
      .map((c) => c.dateLastPlayed)
      .sort()
      .at(-1);
    out.profile = {
      data: { userInfo: ctx.userInfo, dateLastPlayed: lastPlayed, characterIds: Object.keys(characters) },
      privacy: 1,
    };
  }
  for (const [component, keys] of Object.entries(PROFILE_KEYS)) {
    if (!wanted.has(Number(component))) continue;
    for (const key of keys) out[key] = withPrivacy(profile[key] as Component<unknown>, ctx.authorized);
  }
  if (wanted.has(1000)) {
    out.profileTransitoryData =
      ctx.transitory && ctx.authorized ? { data: ctx.transitory, privacy: PRIVATE } : { privacy: PRIVATE };
  }
  if (wanted.has(206) && ctx.characterLoadouts) {
    // No capture of 206 exists: privacy 2 (owner only) like characterInventories, an EMULATOR_CHOICES entry.
    out.characterLoadouts = withPrivacy({ data: ctx.characterLoadouts, privacy: PRIVATE }, ctx.authorized);
  }
  const itemComponents: Record<string, unknown> = {};
  for (const [component, key] of Object.entries(ITEM_COMPONENT_KEYS)) {
    const value = profile.itemComponents[key];
    if (wanted.has(Number(component)) && value) itemComponents[key] = withPrivacy(value, ctx.authorized);
  }
  if (Object.keys(itemComponents).length > 0) out.itemComponents = itemComponents;
  // Capture order: profile components, then character components, then itemComponents (characterLoadouts where
  // DestinyProfileResponse declares it, after characterInventories).
  return orderLike(out, [
    'responseMintedTimestamp',
    'secondaryComponentsMintedTimestamp',
    'profileInventory',
    'profileCurrencies',
    'profile',
    'profilePlugSets',
    'profileTransitoryData',
    'characters',
    'characterInventories',
    'characterLoadouts',
    'characterEquipment',
    'characterPlugSets',
    'itemComponents',
  ]);
}

function orderLike(obj: Record<string, unknown>, order: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of order) if (key in obj) out[key] = obj[key];
  return out;
}

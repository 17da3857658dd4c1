/**
 * Bungie.net emulator: a Node `http` server on 127.0.0.1 that speaks Bungie's API with Bungie's rules, fed by the
 * real captures in ../shared/fixtures. Tests, e2e and `npm run demo` start it; nothing here reaches bungie.net.
 *
 * Usage:
 * ```ts
 * import { startEmulator } from '@/test/fake-bungie';
 * const emu = await startEmulator({ now: Date.UTC(2026, 6, 3, 18) });   // options: see EmulatorOptions
 * // OAuth:   GET  `${emu.url}/en/OAuth/Authorize?client_id=${emu.clientId}&response_type=code&state=s`
 * //          → 302 to the chromiumapp.org redirect with ?code=…&state=s (consent: true serves #approve / #deny)
 * //          POST `${emu.url}/Platform/App/OAuth/Token/` (form: grant_type, code | refresh_token, client_id,
 * //          client_secret, or HTTP Basic) → { access_token, token_type, expires_in, refresh_token, … }
 * // API:     every /Platform call needs `X-API-Key: ${emu.apiKey}`; user calls need `Authorization: Bearer …`
 * //          GET /Platform/Destiny2/Manifest/ and /common/destiny2_content/… (the Manifest tree's files)
 * //          GET /Platform/User/GetMembershipsForCurrentUser/
 * //          GET /Platform/Destiny2/2/Profile/4611686018433092312/?components=100,102,200,201,205,300
 * //          GET /Platform/Destiny2/2/Profile/4611686018433092312/LinkedProfiles/
 * //          GET /Platform/Destiny2/Vendors/?components=400,402   (public, API key only)
 * //          GET /Platform/Destiny2/2/Profile/{id}/Character/{cid}/Vendors/?components=400,402
 * //          POST /Platform/Destiny2/Actions/Items/{TransferItem|EquipItem|EquipItems|SetLockState|PullFromPostmaster}/
 * //          POST /Platform/Destiny2/Actions/Loadouts/{EquipLoadout|SnapshotLoadout|UpdateLoadoutIdentifiers|ClearLoadout}/
 * //          (in-game loadouts; GetProfile serves them as component 206, characterLoadouts)
 * emu.control.setNow(ms);   // the clock then runs on in real time from ms
 * emu.control.fault({ route: '/Platform/Destiny2/Manifest/', kind: 'http', status: 503, once: true });
 * emu.control.state();     // where every item is, and the loadout slots; emu.control.requests() for the request log
 * emu.control.setLoadouts(characterId, slots);   // replace a character's in-game loadout slots
 * await emu.close();
 * ```
 * A separately started emulator (`npm run emulator`, see cli.ts) is driven with JSON POSTs to
 * `/__control/<name>` mirroring `control` (e.g. POST /__control/setNow {"ms": 1780000000000}); the answer is
 * `{ ok: true, result }`. A fault sent over HTTP takes `route` as a glob string or `routeRegExp` as a RegExp source.
 */
export { startEmulator } from './server';
export type { Emulator, EmulatorControl, EmulatorOptions, PlayingOptions, RequestLogEntry } from './server';
export type { EmulatorState, StateItem } from './inventory';
export type { FaultRule } from './faults';
export { isXurPresent, XUR_VENDOR_HASH } from './vendors';
export { VAULT_BUCKET, POSTMASTER_BUCKET } from './inventory';
export { LOADOUT_BUCKETS, UNSET_HASH, loadoutDefinitions } from './loadouts';
export type { LoadoutItem, LoadoutSlot } from './loadouts';

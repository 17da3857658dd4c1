import { buildConfig, type BuildConfig } from '@/lib/config/build';
import { createAuth, type Auth } from '@/lib/bungie/auth';
import { createBungieClient, createBungieTransport, type BungieClient } from '@/lib/bungie/client';
import { effectiveConfig, loadUserSettings } from '@/lib/bungie/settings';
import { bungieSettingsItem, healthItem } from '@/lib/storage/items';

/**
 * The worker's one Bungie client and its token provider, built once on first use (config = build-time values
 * overridden by the user's settings, read again when the settings change). The layers of lib/bungie/client.ts are
 * put together here: the plain layer, the token provider on it, the client on both.
 */
export interface BungieServices {
  client: BungieClient;
  auth: Auth;
}

let services: Promise<BungieServices> | undefined;
let config: BuildConfig = buildConfig();
const changeListeners = new Set<() => void>();

async function start(): Promise<BungieServices> {
  config = effectiveConfig(buildConfig(), await loadUserSettings());
  bungieSettingsItem.watch(() => void reloadConfig());
  const transport = createBungieTransport({ config: () => config });
  const auth: Auth = createAuth({
    tokenEndpoint: transport,
    config: () => config,
    onStatusChange: () => changed(),
  });
  const client: BungieClient = createBungieClient({ transport, tokens: auth });
  // A worker stopped mid-request leaves "slow" behind; nothing is in flight in a fresh worker.
  if ((await healthItem.getValue()) === 'slow') await healthItem.setValue('ok');
  client.onHealthChange((health) => {
    void healthItem.setValue(health).then(changed);
  });
  return { client, auth };
}

function changed() {
  for (const listener of changeListeners) listener();
}

/** The client and token provider (started on first call). */
export function bungieServices(): Promise<BungieServices> {
  services ??= start();
  return services;
}

/**
 * The worker's one Bungie client. Other services pass `client.http` to bungie-api-ts endpoint functions and
 * `client.download` for CDN files.
 */
export async function getBungieHttp(): Promise<BungieClient> {
  return (await bungieServices()).client;
}

/** Read the user's settings again (after the options page saved them), so the next request uses them. */
export async function reloadConfig(): Promise<void> {
  config = effectiveConfig(buildConfig(), await loadUserSettings());
}

/** Called after every change of the sign-in state or of Bungie's health (the session tells its listeners). */
export function onBungieChange(listener: () => void): () => void {
  changeListeners.add(listener);
  return () => changeListeners.delete(listener);
}

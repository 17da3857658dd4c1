import type { HttpClient } from 'bungie-api-ts/http';
import { getDestinyManifest, type DestinyManifest } from 'bungie-api-ts/destiny2';
import { ManifestError } from './errors';
import type { ManifestSource } from './pipeline';

/** What the Manifest pipeline needs from the Bungie client (lib/bungie owns HTTP). */
export interface BungieHttpLike {
  http: HttpClient;
  download(
    path: string,
    onProgress?: (loaded: number, total?: number) => void,
    signal?: AbortSignal,
  ): Promise<Uint8Array>;
}

const MAINTENANCE = 'Bungie.net is down for maintenance, so the item database cannot be updated right now.';

function errorCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; errorCode?: unknown; ErrorCode?: unknown };
  const code = e.code ?? e.errorCode ?? e.ErrorCode;
  return typeof code === 'number' ? code : undefined;
}

/**
 * Adapt the Bungie client to a ManifestSource. Bungie: `GET /Platform/Destiny2/Manifest/` needs only the API key;
 * ErrorCode 5 (SystemDisabled) means maintenance — keep what we have and retry later. The client's `http` throws a
 * BungieError for every envelope that is not a success with a Response, so what it returns is the Manifest.
 */
export function manifestSourceFrom(client: BungieHttpLike): ManifestSource {
  return {
    async getManifest(): Promise<DestinyManifest> {
      try {
        return (await getDestinyManifest(client.http)).Response;
      } catch (error) {
        if (errorCode(error) === 5) throw new ManifestError('maintenance', MAINTENANCE);
        throw error;
      }
    },
    download: (path, onProgress, signal) => client.download(path, onProgress, signal),
  };
}

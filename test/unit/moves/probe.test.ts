// @vitest-environment node
import { it, expect } from 'vitest';
import { startRig, digestDiff } from './emulator-kit';
import { VAULT_ID } from '@/lib/inventory/types';

it('probe', async () => {
  let t = Date.now();
  const rig = await startRig();
  console.log('start', Date.now() - t); t = Date.now();
  const m = await rig.model();
  const { getDb } = await import('@/lib/db/schema');
  for (let k = 0; k < 3; k++) {
    let t0 = Date.now();
    await rig.profiles.patchModel('2:4611686018433092312', (x) => x);
    console.log('patch', Date.now() - t0); t0 = Date.now();
    await getDb().meta.put({ key: 'x', value: { a: 1 } });
    console.log('meta', Date.now() - t0); t0 = Date.now();
    await rig.truth();
    console.log('truth', Date.now() - t0); t0 = Date.now();
  }
  const item = Object.values(m.items).find((i) => i.owner === VAULT_ID && i.location === 'vault' && i.isInstanced && i.isWeapon)!;
  const ch = m.stores[0].id;
  await rig.executor.enqueue({ kind: 'move', itemKey: item.key, to: ch });
  await rig.executor.idle();
  console.log('move', Date.now() - t); t = Date.now();
  const truth = await rig.truth();
  console.log('truth', Date.now() - t); t = Date.now();
  console.log(JSON.stringify(digestDiff(await rig.model(), truth)).slice(0, 500));
  console.log(rig.emu.control.requests().map((r) => `${r.method} ${r.path} ${r.errorCode}`).join('\n'));
  const j = await (await import('@/lib/db/schema')).getDb().journal.toArray();
  console.log(JSON.stringify(j.map((x) => [x.status, (x.data as any).message])));
  await rig.close();
});

/**
 * `npm run emulator [-- --port N] [--public-client] [--consent]`: starts the emulator with the real sample account and
 * prints its URL, API key and OAuth client; drive it over HTTP with POST /__control/<name>. Ctrl-C stops it.
 */
import { parseArgs } from 'node:util';
import { startEmulator } from './server';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'public-client': { type: 'boolean' },
    consent: { type: 'boolean' },
    'manifest-dir': { type: 'string' },
  },
});

const emulator = await startEmulator({
  port: values.port ? Number(values.port) : 0,
  clientSecret: values['public-client'] ? null : undefined,
  consent: values.consent,
  manifestDir: values['manifest-dir'],
});

console.log(
  JSON.stringify({
    url: emulator.url,
    apiKey: emulator.apiKey,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
  }),
);
console.log(`Bungie.net emulator listening on ${emulator.url}`);

const stop = () => {
  void emulator.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

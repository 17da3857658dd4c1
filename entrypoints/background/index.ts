import { browser } from 'wxt/browser';
import { isEnvelope, type Envelope, type Handlers, type MessageType, type Reply } from '@/lib/messages';
import { userMessage } from '@/lib/user-message';
import { authHandlers } from '@/lib/bungie/service';
import { manifestHandlers, startManifestService } from '@/lib/manifest/service';
import { alertHandlers, startAlertService } from '@/lib/alerts/service';
import { defaultAlertDeps } from '@/lib/alerts/deps';
import { profileService } from '@/lib/profile/service';
import { startMoveService } from '@/lib/moves/service';

export default defineBackground({
  main() {
    const workerStartedAt = Date.now();

    const profiles = profileService();
    // Typed as the full map: a message without a handler is a compile error.
    const handlers: Handlers = {
      ...profiles.handlers,
      ...startMoveService(profiles).handlers,
      ...authHandlers,
      ...manifestHandlers,
      ...alertHandlers,
      ping: ({ sentAt }) => ({ pong: true, sentAt, workerStartedAt }),
      openSidePanel: async () => {
        const url = browser.runtime.getURL('/sidepanel.html');
        await browser.tabs.create({ url });
        return { ok: true };
      },
    };

    browser.runtime.onMessage.addListener((message: unknown) => {
      if (!isEnvelope(message) || !(message.type in handlers)) return undefined;
      return dispatch(message);
    });

    async function dispatch<T extends MessageType>(message: Envelope<T>): Promise<Reply<T>> {
      try {
        const handler = handlers[message.type] as (p: unknown) => unknown;
        return { ok: true, data: (await handler(message.payload)) as Reply<T> extends { data: infer D } ? D : never };
      } catch (error) {
        return { ok: false, error: userMessage(error) };
      }
    }

    startManifestService();
    profiles.start();
    startAlertService(defaultAlertDeps());

    browser.alarms.onAlarm.addListener(async (alarm) => {
      // Diagnostics for the options page and the e2e suite: which alarm fired last, and when.
      await browser.storage.session.set({ lastAlarm: { name: alarm.name, firedAt: Date.now() } });
    });
  },
});

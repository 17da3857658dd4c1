import { browser } from 'wxt/browser';
import type { Handlers } from '@/lib/messaging/messages';
import { createMessageRouter } from '@/lib/messaging/router';
import { openSidePanelOrTab, sidePanelHandlers } from '@/lib/side-panel/open';
import { authHandlers } from '@/lib/session/session';
import { manifestHandlers, startManifestService } from '@/lib/manifest/service';
import { alertHandlers, startAlertService } from '@/lib/alerts/service';
import { defaultAlertDeps } from '@/lib/alerts/deps';
import { profileService } from '@/lib/profile/service';
import { startMoveService } from '@/lib/moves/service';
import { startLoadoutService } from '@/lib/loadouts/service';

export default defineBackground({
  main() {
    const workerStartedAt = Date.now();

    const profiles = profileService();
    // Typed as the full map: a message without a handler is a compile error.
    const handlers: Handlers = {
      ...profiles.handlers,
      ...startMoveService(profiles).handlers,
      ...startLoadoutService(profiles).handlers,
      ...authHandlers,
      ...manifestHandlers,
      ...alertHandlers,
      ping: ({ sentAt }) => ({ pong: true, sentAt, workerStartedAt }),
      ...sidePanelHandlers,
      // The popup opens the panel itself (the click's gesture); it asks here only where that failed: a tab.
      openSidePanel: async ({ view }) => {
        await openSidePanelOrTab(view);
        return { ok: true };
      },
    };

    // Only this extension's own pages, only our own handlers, and only payloads their schema accepts.
    browser.runtime.onMessage.addListener(
      createMessageRouter({
        handlers,
        extensionId: browser.runtime.id,
        extensionBaseUrl: browser.runtime.getURL('/'),
      }),
    );

    startManifestService();
    profiles.start();
    startAlertService(defaultAlertDeps());
  },
});

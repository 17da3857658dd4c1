import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { send, WorkerError, type Handlers, type MessageType, type Request } from '@/lib/messaging/messages';
import { createMessageRouter, isOwnPage, messagePayloads, type MessageSender } from '@/lib/messaging/router';
import { openSidePanelOrTab, sidePanelHandlers, takeSidePanelView } from '@/lib/side-panel/open';
import { openSidePanel } from '@/lib/side-panel/page';
import { sidePanelUrl } from '@/lib/side-panel/views';

describe('typed messages', () => {
  beforeEach(() => fakeBrowser.reset());

  it('unwraps a successful reply', async () => {
    fakeBrowser.runtime.onMessage.addListener(() =>
      Promise.resolve({ ok: true, data: { pong: true, sentAt: 1, workerStartedAt: 2 } }),
    );
    await expect(send('ping', { sentAt: 1 })).resolves.toEqual({ pong: true, sentAt: 1, workerStartedAt: 2 });
  });

  it('turns an error reply into a WorkerError carrying the sentence', async () => {
    fakeBrowser.runtime.onMessage.addListener(() =>
      Promise.resolve({ ok: false, error: 'Bungie is down for maintenance.' }),
    );
    await expect(send('ping', { sentAt: 1 })).rejects.toThrow(new WorkerError('Bungie is down for maintenance.'));
  });

  it.each([
    ['a bare value', 42],
    ['no ok flag', { data: { pong: true } }],
    ['ok without data', { ok: true }],
    ['an error without its sentence', { ok: false }],
    ['an error that is not text', { ok: false, error: { code: 5 } }],
    ['ok as text', { ok: 'true', data: {} }],
  ])('a reply of the wrong shape (%s) is a sentence, not a crash', async (_what, reply) => {
    fakeBrowser.runtime.onMessage.addListener(() => Promise.resolve(reply));
    await expect(send('ping', { sentAt: 1 })).rejects.toThrow(
      new WorkerError('The background service sent an answer Vault Raider could not read. Reload the page.'),
    );
  });
});

const ID = 'ourextensionidaaaaaaaaaaaaaaaaaa';
const BASE = `chrome-extension://${ID}/`;
const OWN_PAGE: MessageSender = { id: ID, url: `${BASE}popup.html`, origin: `chrome-extension://${ID}` };

/** One accepted and several refused payloads for every message; typed as the full map so none is forgotten. */
const CASES: { [T in MessageType]: { good: Request<T>; bad: unknown[] } } = {
  ping: { good: { sentAt: 42 }, bad: [{}, { sentAt: '42' }, { sentAt: Number.NaN }, null, 'ping'] },
  openSidePanel: { good: { view: 'xur' }, bad: [{ view: 'settings' }, { view: 3 }, null] },
  askSidePanelView: { good: { view: 'xur' }, bad: [{}, { view: 'settings' }, { view: 3 }, null] },
  takeSidePanelView: { good: {}, bad: [null, 'xur'] },
  authSession: { good: {}, bad: [null, 'x', 7] },
  authSignIn: { good: {}, bad: [null, []] },
  authSignOut: { good: {}, bad: [undefined] },
  authSelectAccount: {
    good: { membershipType: 3, membershipId: '4611686018467260757' },
    bad: [
      {},
      { membershipType: '3', membershipId: '4611686018467260757' },
      { membershipType: 3, membershipId: 4611686018 },
      { membershipType: 3.5, membershipId: '1' },
      { membershipType: 3, membershipId: '../../etc' },
    ],
  },
  authReloadAccounts: { good: {}, bad: [null] },
  authSettings: { good: {}, bad: [null] },
  authSaveSettings: {
    good: { apiKey: 'k', clientId: '1', clientSecret: '' },
    bad: [{ apiKey: 'k' }, { apiKey: 1, clientId: '1' }, { apiKey: 'k', clientId: '1', clientSecret: 5 }],
  },
  manifestCheckNow: { good: { force: true }, bad: [{ force: 'yes' }, null] },
  refreshProfile: { good: { force: false }, bad: [{ force: 1 }, null] },
  previewMove: {
    good: { kind: 'move', itemKey: '6917529', to: 'vault', amount: 3 },
    bad: [
      { kind: 'teleport', itemKey: '1' },
      { kind: 'move', itemKey: '1' },
      { kind: 'move', itemKey: '', to: 'vault' },
      { kind: 'move', itemKey: '1', to: 'vault', amount: 0 },
      { kind: 'move', itemKey: '1', to: 'vault', amount: '2' },
    ],
  },
  runMove: {
    good: { kind: 'lock', itemKey: '6917529', locked: true },
    bad: [{ kind: 'lock', itemKey: '1' }, { kind: 'equip', itemKey: '1' }, { itemKey: '1' }, null],
  },
  undoLastMove: { good: {}, bad: [null] },
  listLoadouts: { good: {}, bad: [null] },
  createLoadoutFromEquipped: {
    good: { characterId: '2305843009260802821', name: 'Raid' },
    bad: [{}, { characterId: 2305843009 }, { characterId: '../x' }, { characterId: '1', name: 5 }, null],
  },
  saveLoadout: {
    good: { loadout: { id: 'l1', name: 'Raid', classType: 1, equipped: [{ id: '6917529', hash: 1 }], unequipped: [] } },
    bad: [
      { loadout: { id: 'l1', name: 'Raid', classType: 5, equipped: [], unequipped: [] } },
      { loadout: { id: '', name: 'Raid', classType: 1, equipped: [], unequipped: [] } },
      { loadout: { id: 'l1', name: 'Raid', classType: 1, equipped: [{ id: 'x', hash: 1 }], unequipped: [] } },
      { loadout: { id: 'l1', name: 'Raid', classType: 1, equipped: [] } },
      {},
      null,
    ],
  },
  duplicateLoadout: { good: { id: 'l1', name: 'Copy' }, bad: [{}, { id: '' }, { id: 7 }, null] },
  deleteLoadout: { good: { id: 'l1' }, bad: [{}, { id: '' }, null] },
  importDimBackup: { good: { text: '{"loadouts":[]}' }, bad: [{}, { text: 5 }, null] },
  exportDimBackup: { good: {}, bad: [null] },
  shareLoadout: { good: { id: 'l1' }, bad: [{}, { id: '' }, { id: 1 }, null] },
  setTag: {
    good: { instanceId: '6917529123', tag: 'junk' },
    bad: [{ instanceId: '6917529123', tag: 'trash' }, { instanceId: 'x', tag: null }, { instanceId: '1' }, null],
  },
  setNote: { good: { instanceId: '6917529123', notes: 'keep' }, bad: [{ instanceId: '1' }, { notes: 'x' }, null] },
  setTags: {
    good: { instanceIds: ['6917529123', '6917529124'], tag: null },
    bad: [{ instanceIds: '1', tag: 'junk' }, { instanceIds: ['x'], tag: 'junk' }, { instanceIds: [] }, null],
  },
  previewLoadout: {
    good: {
      loadout: { id: 'l1', name: 'Raid', classType: 3, equipped: [{ id: '6917529', hash: 1 }], unequipped: [] },
      characterId: '2305843009',
    },
    bad: [
      { loadout: { id: 'l1', name: 'Raid', classType: 7, equipped: [], unequipped: [] }, characterId: '1' },
      {
        loadout: { id: 'l1', name: 'Raid', classType: 3, equipped: [{ hash: 'x' }], unequipped: [] },
        characterId: '1',
      },
      { loadout: { id: 'l1', name: 'Raid', classType: 3, equipped: [] }, characterId: '1' },
      { characterId: '1' },
      null,
    ],
  },
  applyLoadout: {
    good: {
      loadout: { id: 'l1', name: 'Raid', classType: 1, equipped: [], unequipped: [{ hash: 5 }] },
      characterId: '2',
    },
    bad: [{ loadout: { id: '', name: 'Raid', classType: 1, equipped: [], unequipped: [] }, characterId: '2' }, null],
  },
  getXurState: { good: {}, bad: [null] },
  checkXur: { good: {}, bad: [null] },
  getAlertSettings: { good: {}, bad: [null] },
  setAlertSettings: { good: { xurNotifications: false }, bad: [{ xurNotifications: 'off' }, null] },
};

function recordingHandlers() {
  const calls: { type: string; payload: unknown }[] = [];
  const handlers = Object.fromEntries(
    Object.keys(messagePayloads).map((type) => [
      type,
      (payload: unknown) => {
        calls.push({ type, payload });
        return { handled: type };
      },
    ]),
  ) as unknown as Handlers;
  return { handlers, calls };
}

describe('the worker parses every payload before dispatch', () => {
  it('every message has a schema and a test case', () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(messagePayloads).sort());
  });

  it.each(Object.entries(CASES))('%s: a well-formed payload is dispatched', async (type, { good }) => {
    const { handlers, calls } = recordingHandlers();
    const route = createMessageRouter({ handlers, extensionId: ID, extensionBaseUrl: BASE });
    await expect(route({ type, payload: good }, OWN_PAGE)).resolves.toEqual({ ok: true, data: { handled: type } });
    expect(calls).toEqual([{ type, payload: good }]);
  });

  it.each(Object.entries(CASES))(
    '%s: malformed payloads get a sentence and reach no handler',
    async (type, { bad }) => {
      const { handlers, calls } = recordingHandlers();
      const route = createMessageRouter({ handlers, extensionId: ID, extensionBaseUrl: BASE });
      for (const payload of bad) {
        const reply = await route({ type, payload }, OWN_PAGE);
        expect(reply, JSON.stringify(payload)).toMatchObject({ ok: false });
        const error = (reply as { error: string }).error;
        expect(error).toMatch(
          new RegExp(`^Vault Raider refused a malformed "${type}" request \\(.+\\), so nothing was changed\\.`),
        );
      }
      expect(calls).toEqual([]);
    },
  );

  it('unknown keys are dropped before the handler sees the payload', async () => {
    const { handlers, calls } = recordingHandlers();
    const route = createMessageRouter({ handlers, extensionId: ID, extensionBaseUrl: BASE });
    await route({ type: 'refreshProfile', payload: { force: true, __proto__: { admin: true }, extra: 1 } }, OWN_PAGE);
    expect(calls[0].payload).toStrictEqual({ force: true });
  });

  it('the sentence names the field and what was expected', async () => {
    const { handlers } = recordingHandlers();
    const route = createMessageRouter({ handlers, extensionId: ID, extensionBaseUrl: BASE });
    const reply = await route(
      { type: 'authSelectAccount', payload: { membershipType: '3', membershipId: '1' } },
      OWN_PAGE,
    );
    expect(reply).toEqual({
      ok: false,
      error:
        'Vault Raider refused a malformed "authSelectAccount" request (membershipType: expected number, got "3"), so nothing was changed. Reload the page and try again.',
    });
  });

  it('a handler that throws answers with its sentence', async () => {
    const { handlers } = recordingHandlers();
    handlers.ping = () => {
      throw Object.assign(new Error('x'), { userMessage: 'Bungie is down for maintenance.' });
    };
    const route = createMessageRouter({ handlers, extensionId: ID, extensionBaseUrl: BASE });
    await expect(route({ type: 'ping', payload: { sentAt: 1 } }, OWN_PAGE)).resolves.toEqual({
      ok: false,
      error: 'Bungie is down for maintenance.',
    });
  });
});

describe('the worker answers only its own handlers', () => {
  it.each(['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'nope', ''])(
    '%s is never dispatched',
    (type) => {
      const { handlers, calls } = recordingHandlers();
      const route = createMessageRouter({ handlers, extensionId: ID, extensionBaseUrl: BASE });
      expect(route({ type, payload: {} }, OWN_PAGE)).toBeUndefined();
      expect(calls).toEqual([]);
    },
  );

  it.each([null, undefined, 'ping', 42, [], { payload: {} }, { type: 7, payload: {} }])(
    'non-envelope %j is ignored',
    (message) => {
      const { handlers, calls } = recordingHandlers();
      const route = createMessageRouter({ handlers, extensionId: ID, extensionBaseUrl: BASE });
      expect(route(message, OWN_PAGE)).toBeUndefined();
      expect(calls).toEqual([]);
    },
  );
});

describe('the worker answers only this extension’s own pages', () => {
  const refused: [string, MessageSender | undefined][] = [
    ['no sender', undefined],
    [
      'another extension',
      { id: 'someotherextensionidbbbbbbbbbbbb', url: 'chrome-extension://someotherextensionidbbbbbbbbbbbb/x.html' },
    ],
    ['a content script in a web page', { id: ID, url: 'https://evil.example/page', origin: 'https://evil.example' }],
    [
      'a tab of another origin claiming our id',
      { id: ID, url: 'http://127.0.0.1:8080/', origin: 'http://127.0.0.1:8080' },
    ],
    ['our id with a spoofed origin', { id: ID, url: `${BASE}popup.html`, origin: 'https://evil.example' }],
    ['another extension pretending our url', { id: 'x', url: `${BASE}popup.html` }],
    ['our id without a url', { id: ID }],
    ['our id with a bad url', { id: ID, url: 'not a url' }],
  ];

  it.each(refused)('%s is ignored', (_what, sender) => {
    const { handlers, calls } = recordingHandlers();
    const route = createMessageRouter({ handlers, extensionId: ID, extensionBaseUrl: BASE });
    expect(route({ type: 'ping', payload: { sentAt: 1 } }, sender)).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it.each([
    ['the popup', OWN_PAGE],
    [
      'the side panel opened as a tab',
      { id: ID, url: `${BASE}sidepanel.html?view=xur`, origin: `chrome-extension://${ID}` },
    ],
    ['the options page (no origin field)', { id: ID, url: `${BASE}options.html` }],
  ] as [string, MessageSender][])('%s is answered', (_what, sender) => {
    expect(isOwnPage(sender, ID, BASE)).toBe(true);
  });
});

describe('openSidePanel opens the view it was asked for', () => {
  beforeEach(() => fakeBrowser.reset());

  it('the Xûr tab opens the side panel page on the Xûr view', async () => {
    const create = vi.spyOn(browser.tabs, 'create');
    await expect(openSidePanelOrTab('xur')).resolves.toBe('tab');
    expect(create).toHaveBeenCalledWith({ url: browser.runtime.getURL('/sidepanel.html?view=xur') });
  });

  it('without a view it opens the inventory (the page default)', async () => {
    const create = vi.spyOn(browser.tabs, 'create');
    await openSidePanelOrTab(undefined);
    expect(create).toHaveBeenCalledWith({ url: sidePanelUrl() });
    expect(sidePanelUrl()).toBe(browser.runtime.getURL('/sidepanel.html'));
  });

  it('through the router: the view argument reaches the tab', async () => {
    const create = vi.spyOn(browser.tabs, 'create');
    const { handlers } = recordingHandlers();
    handlers.openSidePanel = async ({ view }) => {
      await openSidePanelOrTab(view);
      return { ok: true };
    };
    const route = createMessageRouter({
      handlers,
      extensionId: browser.runtime.id,
      extensionBaseUrl: browser.runtime.getURL('/'),
    });
    await route(
      { type: 'openSidePanel', payload: { view: 'xur' } },
      { id: browser.runtime.id, url: browser.runtime.getURL('/popup.html') },
    );
    expect(create.mock.calls[0][0].url).toMatch(/\/sidepanel\.html\?view=xur$/);
  });
});

describe('one helper opens the side panel, or a tab when it cannot', () => {
  const withSidePanel = (open: (o: { windowId: number }) => Promise<void>) => {
    (fakeBrowser as unknown as { sidePanel?: unknown }).sidePanel = { open: vi.fn(open) };
    return (fakeBrowser as unknown as { sidePanel: { open: ReturnType<typeof vi.fn> } }).sidePanel.open;
  };
  beforeEach(() => fakeBrowser.reset());
  afterEach(() => delete (fakeBrowser as unknown as { sidePanel?: unknown }).sidePanel);

  it('calls sidePanel.open before it awaits anything (the user gesture lasts until the first await)', async () => {
    const open = withSidePanel(() => Promise.resolve());
    const create = vi.spyOn(browser.tabs, 'create');
    const opening = openSidePanelOrTab('xur', 7);
    expect(open).toHaveBeenCalledWith({ windowId: 7 });
    await expect(opening).resolves.toBe('panel');
    expect(create).not.toHaveBeenCalled();
    // The panel's URL is fixed: it takes the asked view from the worker, once.
    await expect(takeSidePanelView()).resolves.toBe('xur');
    await expect(takeSidePanelView()).resolves.toBeUndefined();
  });

  it('a refused sidePanel.open (no gesture) falls back to the tab on the same view', async () => {
    withSidePanel(() =>
      Promise.reject(new Error('sidePanel.open() may only be called in response to a user gesture.')),
    );
    const create = vi.spyOn(browser.tabs, 'create');
    await expect(openSidePanelOrTab('xur', 7)).resolves.toBe('tab');
    expect(create).toHaveBeenCalledWith({ url: sidePanelUrl('xur') });
  });

  it('no known window: the tab, without trying the panel', async () => {
    const open = withSidePanel(() => Promise.resolve());
    await expect(openSidePanelOrTab('inventory', undefined)).resolves.toBe('tab');
    expect(open).not.toHaveBeenCalled();
  });

  it('the popup asks for a view, the side panel takes it once (pages never write storage)', async () => {
    await expect(sidePanelHandlers.askSidePanelView({ view: 'xur' })).resolves.toEqual({ ok: true });
    await expect(sidePanelHandlers.takeSidePanelView({})).resolves.toEqual({ view: 'xur' });
    await expect(sidePanelHandlers.takeSidePanelView({})).resolves.toEqual({ view: undefined });
  });

  it('a view kept in storage.session survives a worker restart', async () => {
    await browser.storage.session.set({ sidePanelView: 'xur' });
    await expect(takeSidePanelView()).resolves.toBe('xur');
    expect(await browser.storage.session.get('sidePanelView')).toEqual({});
  });

  describe('from the popup (lib/side-panel/page.ts)', () => {
    /** The worker's side, as the background wires it. */
    function worker() {
      const seen: string[] = [];
      fakeBrowser.runtime.onMessage.addListener(async (message: unknown) => {
        const { type, payload } = message as { type: string; payload: never };
        seen.push(type);
        if (type === 'openSidePanel') {
          await openSidePanelOrTab((payload as { view?: 'xur' }).view);
          return { ok: true, data: { ok: true } };
        }
        const handler = sidePanelHandlers[type as keyof typeof sidePanelHandlers] as (p: never) => Promise<unknown>;
        return { ok: true, data: await handler(payload) };
      });
      return seen;
    }

    it('opens the panel itself and leaves the view with the worker; no storage write from the page', async () => {
      const seen = worker();
      const open = withSidePanel(() => Promise.resolve());
      vi.spyOn(browser.windows, 'getCurrent').mockResolvedValue({ id: 7 } as never);
      const set = vi.spyOn(browser.storage.session, 'set');
      const create = vi.spyOn(browser.tabs, 'create');
      await expect(openSidePanel('xur')).resolves.toBe('panel');
      expect(open).toHaveBeenCalledWith({ windowId: 7 });
      expect(seen).toEqual(['askSidePanelView']);
      expect(create).not.toHaveBeenCalled();
      // The only write was the worker's (its handler ran in this same test process): one, of the asked view.
      expect(set.mock.calls).toEqual([[{ sidePanelView: 'xur' }]]);
      await expect(takeSidePanelView()).resolves.toBe('xur');
    });

    it('no side panel: the worker opens the view as a tab', async () => {
      const seen = worker();
      const create = vi.spyOn(browser.tabs, 'create');
      await expect(openSidePanel('xur')).resolves.toBe('tab');
      expect(seen).toEqual(['openSidePanel']);
      expect(create).toHaveBeenCalledWith({ url: sidePanelUrl('xur') });
    });
  });
});

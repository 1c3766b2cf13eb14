import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { ChannelProvider, ChannelsService, TemplateDetail, WhatsAppCredentials } from '@herald/channels';
import { Clock } from '@herald/common';
import type { JobQueue } from '@herald/queues';
import type { TemplateRepository, TemplateRow, TemplateUpsert } from './template.repository';
import { TEMPLATE_SYNC_ON_MISS_SECONDS, TemplatesService } from './templates.service';

const WORKSPACE = 'ws-1';
const CHANNEL = { id: 'ch-1', wabaId: 'waba-1' };

/** An approved one-parameter template as the provider lists it. */
const template = (name: string): TemplateDetail => ({
  id: `t-${name}`,
  name,
  language: 'en_US',
  category: 'UTILITY',
  status: 'APPROVED',
  providerStatus: 'APPROVED',
  parameterFormat: 'positional',
  components: [{ type: 'BODY', text: 'Hi {{1}}' }],
});

/**
 * The service over an account whose templates are `atProvider` (change it to add one), Herald's copy in memory. A
 * list call can be held (`hold`) to stand for one under way.
 */
function accountOf(atProvider: TemplateDetail[]) {
  let stored: TemplateUpsert[] = [];
  let held: Promise<void> | null = null;
  const lists: number[] = [];
  const templates = {
    find: async (_ws: string, _wabas: readonly string[], name: string) =>
      stored
        .filter((t) => t.name === name)
        .map((t) => ({ ...t, provider_template_id: t.providerTemplateId, parameter_format: t.parameterFormat, waba_id: CHANNEL.wabaId }) as unknown as TemplateRow),
    replaceAll: async (_ws: string, _waba: string, listed: readonly TemplateUpsert[]) => {
      stored = [...listed];
      return { stored: listed.length, removed: 0 };
    },
    syncFailed: async () => undefined,
  };
  const channels = {
    forSending: async () => ({ ...CHANNEL, workspaceId: WORKSPACE, graphBaseUrl: 'http://graph', phoneNumberId: 'p-1', secrets: { accessToken: 't' } }),
  };
  const provider = {
    listTemplates: async () => {
      lists.push(Date.now());
      const listed = [...atProvider]; // what the provider has when the read begins
      if (held) await held;
      return { ok: true, templates: listed };
    },
  };
  const service = new TemplatesService(
    templates as unknown as TemplateRepository,
    channels as unknown as ChannelsService,
    provider as unknown as ChannelProvider<WhatsAppCredentials>,
    {} as JobQueue,
    new Clock(),
  );
  const send = (name: string) => service.checkSend(WORKSPACE, CHANNEL, { name, language: 'en_US', params: ['Asha'] });
  return {
    send,
    lists,
    hold: () => {
      let release!: () => void;
      held = new Promise<void>((r) => (release = r));
      return () => {
        held = null;
        release();
      };
    },
  };
}

describe('TemplatesService.checkSend on a template Herald does not know yet', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-12-07T06:00:00Z'), doNotFake: ['nextTick', 'setImmediate'] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('takes a template made at the provider while a read of the list was under way: the send waits for the next read', async () => {
    const atProvider = [template('receipt')];
    const account = accountOf(atProvider);
    const release = account.hold();
    const first = account.send('receipt'); // unknown to Herald: a read starts
    await jest.advanceTimersByTimeAsync(0);
    atProvider.push(template('spring_sale')); // made at the provider after that read began
    const second = account.send('spring_sale');
    release();
    await expect(first).resolves.toBeUndefined();
    await jest.advanceTimersByTimeAsync(TEMPLATE_SYNC_ON_MISS_SECONDS * 1_000);
    // Before, the read under way counted as recent: the send was refused template_not_found.
    await expect(second).resolves.toBeUndefined();
    expect(account.lists).toHaveLength(2);
  });

  it('shares one read among the misses that arrive before it starts, and reads at most once every few seconds', async () => {
    const account = accountOf([template('receipt')]);
    await account.send('receipt'); // the first read
    const misses = [account.send('nope_1'), account.send('nope_2'), account.send('receipt_v2'), account.send('nope_1')];
    const settled = Promise.allSettled(misses);
    await jest.advanceTimersByTimeAsync(TEMPLATE_SYNC_ON_MISS_SECONDS * 1_000 - 1);
    expect(account.lists).toHaveLength(1); // not yet: the last read began under 5 s ago
    await jest.advanceTimersByTimeAsync(1);
    const outcomes = await settled;
    expect(account.lists).toHaveLength(2); // one read for all four, not four
    expect(account.lists[1]! - account.lists[0]!).toBe(TEMPLATE_SYNC_ON_MISS_SECONDS * 1_000);
    for (const o of outcomes) expect(o).toMatchObject({ status: 'rejected', reason: { code: 'template_not_found' } });
    // A known template asks nothing of the provider.
    await account.send('receipt');
    expect(account.lists).toHaveLength(2);
  });
});

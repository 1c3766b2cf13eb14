import { describe, expect, it } from '@jest/globals';
import { signatureFor, type ChannelsService } from '@herald/channels';
import type { ApiConfig } from '@herald/config';
import { JobName, type JobQueue } from '@herald/queues';
import { WebhookIntake } from './webhook-intake.service';
import type { WebhookRepository } from './webhook.repository';

const APP_SECRET = 'intake-spec-secret';

/**
 * An intake over stand-ins: every stored event gets the next id, every job asked for is recorded. `held`: the job ids
 * the queue holds already (finished jobs Redis keeps), under which an add is ignored, as BullMQ does.
 */
function intake(webhookApplyDelayMs = 20, held: Set<string> = new Set()) {
  let nextId = 100;
  const added: Array<{ name: string; eventId: string; jobId: string | undefined }> = [];
  const channels = {
    forSending: async () => ({ id: 'c1', type: 'whatsapp', secrets: { appSecret: APP_SECRET, verifyToken: 'v' } }),
  } as unknown as ChannelsService;
  // Postgres parses the body as it stores it: here, a body that is not JSON is one the stand-in cannot parse.
  const events = {
    store: async (_channelId: string, json: string) => {
      try {
        JSON.parse(json);
      } catch {
        return { refused: 'not_json' };
      }
      return { id: String((nextId += 1)) };
    },
  } as unknown as WebhookRepository;
  const queue = {
    add: async (name: string, data: { eventId: string }, options?: { jobId?: string }) => {
      if (options?.jobId !== undefined && held.has(options.jobId)) return;
      if (options?.jobId !== undefined) held.add(options.jobId);
      added.push({ name, eventId: data.eventId, jobId: options?.jobId });
    },
  } as unknown as JobQueue;
  const service = new WebhookIntake(channels, events, queue, { webhookApplyDelayMs } as ApiConfig);
  const post = (body: unknown) => {
    const raw = Buffer.from(JSON.stringify(body));
    return service.receive('c1', raw, signatureFor(raw, APP_SECRET), 'whatsapp');
  };
  return { service, post, added };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('WebhookIntake', () => {
  it('asks for one job for the POSTs stored together, naming the newest event', async () => {
    const { post, added } = intake();
    const ids = await Promise.all([1, 2, 3, 4, 5].map((n) => post({ object: 'whatsapp_business_account', n })));
    expect(ids).toEqual(['101', '102', '103', '104', '105']);
    expect(added).toEqual([]); // acknowledged before the job is asked for
    await sleep(60);
    expect(added).toEqual([{ name: JobName.ApplyWebhooks, eventId: '105', jobId: expect.stringMatching(/^webhook-105-at-\d+$/) }]);
    // A later POST gets a job of its own.
    await post({ object: 'whatsapp_business_account', n: 6 });
    await sleep(60);
    expect(added.map((a) => a.eventId)).toEqual(['105', '106']);
  });

  it('holds the ask for WEBHOOK_APPLY_DELAY_MS, so statuses posted apart within it are applied together', async () => {
    const { post, added } = intake(300);
    await post({ object: 'whatsapp_business_account', status: 'sent' });
    await sleep(100);
    await post({ object: 'whatsapp_business_account', status: 'delivered' });
    await sleep(100);
    expect(added).toEqual([]);
    await sleep(200);
    expect(added).toEqual([{ name: JobName.ApplyWebhooks, eventId: '102', jobId: expect.stringMatching(/^webhook-102-at-\d+$/) }]);
  });

  it('is not swallowed by a finished job of the same event id that Redis still keeps (a database made anew, Redis kept)', async () => {
    const held = new Set<string>();
    const before = intake(20, held);
    await before.post({ object: 'whatsapp_business_account' });
    await sleep(60);
    const after = intake(20, held); // the same ids again: 101
    expect(await after.post({ object: 'whatsapp_business_account' })).toBe('101');
    await sleep(60);
    expect([before.added.map((a) => a.eventId), after.added.map((a) => a.eventId)]).toEqual([['101'], ['101']]);
  });

  it('asks at once for what is stored when the API stops', async () => {
    const { service, post, added } = intake();
    await post({ object: 'whatsapp_business_account' });
    await service.onModuleDestroy();
    expect(added.map((a) => a.eventId)).toEqual(['101']);
    await sleep(60);
    expect(added).toHaveLength(1);
  });

  it('stores nothing and asks for nothing when the signature does not match', async () => {
    const { service, added } = intake();
    const raw = Buffer.from('{"object":"whatsapp_business_account"}');
    await expect(service.receive('c1', raw, signatureFor(raw, 'another-secret'), 'whatsapp')).rejects.toThrow(/X-Hub-Signature-256/);
    await sleep(60);
    expect(added).toEqual([]);
  });

  it('refuses a signed body that is not JSON, and asks for nothing', async () => {
    const { service, added } = intake();
    const raw = Buffer.from('{"object": ');
    await expect(service.receive('c1', raw, signatureFor(raw, APP_SECRET), 'whatsapp')).rejects.toMatchObject({
      kind: 'invalid',
      code: 'invalid_json',
    });
    await sleep(60);
    expect(added).toEqual([]);
  });
});

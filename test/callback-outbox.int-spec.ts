import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CallbackEndpoints, CallbackOutbox } from '@herald/callbacks';
import { ContactsService, ImportsService } from '@herald/contacts';
import { ChunkSender, CampaignsService, RunStarter } from '@herald/campaigns';
import { MessageSender, MessagesService, type MessageView } from '@herald/messaging';
import { startPipeline, type PipelineHarness, type WebhookStatus } from './support/pipeline-harness';

/**
 * The callback outbox as its producers use it, in process against real Postgres: an event exists exactly when the
 * change it reports committed, each status step of a send is told once however the webhooks arrive, and the
 * provider's opt-out (131050) and an import's failure are told like the rest.
 */
const PREFIX = `${process.env.REDIS_PREFIX ?? 'herald-test'}-outbox`;

interface StoredEvent {
  type: string;
  data: Record<string, unknown>;
}

describe('the callback outbox, in process', () => {
  let h: PipelineHarness;
  let ws: { workspaceId: string; channelId: string };
  let messages: MessagesService;
  let sender: MessageSender;
  let seq = 0;
  const fresh = () => `+4474011${String(++seq).padStart(5, '0')}`;

  const accept = async (body: Record<string, unknown>): Promise<string> => {
    const answer = await messages.send(ws.workspaceId, body);
    if (!('one' in answer)) throw new Error('expected one message');
    return answer.one.id;
  };
  const view = (id: string): Promise<MessageView> => messages.get(ws.workspaceId, id);
  /** The events written for the workspace, oldest first, as the envelope stores them. */
  const stored = async (type: string, where: (data: Record<string, unknown>) => boolean = () => true): Promise<StoredEvent[]> => {
    const rows = (await h.db.query('SELECT body FROM callback_events WHERE workspace_id = $1 AND type = $2 ORDER BY created_at, id', [
      ws.workspaceId,
      type,
    ])) as Array<{ body: string }>;
    return rows.map((r) => JSON.parse(r.body) as StoredEvent).filter((e) => where(e.data));
  };

  const applyStatuses = (statuses: readonly WebhookStatus[]) => h.applyStatuses(ws.channelId, statuses);

  beforeAll(async () => {
    h = await startPipeline(PREFIX);
    ws = await h.workspace('Outbox');
    messages = h.get(MessagesService);
    sender = h.get(MessageSender);
    h.provider.categories.set('receipt', 'UTILITY');
    h.provider.categories.set('promo', 'MARKETING');
    await h.get(CallbackEndpoints).create(ws.workspaceId, {
      url: 'http://127.0.0.1:9/hook',
      events: ['message.status', 'contact.opted_out', 'import.status'],
    });
  }, 30_000);

  afterAll(async () => {
    await h?.close();
  });

  it('tells each status step of a send once, whether its webhooks come duplicated, together or out of order', async () => {
    const to = fresh();
    const id = await accept({ to: { number: to }, type: 'template', template: { name: 'receipt', language: 'en_US', params: ['A'] }, customArgs: { order: 7 } });
    expect(await sender.send(id)).toBe('accepted');
    const { providerMessageId } = await view(id);
    const t = Math.floor(Date.now() / 1000);
    // read before delivered, sent twice, then all three again in one batch.
    await applyStatuses([{ id: providerMessageId!, status: 'read', at: t + 2, to }]);
    await applyStatuses([
      { id: providerMessageId!, status: 'sent', at: t, to },
      { id: providerMessageId!, status: 'sent', at: t, to },
    ]);
    await applyStatuses([
      { id: providerMessageId!, status: 'sent', at: t, to },
      { id: providerMessageId!, status: 'delivered', at: t + 1, to },
      { id: providerMessageId!, status: 'read', at: t + 2, to },
    ]);
    const told = await stored('message.status', (d) => d['messageId'] === id);
    expect(told.map((e) => e.data['status']).sort()).toEqual(['accepted', 'delivered', 'queued', 'read', 'sent']);
    expect(told.every((e) => (e.data['customArgs'] as { order: number }).order === 7)).toBe(true);
    // Each step at the time the provider gave it.
    const at = (s: string) => told.find((e) => e.data['status'] === s)!.data['at'];
    expect([at('sent'), at('delivered'), at('read')]).toEqual([t, t + 1, t + 2].map((x) => new Date(x * 1000).toISOString()));
  });

  it('tells `accepted` when a status webhook is the first to say the provider took the send (its answer was lost)', async () => {
    const to = fresh();
    h.provider.answer(to, 'timeout');
    const id = await accept({ to: { number: to }, type: 'template', template: { name: 'receipt', language: 'en_US', params: ['A'] } });
    expect(await sender.send(id)).toBe('unconfirmed');
    const t = Math.floor(Date.now() / 1000);
    await applyStatuses([{ id: `wamid.lost-${id}`, status: 'sent', at: t, to, callback: id }]);
    await applyStatuses([{ id: `wamid.lost-${id}`, status: 'delivered', at: t + 1, to, callback: id }]);
    const told = await stored('message.status', (d) => d['messageId'] === id);
    expect(told.map((e) => e.data['status']).sort()).toEqual(['accepted', 'delivered', 'queued', 'sent']);
    expect(told.find((e) => e.data['status'] === 'accepted')!.data['providerMessageId']).toBe(`wamid.lost-${id}`);
  });

  it("tells `sent` once when the provider's sent webhook is applied before the send's own answer is recorded", async () => {
    const to = fresh();
    const t = Math.floor(Date.now() / 1000);
    h.provider.beforeAccept = async (request, wamid) => {
      if (request.to === to) await applyStatuses([{ id: wamid, status: 'sent', at: t, to, callback: request.callbackData }]);
    };
    try {
      const id = await accept({ to: { number: to }, type: 'template', template: { name: 'receipt', language: 'en_US', params: ['A'] } });
      expect(await sender.send(id)).toBe('accepted');
      expect((await view(id)).status).toBe('sent');
      const told = await stored('message.status', (d) => d['messageId'] === id);
      expect(told.map((e) => e.data['status']).sort()).toEqual(['accepted', 'queued', 'sent']);
    } finally {
      h.provider.beforeAccept = null;
    }
  });

  it("tells a campaign send's `sent` once when the provider's sent webhook is applied before the chunk's answers are recorded", async () => {
    const numbers = [fresh(), fresh()];
    const campaignId = await h.approvedCampaign(ws.workspaceId, 'Webhook first', numbers, 'race');
    const campaigns = h.get(CampaignsService);
    const [campaign] = (await h.db.query('SELECT template_name FROM campaigns WHERE id = $1', [campaignId])) as Array<{ template_name: string }>;
    h.provider.categories.set(campaign!.template_name, 'UTILITY');
    const t = Math.floor(Date.now() / 1000);
    h.provider.beforeAccept = async (request, wamid) => {
      if (numbers.includes(request.to)) await applyStatuses([{ id: wamid, status: 'sent', at: t, to: request.to, callback: request.callbackData }]);
    };
    try {
      const { runId } = await campaigns.createRun(ws.workspaceId, campaignId, { audiences: ['race'] });
      expect(await h.get(RunStarter).start(runId)).toBe('running');
      expect(await h.get(ChunkSender).send(runId, 0)).toEqual({ state: 'done' });
      const told = await stored('message.status', (d) => d['runId'] === runId);
      expect(told.map((e) => `${String(e.data['to'])} ${String(e.data['status'])}`).sort()).toEqual(
        numbers.flatMap((n) => [`${n} accepted`, `${n} sent`]).sort(),
      );
    } finally {
      h.provider.beforeAccept = null;
    }
  });

  it('writes nothing when the change it reports is rolled back', async () => {
    const outbox = h.get(CallbackOutbox);
    const marker = `rolled-back-${Date.now()}`;
    await expect(
      h.db.transaction(async (manager) => {
        await outbox.record(manager, [{ workspaceId: ws.workspaceId, type: 'message.status', occurredAt: new Date(), data: { messageId: marker } }]);
        expect(await manager.query('SELECT count(*)::int AS n FROM callback_events WHERE body LIKE $1', [`%${marker}%`])).toEqual([{ n: 1 }]);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await h.db.query('SELECT count(*)::int AS n FROM callback_events WHERE body LIKE $1', [`%${marker}%`])).toEqual([{ n: 0 }]);
    expect(await h.db.query('SELECT count(*)::int AS n FROM callback_deliveries d JOIN callback_events e ON e.id = d.event_id WHERE e.body LIKE $1', [`%${marker}%`])).toEqual([{ n: 0 }]);
  });

  it("tells the provider's opt-out (131050) with the failure that caused it, once", async () => {
    const to = fresh();
    h.provider.answer(to, { code: 131050 });
    const id = await accept({ to: { number: to }, type: 'template', template: { name: 'promo', language: 'en_US', params: ['A'] } });
    expect(await sender.send(id)).toBe('failed');
    const failed = await stored('message.status', (d) => d['messageId'] === id && d['status'] === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.data['error']).toMatchObject({ code: '131050' });
    expect(await stored('contact.opted_out', (d) => d['number'] === to)).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ number: to, scope: 'marketing', source: 'provider' }) }),
    ]);
    // Opting out again changes nothing and tells nothing.
    await h.get(ContactsService).setOptedOut(ws.workspaceId, to, true, 'api');
    expect(await stored('contact.opted_out', (d) => d['number'] === to)).toHaveLength(1);
    // Widening it to everything is told: the contact now gets no message at all.
    await h.get(ContactsService).setOptedOut(ws.workspaceId, to, true, 'api', 'all');
    expect((await stored('contact.opted_out', (d) => d['number'] === to)).map((e) => e.data['scope']).sort()).toEqual(['all', 'marketing']);
  });

  it("tells an import's failure once, and not a late failure after it completed", async () => {
    const imports = h.get(ImportsService);
    const [row] = (await h.db.query(
      `INSERT INTO imports (workspace_id, kind, status, target, delimiter, columns, number_column)
       VALUES ($1, 'audience_contacts', 'running', '{}'::jsonb, ',', '["number"]'::jsonb, 0) RETURNING id`,
      [ws.workspaceId],
    )) as Array<{ id: string }>;
    await imports.recordFailure(row!.id, new Error('the file is not CSV'), false);
    expect(await stored('import.status', (d) => d['importId'] === row!.id)).toEqual([]);
    await imports.recordFailure(row!.id, new Error('the file is not CSV'), true);
    await imports.recordFailure(row!.id, new Error('again'), true);
    expect(await stored('import.status', (d) => d['importId'] === row!.id)).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ status: 'failed', failure: 'the file is not CSV' }) }),
    ]);
  });
});

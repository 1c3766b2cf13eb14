import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { CampaignReconciler, CampaignsService, ChunkSender, RecipientRepository, RunStarter } from '@herald/campaigns';
import { ChannelsService } from '@herald/channels';
import { AudiencesService, ContactsService } from '@herald/contacts';
import { MessageSender, MessagesService, type MessageView } from '@herald/messaging';
import { WebhookApplier, WebhookRecovery } from '@herald/provider-events';
import { SendPipeline, SendRateLimiter, SendSettingsService, SendWorkers, untilSlot, type ClaimedSend } from '@herald/sending';
import { startPipeline, type PipelineHarness } from './support/pipeline-harness';

/**
 * The send pipeline in process: sources claim, the pipeline checks, sends through a fake provider and classifies,
 * and the sources record — driven directly, with a settable clock, against real Postgres and Redis. Each check and
 * each outcome of the one policy, for single messages and for campaign recipients.
 */
const PREFIX = `${process.env.REDIS_PREFIX ?? 'herald-test'}-pipeline`;

describe('the send pipeline, in process', () => {
  let h: PipelineHarness;
  let ws: { workspaceId: string; channelId: string };
  let messages: MessagesService;
  let sender: MessageSender;
  let contacts: ContactsService;
  let settings: SendSettingsService;
  let seq = 0;

  /** A number of its own for each test (contacts keep state between tests). */
  const fresh = (country: '44' | '91' = '44') => (country === '44' ? `+4474009${String(++seq).padStart(5, '0')}` : `+9197399${String(++seq).padStart(5, '0')}`);
  const template = (name: string) => ({ type: 'template', template: { name, language: 'en_US', params: ['A'] } });
  const accept = async (body: Record<string, unknown>, workspaceId = ws.workspaceId): Promise<string> => {
    const answer = await messages.send(workspaceId, body);
    if (!('one' in answer)) throw new Error('expected one message');
    return answer.one.id;
  };
  const view = (id: string, workspaceId = ws.workspaceId): Promise<MessageView> => messages.get(workspaceId, id);
  /** A utility template send to `to` as a source claims it, numbered `seq` under worker `by`: SendPipeline.send's input. */
  const claimedSend = (workspaceId: string, to: string, id: string, by: string, seq: number): ClaimedSend =>
    ({
      id,
      callbackData: `claimed-${id}-${to}`,
      workspaceId,
      contactId: null,
      to,
      message: template('receipt'),
      attempts: 1,
      category: 'utility' as const,
      expiresAt: null,
      timezone: null,
      ignoreQuietHours: false,
      frequencyCapped: false,
      prevalidated: true,
      claimedBy: by,
      seq,
    }) as unknown as ClaimedSend;

  beforeAll(async () => {
    h = await startPipeline(PREFIX);
    ws = await h.workspace('Pipeline');
    messages = h.get(MessagesService);
    sender = h.get(MessageSender);
    contacts = h.get(ContactsService);
    settings = h.get(SendSettingsService);
    h.provider.categories.set('promo', 'MARKETING');
    h.provider.categories.set('receipt', 'UTILITY');
    h.provider.categories.set('code', 'AUTHENTICATION');
  }, 30_000);

  beforeEach(() => h.clock.reset());

  afterAll(async () => {
    await h?.close();
  });

  describe('claim', () => {
    it('claims a due message once, sends it with its own id as callback data, prevalidated, and records the provider id', async () => {
      const to = fresh();
      const id = await accept({ to: { number: to }, ...template('receipt') });
      expect(await sender.send(id)).toBe('accepted');
      expect(await sender.send(id)).toBe('not_due');
      expect(h.provider.sentTo(to)).toEqual([expect.objectContaining({ callbackData: id, prevalidated: true })]);
      expect(await view(id)).toMatchObject({ status: 'accepted', category: 'utility', providerMessageId: expect.stringMatching(/^wamid\.fake-/) });
    });

    it("sends a message's job with other due messages of its channel as one batch, each on its own slot, and leaves the rest alone", async () => {
      // A number at 100 msg/s: a batch takes 0.2 s of its slots, 20 messages.
      const batchWs = await h.workspace('Due messages together', { messagesPerSecond: 100 });
      const numbers = Array.from({ length: 30 }, () => fresh());
      const answer = await messages.send(batchWs.workspaceId, { to: numbers, ...template('receipt') });
      if (!('many' in answer)) throw new Error('expected a list');
      const ids = answer.many.messages.map((m) => m.id);
      const later = await accept({ to: { number: fresh() }, ...template('receipt'), scheduledFor: new Date(Date.now() + 3_600_000).toISOString() }, batchWs.workspaceId);
      const otherChannel = await accept({ to: { number: fresh() }, ...template('receipt') });
      const slotsBefore = h.provider.sent.length;

      expect(await h.get(MessageSender).sendDue(ids[29]!)).toBe('accepted');
      const statuses = await Promise.all(ids.map(async (id) => (await view(id, batchWs.workspaceId)).status));
      expect(statuses.filter((s) => s === 'accepted')).toHaveLength(20);
      expect(statuses.filter((s) => s === 'queued')).toHaveLength(10);
      expect(h.provider.sent.length - slotsBefore).toBe(20);
      // A job whose message another job's batch sent finds nothing to do; one whose message is still queued takes the rest.
      const sentAlready = ids.find((_, i) => statuses[i] === 'accepted' && i !== 29)!;
      expect(await h.get(MessageSender).sendDue(sentAlready)).toBe('not_due');
      const rest = ids.find((_, i) => statuses[i] === 'queued')!;
      expect(await h.get(MessageSender).sendDue(rest)).toBe('accepted');
      for (const id of ids) expect((await view(id, batchWs.workspaceId)).status).toBe('accepted');
      // A job given the other messages of its request (a list is enqueued so) takes them all, beyond the rate's batch.
      const list = await messages.send(batchWs.workspaceId, { to: Array.from({ length: 30 }, () => fresh()), ...template('receipt') });
      if (!('many' in list)) throw new Error('expected a list');
      const [head, ...others] = list.many.messages.map((m) => m.id) as [string, ...string[]];
      expect(await h.get(MessageSender).sendDue(head, others)).toBe('accepted');
      for (const id of [head, ...others]) expect((await view(id, batchWs.workspaceId)).status).toBe('accepted');
      // Not due (scheduled an hour ahead), or of another channel: not taken.
      expect((await view(later, batchWs.workspaceId)).status).toBe('scheduled');
      expect((await view(otherChannel)).status).toBe('queued');
      // Each message went out once.
      const sent = h.provider.sent.slice(slotsBefore);
      expect(new Set(sent.map((r) => r.callbackData)).size).toBe(60);
      expect(sent).toHaveLength(60);
    });

    it('takes 20 sends of one requestId at once as one message: each answered with its id, none with an error', async () => {
      const to = fresh();
      const body = { to: { number: to }, ...template('receipt'), requestId: `burst-${to}` };
      const answers = await Promise.all(Array.from({ length: 20 }, () => messages.send(ws.workspaceId, body)));
      const ids = answers.map((a) => ('one' in a ? a.one.id : undefined));
      expect(new Set(ids).size).toBe(1);
      expect(ids[0]).toEqual(expect.any(String));
      expect(answers.filter((a) => 'one' in a && a.one.created)).toHaveLength(1);
    });

    it('leaves a scheduled message alone until its time, and a cancelled one for ever', async () => {
      const to = fresh();
      const scheduledFor = new Date(Date.now() + 3_600_000).toISOString();
      const id = await accept({ to: { number: to }, ...template('receipt'), scheduledFor });
      expect(await view(id)).toMatchObject({ status: 'scheduled', scheduledFor: new Date(scheduledFor) });
      expect(await sender.send(id)).toBe('not_due');
      expect((await messages.cancel(ws.workspaceId, id)).status).toBe('cancelled');
      await expect(messages.cancel(ws.workspaceId, id)).rejects.toMatchObject({ code: 'message_not_cancellable' });
      expect(await sender.send(id)).toBe('not_due');
      expect(h.provider.sentTo(to)).toHaveLength(0);
    });
  });

  describe('checks at claim time', () => {
    it('never sends a message whose validity ran out: it is expired', async () => {
      const to = fresh();
      const id = await accept({ to: { number: to }, ...template('receipt'), validity: 60 });
      h.clock.advance(61_000);
      expect(await sender.send(id)).toBe('unsent');
      expect((await view(id)).status).toBe('expired');
      expect(h.provider.sentTo(to)).toHaveLength(0);
    });

    it('gives an authentication template 10 minutes by default', async () => {
      const to = fresh();
      const id = await accept({ to: { number: to }, ...template('code') });
      h.clock.advance(11 * 60_000);
      await sender.send(id);
      expect(await view(id)).toMatchObject({ status: 'expired', category: 'authentication' });
    });

    it('holds opt-outs to their scope, at send time: marketing ones skip marketing only, "all" skips everything', async () => {
      const to = fresh();
      const promo = await accept({ to: { number: to }, ...template('promo') });
      const receipt = await accept({ to: { number: to }, ...template('receipt') });
      const later = await accept({ to: { number: to }, ...template('receipt') });
      await contacts.setOptedOut(ws.workspaceId, to, true, 'inbound'); // STOP: marketing
      expect(await sender.send(promo)).toBe('unsent');
      expect(await view(promo)).toMatchObject({ status: 'skipped', skipReason: 'opted_out' });
      expect(await sender.send(receipt)).toBe('accepted');
      await contacts.setOptedOut(ws.workspaceId, to, true, 'api', 'all');
      expect(await sender.send(later)).toBe('unsent');
      expect(await view(later)).toMatchObject({ status: 'skipped', skipReason: 'opted_out' });
      expect(h.provider.sentTo(to)).toHaveLength(1);
    });

    it('refuses a free-form message outside the customer-service window, at acceptance and again at send time, and sends it inside', async () => {
      const to = fresh();
      const text = { type: 'text', text: { body: 'Hello' } };
      // Never opened: refused at once, naming why.
      await expect(accept({ to: { number: to }, ...text })).rejects.toMatchObject({ kind: 'conflict', code: 'outside_service_window' });
      expect(h.provider.sentTo(to)).toHaveLength(0);
      const contact = await contacts.get(ws.workspaceId, to);
      const start = new Date('2026-06-01T12:00:00Z');
      h.clock.set(start);
      // The contact wrote 23 h 59 min 50 s ago: the window is open for 10 s more.
      await h.db.transaction((m) => contacts.noteInbound(m, [{ channelId: ws.channelId, contactId: contact.id, at: new Date(start.getTime() - 86_390_000) }]));
      const late = await accept({ to: { number: to }, ...text });
      // It waited past the window's end before a worker took it: refused at send time, never sent.
      h.clock.advance(20_000);
      expect(await sender.send(late)).toBe('failed');
      expect(await view(late)).toMatchObject({ status: 'failed', category: 'service', error: { code: 'outside_service_window' } });
      await expect(accept({ to: { number: to }, ...text })).rejects.toMatchObject({ code: 'outside_service_window', message: expect.stringContaining('closed at 2026-06-01T12:00:10.000Z') });
      expect(h.provider.sentTo(to)).toHaveLength(0);
      await h.db.transaction((m) => contacts.noteInbound(m, [{ channelId: ws.channelId, contactId: contact.id, at: h.clock.now().toJSDate() }]));
      const inside = await accept({ to: { number: to }, ...text });
      expect(await sender.send(inside)).toBe('accepted');
      expect(h.provider.sentTo(to)).toHaveLength(1);
    });

    it('holds marketing sends through quiet hours in the recipient\'s own time, unless told to ignore them', async () => {
      await settings.update(ws.workspaceId, { quietHours: { start: '21:00', end: '08:00', timezone: 'recipient' } });
      try {
        h.clock.set('2026-12-02T17:00:00Z'); // 22:30 in Kolkata, 17:00 in London
        const india = fresh('91');
        const uk = fresh('44');
        const held = await accept({ to: { number: india }, ...template('promo') });
        expect(await sender.send(held)).toBe('waiting');
        expect(await view(held)).toMatchObject({ status: 'queued', waiting: { reason: 'quiet_hours', until: new Date('2026-12-03T02:30:00Z') } });
        expect(await sender.send(await accept({ to: { number: uk }, ...template('promo') }))).toBe('accepted');
        expect(await sender.send(await accept({ to: { number: india }, ...template('receipt') }))).toBe('accepted');
        expect(await sender.send(await accept({ to: { number: india }, ...template('promo'), ignoreQuietHours: true }))).toBe('accepted');
        expect(h.provider.sentTo(india)).toHaveLength(2);
      } finally {
        await settings.update(ws.workspaceId, { quietHours: null });
      }
    });

    it('counts marketing sends against the frequency cap when they are claimed', async () => {
      await settings.update(ws.workspaceId, { frequencyCap: { messages: 1, days: 7 } });
      try {
        const to = fresh();
        const first = await accept({ to: { number: to }, ...template('promo'), useFrequencyCapping: true });
        const second = await accept({ to: { number: to }, ...template('promo'), useFrequencyCapping: true });
        const uncapped = await accept({ to: { number: to }, ...template('promo') });
        expect(await sender.send(first)).toBe('accepted');
        expect(await sender.send(second)).toBe('unsent');
        expect(await view(second)).toMatchObject({ status: 'skipped', skipReason: 'frequency_cap', error: { code: 'frequency_cap' } });
        expect(await sender.send(uncapped)).toBe('accepted');
      } finally {
        await settings.update(ws.workspaceId, { frequencyCap: null });
      }
    });

    it('keeps a limited messaging tier: a new number waits for a place, one already reached is sent', async () => {
      const tier = await h.workspace('Tier', { messagingTier: '250' });
      const reached = fresh();
      await h.db.query(
        `INSERT INTO messaging_limit_log (portfolio_key, to_number, last_sent_at)
         SELECT (SELECT waba_id FROM channels WHERE id = $1), CASE WHEN i = 1 THEN $2 ELSE '+1555' || lpad(i::text, 7, '0') END, now() - interval '1 hour'
           FROM generate_series(1, 250) i`,
        [tier.channelId, reached],
      );
      const waiting = await accept({ to: { number: fresh() }, ...template('receipt') }, tier.workspaceId);
      expect(await sender.send(waiting)).toBe('waiting');
      const seen = await view(waiting, tier.workspaceId);
      expect(seen.waiting?.reason).toBe('messaging_tier');
      expect(new Date(seen.waiting!.until!).getTime()).toBeGreaterThan(Date.now() + 22 * 3_600_000);
      expect(await sender.send(await accept({ to: { number: reached }, ...template('receipt') }, tier.workspaceId))).toBe('accepted');
    });
  });

  describe('outcomes: one classifier, one backoff rule, one policy', () => {
    const failWith = async (code: number, template_ = 'receipt') => {
      const to = fresh();
      h.provider.answer(to, { code });
      const id = await accept({ to: { number: to }, ...template(template_) });
      const result = await sender.send(id);
      return { to, id, result, message: await view(id) };
    };

    it('131026: failed, and the number is marked not on WhatsApp (later sends skip it)', async () => {
      const { to, message } = await failWith(131026);
      expect(message).toMatchObject({ status: 'failed', error: { code: '131026' } });
      expect((await contacts.get(ws.workspaceId, to)).notOnWhatsAppAt).not.toBeNull();
      const next = await accept({ to: { number: to }, ...template('receipt') });
      expect(await sender.send(next)).toBe('unsent');
      expect(await view(next)).toMatchObject({ status: 'skipped', skipReason: 'not_on_whatsapp' });
    });

    it('131050: failed, and the contact is opted out of marketing', async () => {
      const { to, message } = await failWith(131050, 'promo');
      expect(message.status).toBe('failed');
      expect(await contacts.get(ws.workspaceId, to)).toMatchObject({ optedOut: true, optOutSource: 'provider', optOutScope: 'marketing' });
    });

    it('131049 and 130472: failed for good, never retried', async () => {
      for (const code of [131049, 130472]) {
        const { to, result, message } = await failWith(code, 'promo');
        expect([code, result, message.status, message.waiting]).toEqual([code, 'failed', 'failed', null]);
        expect(h.provider.sentTo(to)).toHaveLength(1);
      }
    });

    it('130429: back to the queue after the provider\'s wait, then sent', async () => {
      const to = fresh();
      h.provider.answer(to, { code: 130429, retryAfterMs: 300 });
      const id = await accept({ to: { number: to }, ...template('receipt') });
      expect(await sender.send(id)).toBe('waiting');
      expect(await view(id)).toMatchObject({ status: 'queued', waiting: { reason: 'backoff' }, error: { code: '130429' } });
      expect(await sender.send(id)).toBe('not_due');
      await new Promise((r) => setTimeout(r, 400));
      expect(await sender.send(id)).toBe('accepted');
      expect((await view(id)).attempts).toBe(2);
    });

    it('131056: backs off 4^X seconds, as Meta advises for the pair rate', async () => {
      const to = fresh();
      h.provider.answer(to, { code: 131056 }, { code: 131056 });
      const id = await accept({ to: { number: to }, ...template('receipt') });
      const waits: number[] = [];
      for (let i = 0; i < 2; i++) {
        const before = Date.now();
        expect(await sender.send(id)).toBe('waiting');
        waits.push(new Date((await view(id)).waiting!.until!).getTime() - before);
        await h.db.query('UPDATE messages SET not_before = now() WHERE id = $1', [id]); // time passes
      }
      expect(waits[0]).toBeGreaterThan(3_000);
      expect(waits[0]).toBeLessThan(6_000);
      expect(waits[1]).toBeGreaterThan(15_000);
      expect(waits[1]).toBeLessThan(18_000);
    });

    it('no answer: left in doubt (sending) for its status webhook, never sent again blindly', async () => {
      const to = fresh();
      h.provider.answer(to, 'timeout');
      const id = await accept({ to: { number: to }, ...template('receipt') });
      expect(await sender.send(id)).toBe('unconfirmed');
      expect(await view(id)).toMatchObject({ status: 'sending', error: { code: 'timeout' } });
      expect(await sender.send(id)).toBe('not_due');
    });

    it('held_for_quality_assessment: held, neither sent nor failed', async () => {
      const to = fresh();
      h.provider.answer(to, 'held');
      const id = await accept({ to: { number: to }, ...template('promo') });
      expect(await sender.send(id)).toBe('accepted');
      expect((await view(id)).status).toBe('held');
    });

    it('190 on a send pauses the channel; its messages then wait, and expire if the pause outlasts them', async () => {
      const paused = await h.workspace('Paused');
      const to = fresh();
      h.provider.answer(to, { code: 190 });
      await sender.send(await accept({ to: { number: to }, ...template('receipt') }, paused.workspaceId));
      expect((await h.get(ChannelsService).get(paused.workspaceId, paused.channelId)).status).toBe('paused');
      const next = await accept({ to: { number: fresh() }, ...template('receipt'), validity: 120 }, paused.workspaceId);
      expect(await sender.send(next)).toBe('waiting');
      expect((await view(next, paused.workspaceId)).waiting?.reason).toBe('channel_paused');
      h.clock.advance(121_000);
      await h.db.query('UPDATE messages SET not_before = now() WHERE id = $1', [next]);
      await h.get(ChannelsService).update(paused.workspaceId, paused.channelId, { accessToken: 'new-token' });
      await sender.send(next);
      expect((await view(next, paused.workspaceId)).status).toBe('expired');
    });

    it('190 reported by a status webhook pauses the channel too: one policy, whichever way the error came', async () => {
      const other = await h.workspace('Webhook policy');
      const to = fresh();
      const id = await accept({ to: { number: to }, ...template('receipt') }, other.workspaceId);
      expect(await sender.send(id)).toBe('accepted');
      const { providerMessageId } = await view(id, other.workspaceId);
      // The applier drains every event waiting, so events other spec files left in the shared table count too.
      const applied = await h.applyStatuses(other.channelId, [
        { id: providerMessageId!, status: 'failed', at: Math.floor(Date.now() / 1000), to, errors: [{ code: 190, title: 'Access token has expired' }] },
      ]);
      expect(applied.statuses).toBeGreaterThanOrEqual(1);
      expect(applied.statusesMatched).toBeGreaterThanOrEqual(1);
      expect(await view(id, other.workspaceId)).toMatchObject({ status: 'failed', error: { code: '190' } });
      expect((await h.get(ChannelsService).get(other.workspaceId, other.channelId)).status).toBe('paused');
    });
  });

  describe('campaign recipients through the same pipeline', () => {
    it('skips a recipient who opted out after the run started, and sends the others', async () => {
      const campaignWs = await h.workspace('Campaign');
      const numbers = [fresh(), fresh(), fresh()];
      await h.get(AudiencesService).create(campaignWs.workspaceId, { id: 'trio', name: 'Trio', contacts: numbers.map((number) => ({ number })) });
      const campaignsService = h.get(CampaignsService);
      const { campaignId } = await campaignsService.create(campaignWs.workspaceId, { title: 'Mid-run opt-out', message: 'Hello {{name}}!' });
      await h.db.query(`UPDATE campaigns SET template_status = 'APPROVED' WHERE id = $1`, [campaignId]);
      const [campaign] = (await h.db.query('SELECT template_name FROM campaigns WHERE id = $1', [campaignId])) as Array<{ template_name: string }>;
      h.provider.categories.set(campaign!.template_name, 'MARKETING');
      await h.db.query(`UPDATE contacts SET name = 'Friend' WHERE workspace_id = $1`, [campaignWs.workspaceId]);
      const { runId } = await campaignsService.createRun(campaignWs.workspaceId, campaignId, { audiences: ['trio'] });
      expect(await h.get(RunStarter).start(runId)).toBe('running');
      await contacts.setOptedOut(campaignWs.workspaceId, numbers[1]!, true, 'inbound'); // STOP, after the fan-out
      expect(await h.get(ChunkSender).send(runId, 0)).toEqual({ state: 'done' });
      const run = await campaignsService.getRun(campaignWs.workspaceId, campaignId, runId);
      expect(run).toMatchObject({ status: 'completed', skippedByReason: { opted_out: 1 } });
      expect(numbers.map((n) => h.provider.sentTo(n).length)).toEqual([1, 0, 1]);
      expect(h.provider.sentTo(numbers[0]!)[0]).toMatchObject({ prevalidated: true, callbackData: expect.stringMatching(/^r:\d+$/) });
    });

    /**
     * A run of 60 at 50 msg/s (batches of 10 on slots 20.4 ms apart) whose recipient 1 holds the event loop 60 ms
     * while another worker books the number's next second: recipients 2 and 3 pass their slots by more than the
     * lateness budget, and no fresh slot is due within half a second. `during` runs then too.
     */
    const lateSlotsRun = async (
      name: string,
      during: (runId: string, campaignId: string, workspaceId: string) => Promise<void> = async () => undefined,
      before: (order: string[]) => void = () => undefined,
    ) => {
      const campaignWs = await h.workspace(name, { messagesPerSecond: 50 });
      const numbers = Array.from({ length: 60 }, () => fresh());
      const campaignId = await h.approvedCampaign(campaignWs.workspaceId, name, numbers, 'crowd');
      const campaignsService = h.get(CampaignsService);
      const { runId } = await campaignsService.createRun(campaignWs.workspaceId, campaignId, { audiences: ['crowd'] });
      expect(await h.get(RunStarter).start(runId)).toBe('running');
      const [{ phone_number_id: phone }] = (await h.db.query('SELECT phone_number_id FROM channels WHERE id = $1', [campaignWs.channelId])) as Array<{ phone_number_id: string }>;
      const order = (await h.db.query('SELECT to_number FROM campaign_recipients WHERE run_id = $1 ORDER BY id', [runId])) as Array<{ to_number: string }>;
      const [first, second, third] = order.map((r) => r.to_number);
      before(order.map((r) => r.to_number));
      const records = jest.spyOn(h.get(RecipientRepository), 'record');
      h.provider.beforeAccept = async (request) => {
        if (request.to !== first) return;
        const until = performance.now() + 60;
        while (performance.now() < until) {
          /* the event loop held, as by a long task */
        }
        await h.get(SendRateLimiter).reserve(phone!, 50, 50, { horizonMs: 60_000 });
        await during(runId, campaignId, campaignWs.workspaceId);
      };
      try {
        const result = await h.get(ChunkSender).send(runId, 0);
        const released = records.mock.calls.flatMap(([outcomes]) => outcomes.released.map((r) => r.id));
        const sent = h.provider.sent.filter((r) => numbers.includes(r.to)).map((r) => r.to);
        return { result, released, sent, order: order.map((r) => r.to_number), second: second!, third: third!, runId };
      } finally {
        h.provider.beforeAccept = null;
        records.mockRestore();
      }
    };

    it('sends recipients who lost their slot on a fresh one after the number\'s bookings, never back to the queue', async () => {
      const run = await lateSlotsRun('Late slots');
      expect(run.result).toEqual({ state: 'done' });
      expect(new Set(run.sent).size).toBe(60);
      expect(run.sent).toHaveLength(60); // each once
      expect(run.released).toEqual([]); // kept in the worker for their fresh slot: not claimed again a latency later
      expect(run.sent.indexOf(run.second)).toBeGreaterThan(9); // not with the first batch: their slots had passed
      expect(run.sent.indexOf(run.third)).toBeGreaterThan(9);
    });

    it('hands sends waiting for a far fresh slot back unsent when their run was paused meanwhile', async () => {
      const run = await lateSlotsRun('Late slots, paused', async (runId, campaignId, workspaceId) => {
        await h.get(CampaignsService).pause(workspaceId, campaignId, runId);
      });
      expect(run.result).toEqual({ state: 'stopped' });
      expect(run.sent).not.toContain(run.second); // asked before their slot: the run was paused, so never sent
      expect(run.sent).not.toContain(run.third);
      expect(run.released).toEqual(expect.arrayContaining([expect.any(String), expect.any(String)]));
      const rows = (await h.db.query(`SELECT to_number, status FROM campaign_recipients WHERE run_id = $1 AND to_number = ANY($2)`, [
        run.runId,
        [run.second, run.third],
      ])) as Array<{ status: string }>;
      expect(rows.map((r) => r.status)).toEqual(['queued', 'queued']); // back in the queue for the resume
    });

    it('cancels at once the sends in hand when their run was cancelled: released or answered with a transient error, none waits in the queue', async () => {
      // Every send that reaches the provider after the cancel is answered with a 5xx. Which ones those are depends on
      // how late this machine runs each slot, so they are read from the provider, not picked beforehand.
      let numbers: string[] = [];
      let mark = -1;
      const run = await lateSlotsRun(
        'Late slots, cancelled',
        async (runId, campaignId, workspaceId) => {
          await h.get(CampaignsService).cancel(workspaceId, campaignId, runId);
          mark = h.provider.sent.length;
          for (const to of numbers.slice(1)) h.provider.answer(to, { code: 131000 });
        },
        (order) => {
          numbers = order;
        },
      );
      expect(mark).toBeGreaterThan(0);
      const retried = h.provider.sent.slice(mark).map((r) => r.to).filter((to) => numbers.includes(to));
      expect(retried.length).toBeGreaterThan(0); // the sends of the batches claimed before the cancel still went out
      expect(run.sent).not.toContain(run.second);
      const rows = (await h.db.query(`SELECT to_number, status FROM campaign_recipients WHERE run_id = $1 AND to_number = ANY($2) ORDER BY id`, [
        run.runId,
        [...new Set([run.second, run.third, ...retried])],
      ])) as Array<{ to_number: string; status: string }>;
      // Before, all of them went back to `queued` in the cancelled run until the reconciler's next pass.
      expect(rows).toHaveLength(new Set([run.second, run.third, ...retried]).size);
      expect(rows.filter((r) => r.status !== 'cancelled')).toEqual([]);
      expect((await h.db.query(`SELECT count(*)::int AS n FROM campaign_recipients WHERE run_id = $1 AND status IN ('queued', 'sending')`, [run.runId]))[0].n).toBe(0);
    });

    it('waits for a far fresh slot only well inside SEND_UNCONFIRMED_AFTER_SECONDS, so the in-doubt sweep never takes a send still waiting', async () => {
      // At the 10 s minimum a recipient left `sending` for 10 s is queued again: a send still waiting for its slot
      // would then go out twice. Here the number is booked 6 s ahead: past half of that, so the late send goes back.
      const short = await startPipeline(`${PREFIX}-unconfirmed`, { SEND_UNCONFIRMED_AFTER_SECONDS: '10' });
      try {
        const shortWs = await short.workspace('Short in-doubt', { messagesPerSecond: 50 });
        const channel = await short.get(ChannelsService).forSending(shortWs.channelId);
        if (!channel) throw new Error('no channel');
        await short.get(SendRateLimiter).reserve(channel.phoneNumberId, 50, 300, { horizonMs: 60_000 });
        const to = fresh();
        const seqs = short.get(SendWorkers).allocate(1); // numbered like a claim, so only its late slot stops it
        const send = claimedSend(shortWs.workspaceId, to, '1', seqs.by, seqs.base);
        const passed = { firstAt: performance.now() - 100, spacingMs: 20, lateMs: 8 }; // its slot has gone
        const began = performance.now();
        const outcomes = await short.get(SendPipeline).send(channel, [send], passed, 3, undefined, { stillWanted: async () => true });
        expect(outcomes.released).toEqual([{ id: '1', attempts: 1 }]);
        expect(short.provider.sentTo(to)).toEqual([]);
        expect(performance.now() - began).toBeLessThan(2_000); // handed back at once, not after waiting for the slot
      } finally {
        await short.close();
      }
    });

    it('gives late sends fresh slots a little ahead, so a busy worker taking up the answer late does not make them late again', async () => {
      // Every slot of the batch has passed, and this worker takes up each answer of Redis 12 ms after it came (its
      // event loop busy with other batches): longer than a send may leave after its slot. Before, the fresh slots of a
      // number with nothing booked ahead were due at once, so the sends were late again, round after round (a
      // reservation each), until the batch went back to the queue unsent after MAX_RESLOTTING_MS.
      const fastWs = await h.workspace('Busy worker, fresh slots', { messagesPerSecond: 1_000 });
      const channel = await h.get(ChannelsService).forSending(fastWs.channelId);
      if (!channel) throw new Error('no channel');
      const numbers = Array.from({ length: 20 }, () => fresh());
      const seqs = h.get(SendWorkers).allocate(numbers.length);
      const sends = numbers.map((to, i) => claimedSend(fastWs.workspaceId, to, String(i + 1), seqs.by, seqs.base + i));
      // The number's first slot comes no sooner than a window after this Redis prefix's limiter state appeared (a lost
      // schedule's guard, SendRateLimiter): waited out first, so the fresh slots are the number's next ones.
      const limiter = h.get(SendRateLimiter);
      const first = await limiter.reserve(channel.phoneNumberId, 1_000, 1, { horizonMs: 60_000 });
      if (!first) throw new Error('no slot');
      await untilSlot(first.firstAt);
      const reserveOf = limiter.reserve.bind(limiter);
      const reserve = jest.spyOn(limiter, 'reserve').mockImplementation(async (...args) => {
        const slots = await reserveOf(...args);
        const until = performance.now() + 12;
        while (performance.now() < until) {
          /* the event loop held by other work */
        }
        return slots;
      });
      try {
        const passed = { firstAt: performance.now() - 100, spacingMs: 1, lateMs: 8 };
        const outcomes = await h.get(SendPipeline).send(channel, sends, passed, 3);
        expect(outcomes.released).toEqual([]);
        expect(outcomes.accepted.map((a) => a.id).sort((a, b) => Number(a) - Number(b))).toEqual(sends.map((c) => c.id));
        expect(numbers.every((n) => h.provider.sentTo(n).length === 1)).toBe(true);
        // One fresh reservation for the late batch (more only if stalls of a loaded machine made some late again), not
        // one per round: before, hundreds in those 5 s.
        expect(reserve.mock.calls.length).toBeLessThanOrEqual(3);
      } finally {
        reserve.mockRestore();
      }
    });

    it('warms the provider before reserving a batch\'s slots, so a slow warm-up costs no slot', async () => {
      // The provider answers its warm-up read 400 ms later: longer than a batch is claimed ahead of its slots.
      const campaignWs = await h.workspace('Slow warm-up', { messagesPerSecond: 50 });
      const numbers = Array.from({ length: 20 }, () => fresh());
      const campaignId = await h.approvedCampaign(campaignWs.workspaceId, 'Warm-up', numbers, 'few');
      const campaignsService = h.get(CampaignsService);
      const { runId } = await campaignsService.createRun(campaignWs.workspaceId, campaignId, { audiences: ['few'] });
      expect(await h.get(RunStarter).start(runId)).toBe('running');
      const limiter = h.get(SendRateLimiter);
      const reserveOf = limiter.reserve.bind(limiter);
      const [{ phone_number_id: phone }] = (await h.db.query('SELECT phone_number_id FROM channels WHERE id = $1', [campaignWs.channelId])) as Array<{ phone_number_id: string }>;
      // When each of this number's slots was asked for (performance.now()), and whether as a batch's (claimed ahead).
      const asked: Array<{ at: number; batch: boolean }> = [];
      const reserve = jest.spyOn(limiter, 'reserve').mockImplementation(async (sender, perSecond, count, options) => {
        if (sender === phone) asked.push({ at: performance.now(), batch: options?.leadMs !== undefined });
        return reserveOf(sender, perSecond, count, options);
      });
      h.provider.prepareMs = 400;
      try {
        expect(await h.get(ChunkSender).send(runId, 0)).toEqual({ state: 'done' });
        expect(numbers.every((n) => h.provider.sentTo(n).length === 1)).toBe(true);
        // The warm-up was made for this number, and answered before its first batch's slots were asked for: the
        // 400 ms it took cannot have made a send miss its slot. (Slots asked later for sends that a stall of a busy
        // machine made late are not the warm-up's, and not counted here.)
        const warmed = h.provider.prepared.find((p) => p.phoneNumberId === phone);
        expect(warmed).toBeDefined();
        const firstBatch = asked.find((a) => a.batch);
        expect(firstBatch).toBeDefined();
        expect(firstBatch!.at).toBeGreaterThanOrEqual(warmed!.at);
        expect(asked[0]).toBe(firstBatch); // nothing was re-slotted before the first batch's slots
      } finally {
        h.provider.prepareMs = 0;
        reserve.mockRestore();
      }
    });

    it('expires what is left of a run whose validity ran out while it was paused, never sends it, and completes the run', async () => {
      const campaignWs = await h.workspace('Expiring run');
      const numbers = [fresh(), fresh()];
      const campaignId = await h.approvedCampaign(campaignWs.workspaceId, 'Short-lived', numbers, 'pair');
      const campaignsService = h.get(CampaignsService);
      const { runId } = await campaignsService.createRun(campaignWs.workspaceId, campaignId, { audiences: ['pair'], validity: 60 });
      expect(await h.get(RunStarter).start(runId)).toBe('running');
      expect((await campaignsService.pause(campaignWs.workspaceId, campaignId, runId)).status).toBe('paused');
      await h.db.query(`UPDATE campaign_runs SET started_at = now() - interval '61 seconds' WHERE id = $1`, [runId]);
      await h.get(CampaignReconciler).reconcile();
      const run = await campaignsService.getRun(campaignWs.workspaceId, campaignId, runId);
      expect(run.counts).toMatchObject({ expired: 2, queued: 0 });
      // Nothing of it can be sent any more: it is over, not paused (and active) for ever.
      expect(run.status).toBe('completed');
      expect(numbers.map((n) => h.provider.sentTo(n).length)).toEqual([0, 0]);
    });
  });

  describe('provider events that cannot be applied', () => {
    /** A delivered status of `channelId`, stored as the API stores one (oldest first is the order they are claimed in). */
    const storeStatus = (channelId: string, providerMessageId: string, to: string): Promise<string> =>
      h.storeStatuses(channelId, [{ id: providerMessageId, status: 'delivered', at: Math.floor(Date.now() / 1000), to }]);
    const waiting = async (...ids: string[]) =>
      ((await h.db.query('SELECT id FROM webhook_events WHERE id = ANY($1::bigint[])', [ids])) as Array<{ id: string }>).map((r) => r.id);

    /** A message of workspace `ws` accepted by the provider, and a poisoned event of another workspace stored before its status. */
    const poisonedBefore = async (name: string, failure: Error) => {
      const other = await h.workspace(`${name}: the other workspace`);
      const to = fresh();
      const id = await accept({ to: { number: to }, ...template('receipt') });
      expect(await sender.send(id)).toBe('accepted');
      const providerMessageId = (await view(id)).providerMessageId!;
      const poison = await storeStatus(other.channelId, 'wamid.poison', fresh());
      const good = await storeStatus(ws.channelId, providerMessageId, to);
      const channels = h.get(ChannelsService);
      const forSending = channels.forSending.bind(channels);
      // Reading the other workspace's event fails, as a parser's bug on a body of an unforeseen shape, or Postgres away.
      const spy = jest.spyOn(channels, 'forSending').mockImplementation(async (channelId: string) => {
        if (channelId === other.channelId) throw failure;
        return forSending(channelId);
      });
      return { id, poison, good, restore: () => spy.mockRestore() };
    };

    it("sets aside an event that fails alone for its data, and applies the other workspaces' events claimed with it", async () => {
      const { id, poison, good, restore } = await poisonedBefore('Poison', new TypeError("Cannot read properties of undefined (reading 'entry')"));
      try {
        await h.get(WebhookApplier).apply(good, []);
      } finally {
        restore();
      }
      expect((await view(id)).status).toBe('delivered');
      expect(await waiting(poison, good)).toEqual([]);
      const failed = (await h.db.query('SELECT id, error FROM webhook_events_failed WHERE id = $1', [poison])) as Array<{ id: string; error: string }>;
      expect(failed).toEqual([{ id: poison, error: expect.stringContaining('TypeError') }]);
    });

    it('keeps what it set aside for WEBHOOK_FAILED_RETENTION_DAYS after it was set aside, then deletes it', async () => {
      const { poison, good, restore } = await poisonedBefore('Retention', new TypeError('a body of a shape no parser foresaw'));
      try {
        await h.get(WebhookApplier).apply(good, []);
      } finally {
        restore();
      }
      // Set aside 31 days and 29 days before the clock's now (the clock a little ahead of real time: other specs' rows,
      // set aside now, are younger than 30 days by it too, and stay).
      const now = new Date(Date.now() + 60_000);
      h.clock.set(now);
      const { poison: younger, good: good2, restore: restore2 } = await poisonedBefore('Retention younger', new TypeError('another'));
      try {
        await h.get(WebhookApplier).apply(good2, []);
      } finally {
        restore2();
      }
      const setAsideAt = (id: string, days: number) => h.db.query('UPDATE webhook_events_failed SET failed_at = $2 WHERE id = $1', [id, new Date(now.getTime() - days * 86_400_000)]);
      await setAsideAt(poison, 31);
      await setAsideAt(younger, 29);
      expect(await h.get(WebhookRecovery).purgeFailed(30)).toBeGreaterThanOrEqual(1);
      const left = (await h.db.query('SELECT id FROM webhook_events_failed WHERE id = ANY($1::bigint[])', [[poison, younger]])) as Array<{ id: string }>;
      expect(left.map((r) => r.id)).toEqual([younger]);
    });

    it('sets nothing aside for a failure that may pass (a deadlock, Postgres away): the job fails and tries again', async () => {
      const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
      const { id, poison, good, restore } = await poisonedBefore('Deadlock', deadlock);
      try {
        await expect(h.get(WebhookApplier).apply(good, [])).rejects.toThrow('deadlock detected');
        expect(await waiting(poison)).toEqual([poison]);
        expect(await h.db.query('SELECT id FROM webhook_events_failed WHERE id = $1', [poison])).toEqual([]);
      } finally {
        restore();
      }
      // Once it passes, everything is applied.
      await h.get(WebhookApplier).apply(good, []);
      expect(await waiting(poison, good)).toEqual([]);
      expect((await view(id)).status).toBe('delivered');
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChannelsService } from '@herald/channels';
import { MessageSender, MessagesService } from '@herald/messaging';
import { ProviderLimits } from '@herald/sending';
import { startPipeline, type PipelineHarness } from './support/pipeline-harness';

/**
 * Meta counts the messaging limit (unique users a business starts conversations with per rolling 24 h) per business
 * portfolio, shared by all its WhatsApp Business Accounts and their numbers. In process, with a fake provider that
 * names each WABA's portfolio (`owner_business_info`): channels of two WABAs of one portfolio keep one tier ledger;
 * until the portfolio is read, each WABA counts on its own, and its numbers are carried over once it is.
 */
const PREFIX = `${process.env.REDIS_PREFIX ?? 'herald-test'}-portfolio`;
const TIER = 250;

describe('the messaging tier of a business portfolio, in process', () => {
  let h: PipelineHarness;
  let channels: ChannelsService;
  let messages: MessagesService;
  let sender: MessageSender;
  let limits: ProviderLimits;
  /** Ids of this run: the ledger outlives a spec file, and other files' channels are called waba-1, waba-2… */
  const run = Date.now().toString(36);
  let seq = 0;
  let phone = 0;

  /** A number of its own for each send (contacts and the ledger keep state between tests). */
  const fresh = () => `+4475100${String(++seq).padStart(5, '0')}`;
  const receipt = { type: 'template', template: { name: 'receipt', language: 'en_US', params: ['A'] } };

  /** A channel of `wabaId` on a 250 tier, in the workspace given or a new one. */
  const channel = async (wabaId: string, workspaceId?: string): Promise<{ workspaceId: string; channelId: string }> => {
    if (workspaceId === undefined) return h.workspace(`Portfolio ${wabaId}`, { messagingTier: '250', wabaId });
    const created = await channels.create(
      workspaceId,
      {
        type: 'whatsapp',
        name: wabaId,
        phoneNumberId: `${PREFIX}-${run}-${++phone}`,
        displayPhoneNumber: `+1 555 020 ${String(1000 + phone)}`,
        wabaId,
        accessToken: 'token',
        appSecret: 'secret',
        verifyToken: 'verify',
        graphBaseUrl: 'http://127.0.0.1:9',
        messagesPerSecond: 1_000,
        messagingTier: '250',
      },
      { graphVersion: 'v26.0' },
    );
    return { workspaceId, channelId: created.id };
  };

  /** Accepts one message per number on the channel and runs each through the pipeline; returns their results. */
  const sendAll = async (workspaceId: string, channelId: string, numbers: readonly string[]): Promise<string[]> => {
    const answer = await messages.send(workspaceId, { to: numbers.map((number) => ({ number })), channelId, ...receipt });
    if (!('many' in answer)) throw new Error('expected many messages');
    expect(answer.many.refused).toEqual([]);
    const results: string[] = [];
    for (const m of answer.many.messages) results.push(await sender.send(m.id));
    return results;
  };

  const sendOne = async (workspaceId: string, channelId: string, number: string) => {
    const answer = await messages.send(workspaceId, { to: { number }, channelId, ...receipt });
    if (!('one' in answer)) throw new Error('expected one message');
    return { result: await sender.send(answer.one.id), view: await messages.get(workspaceId, answer.one.id) };
  };

  const used = async (key: string): Promise<number> => {
    const [row] = (await h.db.query(
      `SELECT count(*)::int AS used FROM messaging_limit_log WHERE portfolio_key = $1 AND last_sent_at > now() - interval '24 hours'`,
      [key],
    )) as Array<{ used: number }>;
    return row!.used;
  };

  beforeAll(async () => {
    h = await startPipeline(PREFIX);
    channels = h.get(ChannelsService);
    messages = h.get(MessagesService);
    sender = h.get(MessageSender);
    limits = h.get(ProviderLimits);
    h.provider.categories.set('receipt', 'UTILITY');
    // The provider's limit for every number of this harness: Meta's TIER_250.
    h.provider.messagingLimit = TIER;
  }, 30_000);

  afterAll(async () => {
    await h?.close();
  });

  it('shares one tier between the channels of two WABAs of one portfolio: a new user on B waits once A reached it', async () => {
    const portfolio = `portfolio-${run}`;
    const [wabaA, wabaB, wabaOther] = [`waba-a-${run}`, `waba-b-${run}`, `waba-other-${run}`];
    h.provider.portfolios.set(wabaA, portfolio);
    h.provider.portfolios.set(wabaB, portfolio);
    h.provider.portfolios.set(wabaOther, `other-${run}`);
    const a = await channel(wabaA);
    const b = await channel(wabaB, a.workspaceId);
    const other = await channel(wabaOther, a.workspaceId);
    const ws = a.workspaceId;

    expect(await limits.read([a.channelId, b.channelId, other.channelId])).toEqual({ read: 3, failed: 0 });
    for (const id of [a.channelId, b.channelId]) {
      expect(await channels.get(ws, id)).toMatchObject({
        businessPortfolioId: portfolio,
        messagingTier: '250',
        limitsReadAt: expect.any(Date),
      });
    }

    // Channel A reaches the whole tier: 250 unique users.
    const reached = Array.from({ length: TIER }, fresh);
    const results = await sendAll(ws, a.channelId, reached);
    expect(results.filter((r) => r === 'accepted')).toHaveLength(TIER);
    expect(await used(portfolio)).toBe(TIER);

    // Channel B, another WABA of the same portfolio: a new user waits for a place, about 24 h away.
    const waiting = await sendOne(ws, b.channelId, fresh());
    expect(waiting.result).toBe('waiting');
    expect(waiting.view.waiting?.reason).toBe('messaging_tier');
    expect(new Date(waiting.view.waiting!.until!).getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);

    // A user the portfolio already reached (through A) is no new conversation for it: B sends at once.
    expect((await sendOne(ws, b.channelId, reached[0]!)).result).toBe('accepted');
    // Another portfolio keeps its own count.
    expect((await sendOne(ws, other.channelId, fresh())).result).toBe('accepted');
    expect(await used(portfolio)).toBe(TIER);
    expect(await used(wabaA)).toBe(0);
  }, 60_000);

  it('counts per WABA until the portfolio is read, then carries each WABA’s last 24 h over to the portfolio', async () => {
    const portfolio = `portfolio-late-${run}`;
    const [wabaC, wabaD] = [`waba-c-${run}`, `waba-d-${run}`];
    const c = await channel(wabaC);
    const d = await channel(wabaD, c.workspaceId);
    const ws = c.workspaceId;
    // The provider names no portfolio yet (or the read failed): each channel falls back to its WABA's ledger.
    expect(await limits.read([c.channelId, d.channelId])).toEqual({ read: 2, failed: 0 });
    expect(await channels.get(ws, c.channelId)).toMatchObject({ businessPortfolioId: null, messagingTier: '250' });
    await h.db.query(
      `INSERT INTO messaging_limit_log (portfolio_key, to_number, last_sent_at)
       SELECT $1, '+1666' || lpad(i::text, 7, '0'), now() - interval '1 hour' FROM generate_series(1, ${TIER - 1}) i`,
      [wabaC],
    );
    expect((await sendOne(ws, c.channelId, fresh())).result).toBe('accepted');
    expect(await used(wabaC)).toBe(TIER);
    expect((await sendOne(ws, d.channelId, fresh())).result).toBe('accepted');
    expect(await used(wabaD)).toBe(1);

    // The provider now names one portfolio for both: their numbers (250 + 1) count against it, so a new user waits.
    h.provider.portfolios.set(wabaC, portfolio);
    h.provider.portfolios.set(wabaD, portfolio);
    expect(await limits.read([c.channelId, d.channelId])).toEqual({ read: 2, failed: 0 });
    expect(await used(portfolio)).toBe(TIER + 1);
    const waiting = await sendOne(ws, d.channelId, fresh());
    expect(waiting.result).toBe('waiting');
    expect(waiting.view.waiting?.reason).toBe('messaging_tier');
    // Reading again carries nothing twice.
    expect(await limits.read([c.channelId])).toEqual({ read: 1, failed: 0 });
    expect(await used(portfolio)).toBe(TIER + 1);
  }, 60_000);

  it('forgets the portfolio of a channel moved to another WABA until it is read again', async () => {
    const wabaE = `waba-e-${run}`;
    h.provider.portfolios.set(wabaE, `portfolio-e-${run}`);
    const e = await channel(wabaE);
    await limits.read([e.channelId]);
    expect(await channels.get(e.workspaceId, e.channelId)).toMatchObject({ businessPortfolioId: `portfolio-e-${run}` });
    await channels.update(e.workspaceId, e.channelId, { name: 'renamed', wabaId: wabaE });
    expect(await channels.get(e.workspaceId, e.channelId)).toMatchObject({
      businessPortfolioId: `portfolio-e-${run}`,
      limitsReadAt: expect.any(Date),
    });
    const wabaF = `waba-f-${run}`;
    await channels.update(e.workspaceId, e.channelId, { wabaId: wabaF });
    expect(await channels.get(e.workspaceId, e.channelId)).toMatchObject({
      wabaId: wabaF,
      businessPortfolioId: null,
      limitsReadAt: null,
    });
    h.provider.portfolios.set(wabaF, `portfolio-f-${run}`);
    await limits.read([e.channelId]);
    expect(await channels.get(e.workspaceId, e.channelId)).toMatchObject({ businessPortfolioId: `portfolio-f-${run}` });
  });
});

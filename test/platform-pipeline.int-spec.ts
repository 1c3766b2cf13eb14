import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ChannelsService, type ProviderError } from '@herald/channels';
import { WebhookApplier } from '@herald/provider-events';
import { BlastsService } from '@herald/campaigns';
import { ContactsService } from '@herald/contacts';
import { SendRateLimiter, slotClock } from '@herald/sending';
import { MessageSender, MessagesService, type MessageView } from '@herald/messaging';
import { startPipeline, type PipelineHarness } from './support/pipeline-harness';

/**
 * Messenger, Instagram and Telegram sends through the one pipeline, in process, with fake platforms and a settable
 * clock: users learned from webhooks, each platform's window and tags at acceptance and again at claim time,
 * blocks that make a contact unreachable whichever way the platform says so, Telegram's per-chat pacing, Messenger's
 * watermarks settling the sends they cover (and only those), and statuses that come before their send is recorded.
 */
const PREFIX = `${process.env.REDIS_PREFIX ?? 'herald-test'}-platform-pipeline`;
const HOUR = 3_600_000;

describe('Messenger, Instagram and Telegram through the send pipeline, in process', () => {
  let h: PipelineHarness;
  let workspaceId: string;
  let messenger: string;
  let instagram: string;
  let telegram: string;
  let messages: MessagesService;
  let sender: MessageSender;
  let contacts: ContactsService;
  let seq = 0;

  const psid = () => `71000000${String(++seq).padStart(8, '0')}`;
  const chat = () => 810_000_000 + ++seq;
  const pageOf = async (channelId: string) => (await h.get(ChannelsService).get(workspaceId, channelId)).senderId;
  const accept = async (body: Record<string, unknown>): Promise<string> => {
    const answer = await messages.send(workspaceId, body);
    if (!('one' in answer)) throw new Error('expected one message');
    return answer.one.id;
  };
  const view = (id: string): Promise<MessageView> => messages.get(workspaceId, id);
  /** A Messenger or Instagram user writing to the page at `at`: the fan-in makes the contact and opens the window. */
  const userWrites = async (channelId: string, user: string, at: Date, platform: 'page' | 'instagram' = 'page') => {
    const page = await pageOf(channelId);
    await h.applyWebhook(channelId, {
      object: platform,
      entry: [{ id: page, time: at.getTime(), messaging: [{ sender: { id: user }, recipient: { id: page }, timestamp: at.getTime(), message: { mid: `m_in-${user}-${at.getTime()}`, text: 'hello' } }] }],
    });
  };
  const telegramUpdate = (update: Record<string, unknown>) => h.applyWebhook(telegram, { update_id: 100_000 + ++seq, ...update });
  const startsBot = (chatId: number, name = 'Asha', at = Date.now()) =>
    telegramUpdate({ message: { message_id: ++seq, date: Math.floor(at / 1000), chat: { id: chatId, type: 'private', first_name: name }, from: { id: chatId, is_bot: false, first_name: name }, text: '/start' } });
  const blocked: ProviderError = { code: '403', title: 'Forbidden', details: 'Forbidden: bot was blocked by the user', retriable: false, category: 'recipient_unreachable' };
  const text = (body: string, extra: Record<string, unknown> = {}) => ({ type: 'text', text: { body }, ...extra });

  beforeAll(async () => {
    h = await startPipeline(PREFIX);
    ({ workspaceId } = await h.workspace('Platforms'));
    messenger = await h.platformChannel(workspaceId, 'messenger');
    instagram = await h.platformChannel(workspaceId, 'instagram');
    telegram = await h.platformChannel(workspaceId, 'telegram');
    messages = h.get(MessagesService);
    sender = h.get(MessageSender);
    contacts = h.get(ContactsService);
  }, 30_000);

  beforeEach(() => h.clock.reset());

  afterAll(async () => {
    await h?.close();
  });

  describe('windows and tags', () => {
    it('Messenger: answers within 24 hours as RESPONSE, refuses after it at acceptance and at claim time, and lets an allowed tag out', async () => {
      const user = psid();
      const start = new Date('2026-06-01T12:00:00Z');
      h.clock.set(start);
      await userWrites(messenger, user, start);
      const inside = await accept({ channelId: messenger, to: user, ...text('Size 42 is back') });
      expect(await sender.send(inside)).toBe('accepted');
      expect(h.platforms.sentTo(user)).toEqual([expect.objectContaining({ messagingType: 'RESPONSE', message: { type: 'text', text: { body: 'Size 42 is back' } } })]);
      expect(await view(inside)).toMatchObject({ status: 'sent', providerMessageId: expect.stringMatching(/^m_/) });

      // Accepted 10 s before the window closes, taken by a worker 20 s later: refused at claim time, never sent.
      h.clock.set(new Date(start.getTime() + 24 * HOUR - 10_000));
      const late = await accept({ channelId: messenger, to: user, ...text('Still there?') });
      h.clock.advance(20_000);
      expect(await sender.send(late)).toBe('failed');
      expect(await view(late)).toMatchObject({ status: 'failed', error: { code: 'outside_service_window' } });
      await expect(accept({ channelId: messenger, to: user, ...text('Hello?') })).rejects.toMatchObject({ code: 'outside_service_window', kind: 'conflict' });

      // HUMAN_AGENT: 7 days; POST_PURCHASE_UPDATE: any time, as MESSAGE_TAG.
      const agent = await accept({ channelId: messenger, to: user, ...text('An agent here'), tag: 'HUMAN_AGENT' });
      expect(await sender.send(agent)).toBe('accepted');
      h.clock.set(new Date(start.getTime() + 8 * 24 * HOUR));
      await expect(accept({ channelId: messenger, to: user, ...text('Agent again'), tag: 'HUMAN_AGENT' })).rejects.toMatchObject({ code: 'outside_service_window' });
      const update = await accept({ channelId: messenger, to: user, ...text('Your order shipped'), tag: 'POST_PURCHASE_UPDATE' });
      expect(await sender.send(update)).toBe('accepted');
      expect(h.platforms.sentTo(user).map((r) => [r.messagingType, r.message.tag])).toEqual([
        ['RESPONSE', undefined],
        ['MESSAGE_TAG', 'HUMAN_AGENT'],
        ['MESSAGE_TAG', 'POST_PURCHASE_UPDATE'],
      ]);
    });

    it('Instagram: the same window, HUMAN_AGENT the only tag', async () => {
      const user = psid();
      const start = new Date('2026-06-02T12:00:00Z');
      h.clock.set(start);
      await userWrites(instagram, user, start, 'instagram');
      expect(await sender.send(await accept({ channelId: instagram, to: user, ...text('Hi from IG') }))).toBe('accepted');
      await expect(accept({ channelId: instagram, to: user, ...text('Update'), tag: 'ACCOUNT_UPDATE' })).rejects.toMatchObject({ kind: 'invalid' });
      h.clock.advance(25 * HOUR);
      await expect(accept({ channelId: instagram, to: user, ...text('Late') })).rejects.toMatchObject({ code: 'outside_service_window' });
      expect(await sender.send(await accept({ channelId: instagram, to: user, ...text('Agent'), tag: 'HUMAN_AGENT' }))).toBe('accepted');
    });

    it('Telegram has no window: a user who started the bot gets messages days later', async () => {
      const user = chat();
      await startsBot(user, 'Asha', Date.now() - 30 * 24 * HOUR);
      const id = await accept({ channelId: telegram, to: String(user), ...text('A month later') });
      expect(await sender.send(id)).toBe('accepted');
      expect(await view(id)).toMatchObject({ status: 'sent', providerMessageId: expect.stringMatching(new RegExp(`^${user}:`)) });
    });
  });

  describe('reachability', () => {
    it('a contact Herald does not know on the channel is refused at acceptance; a PSID given by API makes a contact without a number', async () => {
      const made = await contacts.upsert(workspaceId, { number: '+447400777001' });
      await expect(accept({ channelId: messenger, contactId: made.contact.id, ...text('Hi') })).rejects.toMatchObject({ code: 'no_identity' });
      const user = chat();
      const id = await accept({ channelId: telegram, to: String(user), ...text('Cold hello') });
      const contactId = (await view(id)).contactId;
      const contact = await contacts.getById(workspaceId, contactId);
      expect(contact.number).toBeNull();
      expect(await contacts.identitiesOf(workspaceId, contactId)).toEqual([expect.objectContaining({ channelId: telegram, identity: String(user), source: 'api' })]);
    });

    it('a block answered on a send fails it and skips the contact at claim time from then on, until the user writes again', async () => {
      const user = chat();
      await startsBot(user, 'Bo');
      const first = await accept({ channelId: telegram, to: String(user), ...text('One') });
      const second = await accept({ channelId: telegram, to: String(user), ...text('Two') });
      h.platforms.answer(String(user), blocked);
      expect(await sender.send(first)).toBe('failed');
      expect(await view(first)).toMatchObject({ status: 'failed', error: { code: '403' } });
      expect(await sender.send(second)).toBe('unsent');
      expect(await view(second)).toMatchObject({ status: 'skipped', skipReason: 'unreachable' });
      await expect(accept({ channelId: telegram, to: String(user), ...text('Three') })).rejects.toMatchObject({ code: 'contact_unreachable' });
      expect(h.platforms.sentTo(String(user))).toHaveLength(1);
      // Writing again makes the user reachable.
      await startsBot(user, 'Bo');
      expect(await sender.send(await accept({ channelId: telegram, to: String(user), ...text('Welcome back') }))).toBe('accepted');
    });

    it("a block reported by Telegram's my_chat_member update marks the contact unreachable too", async () => {
      const user = chat();
      await startsBot(user);
      await telegramUpdate({
        my_chat_member: {
          chat: { id: user, type: 'private', first_name: 'Cy' },
          from: { id: user, is_bot: false, first_name: 'Cy' },
          date: Math.floor(Date.now() / 1000),
          old_chat_member: { status: 'member', user: { id: 1, is_bot: true, first_name: 'Bot' } },
          new_chat_member: { status: 'kicked', user: { id: 1, is_bot: true, first_name: 'Bot' }, until_date: 0 },
        },
      });
      await expect(accept({ channelId: telegram, to: String(user), ...text('Hi') })).rejects.toMatchObject({ code: 'contact_unreachable' });
    });
  });

  describe('a message and a block applied in one batch', () => {
    const member = (user: number, status: string, at: number) => ({
      update_id: 100_000 + ++seq,
      my_chat_member: {
        chat: { id: user, type: 'private', first_name: 'Cy' },
        from: { id: user, is_bot: false, first_name: 'Cy' },
        date: Math.floor(at / 1000),
        old_chat_member: { status: status === 'kicked' ? 'member' : 'kicked', user: { id: 1, is_bot: true, first_name: 'Bot' } },
        new_chat_member: { status, user: { id: 1, is_bot: true, first_name: 'Bot' } },
      },
    });
    const says = (user: number, at: number) => ({
      update_id: 100_000 + ++seq,
      message: { message_id: ++seq, date: Math.floor(at / 1000), chat: { id: user, type: 'private', first_name: 'Cy' }, from: { id: user, is_bot: false, first_name: 'Cy' }, text: 'hi' },
    });
    /** `first` stored as the API stores it, then `second` applied: one claim takes both (oldest first). */
    const together = async (first: unknown, second: unknown) => {
      await h.db.query('INSERT INTO webhook_events (channel_id, body) VALUES ($1, $2::json)', [telegram, JSON.stringify(first)]);
      await h.applyWebhook(telegram, second);
    };

    it('the later event wins: a block after the message stands; a message after the block makes the user reachable', async () => {
      const blocker = chat();
      await startsBot(blocker, 'Cy', Date.now() - 10_000);
      await together(says(blocker, Date.now() - 5_000), member(blocker, 'kicked', Date.now()));
      await expect(accept({ channelId: telegram, to: String(blocker), ...text('Hi') })).rejects.toMatchObject({ code: 'contact_unreachable' });

      const returner = chat();
      await startsBot(returner, 'Di', Date.now() - 10_000);
      await together(member(returner, 'kicked', Date.now() - 5_000), says(returner, Date.now()));
      expect(await accept({ channelId: telegram, to: String(returner), ...text('Welcome back') })).toEqual(expect.any(String));
    });

    it('in batches apart too: a message older than the block, applied after it (a provider retry), leaves the user unreachable', async () => {
      const user = chat();
      await startsBot(user, 'Ed', Date.now() - 60_000);
      await h.applyWebhook(telegram, member(user, 'kicked', Date.now() - 5_000));
      await h.applyWebhook(telegram, says(user, Date.now() - 10_000));
      await expect(accept({ channelId: telegram, to: String(user), ...text('Hi') })).rejects.toMatchObject({ code: 'contact_unreachable' });
      // A message written after the block makes them reachable.
      await h.applyWebhook(telegram, says(user, Date.now()));
      expect(await accept({ channelId: telegram, to: String(user), ...text('Hi again') })).toEqual(expect.any(String));
    });
  });

  describe('blasts', () => {
    it('a blast with a message of its own is for channels without templates: on WhatsApp it must name a template', async () => {
      const { workspaceId: whatsAppOnly } = await h.workspace('WhatsApp blasts');
      await expect(h.get(BlastsService).create(whatsAppOnly, { message: 'Hi', searchSpec: {} })).rejects.toMatchObject({ kind: 'invalid', details: [{ field: 'message' }] });
      await expect(h.get(BlastsService).create(workspaceId, { message: 'Hi', searchSpec: {}, channelId: telegram, params: ['x'] })).rejects.toMatchObject({
        details: [{ field: 'params', issue: 'goes with template, not with message' }],
      });
    });
  });

  describe('pacing', () => {
    it('Messenger: audio and video go at most 10 a second per Page, text beside them at the Page rate', async () => {
      const users = [psid(), psid(), psid(), psid()];
      for (const user of users) await userWrites(messenger, user, new Date());
      const videos = await Promise.all(users.slice(0, 3).map((user) => accept({ channelId: messenger, to: user, type: 'video', video: { link: 'https://x.test/v.mp4' } })));
      const note = await accept({ channelId: messenger, to: users[3]!, ...text('A note') });
      await Promise.all([...videos, note].map((id) => sender.send(id)));
      const at = h.platforms.sent.filter((s) => s.request.message.type === 'video' && users.includes(s.request.to)).map((s) => s.at).sort((a, b) => a - b);
      expect(at).toHaveLength(3);
      // 10 a second (× 0.98 safety): about 102 ms apart.
      for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(95);
      // The text did not wait for the videos' slots.
      expect(h.platforms.sent.find((s) => s.request.to === users[3])!.at).toBeLessThan(at[2]!);
    });

    it("Telegram's 429 is honoured: the send waits retry_after, and the bot is held for every worker", async () => {
      const user = chat();
      await startsBot(user);
      const id = await accept({ channelId: telegram, to: String(user), ...text('Busy?') });
      h.platforms.answer(String(user), { code: '429', title: 'Too Many Requests', details: 'Too Many Requests: retry after 3', retriable: true, category: 'throttled', retryAfterMs: 3_000 });
      const before = Date.now();
      expect(await sender.send(id)).toBe('waiting');
      const waiting = await view(id);
      expect(waiting).toMatchObject({ status: 'queued', waiting: { reason: 'backoff' } });
      expect(new Date(waiting.waiting!.until!).getTime()).toBeGreaterThanOrEqual(before + 3_000);
      // Every send of the bot now waits for the hold: the limiter's next slot is about 3 s away.
      const slot = await h.get(SendRateLimiter).reserve((await h.get(ChannelsService).get(workspaceId, telegram)).senderId, 30, 1);
      expect(slot!.firstAt - slotClock()).toBeGreaterThan(2_000);
    });

    it('Telegram: one chat gets about one message a second, others are not held up by it', async () => {
      const busy = chat();
      const other = chat();
      await startsBot(busy);
      await startsBot(other);
      const ids = [await accept({ channelId: telegram, to: String(busy), ...text('1') }), await accept({ channelId: telegram, to: String(busy), ...text('2') })];
      await Promise.all([...ids.map((id) => sender.send(id)), sender.send(await accept({ channelId: telegram, to: String(other), ...text('x') }))]);
      const at = h.platforms.sent.filter((s) => s.request.to === String(busy)).map((s) => s.at);
      expect(at).toHaveLength(2);
      expect(Math.abs(at[1]! - at[0]!)).toBeGreaterThanOrEqual(950);
      // The other chat did not wait for the busy one's next slot.
      expect(h.platforms.sent.find((s) => s.request.to === String(other))!.at).toBeLessThan(Math.max(...at));
    });
  });

  describe('scheduling and repeats', () => {
    it('a scheduled message on a platform channel waits for its time', async () => {
      const user = chat();
      await startsBot(user);
      const scheduledFor = new Date(Date.now() + HOUR).toISOString();
      const id = await accept({ channelId: telegram, to: String(user), ...text('Later'), scheduledFor });
      expect(await view(id)).toMatchObject({ status: 'scheduled' });
      expect(await sender.send(id)).toBe('not_due');
      expect(h.platforms.sentTo(String(user))).toHaveLength(0);
    });

    it('a webhook delivered twice stores its message once', async () => {
      const user = psid();
      const at = new Date();
      await userWrites(messenger, user, at);
      await userWrites(messenger, user, at);
      const rows = (await h.db.query(`SELECT count(*)::int AS n FROM inbound_messages WHERE channel_id = $1 AND from_number = $2`, [messenger, user])) as Array<{ n: number }>;
      expect(rows[0]!.n).toBe(1);
      const update = { message: { message_id: 7, date: Math.floor(Date.now() / 1000), chat: { id: 810_999_001, type: 'private', first_name: 'Di' }, from: { id: 810_999_001, is_bot: false, first_name: 'Di' }, text: 'hi' } };
      await h.applyWebhook(telegram, { update_id: 990_001, ...update });
      await h.applyWebhook(telegram, { update_id: 990_001, ...update });
      const tg = (await h.db.query(`SELECT count(*)::int AS n FROM inbound_messages WHERE channel_id = $1 AND provider_message_id = '810999001:7'`, [telegram])) as Array<{ n: number }>;
      expect(tg[0]!.n).toBe(1);
    });
  });

  describe("one Meta app's Pages", () => {
    it("applies each Page's events to its own channel, in its own workspace, and none to a Page of another app", async () => {
      // Meta posts every Page of an app to the app's one callback URL: here, Page A's channel's.
      const pageA = await pageOf(messenger);
      const { workspaceId: other } = await h.workspace('Platforms: another workspace, same app');
      const channelB = await h.platformChannel(other, 'messenger');
      const pageB = (await h.get(ChannelsService).get(other, channelB)).senderId;
      const { workspaceId: third } = await h.workspace('Platforms: another app');
      const channelC = await h.platformChannel(third, 'messenger', 1_000, 'another-app-secret');
      const pageC = (await h.get(ChannelsService).get(third, channelC)).senderId;
      const at = Date.now();
      const event = (page: string, mid: string) => ({ sender: { id: psid() }, recipient: { id: page }, timestamp: at, message: { mid, text: `to ${page}` } });
      await h.applyWebhook(messenger, {
        object: 'page',
        entry: [
          { id: pageA, time: at, messaging: [event(pageA, `m_appA-${at}`)] },
          { id: pageB, time: at, messaging: [event(pageB, `m_appB-${at}`)] },
          { id: pageC, time: at, messaging: [event(pageC, `m_appC-${at}`)] },
        ],
      });
      const stored = (await h.db.query(`SELECT channel_id, workspace_id, provider_message_id FROM inbound_messages WHERE provider_message_id LIKE $1 ORDER BY provider_message_id`, [`m_app_-${at}`])) as Array<{
        channel_id: string;
        workspace_id: string;
        provider_message_id: string;
      }>;
      expect(stored).toEqual([
        { channel_id: messenger, workspace_id: workspaceId, provider_message_id: `m_appA-${at}` },
        { channel_id: channelB, workspace_id: other, provider_message_id: `m_appB-${at}` },
      ]);
    });
  });

  describe('a burst of new users', () => {
    it('makes one contact per new user, each message filed under its writer', async () => {
      const page = await pageOf(messenger);
      const at = Date.now();
      const users = Array.from({ length: 300 }, () => psid());
      await h.applyWebhook(messenger, {
        object: 'page',
        entry: [{ id: page, time: at, messaging: users.map((user) => ({ sender: { id: user }, recipient: { id: page }, timestamp: at, message: { mid: `m_burst-${user}`, text: user } })) }],
      });
      const identities = (await h.db.query('SELECT identity, contact_id FROM contact_identities WHERE channel_id = $1 AND identity = ANY($2::text[])', [messenger, users])) as Array<{
        identity: string;
        contact_id: string;
      }>;
      expect(identities).toHaveLength(300);
      expect(new Set(identities.map((i) => i.contact_id)).size).toBe(300);
      const contactOf = new Map(identities.map((i) => [i.identity, i.contact_id]));
      const stored = (await h.db.query('SELECT from_number, contact_id, text FROM inbound_messages WHERE channel_id = $1 AND from_number = ANY($2::text[])', [messenger, users])) as Array<{
        from_number: string;
        contact_id: string;
        text: string;
      }>;
      expect(stored).toHaveLength(300);
      expect(stored.filter((m) => contactOf.get(m.from_number) !== m.contact_id || m.text !== m.from_number)).toEqual([]);
      const contacts = (await h.db.query('SELECT count(*)::int AS n FROM contacts WHERE id = ANY($1::bigint[]) AND workspace_id = $2 AND number IS NULL', [[...contactOf.values()], workspaceId])) as Array<{ n: number }>;
      expect(contacts[0]!.n).toBe(300);
    });

    it('makes one contact per user when two batches learn the same new users at once', async () => {
      const users = Array.from({ length: 200 }, () => psid());
      const learn = (order: string[]) =>
        h.db.transaction((manager) => contacts.ensureIdentities(manager, workspaceId, messenger, order.map((identity) => ({ identity, name: null, at: new Date() }))));
      const [first, second] = await Promise.all([learn(users), learn([...users].reverse())]);
      expect(first.size).toBe(200);
      expect([...second].sort()).toEqual([...first].sort());
      const rows = (await h.db.query('SELECT count(*)::int AS n FROM contact_identities WHERE channel_id = $1 AND identity = ANY($2::text[])', [messenger, users])) as Array<{ n: number }>;
      expect(rows[0]!.n).toBe(200);
    });
  });

  describe('times ahead of the clock', () => {
    it('reads a message stamped in year 9999 as received now: it does not sort first for ever or hold its window open', async () => {
      const user = psid();
      const now = new Date('2026-12-06T12:00:00Z');
      h.clock.set(now);
      await userWrites(messenger, user, new Date('9999-12-31T23:00:00Z'));
      const [row] = (await h.db.query('SELECT received_at FROM inbound_messages WHERE channel_id = $1 AND from_number = $2', [messenger, user])) as Array<{ received_at: Date }>;
      expect(row!.received_at.toISOString()).toBe(now.toISOString());
      // The window it opened closes 24 hours after now: a send a day and a minute later needs a tag.
      h.clock.set(new Date(now.getTime() + 24 * 3_600_000 + 60_000));
      await expect(accept({ channelId: messenger, to: user, ...text('Late') })).rejects.toMatchObject({ code: 'outside_service_window' });
    });
  });

  describe('ids longer than any provider sends', () => {
    it('skips those messages alone: the other users\' messages posted with them are stored, nothing is set aside', async () => {
      const page = await pageOf(messenger);
      const at = Date.now();
      const msg = (user: string, mid: string, extra: Record<string, unknown> = {}) => ({ sender: { id: user }, recipient: { id: page }, timestamp: at, message: { mid, text: 'x', ...extra } });
      const image = (n: number) => ({ type: 'image', payload: { url: `https://cdn.example/${n}.jpg` } });
      const good = `m_good-${at}`;
      const body = {
        object: 'page',
        entry: [
          { id: page, time: at, messaging: [msg('9'.repeat(65), `m_longsender-${at}`)] },
          { id: page, time: at, messaging: [msg(psid(), `m_${'x'.repeat(260)}`)] },
          // 255 characters: the first attachment is kept under it, the second (`#2`) would be 257.
          { id: page, time: at, messaging: [msg(psid(), `m_two-${at}-`.padEnd(255, 'y'), { attachments: [image(1), image(2)] })] },
          { id: page, time: at, messaging: [msg(psid(), good)] },
          // Only the message it answers has an over-long id: the words are kept, without the reply link.
          { id: page, time: at, messaging: [msg(psid(), `m_reply-${at}`, { reply_to: { mid: `m_${'r'.repeat(300)}` } })] },
        ],
      };
      await h.applyWebhook(messenger, body);
      const stored = (await h.db.query(`SELECT provider_message_id FROM inbound_messages WHERE channel_id = $1 AND (provider_message_id = $2 OR provider_message_id LIKE $3)`, [
        messenger,
        good,
        `m_two-${at}-%`,
      ])) as Array<{ provider_message_id: string }>;
      expect(stored.map((r) => r.provider_message_id.length).sort()).toEqual([good.length, 255].sort((a, b) => a - b));
      const reply = (await h.db.query('SELECT text, context_provider_message_id FROM inbound_messages WHERE provider_message_id = $1', [`m_reply-${at}`])) as Array<{
        text: string;
        context_provider_message_id: string | null;
      }>;
      expect(reply).toEqual([{ text: 'x', context_provider_message_id: null }]);
      expect(await h.db.query(`SELECT id FROM webhook_events_failed WHERE channel_id = $1`, [messenger])).toEqual([]);
    });
  });

  describe('statuses', () => {
    it("Messenger's watermarks settle the sends taken before them, not the ones after", async () => {
      const user = psid();
      await userWrites(messenger, user, new Date());
      const before = await accept({ channelId: messenger, to: user, ...text('Before') });
      expect(await sender.send(before)).toBe('accepted');
      const watermark = Date.now() + 5;
      await new Promise((r) => setTimeout(r, 20));
      const after = await accept({ channelId: messenger, to: user, ...text('After') });
      expect(await sender.send(after)).toBe('accepted');
      const page = await pageOf(messenger);
      await h.applyWebhook(messenger, {
        object: 'page',
        entry: [{ id: page, time: watermark, messaging: [{ sender: { id: user }, recipient: { id: page }, timestamp: watermark, read: { watermark } }] }],
      });
      expect(await view(before)).toMatchObject({ status: 'read' });
      expect(await view(after)).toMatchObject({ status: 'sent' });
      // A repeated or older watermark changes nothing.
      await h.applyWebhook(messenger, {
        object: 'page',
        entry: [{ id: page, time: watermark - 1000, messaging: [{ sender: { id: user }, recipient: { id: page }, delivery: { watermark: watermark - 1000 } }] }],
      });
      expect(await view(before)).toMatchObject({ status: 'read' });
    });

    it("a provider's POST shaped like Herald's own status retry is read as the provider's, and changes no send", async () => {
      const user = psid();
      await userWrites(messenger, user, new Date());
      const id = await accept({ channelId: messenger, to: user, ...text('Forged') });
      expect(await sender.send(id)).toBe('accepted');
      const { providerMessageId } = await view(id);
      await h.applyWebhook(messenger, {
        heraldStatusRetry: { attempt: 0, statuses: [{ providerMessageId, status: 'failed', timestamp: new Date().toISOString(), recipientId: user }], watermarks: [] },
      });
      expect(await view(id)).toMatchObject({ status: 'sent' });
    });

    it('a status that comes before its send is recorded is applied again once it is', async () => {
      const user = psid();
      await userWrites(messenger, user, new Date());
      const id = await accept({ channelId: messenger, to: user, ...text('Racing') });
      // As a worker that has taken the message and not yet recorded the platform's answer.
      await h.db.query(`UPDATE messages SET status = 'sending', sending_at = now() - interval '1 second', attempts = 1 WHERE id = $1`, [id]);
      const page = await pageOf(messenger);
      const at = Date.now();
      await h.applyWebhook(messenger, {
        object: 'page',
        entry: [{ id: page, time: at, messaging: [{ sender: { id: user }, recipient: { id: page }, delivery: { mids: ['m_early-1'], watermark: at } }] }],
      });
      const [retry] = (await h.db.query(`SELECT id, body FROM webhook_events WHERE channel_id = $1 AND (body::jsonb) ? 'heraldStatusRetry'`, [messenger])) as Array<{
        id: string;
        body: { heraldStatusRetry: { attempt: number; statuses: unknown[]; watermarks: unknown[] } };
      }>;
      expect(retry?.body.heraldStatusRetry).toMatchObject({ attempt: 1, statuses: [expect.objectContaining({ providerMessageId: 'm_early-1' })], watermarks: [expect.anything()] });
      // The answer is recorded; the retry applies the delivery.
      await h.db.query(`UPDATE messages SET status = 'sent', provider_message_id = 'm_early-1', accepted_at = now(), sent_at = now() WHERE id = $1`, [id]);
      await h.get(WebhookApplier).apply(retry!.id, []);
      expect(await view(id)).toMatchObject({ status: 'delivered' });
    });
  });
});

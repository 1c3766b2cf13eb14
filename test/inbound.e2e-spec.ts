import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ApiConfig } from '@herald/config';
import { mediaTokenKey, signMediaToken } from '@herald/messaging';
import { startApi, type ApiHarness } from './support/api-harness';
import { addSimulatedChannel, startSimulator, startWorker, waitFor, type ChildHarness, type SimulatorHarness } from './support/process-harness';

/**
 * Inbound messages, conversations and a contact's channel details, end to end: the API, a worker and the Cloud API
 * simulator posting signed webhooks. Inbound text, image, location, contact cards and reactions stored and listed with
 * every filter; an image's media downloaded through Herald with the simulator's bytes, and expired, forged and
 * forgotten media answered clearly; replies linked to the single message or campaign send they answer; the
 * conversation (single message, blast send and replies interleaved in time, paged); the channel details with the
 * service window open on one channel and never opened on the other, and the opt-out after STOP.
 */
const REDIS_PREFIX = `${process.env.REDIS_PREFIX}-inbound`;
const CREDENTIALS = { wabaId: '102290129348100', accessToken: 'EAAG-inbound-token', appSecret: 'inbound-app-secret' };
const PHONE_A = '106540352248101';
const PHONE_B = '106540352248102';
const ADA = '+447400810001';
const BO = '+447400810002';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Inbound {
  id: string;
  channelId: string;
  contactId: string | null;
  from: string;
  type: string;
  text: string | null;
  media: { id: string; mimeType: string | null; caption: string | null; filename: string | null; sha256: string | null; downloadUrl: string | null } | null;
  location: { latitude: number; longitude: number; name: string | null; address: string | null } | null;
  contacts: Array<{ name: string; phones: Array<{ phone: string; waId?: string }> }> | null;
  reaction: { messageId: string; emoji: string | null } | null;
  replyTo: { messageId: string | null; providerMessageId: string; campaignId?: string; runId?: string } | null;
  receivedAt: string;
}
interface Item {
  direction: string;
  kind: string;
  id: string;
  channelId: string;
  at: string;
  type: string;
  text: string | null;
  template: string | null;
  status: string | null;
  campaignId: string | null;
  message: { statuses: Array<{ status: string }> } | null;
  inbound: Inbound | null;
}
interface ChannelDetails {
  channelId: string;
  identifier: { type: string; value: string };
  lastInboundAt: string | null;
  serviceWindow: { open: boolean; expiresAt: string | null };
  optedOut: boolean;
  optOutScope: string | null;
  notOnWhatsApp: boolean;
  messages: { messagesSent: number; campaignSent: number; totalSent: number; received: number };
}

describe('inbound messages, conversations and channel details, end to end', () => {
  let api: ApiHarness;
  let sim: SimulatorHarness;
  let worker: ChildHarness;
  let key: string;
  let channelA: string;
  let channelB: string;

  const post = (path: string, body: unknown) =>
    api.http
      .post(path)
      .set('x-api-key', key)
      .send(body as object);
  const get = (path: string) => api.http.get(path).set('x-api-key', key);
  const inbound = (phoneNumberId: string, from: string, content: object) => sim.call<{ messageId: string; mediaId?: string }>('POST', '/_sim/inbound', { phoneNumberId, from, ...content });
  /** The stored inbound message with this provider id, once the worker applied its webhook. */
  const stored = async (wamid: string): Promise<Inbound> => {
    const found = await waitFor(
      async () => ((await get('/v1/inbound-messages?limit=100')).body.data as Inbound[]).find((m) => (m as Inbound & { providerMessageId: string }).providerMessageId === wamid),
      (m) => m !== undefined,
      15_000,
    );
    if (!found) throw new Error(`inbound ${wamid} was never stored`);
    return found;
  };
  /** WhatsApp stamps inbound messages in whole seconds: wait into a later second than `ms` before the user answers. */
  const afterSecondOf = async (ms: number) => {
    const wait = Math.floor(ms / 1000) * 1000 + 1_050 - Date.now();
    if (wait > 0) await sleep(wait);
  };

  beforeAll(async () => {
    api = await startApi({ REDIS_PREFIX });
    await api.app.listen(0, '127.0.0.1');
    const apiUrl = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    key = (await api.createWorkspace('Inbound')).apiKey;
    sim = await startSimulator();
    channelA = await addSimulatedChannel(post, sim, { phone: PHONE_A, display: '+1 555 010 8101', rate: 40, tier: 'unlimited', credentials: CREDENTIALS, apiUrl });
    channelB = await addSimulatedChannel(post, sim, { phone: PHONE_B, display: '+1 555 010 8102', rate: 40, tier: 'unlimited', credentials: CREDENTIALS, apiUrl });
    await sim.call('PUT', '/_sim/templates', [
      { wabaId: CREDENTIALS.wabaId, name: 'inb_news', language: 'en', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi {{1}}, news for you.' }] },
    ]);
    expect((await post('/v1/contacts', { number: ADA, name: 'Ada' })).status).toBe(201);
    expect((await post('/v1/contacts', { number: BO, name: 'Bo' })).status).toBe(201);
    expect((await post('/v1/templates/sync', {})).status).toBe(200);
    worker = startWorker({ REDIS_PREFIX });
  }, 30_000);

  afterAll(async () => {
    await worker?.stop();
    await sim?.stop();
    await api?.close();
  });

  describe('a conversation: a single message, a blast send and the replies to each, interleaved in time', () => {
    let messageId: string;
    let sendId: string;
    let reply1: Inbound;
    let reply2: Inbound;
    let reaction: Inbound;

    beforeAll(async () => {
      const sent = await post('/v1/messages', { to: { number: ADA }, channelId: channelA, type: 'template', template: { name: 'inb_news', language: 'en', params: ['Ada'] } });
      expect(sent.status).toBe(202);
      messageId = sent.body.id as string;
      const message = await waitFor(async () => (await get(`/v1/messages/${messageId}`)).body, (m) => m.providerMessageId !== null, 15_000);
      await afterSecondOf(Date.parse(message.createdAt as string));
      reply1 = await stored((await inbound(PHONE_A, ADA, { text: 'Yes please', contextMessageId: message.providerMessageId })).body.messageId);

      const blast = await post('/v1/blasts', { template: { name: 'inb_news', language: 'en' }, searchSpec: { number: ADA }, params: ['{{name}}'], channelId: channelA });
      expect(blast.status).toBe(202);
      const send = await waitFor(
        async () => ((await get(`/v1/messages?runId=${blast.body.runId as string}`)).body.data as Array<{ id: string; providerMessageId: string | null; createdAt: string }>)[0],
        (s) => s?.providerMessageId != null,
        20_000,
      );
      sendId = send!.id;
      await afterSecondOf(Date.parse(send!.createdAt));
      reply2 = await stored((await inbound(PHONE_A, ADA, { button: { payload: 'more', text: 'Tell me more' }, contextMessageId: send!.providerMessageId })).body.messageId);
      await afterSecondOf(Date.parse(reply2.receivedAt) + 1);
      reaction = await stored((await inbound(PHONE_A, ADA, { reaction: { messageId: message.providerMessageId as string, emoji: '👍' } })).body.messageId);
    }, 60_000);

    it('links a reply to the single message it answers, and one to the campaign send it answers', async () => {
      expect(reply1).toMatchObject({ type: 'text', text: 'Yes please', from: ADA, channelId: channelA, replyTo: { messageId } });
      const viewed = (await get(`/v1/inbound-messages/${reply2.id}`)).body as Inbound;
      expect(viewed).toMatchObject({ type: 'button', text: 'Tell me more', replyTo: { messageId: sendId, campaignId: expect.any(String), runId: expect.any(String) } });
      expect(reaction).toMatchObject({ type: 'reaction', reaction: { emoji: '👍' }, replyTo: { messageId } });
      // The single message shows the reply too (messaging links it when it stores it).
      const message = (await get(`/v1/messages/${messageId}`)).body as { replies: Array<{ text: string | null }> };
      expect(message.replies.map((r) => r.text)).toContain('Yes please');
    });

    it('lists both directions newest first and pages through them with a cursor, none skipped or repeated', async () => {
      const all = await get(`/v1/contacts/${encodeURIComponent(ADA)}/conversation?limit=100`);
      expect(all.status).toBe(200);
      const items = all.body.data as Item[];
      expect(items.map((i) => [i.direction, i.kind, i.id])).toEqual([
        ['inbound', 'inbound', reaction.id],
        ['inbound', 'inbound', reply2.id],
        ['outbound', 'campaign', sendId],
        ['inbound', 'inbound', reply1.id],
        ['outbound', 'message', messageId],
      ]);
      expect(all.body).toMatchObject({ number: ADA, nextCursor: null });
      const [, second, campaign, , single] = items;
      expect(second).toMatchObject({ text: 'Tell me more', inbound: { replyTo: { messageId: sendId } } });
      expect(campaign).toMatchObject({ type: 'template', template: 'inb_news', campaignId: expect.any(String), channelId: channelA });
      expect(single).toMatchObject({ type: 'template', template: 'inb_news', status: expect.stringMatching(/^(accepted|sent|delivered|read)$/) });
      expect(single!.message!.statuses.map((s) => s.status)).toContain('accepted');
      expect(items.every((i, n) => n === 0 || items[n - 1]!.at >= i.at)).toBe(true);

      for (const limit of [1, 2, 3]) {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page = await get(`/v1/contacts/${encodeURIComponent(ADA)}/conversation?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
          expect(page.status).toBe(200);
          expect((page.body.data as Item[]).length).toBeLessThanOrEqual(limit);
          seen.push(...(page.body.data as Item[]).map((i) => i.id));
          cursor = page.body.nextCursor as string | null;
        } while (cursor !== null && seen.length < 20);
        expect([limit, seen]).toEqual([limit, items.map((i) => i.id)]);
      }
    });

    it('narrows to one channel, and answers 404 for an unknown contact or channel and 400 for bad input', async () => {
      const onB = await get(`/v1/contacts/${encodeURIComponent(ADA)}/conversation?channelId=${channelB}`);
      expect([onB.status, onB.body.data]).toEqual([200, []]);
      const onA = await get(`/v1/contacts/${encodeURIComponent(ADA)}/conversation?channelId=${channelA}&limit=100`);
      expect((onA.body.data as Item[]).length).toBe(5);
      expect((await get('/v1/contacts/+447400819999/conversation')).status).toBe(404);
      expect((await get(`/v1/contacts/${encodeURIComponent(ADA)}/conversation?channelId=00000000-0000-4000-8000-000000000000`)).status).toBe(404);
      const bad = await get(`/v1/contacts/${encodeURIComponent(ADA)}/conversation?cursor=nonsense`);
      expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_cursor']);
      expect((await get(`/v1/contacts/${encodeURIComponent(ADA)}/conversation?limit=0`)).status).toBe(400);
      expect((await get(`/v1/contacts/${encodeURIComponent(ADA)}/conversation?channelId=abc`)).status).toBe(400);
      expect((await get('/v1/contacts/not-a-number/conversation')).status).toBe(400);
    });
  });

  describe('inbound messages of every kind', () => {
    let image: Inbound;
    let location: Inbound;
    let cards: Inbound;
    let boText: Inbound;
    let mediaId: string;
    const bytes = Buffer.from('\xff\xd8\xff\xe0 a small simulated jpeg from the user', 'latin1');
    let between: string;

    beforeAll(async () => {
      const sent = await inbound(PHONE_A, ADA, { image: { mimeType: 'image/jpeg', caption: 'My receipt', data: bytes.toString('base64') } });
      mediaId = sent.body.mediaId!;
      image = await stored(sent.body.messageId);
      location = await stored((await inbound(PHONE_B, BO, { location: { latitude: 37.483307, longitude: -122.148981, name: 'Philz Coffee', address: '101 Forest Ave' } })).body.messageId);
      await afterSecondOf(Date.parse(location.receivedAt) + 1);
      between = new Date(Math.ceil(Date.now() / 1000) * 1000).toISOString();
      await afterSecondOf(Date.parse(between));
      cards = await stored(
        (await inbound(PHONE_B, BO, { contacts: [{ name: { formatted_name: 'Cy Lee' }, phones: [{ phone: '+1 650 555 1234', wa_id: '16505551234', type: 'WORK' }] }] })).body.messageId,
      );
      boText = await stored((await inbound(PHONE_B, BO, { text: 'Hello from Bo' })).body.messageId);
    }, 60_000);

    it('stores an image with its media, and a location and contact cards', () => {
      expect(image).toMatchObject({
        type: 'image',
        text: 'My receipt',
        media: { id: mediaId, mimeType: 'image/jpeg', caption: 'My receipt', filename: null, sha256: createHash('sha256').update(bytes).digest('base64') },
      });
      expect(image.media!.downloadUrl).toMatch(new RegExp(`/v1/inbound-messages/${image.id}/media\\?token=\\d+\\.[A-Za-z0-9_-]{43}$`));
      expect(location).toMatchObject({
        type: 'location',
        from: BO,
        channelId: channelB,
        location: { latitude: 37.483307, longitude: -122.148981, name: 'Philz Coffee', address: '101 Forest Ave' },
        media: null,
      });
      expect(cards).toMatchObject({ type: 'contacts', contacts: [{ name: 'Cy Lee', phones: [{ phone: '+1 650 555 1234', waId: '16505551234' }] }] });
    });

    it('downloads the media through Herald with the simulator\'s bytes; a forged, expired or missing token is a 401', async () => {
      const url = new URL(image.media!.downloadUrl!);
      const download = await api.http.get(`${url.pathname}${url.search}`).buffer(true).parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
      expect(download.status).toBe(200);
      expect(download.headers['content-type']).toBe('image/jpeg');
      expect(download.body).toEqual(bytes);

      const forged = await api.http.get(`${url.pathname}?token=${url.searchParams.get('token')!.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))}`);
      expect([forged.status, forged.body.error.code]).toEqual([401, 'media_token_invalid']);
      const secretsKey = api.app.get(ApiConfig).secretsKey;
      const expiredToken = signMediaToken(mediaTokenKey(secretsKey), image.id, new Date(Date.now() - 1_000));
      const expired = await api.http.get(`${url.pathname}?token=${expiredToken}`);
      expect([expired.status, expired.body.error.code]).toEqual([401, 'media_token_expired']);
      expect(expired.body.error.message).toContain('GET /v1/inbound-messages/:id');
      const missing = await api.http.get(url.pathname);
      expect([missing.status, missing.body.error.code]).toEqual([401, 'media_token_missing']);
      // A token of another message does not open this one.
      const other = await api.http.get(`/v1/inbound-messages/${location.id}/media?token=${url.searchParams.get('token')}`);
      expect(other.status).toBe(401);
    });

    it('answers 404 with the provider\'s error once the provider forgot the file, and 502 when the provider fails', async () => {
      const second = await inbound(PHONE_B, BO, { document: { filename: 'invoice.pdf', caption: 'Invoice', sizeBytes: 70_000 } });
      const doc = await stored(second.body.messageId);
      expect(doc).toMatchObject({ type: 'document', media: { filename: 'invoice.pdf', mimeType: 'application/pdf' } });
      const docUrl = new URL(doc.media!.downloadUrl!);
      const ok = await api.http.get(`${docUrl.pathname}${docUrl.search}`).buffer(true).parse((res, done) => {
        let n = 0;
        res.on('data', (c: Buffer) => (n += c.length));
        res.on('end', () => done(null, n));
      });
      expect([ok.status, ok.body, ok.headers['content-disposition']]).toEqual([200, 70_000, `inline; filename="invoice.pdf"; filename*=UTF-8''invoice.pdf`]);

      // The provider's credentials stop working (a token revoked at Meta): its error is passed on as a 502.
      await sim.call('PUT', `/_sim/phone-numbers/${PHONE_B}`, { ...CREDENTIALS, accessToken: 'EAAG-rotated', displayPhoneNumber: '15550108102', messagesPerSecond: 40 });
      await sim.call('PUT', `/_sim/phone-numbers/${PHONE_A}`, { ...CREDENTIALS, accessToken: 'EAAG-rotated', displayPhoneNumber: '15550108101', messagesPerSecond: 40 });
      try {
        const failed = await api.http.get(`${docUrl.pathname}${docUrl.search}`);
        expect([failed.status, failed.body.error.code, failed.body.error.details[0].code]).toEqual([502, 'provider_error', '190']);
      } finally {
        const apiUrl = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
        for (const [phone, channel, display] of [[PHONE_A, channelA, '15550108101'], [PHONE_B, channelB, '15550108102']] as const) {
          await sim.call('PUT', `/_sim/phone-numbers/${phone}`, { ...CREDENTIALS, displayPhoneNumber: display, messagesPerSecond: 40, webhookUrl: `${apiUrl}/webhooks/whatsapp/${channel}` });
        }
      }

      expect((await sim.call('DELETE', `/_sim/media/${second.body.mediaId}`)).status).toBe(200);
      const gone = await api.http.get(`${docUrl.pathname}${docUrl.search}`);
      expect([gone.status, gone.body.error.code]).toEqual([404, 'media_gone']);
      expect(gone.body.error.details[0]).toMatchObject({ code: '100', providerDetails: expect.stringContaining('does not exist') });
    });

    it('filters the listing by channel, number, type and time, and pages it with a cursor', async () => {
      const list = async (query: string) => {
        const res = await get(`/v1/inbound-messages?limit=100&${query}`);
        expect([query, res.status]).toEqual([query, 200]);
        return (res.body.data as Inbound[]).map((m) => m.id);
      };
      const onB = await list(`channelId=${channelB}`);
      expect(onB).toHaveLength(4); // the location, the cards, Bo's text and the document
      expect(onB[3]).toBe(location.id);
      expect(onB).toEqual(expect.arrayContaining([cards.id, boText.id]));
      expect(onB).not.toContain(image.id);
      const fromBo = await list(`number=${encodeURIComponent('+44 7400 810002')}`);
      expect(fromBo).toContain(location.id);
      expect(fromBo).not.toContain(image.id);
      expect(await list('type=location')).toEqual([location.id]);
      expect(await list('type=image')).toEqual([image.id]);
      const after = await list(`channelId=${channelB}&from=${between}`);
      expect(after).toContain(cards.id);
      expect(after).not.toContain(location.id);
      const before = await list(`channelId=${channelB}&to=${between}`);
      expect(before).toEqual([location.id]);

      const everything = await list('');
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await get(`/v1/inbound-messages?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        paged.push(...(res.body.data as Inbound[]).map((m) => m.id));
        cursor = res.body.nextCursor as string | null;
      } while (cursor !== null && paged.length < 100);
      expect(paged).toEqual(everything);

      for (const bad of ['type=BAD!', 'from=yesterday', 'channelId=abc', 'cursor=bm9wZQ', 'limit=100000', 'limit=0', 'number=12', `from=${between}&to=${between}`]) {
        expect([bad, (await get(`/v1/inbound-messages?${bad}`)).status]).toEqual([bad, 400]);
      }
      expect((await get('/v1/inbound-messages?channelId=00000000-0000-4000-8000-000000000000')).status).toBe(404);
      expect((await get('/v1/inbound-messages/00000000-0000-4000-8000-000000000000')).status).toBe(404);
      expect((await get('/v1/inbound-messages/nope')).status).toBe(404);
    });
  });

  describe("a contact's channel details", () => {
    it('shows the service window open on the channel the contact wrote to and closed on the other, with the counts', async () => {
      const res = await get(`/v1/contacts/${encodeURIComponent(ADA)}/channels`);
      expect(res.status).toBe(200);
      const byId = new Map((res.body.data as ChannelDetails[]).map((c) => [c.channelId, c]));
      const a = byId.get(channelA)!;
      const b = byId.get(channelB)!;
      expect(a).toMatchObject({ identifier: { type: 'phone_number', value: ADA }, serviceWindow: { open: true }, optedOut: false, optOutScope: null, notOnWhatsApp: false });
      expect(Date.parse(a.serviceWindow.expiresAt!) - Date.parse(a.lastInboundAt!)).toBe(24 * 3600_000);
      expect(Date.parse(a.serviceWindow.expiresAt!)).toBeGreaterThan(Date.now() + 23 * 3600_000);
      expect(a.messages).toMatchObject({ messagesSent: 1, campaignSent: 1, totalSent: 2 });
      expect(a.messages.received).toBeGreaterThanOrEqual(4); // two replies, a reaction, an image
      expect(b).toMatchObject({ lastInboundAt: null, serviceWindow: { open: false, expiresAt: null }, messages: { messagesSent: 0, campaignSent: 0, received: 0 } });
      expect((await get('/v1/contacts/+447400819999/channels')).status).toBe(404);
      expect((await get('/v1/contacts/12/channels')).status).toBe(400);
    });

    it('shows the opt-out once the contact sends STOP', async () => {
      await inbound(PHONE_A, ADA, { text: 'STOP' });
      const res = await waitFor(
        async () => (await get(`/v1/contacts/${encodeURIComponent(ADA)}/channels`)).body.data as ChannelDetails[],
        (d) => d.every((c) => c.optedOut),
        15_000,
      );
      expect(res.map((c) => [c.channelId, c.optedOut, c.optOutScope]).sort()).toEqual(
        [
          [channelA, true, 'marketing'],
          [channelB, true, 'marketing'],
        ].sort(),
      );
    });
  });
});

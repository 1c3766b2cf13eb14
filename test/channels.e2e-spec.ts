import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, type ApiHarness } from './support/api-harness';
import { addSimulatedChannel, freePort, startSimulator, startWorker, waitFor, type ChildHarness, type SimulatorHarness } from './support/process-harness';

/**
 * Messenger, Instagram and Telegram channels end to end: the API (on a known port, so Telegram's setWebhook names
 * it), a worker and the simulator speaking Meta's Send API and Telegram's Bot API with their webhooks. Channels are
 * created against the platform (credentials checked, Telegram's webhook registered); users who write become
 * contacts known by their channel identity; every message kind each platform carries is sent through the one
 * pipeline and arrives at the platform in its documented shape; statuses follow each platform (Messenger's
 * watermarks, Instagram's per-message reads, Telegram stopping at sent); replies and button presses come back as
 * inbound messages, Telegram's presses answered; windows, tags, blocks and per-chat pacing are enforced.
 */
const REDIS_PREFIX = `${process.env.REDIS_PREFIX}-channels`;
const PAGE_ID = '109876543210001';
const IG_ID = '17841400000000001';
const BOT_ID = '7000000001';
const BOT_TOKEN = `${BOT_ID}:AAHk3vQx2-channels-spec-token_abc`;
const PAGE = { accessToken: 'EAAG-page-token-channels', appSecret: 'page-app-secret-channels', verifyToken: 'page-verify-channels' };
const IG = { accessToken: 'IGAA-ig-token-channels', appSecret: 'ig-app-secret-channels', verifyToken: 'ig-verify-channels' };
/** What the platform knows of a Page or account (the verify token stays with Herald and the app's webhook settings). */
const AT_META = (c: typeof PAGE) => ({ accessToken: c.accessToken, appSecret: c.appSecret });
const PSID = '6543210987650001';
const PSID_SILENT = '6543210987650002';
const IGSID = '1234567890120001';
const CHAT = 424242001;
const CHAT_BLOCKER = 424242002;

interface Message {
  id: string;
  status: string;
  to: string;
  providerMessageId: string | null;
  error: { code: string; title: string } | null;
}
interface Inbound {
  id: string;
  channelId: string;
  contactId: string | null;
  from: string;
  type: string;
  text: string | null;
  payload?: string | null;
  providerMessageId: string;
}

describe('Messenger, Instagram and Telegram channels, end to end', () => {
  let api: ApiHarness;
  let sim: SimulatorHarness;
  let worker: ChildHarness;
  let key: string;
  let workspaceId: string;
  let apiUrl: string;
  let messenger: string;
  let instagram: string;
  let telegram: string;

  const post = (path: string, body: unknown) =>
    api.http
      .post(path)
      .set('x-api-key', key)
      .send(body as object);
  const put = (path: string, body: unknown) =>
    api.http
      .put(path)
      .set('x-api-key', key)
      .send(body as object);
  const get = (path: string) => api.http.get(path).set('x-api-key', key);
  const message = (id: string) => get(`/v1/messages/${id}`).then((r) => r.body as Message);
  const settled = (id: string, status: string, ms = 15_000) => waitFor(() => message(id), (m) => m.status === status, ms);
  const inboundOf = async (channelId: string, providerMessageId: string): Promise<Inbound> => {
    const found = await waitFor(
      async () => ((await get(`/v1/inbound-messages?channelId=${channelId}&limit=100`)).body.data as Inbound[]).find((m) => m.providerMessageId === providerMessageId),
      (m) => m !== undefined,
      15_000,
    );
    if (!found) throw new Error(`inbound ${providerMessageId} was never stored`);
    return found;
  };
  const pageSends = async (pageId: string) => (await sim.call<{ data: Array<{ mid: string; recipientId: string; body: Record<string, unknown> }> }>('GET', `/_sim/pages/${pageId}/messages`)).body.data;
  const botSends = async () =>
    (await sim.call<{ data: Array<{ method: string; chatId: number; messageId: number; at: string; params: Record<string, unknown> }> }>('GET', `/_sim/telegram-bots/${BOT_ID}/messages`)).body.data;

  beforeAll(async () => {
    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    api = await startApi({ REDIS_PREFIX, PUBLIC_URL: apiUrl });
    await api.app.listen(port, '127.0.0.1');
    ({ apiKey: key, id: workspaceId } = await api.createWorkspace('Channels'));
    sim = await startSimulator();
    expect((await sim.call('PUT', `/_sim/pages/${PAGE_ID}`, { platform: 'messenger', name: 'Herald Shoes', ...AT_META(PAGE) })).status).toBe(201);
    expect((await sim.call('PUT', `/_sim/pages/${IG_ID}`, { platform: 'instagram', name: 'Herald Shoes IG', username: 'heraldshoes', ...AT_META(IG) })).status).toBe(201);
    expect((await sim.call('PUT', `/_sim/telegram-bots/${BOT_ID}`, { token: BOT_TOKEN, username: 'herald_shoes_bot', firstName: 'Herald Shoes' })).status).toBe(201);
    worker = startWorker({ REDIS_PREFIX, PUBLIC_URL: apiUrl });
  }, 30_000);

  afterAll(async () => {
    await worker?.stop();
    await sim?.stop();
    await api?.close();
  });

  describe('channels', () => {
    it('refuses credentials the platform does not accept, naming the field', async () => {
      const wrong = await post('/v1/channels', { type: 'messenger', name: 'Shoes', senderId: PAGE_ID, ...PAGE, accessToken: 'EAAG-not-the-token', graphBaseUrl: `${sim.url}/v23.0` });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.code).toBe('invalid_credentials');
      expect(wrong.body.error.details[0].field).toBe('accessToken');
      const bot = await post('/v1/channels', { type: 'telegram', name: 'Bot', botToken: `${BOT_ID}:AAH-wrong-token-for-this-bot_xyz`, apiBaseUrl: sim.url });
      expect(bot.status).toBe(400);
      expect(bot.body.error.details[0].field).toBe('botToken');
      const missing = await post('/v1/channels', { type: 'telegram', name: 'Bot' });
      expect(missing.status).toBe(400);
      expect(missing.body.error.details.map((d: { field: string }) => d.field)).toContain('botToken');
    });

    it('creates a Messenger Page, an Instagram account and a Telegram bot, registering the bot\'s webhook with its secret', async () => {
      const m = await post('/v1/channels', { type: 'messenger', name: 'Shoes', senderId: PAGE_ID, ...PAGE, graphBaseUrl: `${sim.url}/v23.0` });
      expect(m.status).toBe(201);
      expect(m.body).toMatchObject({ type: 'messenger', senderId: PAGE_ID, displayPhoneNumber: 'Herald Shoes', messagesPerSecond: 300, webhookPath: `/webhooks/messenger/${m.body.id}` });
      messenger = m.body.id;
      const i = await post('/v1/channels', { type: 'instagram', name: 'Shoes IG', senderId: IG_ID, ...IG, graphBaseUrl: `${sim.url}/v23.0` });
      expect(i.status).toBe(201);
      expect(i.body).toMatchObject({ type: 'instagram', senderId: IG_ID, displayPhoneNumber: '@heraldshoes', webhookPath: `/webhooks/instagram/${i.body.id}` });
      instagram = i.body.id;
      const t = await post('/v1/channels', { type: 'telegram', name: 'Shoes bot', botToken: BOT_TOKEN, webhookSecret: 'spec-secret_token-1', apiBaseUrl: sim.url });
      expect(t.status).toBe(201);
      expect(t.body).toMatchObject({ type: 'telegram', senderId: BOT_ID, displayPhoneNumber: '@herald_shoes_bot', messagesPerSecond: 30 });
      telegram = t.body.id;
      expect(JSON.stringify([m.body, i.body, t.body])).not.toMatch(/EAAG|IGAA|AAHk3v|spec-secret/);
      const atTelegram = (await sim.call<{ webhook: { url: string; secretToken: string } }>('GET', `/_sim/telegram-bots/${BOT_ID}`)).body;
      expect(atTelegram.webhook).toMatchObject({ url: `${apiUrl}/webhooks/telegram/${telegram}`, secretToken: 'spec-secret_token-1' });
      // Meta's pages post to the channel's webhook path once the operator subscribes them (here: the simulator).
      expect((await sim.call('PUT', `/_sim/pages/${PAGE_ID}`, { platform: 'messenger', name: 'Herald Shoes', ...AT_META(PAGE), webhookUrl: `${apiUrl}/webhooks/messenger/${messenger}` })).status).toBe(200);
      expect((await sim.call('PUT', `/_sim/pages/${IG_ID}`, { platform: 'instagram', name: 'Herald Shoes IG', username: 'heraldshoes', ...AT_META(IG), webhookUrl: `${apiUrl}/webhooks/instagram/${instagram}` })).status).toBe(200);
    });

    it("changes what each kind of channel has, and refuses another kind's fields", async () => {
      const renamed = await api.http.patch(`/v1/channels/${telegram}`).set('x-api-key', key).send({ name: 'Shoes bot', messagesPerSecond: 25 });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ name: 'Shoes bot', messagesPerSecond: 25 });
      const wrong = await api.http.patch(`/v1/channels/${telegram}`).set('x-api-key', key).send({ accessToken: 'another-token-123', wabaId: '1' });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['accessToken', 'wabaId']);
      const page = await api.http.patch(`/v1/channels/${messenger}`).set('x-api-key', key).send({ messagingTier: '2000' });
      expect(page.status).toBe(400);
      expect((await api.http.patch(`/v1/channels/${telegram}`).set('x-api-key', key).send({ messagesPerSecond: 30 })).status).toBe(200);
    });

    it("answers Meta's handshake and refuses unsigned or wrongly authenticated webhooks", async () => {
      const ok = await api.http.get(`/webhooks/messenger/${messenger}?hub.mode=subscribe&hub.verify_token=${PAGE.verifyToken}&hub.challenge=4711`);
      expect(ok.status).toBe(200);
      expect(ok.text).toBe('4711');
      expect((await api.http.get(`/webhooks/instagram/${instagram}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`)).status).toBe(403);
      // A channel's webhook under another platform's path is not found.
      expect((await api.http.get(`/webhooks/instagram/${messenger}?hub.mode=subscribe&hub.verify_token=${PAGE.verifyToken}&hub.challenge=1`)).status).toBe(404);
      const unsigned = await api.http.post(`/webhooks/messenger/${messenger}`).set('content-type', 'application/json').send('{"object":"page","entry":[]}');
      expect(unsigned.status).toBe(401);
      const wrongSecret = await api.http
        .post(`/webhooks/telegram/${telegram}`)
        .set('content-type', 'application/json')
        .set('x-telegram-bot-api-secret-token', 'not-the-secret')
        .send('{"update_id":1}');
      expect(wrongSecret.status).toBe(401);
      expect(wrongSecret.body.error.code).toBe('invalid_secret_token');
    });
  });

  describe('Messenger', () => {
    let contactId: string;

    it('learns a user who writes as a contact without a number, known by their PSID', async () => {
      const sent = await sim.call<{ mid: string }>('POST', `/_sim/pages/${PAGE_ID}/inbound`, { from: PSID, text: 'Do you have size 42?' });
      expect(sent.status).toBe(202);
      const stored = await inboundOf(messenger, sent.body.mid);
      expect(stored).toMatchObject({ from: PSID, type: 'text', text: 'Do you have size 42?' });
      contactId = stored.contactId!;
      const contact = await get(`/v1/contacts/id:${contactId}`);
      expect(contact.status).toBe(200);
      expect(contact.body.number).toBeNull();
      const identities = await get(`/v1/contacts/id:${contactId}/identities`);
      expect(identities.body).toEqual([expect.objectContaining({ channelId: messenger, identity: PSID, source: 'inbound', unreachableAt: null })]);
      const channels = await get(`/v1/contacts/id:${contactId}/channels`);
      const here = (channels.body.data as Array<{ channelId: string; identifier: unknown; serviceWindow: { open: boolean } }>).find((c) => c.channelId === messenger);
      expect(here).toMatchObject({ identifier: { type: 'psid', value: PSID }, serviceWindow: { open: true } });
    });

    it('sends every kind Messenger carries, in the Send API shape, and settles them by delivery and read watermarks', async () => {
      const kinds: Array<Record<string, unknown>> = [
        { type: 'text', text: { body: 'Yes! Which colour?' }, quickReplies: [{ title: 'Black', payload: 'COLOUR_BLACK' }, { title: 'Red', payload: 'COLOUR_RED' }] },
        { type: 'image', image: { link: 'https://example.com/shoe.jpg' } },
        { type: 'video', video: { link: 'https://example.com/shoe.mp4' } },
        { type: 'audio', audio: { link: 'https://example.com/shoe.mp3' } },
        { type: 'document', document: { link: 'https://example.com/sizes.pdf' } },
        { type: 'buttons', buttons: { text: 'Pick one', buttons: [{ type: 'url', title: 'Shop', url: 'https://example.com/shop' }, { type: 'postback', title: 'Call me', payload: 'CALL_ME' }] } },
        { type: 'cards', cards: { elements: [{ title: 'Runner 42', subtitle: '€89', imageUrl: 'https://example.com/r.jpg', buttons: [{ type: 'postback', title: 'Buy', payload: 'BUY_R42' }] }] } },
      ];
      const ids: string[] = [];
      for (const kind of kinds) {
        const sent = await post('/v1/messages', { channelId: messenger, contactId, ...kind });
        expect([sent.status, sent.body.error?.message]).toEqual([202, undefined]);
        ids.push(sent.body.id);
      }
      // The simulator delivers and reads everything: the watermarks settle every send, none is left at sent.
      for (const id of ids) expect((await settled(id, 'read')).status).toBe('read');
      const bodies = (await pageSends(PAGE_ID)).filter((s) => s.recipientId === PSID).map((s) => s.body);
      expect(bodies).toHaveLength(kinds.length);
      // Audio and video wait for their own slots (10 a second per Page), so the order at the platform may differ.
      const reached = (needle: string) => bodies.find((b) => JSON.stringify(b).includes(needle));
      expect(reached('Which colour')).toEqual({
        recipient: { id: PSID },
        messaging_type: 'RESPONSE',
        message: { text: 'Yes! Which colour?', quick_replies: [{ content_type: 'text', title: 'Black', payload: 'COLOUR_BLACK' }, { content_type: 'text', title: 'Red', payload: 'COLOUR_RED' }] },
      });
      expect(reached('shoe.jpg')).toMatchObject({ message: { attachment: { type: 'image', payload: { url: 'https://example.com/shoe.jpg' } } } });
      expect(reached('shoe.mp4')).toMatchObject({ message: { attachment: { type: 'video', payload: { url: 'https://example.com/shoe.mp4' } } } });
      expect(reached('shoe.mp3')).toMatchObject({ message: { attachment: { type: 'audio', payload: { url: 'https://example.com/shoe.mp3' } } } });
      expect(reached('sizes.pdf')).toMatchObject({ message: { attachment: { type: 'file', payload: { url: 'https://example.com/sizes.pdf' } } } });
      expect(reached('Pick one')).toMatchObject({
        message: { attachment: { type: 'template', payload: { template_type: 'button', text: 'Pick one', buttons: [{ type: 'web_url', url: 'https://example.com/shop', title: 'Shop' }, { type: 'postback', title: 'Call me', payload: 'CALL_ME' }] } } },
      });
      expect(reached('Runner 42')).toMatchObject({ message: { attachment: { type: 'template', payload: { template_type: 'generic', elements: [{ title: 'Runner 42', subtitle: '€89', image_url: 'https://example.com/r.jpg' }] } } } });
      const timeline = await get(`/v1/messages/${ids[0]}`);
      expect(timeline.body.providerMessageId).toMatch(/^m_/);
    });

    it('takes quick-reply taps and postbacks back as button messages with their payload', async () => {
      const tap = await sim.call<{ mid: string }>('POST', `/_sim/pages/${PAGE_ID}/inbound`, { from: PSID, quickReply: { payload: 'COLOUR_RED', title: 'Red' } });
      expect(await inboundOf(messenger, tap.body.mid)).toMatchObject({ type: 'button', text: 'Red', contactId });
      const press = await sim.call<{ mid: string }>('POST', `/_sim/pages/${PAGE_ID}/inbound`, { from: PSID, postback: { title: 'Call me', payload: 'CALL_ME' } });
      expect(await inboundOf(messenger, press.body.mid)).toMatchObject({ type: 'button', text: 'Call me', contactId });
    });

    it('refuses a message outside the 24-hour window unless an allowed tag carries it, and what Messenger cannot carry', async () => {
      // A contact whose PSID was set by API and who never wrote: no window.
      const made = await post('/v1/contacts', { number: '+447400900001', name: 'Silent' });
      expect(made.status).toBe(201);
      const set = await put(`/v1/contacts/+447400900001/identities/${messenger}`, { identity: PSID_SILENT });
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({ identity: PSID_SILENT, source: 'api' });
      const untagged = await post('/v1/messages', { channelId: messenger, to: '+447400900001', type: 'text', text: { body: 'Your order shipped' } });
      expect(untagged.status).toBe(409);
      expect(untagged.body.error.code).toBe('outside_service_window');
      const humanAgent = await post('/v1/messages', { channelId: messenger, to: '+447400900001', type: 'text', text: { body: 'Agent here' }, tag: 'HUMAN_AGENT' });
      expect(humanAgent.status).toBe(409);
      // The user never wrote to the page: the simulator, like Meta, refuses the PSID; the send fails with the reason.
      const tagged = await post('/v1/messages', { channelId: messenger, to: '+447400900001', type: 'text', text: { body: 'Your order shipped' }, tag: 'POST_PURCHASE_UPDATE' });
      expect(tagged.status).toBe(202);
      const failed = await settled(tagged.body.id, 'failed');
      expect(failed.error?.code).toBe('100/2018001');
      const body = (await pageSends(PAGE_ID)).filter((s) => s.recipientId === PSID_SILENT);
      expect(body).toEqual([]);
      // ...and the contact is unreachable there from now on: the next send is refused at once.
      const again = await post('/v1/messages', { channelId: messenger, to: '+447400900001', type: 'text', text: { body: 'Hello?' }, tag: 'ACCOUNT_UPDATE' });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('contact_unreachable');

      const tooLong = await post('/v1/messages', { channelId: messenger, contactId, type: 'text', text: { body: 'x'.repeat(2001) } });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.error.details[0].field).toBe('text.body');
      const template = await post('/v1/messages', { channelId: messenger, contactId, type: 'template', template: { name: 'x', language: 'en' } });
      expect(template.status).toBe(400);
      expect(template.body.error.details[0].field).toBe('type');
    });
  });

  describe('Instagram', () => {
    it('sends text, image and cards to a user who wrote, reads them by message id, and allows only HUMAN_AGENT', async () => {
      const wrote = await sim.call<{ mid: string }>('POST', `/_sim/pages/${IG_ID}/inbound`, { from: IGSID, text: 'Hi!' });
      const contactId = (await inboundOf(instagram, wrote.body.mid)).contactId!;
      const ids: string[] = [];
      for (const kind of [
        { type: 'text', text: { body: 'Hello from Instagram' }, quickReplies: [{ title: 'More', payload: 'MORE' }] },
        { type: 'image', image: { link: 'https://example.com/ig.jpg' } },
        { type: 'cards', cards: { elements: [{ title: 'Runner 42', buttons: [{ type: 'url', title: 'Shop', url: 'https://example.com/shop' }] }] } },
      ]) {
        const sent = await post('/v1/messages', { channelId: instagram, contactId, ...kind });
        expect([sent.status, sent.body.error?.message]).toEqual([202, undefined]);
        ids.push(sent.body.id);
      }
      for (const id of ids) expect((await settled(id, 'read')).status).toBe('read');
      const otherTag = await post('/v1/messages', { channelId: instagram, contactId, type: 'text', text: { body: 'Update' }, tag: 'ACCOUNT_UPDATE' });
      expect(otherTag.status).toBe(400);
      expect(otherTag.body.error.details[0].field).toBe('tag');
      const video = await post('/v1/messages', { channelId: instagram, contactId, type: 'video', video: { link: 'https://example.com/v.mp4' } });
      expect(video.status).toBe(400);
      expect(video.body.error.details[0].field).toBe('type');
    });
  });

  describe('Telegram', () => {
    let contactId: string;

    it('learns a user who starts the bot, and sends every kind Telegram carries, each stopping at sent', async () => {
      const started = await sim.call<{ messageId: number }>('POST', `/_sim/telegram-bots/${BOT_ID}/updates`, { chatId: CHAT, firstName: 'Asha', text: '/start promo42' });
      expect(started.status).toBe(202);
      const stored = await inboundOf(telegram, `${CHAT}:${started.body.messageId}`);
      expect(stored).toMatchObject({ from: String(CHAT), type: 'text', text: '/start promo42' });
      contactId = stored.contactId!;
      const kinds: Array<Record<string, unknown>> = [
        { type: 'text', text: { body: '<b>Welcome</b>, Asha', parseMode: 'HTML' } },
        { type: 'image', image: { link: 'https://example.com/shoe.jpg', caption: 'Runner 42' } },
        { type: 'video', video: { link: 'https://example.com/shoe.mp4' } },
        { type: 'audio', audio: { link: 'https://example.com/shoe.mp3' } },
        { type: 'document', document: { link: 'https://example.com/sizes.pdf', caption: 'Sizes' } },
        { type: 'location', location: { latitude: 52.52, longitude: 13.405 } },
        { type: 'buttons', buttons: { text: 'Want the deal?', buttons: [{ type: 'postback', title: 'Yes', payload: 'DEAL_YES' }, { type: 'url', title: 'Shop', url: 'https://example.com/shop' }] } },
      ];
      const ids: string[] = [];
      for (const kind of kinds) {
        const sent = await post('/v1/messages', { channelId: telegram, to: String(CHAT), ...kind });
        expect([sent.status, sent.body.error?.message]).toEqual([202, undefined]);
        ids.push(sent.body.id);
      }
      for (const id of ids) {
        const m = await settled(id, 'sent', 30_000);
        expect(m.status).toBe('sent');
        expect(m.providerMessageId).toMatch(new RegExp(`^${CHAT}:[0-9]+$`));
      }
      // One chat takes about a message a second: a send paced out waits in the queue, so the order may differ.
      const sends = (await botSends()).filter((s) => s.chatId === CHAT);
      expect(sends.map((s) => s.method).sort()).toEqual(['sendAudio', 'sendDocument', 'sendLocation', 'sendMessage', 'sendMessage', 'sendPhoto', 'sendVideo']);
      const sent = (needle: string) => sends.find((s) => JSON.stringify(s.params).includes(needle))!;
      expect(sent('Welcome').params).toMatchObject({ text: '<b>Welcome</b>, Asha', parse_mode: 'HTML' });
      expect(sent('shoe.jpg')).toMatchObject({ method: 'sendPhoto', params: { photo: 'https://example.com/shoe.jpg', caption: 'Runner 42' } });
      expect(sent('sizes.pdf')).toMatchObject({ method: 'sendDocument', params: { document: 'https://example.com/sizes.pdf', caption: 'Sizes' } });
      expect(sent('52.52')).toMatchObject({ method: 'sendLocation', params: { latitude: 52.52, longitude: 13.405 } });
      expect(sent('Want the deal').params).toMatchObject({
        text: 'Want the deal?',
        reply_markup: { inline_keyboard: [[{ text: 'Yes', callback_data: 'DEAL_YES' }], [{ text: 'Shop', url: 'https://example.com/shop' }]] },
      });
      // About 1 message a second into one chat: seven sends to one chat took at least six seconds at the platform.
      const at = sends.map((s) => Date.parse(s.at)).sort((a, b) => a - b);
      for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(900);
    }, 60_000);

    it('takes a button press back as a button message and answers its callback query', async () => {
      const keyboard = (await botSends()).filter((s) => s.chatId === CHAT && s.method === 'sendMessage').pop()!;
      const pressed = await sim.call<{ callbackQueryId: string }>('POST', `/_sim/telegram-bots/${BOT_ID}/updates`, { chatId: CHAT, callbackData: 'DEAL_YES', messageId: keyboard.messageId });
      expect(pressed.status).toBe(202);
      const stored = await inboundOf(telegram, `cq:${pressed.body.callbackQueryId}`);
      expect(stored).toMatchObject({ type: 'button', text: 'Yes', contactId });
      const answered = await waitFor(
        async () => (await sim.call<{ answeredCallbackQueries: unknown[] }>('GET', `/_sim/telegram-bots/${BOT_ID}`)).body.answeredCallbackQueries,
        (list) => JSON.stringify(list).includes(pressed.body.callbackQueryId),
        10_000,
      );
      expect(JSON.stringify(answered)).toContain(pressed.body.callbackQueryId);
    });

    it("stores a photo a user sends and serves its bytes through Herald's download link", async () => {
      const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
      const sent = await sim.call<{ messageId: number; fileId: string }>('POST', `/_sim/telegram-bots/${BOT_ID}/updates`, { chatId: CHAT, photo: { data: png.toString('base64') }, text: 'This one?' });
      expect(sent.status).toBe(202);
      const stored = await inboundOf(telegram, `${CHAT}:${sent.body.messageId}`);
      const full = (await get(`/v1/inbound-messages/${stored.id}`)).body as { type: string; media: { id: string; caption: string | null; downloadUrl: string } };
      expect(full).toMatchObject({ type: 'image', media: { id: sent.body.fileId, caption: 'This one?' } });
      const url = new URL(full.media.downloadUrl);
      const download = await api.http.get(`${url.pathname}${url.search}`).buffer(true).parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
      expect(download.status).toBe(200);
      expect(download.body).toEqual(png);
    });

    it('marks a user who blocks the bot unreachable, and refuses what Telegram cannot carry', async () => {
      const wrote = await sim.call<{ messageId: number }>('POST', `/_sim/telegram-bots/${BOT_ID}/updates`, { chatId: CHAT_BLOCKER, firstName: 'Bo', text: 'hi' });
      const blockerId = (await inboundOf(telegram, `${CHAT_BLOCKER}:${wrote.body.messageId}`)).contactId!;
      expect((await sim.call('POST', `/_sim/telegram-bots/${BOT_ID}/block`, { chatId: CHAT_BLOCKER })).status).toBe(200);
      const identity = await waitFor(
        async () => ((await get(`/v1/contacts/id:${blockerId}/identities`)).body as Array<{ unreachableAt: string | null }>)[0],
        (i) => i?.unreachableAt != null,
        15_000,
      );
      expect(identity?.unreachableAt).not.toBeNull();
      const refused = await post('/v1/messages', { channelId: telegram, contactId: blockerId, type: 'text', text: { body: 'Still there?' } });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('contact_unreachable');

      const cards = await post('/v1/messages', { channelId: telegram, contactId, type: 'cards', cards: { elements: [{ title: 'x' }] } });
      expect(cards.status).toBe(400);
      expect(cards.body.error.details[0].field).toBe('type');
      const longPayload = await post('/v1/messages', { channelId: telegram, contactId, type: 'buttons', buttons: { text: 'x', buttons: [{ type: 'postback', title: 'Yes', payload: 'p'.repeat(65) }] } });
      expect(longPayload.status).toBe(400);
      expect(longPayload.body.error.details[0].field).toMatch(/^buttons\.buttons\[0\]\.payload/);
      const blast = await post('/v1/blasts', { template: { name: 'x', language: 'en' }, searchSpec: {}, channelId: telegram });
      expect(blast.status).toBe(400);
      expect(blast.body.error.code).toBe('channel_not_supported');
    });
  });

  describe('campaigns', () => {
    interface Recipient {
      status: string;
      skipReason?: string | null;
      errorCode: string | null;
    }
    const finished = (campaignId: string, runId: string) =>
      waitFor(
        async () => (await get(`/v1/campaigns/${campaignId}/runs/${runId}`)).body as { status: string },
        (r) => ['completed', 'failed', 'cancelled'].includes(r.status),
        30_000,
        200,
      );
    const recipients = async (campaignId: string, runId: string) => (await get(`/v1/campaigns/${campaignId}/recipients?runId=${runId}&limit=500`)).body as Recipient[];
    const reasons = (list: Recipient[]) => [...new Set(list.filter((r) => r.status === 'skipped').map((r) => r.skipReason ?? r.errorCode))].sort();

    it('runs a campaign on Telegram: text with buttons to every contact the bot knows, the others skipped with the reason', async () => {
      const created = await post('/v1/campaigns', {
        title: 'Telegram deal',
        message: 'Hi {{name}}, 20% off today',
        buttons: [
          { text: 'Yes please', type: 'input', input: 'answer' },
          { text: 'Track', type: 'journey', journeyId: 'track' },
        ],
        channelId: telegram,
        options: { runImmediately: true, audiences: ['all'] },
      });
      expect([created.status, created.body.error?.message]).toEqual([201, undefined]);
      expect(created.body.templateStatus).toBe('NOT_REQUIRED');
      const { campaignId } = created.body as { campaignId: string };
      const runId = created.body.run.runId as string;
      expect((await finished(campaignId, runId)).status).toBe('completed');
      const list = await recipients(campaignId, runId);
      expect(list.filter((r) => r.status === 'sent')).toHaveLength(1);
      // Bo blocked the bot; the Messenger, Instagram and phone-only contacts have no chat with it.
      expect(reasons(list)).toEqual(['no_identity', 'unreachable']);
      const send = (await botSends()).filter((s) => s.chatId === CHAT).pop()!;
      expect(send.method).toBe('sendMessage');
      expect(send.params).toMatchObject({
        text: 'Hi Asha, 20% off today',
        reply_markup: { inline_keyboard: [[{ text: 'Yes please', callback_data: 'input:answer' }], [{ text: 'Track', callback_data: 'journey:track' }]] },
      });
      // The press lands in the campaign's input group, as a WhatsApp quick reply does.
      const pressed = await sim.call<{ callbackQueryId: string }>('POST', `/_sim/telegram-bots/${BOT_ID}/updates`, { chatId: CHAT, callbackData: 'input:answer', messageId: send.messageId });
      expect(pressed.status).toBe(202);
      const group = (await get(`/v1/campaigns/${campaignId}`)).body.inputGroup as string;
      const values = await waitFor(
        async () => (await get(`/v1/variable-groups/${group}/values`)).body,
        (v) => JSON.stringify(v).includes('Yes please'),
        15_000,
        200,
      );
      expect(JSON.stringify(values)).toContain('Yes please');
    }, 60_000);

    it('sends a blast with a message of its own on Telegram to the contacts a search matches', async () => {
      const blast = await post('/v1/blasts', { message: 'Flash sale: {{name}}, 2 hours only', searchSpec: {}, channelId: telegram, tags: ['flash'] });
      expect([blast.status, blast.body.error?.message]).toEqual([202, undefined]);
      const done = await waitFor(
        async () => (await get(`/v1/blasts/${blast.body.blastId}`)).body as { status: string; message: string },
        (b) => ['completed', 'failed'].includes(b.status),
        30_000,
        200,
      );
      expect(done).toMatchObject({ status: 'completed', message: 'Flash sale: {{name}}, 2 hours only' });
      const sends = await waitFor(botSends, (list) => list.some((s) => JSON.stringify(s.params).includes('Flash sale: Asha')), 10_000, 200);
      expect(sends.filter((s) => JSON.stringify(s.params).includes('Flash sale'))).toHaveLength(1);
    }, 60_000);

    it('runs a tagged campaign on Messenger, settled by the watermarks like single messages', async () => {
      const created = await post('/v1/campaigns', {
        title: 'Order update',
        // (Messenger's webhooks carry no name: a contact learned there has none for {{name}}.)
        message: 'Your order has shipped',
        templateType: 'UTILITY',
        buttons: [{ text: 'Track', type: 'journey', journeyId: 'track' }],
        messagingTag: 'POST_PURCHASE_UPDATE',
        channelId: messenger,
        options: { runImmediately: true, audiences: ['all'] },
      });
      expect([created.status, created.body.error?.message]).toEqual([201, undefined]);
      const { campaignId } = created.body as { campaignId: string };
      const runId = created.body.run.runId as string;
      expect((await finished(campaignId, runId)).status).toBe('completed');
      const read = await waitFor(
        () => recipients(campaignId, runId),
        (list) => list.some((r) => r.status === 'read'),
        20_000,
        200,
      );
      expect(read.filter((r) => r.status === 'read')).toHaveLength(1);
      // The silent contact's PSID was refused by the platform before: unreachable there, skipped.
      expect(reasons(read)).toEqual(['no_identity', 'unreachable']);
      const body = (await pageSends(PAGE_ID)).filter((s) => s.recipientId === PSID).pop()!.body;
      expect(body).toMatchObject({
        messaging_type: 'MESSAGE_TAG',
        tag: 'POST_PURCHASE_UPDATE',
        message: { attachment: { payload: { template_type: 'button', buttons: [{ type: 'postback', title: 'Track', payload: 'journey:track' }] } } },
      });
      expect(JSON.stringify(body)).toContain('Your order has shipped');

      // Untagged, a Messenger campaign reaches only those who wrote within 24 hours: one whose PSID was set by API and
      // who never wrote is skipped with that reason at the start, not sent and failed.
      expect((await post('/v1/contacts', { number: '+447400900002', name: 'Quiet' })).status).toBe(201);
      expect((await put(`/v1/contacts/+447400900002/identities/${messenger}`, { identity: '6543210987650003' })).status).toBe(200);
      const untagged = await post('/v1/campaigns', { title: 'Thanks', message: 'Thanks for writing', channelId: messenger, options: { runImmediately: true, audiences: ['all'] } });
      expect(untagged.status).toBe(201);
      expect((await finished(untagged.body.campaignId, untagged.body.run.runId)).status).toBe('completed');
      const untaggedList = await recipients(untagged.body.campaignId, untagged.body.run.runId);
      expect(reasons(untaggedList)).toEqual(['no_identity', 'outside_service_window', 'unreachable']);
      expect(untaggedList.filter((r) => r.status !== 'skipped')).toHaveLength(1);

      const wrongTag = await post('/v1/campaigns', { title: 'IG', message: 'Hi', messagingTag: 'ACCOUNT_UPDATE', channelId: instagram });
      expect(wrongTag.status).toBe(400);
      expect(wrongTag.body.error.details[0].field).toBe('messagingTag');
      const image = await post('/v1/campaigns', { title: 'TG', message: 'Hi', imgUrl: 'https://example.com/a.png', channelId: telegram });
      expect(image.status).toBe(400);
      expect(image.body.error.details[0].field).toBe('imgUrl');
    }, 60_000);
  });

  describe('vendor surfaces: WhautoChat and ChitChatLabs', () => {
    let whatsapp: string;
    const wc = (path: string, body: unknown) => post(`/compat/whautochat/v1/messages/${path}`, body);

    beforeAll(async () => {
      whatsapp = await addSimulatedChannel(post, sim, {
        phone: '106540352249901',
        display: '+1 555 010 9901',
        rate: 40,
        tier: 'unlimited',
        credentials: { wabaId: '102290129349901', accessToken: 'EAAG-whautochat-token', appSecret: 'whautochat-app-secret' },
        apiUrl,
      });
      await sim.call('PUT', '/_sim/templates', [
        { wabaId: '102290129349901', name: 'wc_hello', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hello from us.' }] },
        {
          wabaId: '102290129349901',
          name: 'habit_run_confirmation_message',
          language: 'en',
          category: 'UTILITY',
          components: [
            { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2U='] } },
            { type: 'BODY', text: 'Hi {{1}}, you are in for {{2}} on {{3}}.', example: { body_text: [['Partha', 'Habit Run', '24th Nov']] } },
          ],
        },
      ]);
      expect((await post('/v1/templates/sync', {})).status).toBe(200);
    });
    const ws = () => ({ workspace: { id: workspaceId } });
    const contactOf = async (channelId: string, from: string) =>
      ((await get(`/v1/inbound-messages?channelId=${channelId}&limit=100`)).body.data as Inbound[]).find((m) => m.from === from)!.contactId!;
    const reaches = (id: string, status = 'sent') =>
      waitFor(() => message(id), (m) => ['sent', 'delivered', 'read'].includes(m.status) || m.status === status, 15_000);

    it('sends its nine kinds, each through the workspace channel of that platform, answering MessageResponse', async () => {
      const messengerContact = await contactOf(messenger, PSID);
      const instagramContact = await contactOf(instagram, IGSID);
      const telegramContact = await contactOf(telegram, String(CHAT));
      const sends: Array<[string, Record<string, unknown>, string, string]> = [
        ['whatsapp/sendtext', { recepient: { phoneNumber: '+447400900101' }, textMessage: 'Hello' }, whatsapp, 'text'],
        ['whatsapp/sendmedia', { recepient: { phoneNumber: '+447400900101' }, mediaUrl: 'https://example.com/a.jpg', mimeType: 'image/jpeg' }, whatsapp, 'image'],
        ['whatsapp/sendtemplate', { recepient: { phoneNumber: '+447400900101' }, template: 'wc_hello' }, whatsapp, 'template'],
        ['messenger/sendtext', { contact: { id: messengerContact }, textMessage: 'Hi on Messenger' }, messenger, 'text'],
        ['messenger/sendmedia', { contact: { id: messengerContact }, mediaUrl: 'https://example.com/s.pdf', mimeType: 'application/pdf' }, messenger, 'document'],
        ['messenger/sendtemplate', { contact: { id: messengerContact }, elements: [{ title: 'Runner 42', buttons: [{ type: 'web_url', url: 'https://example.com', title: 'Shop' }] }] }, messenger, 'cards'],
        ['instagram/sendtext', { contact: { id: instagramContact }, textMessage: 'Hi on Instagram' }, instagram, 'text'],
        ['instagram/sendtemplate', { contact: { id: instagramContact }, elements: [{ title: 'Runner 42', buttons: [] }] }, instagram, 'cards'],
        ['telegram/sendtemplate', { contact: { id: telegramContact }, textMessage: 'Deal?', buttons: [{ text: 'Yes', callback_data: 'YES' }] }, telegram, 'buttons'],
      ];
      // The WhatsApp number's user wrote first, so a free-form text may answer them.
      await sim.call('POST', '/_sim/inbound', { phoneNumberId: '106540352249901', from: '447400900101', text: 'hi' });
      await waitFor(async () => (await get(`/v1/contacts/%2B447400900101/channels`)).body, (b) => JSON.stringify(b).includes('"open":true'), 15_000);
      for (const [path, body, channelId, type] of sends) {
        const answer = await wc(path, { ...ws(), ...body });
        expect([path, answer.status, answer.body]).toEqual([path, 200, { id: expect.any(String), status: 'queued', error: null }]);
        const sent = await reaches(answer.body.id);
        expect([path, sent.status, (sent as Message & { channelId: string; type: string }).channelId, (sent as Message & { type: string }).type]).toEqual([
          path,
          expect.stringMatching(/^(sent|delivered|read)$/),
          channelId,
          type,
        ]);
      }
      const scheduled = await wc('telegram/sendtemplate', { ...ws(), contact: { id: telegramContact }, textMessage: 'Later', buttons: [], scheduleDateTime: new Date(Date.now() + 3_600_000).toISOString() });
      expect(scheduled.body).toMatchObject({ status: 'scheduled', error: null });
    }, 60_000);

    it('answers every refusal in its own shape, naming what is wrong', async () => {
      const other = await wc('messenger/sendtext', { workspace: { id: '5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a10' }, recepient: { phoneNumber: '+447400900101' }, textMessage: 'x' });
      expect([other.status, other.body]).toEqual([403, { id: null, status: 'failed', error: expect.stringContaining('workspace') }]);
      const missing = await wc('telegram/sendtext', { ...ws(), contact: { id: '1' }, textMessage: 'x' });
      expect([missing.status, missing.body.status, missing.body.error]).toEqual([404, 'failed', expect.stringContaining('telegram/sendtemplate')]);
      const both = await wc('whatsapp/sendtext', { ...ws(), contact: { id: '1' }, recepient: { phoneNumber: '+447400900101' }, textMessage: 'x' });
      expect([both.status, both.body.error]).toEqual([400, expect.stringContaining('not both')]);
      const typo = await wc('whatsapp/sendtext', { ...ws(), recipient: { phoneNumber: '+447400900101' }, textMessage: 'x' });
      expect([typo.status, typo.body.error]).toEqual([400, expect.stringContaining('recipient')]);
      const long = await wc('instagram/sendtext', { ...ws(), contact: { id: '1' }, textMessage: 'x'.repeat(1001) });
      expect(long.status).toBeGreaterThanOrEqual(400);
      expect(long.body).toMatchObject({ id: null, status: 'failed' });
      // Before the route too: a wrong key, a body that is not JSON, a path it does not have.
      const wrongKey = await api.http.post('/compat/whautochat/v1/messages/whatsapp/sendtext').set('x-api-key', `hrld_${'x'.repeat(43)}`).send({ ...ws(), recepient: { phoneNumber: '+447400900101' }, textMessage: 'x' });
      expect([wrongKey.status, wrongKey.body]).toEqual([401, { id: null, status: 'failed', error: expect.stringContaining('API key') }]);
      const notJson = await api.http.post('/compat/whautochat/v1/messages/whatsapp/sendtext').set('x-api-key', key).set('Content-Type', 'application/json').send('{"textMessage": ');
      expect([notJson.status, notJson.body]).toEqual([400, { id: null, status: 'failed', error: expect.stringContaining('not valid JSON') }]);
      const nowhere = await get('/compat/whautochat/v1/contacts');
      expect([nowhere.status, nowhere.body.status, nowhere.body.id]).toEqual([404, 'failed', null]);
    });
  
    it("ChitChatLabs: replays its document's single message and blast verbatim (base URL and key changed)", async () => {
      const headers = { 'x-tenant-api-key': key, 'Content-Type': 'application/json' };
      const single = await api.http
        .post('/compat/chitchatlabs/chat-service/apis/message/single')
        .set(headers)
        .send({
          to: { mobile: '919739978284', name: 'Partha' },
          fb_template: 'habit_run_confirmation_message',
          language: 'en',
          file: { type: 'image', link: 'https://chitchatlabs.github.io/image-service/CCLABS_TENANT/test.png' },
          params: ['Partha', 'Habit Run November Edition', '24th Nov'],
          tag: 'test_tag',
        });
      expect([single.status, single.body.error?.message]).toEqual([202, undefined]);
      const sent = await waitFor(() => message(single.body.id), (m) => m.providerMessageId !== null, 15_000);
      expect(sent).toMatchObject({ to: '+919739978284', channelId: whatsapp, tags: ['test_tag'] });
      const blast = await api.http
        .post('/compat/chitchatlabs/chat-service/apis/message/blast')
        .set(headers)
        .send({
          searchSpec: { name: 'Partha' },
          fb_template: 'habit_run_confirmation_message',
          language: 'en',
          file: { type: 'image', link: 'https://chitchatlabs.github.io/image-service/CCLABS_TENANT/test.png' },
          params: ['{{name}}', 'Habit Run November Edition', '24th Nov'],
          tag: 'test_tag_bulk',
        });
      expect([blast.status, blast.body.error?.message]).toEqual([202, undefined]);
      const tagged = await waitFor(
        async () => (await get('/v1/messages?tag=test_tag_bulk')).body.data as Array<{ id: string; providerMessageId: string | null }>,
        (list) => list.length === 1 && list[0]!.providerMessageId !== null,
        20_000,
        200,
      );
      expect(tagged).toHaveLength(1);
      // What was sent: the single's parameters and image header, and the blast's {{name}} filled from the contact.
      const link = 'https://chitchatlabs.github.io/image-service/CCLABS_TENANT/test.png';
      const singleSent = JSON.stringify((await get(`/v1/messages/${single.body.id}`)).body);
      for (const part of [link, 'Partha', 'Habit Run November Edition', '24th Nov']) expect([part, singleSent.includes(part)]).toEqual([part, true]);
      const blastSent = JSON.stringify((await get(`/v1/messages/${encodeURIComponent(tagged[0]!.id)}`)).body);
      expect([blastSent.includes(link), blastSent.includes('Partha'), blastSent.includes('{{name}}')]).toEqual([true, true, false]);
      const bad = await api.http.post('/compat/chitchatlabs/chat-service/apis/message/single').set(headers).send({ to: { mobile: '919739978284' }, language: 'en' });
      expect([bad.status, bad.body.error.details[0].field]).toEqual([400, 'fb_template']);
      // Only its own fields: Herald's blast fields are not taken through ChitChatLabs' route.
      const foreign = await api.http
        .post('/compat/chitchatlabs/chat-service/apis/message/blast')
        .set(headers)
        .send({ searchSpec: {}, fb_template: 'wc_hello', language: 'en_US', channelId: whatsapp });
      expect([foreign.status, foreign.body.error.details.map((d: { field: string }) => d.field)]).toEqual([400, ['channelId']]);
      // Herald's refusals of the blast name ChitChatLabs' fields, not Herald's.
      const named = await api.http
        .post('/compat/chitchatlabs/chat-service/apis/message/blast')
        .set(headers)
        .send({ searchSpec: {}, fb_template: 'Bad Name', language: 'en', file: { type: 'gif', link: 'x' }, tag: 'Not A Tag!' });
      expect([named.status, named.body.error.details.map((d: { field: string }) => d.field).sort()]).toEqual([400, ['fb_template', 'file.link', 'file.type', 'tag']]);
    }, 60_000);
});
});

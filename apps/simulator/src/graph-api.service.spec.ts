// The provider rules a send meets, driven through the Graph and /_sim handlers on an injected clock, and checked
// the way a client sees them: the HTTP answer, and the status webhooks the simulator would post.
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { AdminApi } from './admin-api.service';
import { GraphApi, type Reply } from './graph-api.service';
import { parsePhoneNumberRegistration } from './phone-number.util';
import { defaultRuntimeConfig, mergeRuntimeConfig } from './simulator.config';
import { Simulator } from './simulator.service';
import type { PhoneNumberRegistration, StatusItem } from './simulator.types';
import { parseTemplateSeed, type TemplateSeed } from './template-request.util';
import type { WebhookPost } from './webhook-delivery.service';

const PHONE = '106540352242922';
const WABA = '102290129340398';
const TOKEN = 'EAA-token';
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read as the loose JSON a client sees */
type Json = Record<string, any>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function registration(id: string, extra: Record<string, unknown> = {}): PhoneNumberRegistration {
  const parsed = parsePhoneNumberRegistration(id, {
    wabaId: WABA,
    displayPhoneNumber: '+1 555 078 3881',
    accessToken: TOKEN,
    appSecret: 'secret',
    webhookUrl: 'http://127.0.0.1:1/hook',
    messagesPerSecond: 1_000_000,
    ...extra,
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.value;
}

function template(name: string, category: string): TemplateSeed {
  const parsed = parseTemplateSeed({
    wabaId: WABA,
    name,
    language: 'en_US',
    category,
    components: [{ type: 'BODY', text: 'Hello' }],
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.value;
}

const simulators: Simulator[] = [];
afterEach(async () => {
  for (const sim of simulators.splice(0)) await sim.stop();
});

/** A simulator on a clock the spec moves, with statuses due at once and posts captured instead of sent. */
function harness(patch: unknown = {}, phones: PhoneNumberRegistration[] = [registration(PHONE)]) {
  let clock = 1_700_000_000_000;
  const base = mergeRuntimeConfig(defaultRuntimeConfig(), {
    seed: 1,
    statuses: { latencyMs: 0, deliveredProbability: 1, readProbability: 1, duplicateProbability: 0, reorderProbability: 0 },
    webhooks: { flushIntervalMs: 1 },
  });
  if (!base.ok) throw new Error(base.problems.join('; '));
  const merged = mergeRuntimeConfig(base.config, patch);
  if (!merged.ok) throw new Error(merged.problems.join('; '));
  const sim = new Simulator({
    config: merged.config,
    now: () => clock,
    phoneNumbers: phones,
    templates: [
      template('spring_sale', 'MARKETING'),
      template('order_update', 'UTILITY'),
      template('login_code', 'AUTHENTICATION'),
    ],
  });
  simulators.push(sim);
  const posts: WebhookPost[] = [];
  jest.spyOn(sim.delivery, 'post').mockImplementation((post: WebhookPost) => {
    posts.push(post);
  });
  const graph = new GraphApi(sim);
  const admin = new AdminApi(sim);
  const answer = (reply: Reply) => {
    if (reply.kind !== 'json') throw new Error('the request was held');
    return { status: reply.status, json: JSON.parse(reply.body) as Json, delayMs: reply.delayMs };
  };
  const body = (value: unknown) => Buffer.from(JSON.stringify(value));
  return {
    sim,
    advance: (ms: number) => {
      clock += ms;
    },
    send: (message: Json, phone = PHONE) => answer(graph.send(phone, `Bearer ${TOKEN}`, body(message))),
    sendMarketing: (message: Json, phone = PHONE) => answer(graph.sendMarketing(phone, `Bearer ${TOKEN}`, body(message))),
    get: (id: string, token = TOKEN) => answer(graph.getObject(id, `Bearer ${token}`)),
    admin: (method: string, path: string[], value?: unknown) => {
      const reply = admin.handle(method, path, new URLSearchParams(), value === undefined ? Buffer.alloc(0) : body(value));
      return { status: reply.status, json: JSON.parse(reply.body) as Json };
    },
    inbound: (from: string, phone = PHONE) =>
      admin.handle('POST', ['inbound'], new URLSearchParams(), body({ phoneNumberId: phone, from, text: 'hi' })).status,
    stats: () => admin.stats() as Json,
    /** Every status posted so far (due statuses are flushed first). */
    statuses: async (): Promise<StatusItem[]> => {
      await sleep(25);
      sim.statuses.flushAll();
      return posts
        .filter((post) => post.kind === 'statuses')
        .flatMap((post) => (post.payload as Json).entry[0].changes[0].value.statuses as StatusItem[]);
    },
  };
}

const text = (to: string) => ({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'Hi' } });
const templateSend = (to: string, name = 'spring_sale') => ({
  messaging_product: 'whatsapp',
  to,
  type: 'template',
  template: { name, language: { code: 'en_US' } },
});

describe('pair rate limit (131056)', () => {
  it('refuses the send over the burst with a synchronous 400 and Meta’s error JSON, per recipient', () => {
    const h = harness({ pairRate: { enabled: true, perSeconds: 6, burst: 3 } });
    for (let i = 0; i < 3; i++) expect(h.send(text('+15551230001')).status).toBe(200);
    const refused = h.send(text('+15551230001'));
    expect(refused.status).toBe(400);
    expect(refused.json.error).toEqual({
      message: '(#131056) (Business Account, Consumer Account) pair rate limit hit',
      type: 'OAuthException',
      code: 131056,
      error_data: { messaging_product: 'whatsapp', details: expect.stringContaining('same phone number') },
      fbtrace_id: expect.any(String),
    });
    expect(h.send(text('+15551230002')).status).toBe(200);
    h.advance(6000);
    expect(h.send(text('+15551230001')).status).toBe(200);
    expect(h.send(text('+15551230001')).status).toBe(400);
    const stats = h.stats();
    expect(stats.rejected.byCode).toEqual({ '131056': 2 });
    expect(stats.accepted.total).toBe(5);
  });

  it('is off by default: 60 sends to one user are all accepted', () => {
    const h = harness();
    const answers = Array.from({ length: 60 }, () => h.send(templateSend('+15551230001')).status);
    expect(new Set(answers)).toEqual(new Set([200]));
  });

  it('does not charge the pair for a send refused by throughput (130429)', () => {
    const h = harness({ pairRate: { enabled: true, perSeconds: 6, burst: 2 } }, [registration(PHONE, { messagesPerSecond: 1 })]);
    expect(h.send(text('+15551230001')).status).toBe(200);
    expect(h.send(text('+15551230001')).json.error.code).toBe(130429);
    h.advance(1000);
    expect(h.send(text('+15551230001')).status).toBe(200);
  });
});

describe('customer-service window (131047)', () => {
  it('accepts a free-form message to a user who never wrote, then fails it in a status webhook', async () => {
    const h = harness();
    const sent = h.send(text('+15551234567'));
    expect(sent.status).toBe(200);
    expect(sent.json.messages).toEqual([{ id: expect.stringMatching(/^wamid\./) }]);
    const statuses = await h.statuses();
    expect(statuses).toEqual([
      {
        id: sent.json.messages[0].id,
        status: 'failed',
        timestamp: expect.any(String),
        recipient_id: '15551234567',
        errors: [
          {
            code: 131047,
            title: 'Re-engagement message',
            message: 'Re-engagement message',
            error_data: {
              details:
                'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
            },
            href: expect.stringContaining('error-codes'),
          },
        ],
      },
    ]);
    expect(h.stats().failed).toEqual({ total: 1, byCode: { '131047': 1 } });
    expect(h.stats().rejected.total).toBe(0);
  });

  it('opens the window for 24 hours on an inbound message, with free customer-service pricing', async () => {
    const h = harness();
    expect(h.inbound('+15551234567')).toBe(202);
    h.send({ ...text('+15551234567'), biz_opaque_callback_data: 'in-window' });
    h.send({ ...text('+15550009999'), biz_opaque_callback_data: 'other-user' });
    let statuses = await h.statuses();
    const inWindow = statuses.filter((s) => s.biz_opaque_callback_data === 'in-window');
    expect(inWindow.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    for (const status of inWindow) {
      expect(status.pricing).toEqual({
        billable: false,
        pricing_model: 'PMP',
        type: 'free_customer_service',
        category: 'service',
      });
    }
    expect(statuses.find((s) => s.biz_opaque_callback_data === 'other-user')?.errors?.[0]?.code).toBe(131047);
    expect(h.stats().serviceWindowsOpen).toBe(1);

    h.advance(DAY);
    h.send({ ...text('+15551234567'), biz_opaque_callback_data: 'a-day-later' });
    statuses = await h.statuses();
    expect(statuses.filter((s) => s.biz_opaque_callback_data === 'a-day-later').map((s) => s.errors?.[0]?.code)).toEqual([
      131047,
    ]);
  });

  it('is per business number: a user who wrote to another number gets 131047 here', async () => {
    const h = harness({}, [registration(PHONE), registration('200000000000002')]);
    h.inbound('+15551234567', '200000000000002');
    h.send(text('+15551234567'));
    expect((await h.statuses())[0]?.errors?.[0]?.code).toBe(131047);
  });

  it('does not apply to templates, and is not enforced with serviceWindow.enforce false', async () => {
    const h = harness({ serviceWindow: { enforce: false } });
    h.send({ ...text('+15551234567'), biz_opaque_callback_data: 'free-form' });
    h.send({ ...templateSend('+15551234568'), biz_opaque_callback_data: 'template' });
    const statuses = await h.statuses();
    expect(statuses.filter((s) => s.status === 'failed')).toEqual([]);
    // Outside a window nothing is free: the free-form message is priced as before.
    expect(statuses.find((s) => s.biz_opaque_callback_data === 'free-form')?.pricing).toEqual({
      billable: true,
      pricing_model: 'PMP',
      type: 'regular',
      category: 'service',
    });
  });
});

describe('pricing of templates', () => {
  it('charges marketing and authentication templates, and utility ones only outside a service window', async () => {
    const h = harness();
    h.inbound('+15551234567');
    for (const name of ['spring_sale', 'order_update', 'login_code']) {
      h.send({ ...templateSend('+15551234567', name), biz_opaque_callback_data: `in:${name}` });
      h.send({ ...templateSend('+15550000001', name), biz_opaque_callback_data: `out:${name}` });
    }
    const statuses = await h.statuses();
    const pricing = (data: string) => statuses.find((s) => s.biz_opaque_callback_data === data && s.status === 'sent')?.pricing;
    expect(pricing('in:spring_sale')).toEqual({ billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' });
    expect(pricing('in:order_update')).toEqual({
      billable: false,
      pricing_model: 'PMP',
      type: 'free_customer_service',
      category: 'utility',
    });
    expect(pricing('in:login_code')).toMatchObject({ billable: true, type: 'regular', category: 'authentication' });
    expect(pricing('out:order_update')).toMatchObject({ billable: true, type: 'regular', category: 'utility' });
  });
});

describe('marketing rules (131049, 131050, 130472)', () => {
  it('fails MARKETING templates to capped, stopped and experiment users in a status webhook, not other categories', async () => {
    const h = harness({
      marketing: {
        capped: { numbers: ['+15550000049'] },
        stopped: { numbers: ['+15550000050'] },
        experiment: { numbers: ['+15550000472'] },
      },
    });
    for (const to of ['+15550000049', '+15550000050', '+15550000472', '+15550000001']) {
      const answer = h.send({ ...templateSend(to), biz_opaque_callback_data: `marketing:${to}` });
      expect(answer.status).toBe(200);
      expect(answer.json.messages[0].message_status).toBe('accepted');
      h.send({ ...templateSend(to, 'order_update'), biz_opaque_callback_data: `utility:${to}` });
    }
    const statuses = await h.statuses();
    const failure = (data: string) => statuses.find((s) => s.biz_opaque_callback_data === data && s.status === 'failed')?.errors;
    expect(failure('marketing:+15550000049')).toEqual([
      {
        code: 131049,
        title: 'This message was not delivered to maintain healthy ecosystem engagement.',
        message: 'This message was not delivered to maintain healthy ecosystem engagement.',
        error_data: { details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.' },
        href: expect.any(String),
      },
    ]);
    expect(failure('marketing:+15550000050')?.[0]).toMatchObject({
      code: 131050,
      title: expect.stringContaining('stop receiving marketing messages'),
    });
    expect(failure('marketing:+15550000472')?.[0]).toMatchObject({
      code: 130472,
      title: "User's number is part of an experiment",
    });
    expect(failure('marketing:+15550000001')).toBeUndefined();
    expect(statuses.filter((s) => s.biz_opaque_callback_data?.startsWith('utility:') && s.status === 'failed')).toEqual([]);
    expect(h.stats().failed.byCode).toEqual({ '131049': 1, '131050': 1, '130472': 1 });
  });

  it('picks a share of all recipients by a hash of the number', async () => {
    const h = harness({ marketing: { capped: { share: 1 } } });
    h.send(templateSend('+15551234567'));
    h.send(templateSend('+4915112345678'));
    expect((await h.statuses()).map((s) => s.errors?.[0]?.code)).toEqual([131049, 131049]);
  });
});

describe('messaging limit', () => {
  it('fails templates to more unique users than the portfolio’s limit in 24 h, in a status webhook (131048)', async () => {
    const h = harness({}, [registration(PHONE, { messagingLimit: 'TIER_250' })]);
    for (let i = 0; i < 250; i++) expect(h.send(templateSend(`+1555100${String(i).padStart(4, '0')}`)).status).toBe(200);
    const over = h.send({ ...templateSend('+15552000000'), biz_opaque_callback_data: 'over' });
    expect(over.status).toBe(200);
    h.send({ ...templateSend('+15551000007'), biz_opaque_callback_data: 'reached-before' });
    h.inbound('+15553000000');
    h.send({ ...templateSend('+15553000000'), biz_opaque_callback_data: 'in-window' });
    let statuses = await h.statuses();
    const failed = statuses.filter((s) => s.status === 'failed');
    expect(failed.map((s) => [s.biz_opaque_callback_data, s.errors?.[0]?.code])).toEqual([['over', 131048]]);
    expect(failed[0]?.errors?.[0]?.title).toBe('Spam rate limit hit');
    expect(failed[0]?.errors?.[0]?.error_data.details).toContain('messaging limit');
    expect(h.stats().messagingLimitUsers).toEqual({ [WABA]: 250 });

    h.advance(DAY);
    h.send({ ...templateSend('+15552000000'), biz_opaque_callback_data: 'next-day' });
    statuses = await h.statuses();
    expect(statuses.filter((s) => s.biz_opaque_callback_data === 'next-day').map((s) => s.status)).toEqual([
      'sent',
      'delivered',
      'read',
    ]);
  });

  it('is shared by the numbers of a business portfolio, whose limit is the highest of theirs', async () => {
    const h = harness({}, [
      registration('1001', { businessId: 'portfolio', messagingLimit: 'TIER_250' }),
      registration('1002', { businessId: 'portfolio', messagingLimit: 'TIER_250' }),
      registration('1003', { businessId: 'elsewhere', messagingLimit: 'TIER_250' }),
    ]);
    for (let i = 0; i < 250; i++) h.send(templateSend(`+1555100${String(i).padStart(4, '0')}`), i % 2 ? '1001' : '1002');
    h.send({ ...templateSend('+15552000000'), biz_opaque_callback_data: 'same-portfolio' }, '1002');
    h.send({ ...templateSend('+15552000000'), biz_opaque_callback_data: 'other-portfolio' }, '1003');
    const statuses = await h.statuses();
    expect(statuses.filter((s) => s.status === 'failed').map((s) => s.biz_opaque_callback_data)).toEqual(['same-portfolio']);

    expect(h.get('1001').json).toMatchObject({
      whatsapp_business_manager_messaging_limit: 'TIER_250',
      messaging_limit_tier: 'TIER_250',
    });
    const raised = h.admin('PUT', ['phone-numbers', '1002'], {
      wabaId: WABA,
      displayPhoneNumber: '15550001002',
      accessToken: TOKEN,
      appSecret: 'secret',
      businessId: 'portfolio',
      messagingLimit: 'TIER_2K',
    });
    expect(raised.status).toBe(200);
    expect(h.get('1001').json).toMatchObject({
      whatsapp_business_manager_messaging_limit: 'TIER_2K',
      messaging_limit_tier: 'TIER_250',
    });
  });

  it('names the business portfolio that owns a WABA (owner_business_info): its numbers’, else the WABA itself', () => {
    const h = harness({}, [
      registration('1001', { wabaId: 'waba-a', businessId: 'portfolio' }),
      registration('1002', { wabaId: 'waba-b', businessId: 'portfolio' }),
      registration('1003', { wabaId: 'waba-c' }),
    ]);
    expect(h.get('waba-a').json).toEqual({
      id: 'waba-a',
      marketing_messages_onboarding_status: 'ELIGIBLE',
      owner_business_info: { id: 'portfolio', name: 'Business portfolio' },
    });
    expect(h.get('waba-b').json).toMatchObject({ owner_business_info: { id: 'portfolio' } });
    expect(h.get('waba-c').json).toMatchObject({ owner_business_info: { id: 'waba-c' } });
  });

  it('reads the limit with the existing phone number fields; unlimited by default', () => {
    const h = harness();
    expect(h.get(PHONE).json).toEqual({
      verified_name: 'Herald Simulator',
      display_phone_number: '+15550783881',
      id: PHONE,
      quality_rating: 'GREEN',
      code_verification_status: 'VERIFIED',
      platform_type: 'CLOUD_API',
      throughput: { level: 'HIGH' },
      whatsapp_business_manager_messaging_limit: 'TIER_UNLIMITED',
      messaging_limit_tier: 'TIER_UNLIMITED',
    });
  });
});

describe('Marketing Messages API', () => {
  it('reads the WABA’s onboarding status, set by its numbers’ registrations', () => {
    const h = harness();
    expect(h.get(WABA).json).toMatchObject({ id: WABA, marketing_messages_onboarding_status: 'ELIGIBLE' });
    expect(h.get(WABA, 'other-token').json.error.code).toBe(190);
    h.admin('PUT', ['phone-numbers', PHONE], {
      wabaId: WABA,
      displayPhoneNumber: '15550783881',
      accessToken: TOKEN,
      appSecret: 'secret',
      webhookUrl: 'http://127.0.0.1:1/hook',
      marketingMessagesOnboarded: true,
    });
    expect(h.get(WABA).json).toMatchObject({ id: WABA, marketing_messages_onboarding_status: 'ONBOARDED' });
  });

  it('sends MARKETING templates like /messages, priced marketing_lite, and counts sends by endpoint', async () => {
    const h = harness({}, [registration(PHONE, { marketingMessagesOnboarded: true })]);
    const sent = h.sendMarketing({
      ...templateSend('+15551234567'),
      message_activity_sharing: true,
      product_policy: 'STRICT',
      biz_opaque_callback_data: 'mm-1',
    });
    expect(sent.status).toBe(200);
    expect(sent.json).toEqual({
      messaging_product: 'whatsapp',
      contacts: [{ input: '+15551234567', wa_id: '15551234567' }],
      messages: [{ id: expect.stringMatching(/^wamid\./), message_status: 'accepted' }],
    });
    h.send(templateSend('+15551234568'));
    const statuses = await h.statuses();
    expect(statuses.find((s) => s.biz_opaque_callback_data === 'mm-1')?.pricing).toMatchObject({
      billable: true,
      category: 'marketing_lite',
    });
    expect(h.stats().accepted.byEndpoint).toEqual({ messages: 1, marketing_messages: 1 });
  });

  it('refuses other categories (134100), non-template messages and bad MM fields (100)', () => {
    const h = harness({}, [registration(PHONE, { marketingMessagesOnboarded: true })]);
    const utility = h.sendMarketing(templateSend('+15551234567', 'order_update'));
    expect([utility.status, utility.json.error.code]).toEqual([400, 134100]);
    expect(utility.json.error.message).toBe('(#134100) Only marketing messages can be sent on this API');
    const freeForm = h.sendMarketing(text('+15551234567'));
    expect([freeForm.status, freeForm.json.error.code]).toEqual([400, 100]);
    expect(h.sendMarketing({ ...templateSend('+15551234567'), product_policy: 'SOMETIMES' }).json.error.code).toBe(100);
    expect(h.sendMarketing({ ...templateSend('+15551234567'), message_activity_sharing: 'yes' }).json.error.code).toBe(100);
    expect(h.stats().rejected.byCode).toEqual({ '100': 3, '134100': 1 });
  });

  it('falls back to Cloud API for a WABA not onboarded, unless product_policy is STRICT (134102)', async () => {
    const h = harness();
    const strict = h.sendMarketing({ ...templateSend('+15551234567'), product_policy: 'STRICT' });
    expect([strict.status, strict.json.error.code]).toEqual([400, 134102]);
    const fallback = h.sendMarketing({ ...templateSend('+15551234567'), biz_opaque_callback_data: 'fallback' });
    expect(fallback.status).toBe(200);
    const statuses = await h.statuses();
    expect(statuses.find((s) => s.biz_opaque_callback_data === 'fallback')?.pricing?.category).toBe('marketing');
    expect(h.stats().accepted.marketingMessagesFallbacks).toBe(1);
  });

  it('applies the marketing rules there too', async () => {
    const h = harness({ marketing: { stopped: { numbers: ['+15551234567'] } } }, [
      registration(PHONE, { marketingMessagesOnboarded: true }),
    ]);
    h.sendMarketing(templateSend('+15551234567'));
    expect((await h.statuses())[0]?.errors?.[0]?.code).toBe(131050);
  });
});

describe('held for quality assessment', () => {
  it('answers a share of template sends "held_for_quality_assessment" and posts their sent status heldMs later', async () => {
    const h = harness({ quality: { heldShare: 1, heldMs: 2000 } });
    h.inbound('+15551234567');
    const held = h.send({ ...templateSend('+15551234567'), biz_opaque_callback_data: 'held' });
    expect(held.json.messages[0].message_status).toBe('held_for_quality_assessment');
    const freeForm = h.send({ ...text('+15551234567'), biz_opaque_callback_data: 'free-form' });
    expect(freeForm.json.messages[0]).toEqual({ id: expect.any(String) });
    let statuses = await h.statuses();
    expect(statuses.filter((s) => s.biz_opaque_callback_data === 'held')).toEqual([]);
    expect(statuses.filter((s) => s.biz_opaque_callback_data === 'free-form')).toHaveLength(3);
    h.advance(1999);
    expect((await h.statuses()).filter((s) => s.biz_opaque_callback_data === 'held')).toEqual([]);
    h.advance(1);
    statuses = await h.statuses();
    expect(statuses.filter((s) => s.biz_opaque_callback_data === 'held').map((s) => s.status)).toEqual([
      'sent',
      'delivered',
      'read',
    ]);
    expect(h.stats().accepted.heldForQualityAssessment).toBe(1);
  });

  it('holds none by default', () => {
    const h = harness();
    expect(h.send(templateSend('+15551234567')).json.messages[0].message_status).toBe('accepted');
  });
});

describe('reset', () => {
  it('forgets pair buckets, service windows and messaging-limit counts', async () => {
    const h = harness({ pairRate: { enabled: true, burst: 1 } }, [registration(PHONE, { messagingLimit: 'TIER_250' })]);
    h.inbound('+15551234567');
    h.send(templateSend('+15551234567'));
    h.send(templateSend('+15550000001'));
    expect(h.send(templateSend('+15550000001')).status).toBe(400);
    await h.statuses();
    expect(h.stats()).toMatchObject({ serviceWindowsOpen: 1, messagingLimitUsers: { [WABA]: 1 } });
    h.admin('POST', ['reset']);
    expect(h.stats()).toMatchObject({ serviceWindowsOpen: 0, messagingLimitUsers: {}, failed: { total: 0 } });
    expect(h.send(templateSend('+15550000001')).status).toBe(200);
  });
});

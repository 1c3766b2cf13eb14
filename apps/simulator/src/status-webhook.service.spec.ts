import { describe, expect, it } from '@jest/globals';
import { PhoneNumberRegistry } from './phone-number-registry.service';
import { seededRandom } from './random.util';
import { defaultRuntimeConfig, mergeRuntimeConfig } from './simulator.config';
import type { RuntimeConfig, StatusItem } from './simulator.types';
import { StatusWebhooks } from './status-webhook.service';
import type { WebhookDelivery, WebhookPost } from './webhook-delivery.service';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function setup(patch: unknown) {
  const merged = mergeRuntimeConfig(defaultRuntimeConfig(), patch);
  if (!merged.ok) throw new Error(merged.problems.join('; '));
  const config: RuntimeConfig = merged.config;
  const registry = new PhoneNumberRegistry(() => 80);
  registry.upsert({
    phoneNumberId: '1001',
    wabaId: '2002',
    displayPhoneNumber: '15550001111',
    verifiedName: 'Acme',
    accessToken: 't',
    appSecret: 's',
    webhookUrl: 'http://127.0.0.1:1/hook',
    messagesPerSecond: null,
    businessId: '2002',
    messagingLimit: 'TIER_UNLIMITED',
    marketingMessagesOnboarded: false,
  });
  const posts: WebhookPost[] = [];
  const delivery = { post: (post: WebhookPost) => posts.push(post) } as unknown as WebhookDelivery;
  const random = seededRandom(1);
  const webhooks = new StatusWebhooks(
    registry,
    delivery,
    () => config,
    () => random,
  );
  const send = (i: number) =>
    webhooks.schedule(
      {
        wamid: `wamid.${i}`,
        phoneNumberId: '1001',
        recipientId: `1555000${String(i).padStart(4, '0')}`,
        callbackData: `cb-${i}`,
        pricingCategory: 'service',
      },
      Date.now(),
    );
  const statusesOf = (post: WebhookPost) =>
    (post.payload as { entry: Array<{ changes: Array<{ value: { statuses: StatusItem[] } }> }> }).entry[0]?.changes[0]?.value
      .statuses ?? [];
  return { webhooks, posts, send, statusesOf };
}

describe(StatusWebhooks.name, () => {
  it('posts statuses in batches of at most maxStatusesPerPost, and the rest on flush', async () => {
    const { webhooks, posts, send, statusesOf } = setup({
      statuses: { latencyMs: 0, deliveredProbability: 0, duplicateProbability: 0, reorderProbability: 0 },
      webhooks: { maxStatusesPerPost: 10, flushIntervalMs: 60_000 },
    });
    for (let i = 0; i < 25; i++) send(i);
    expect(webhooks.pending).toBe(25);
    await sleep(60);
    expect(posts.map((post) => statusesOf(post).length)).toEqual([10, 10]);
    expect(webhooks.bufferedCount).toBe(5);
    webhooks.flushAll();
    expect(posts.map((post) => statusesOf(post).length)).toEqual([10, 10, 5]);
    const ids = posts.flatMap((post) => statusesOf(post).map((s) => s.biz_opaque_callback_data));
    expect(new Set(ids).size).toBe(25);
    webhooks.stop();
  });

  it('posts what is buffered every flush interval, without waiting for a full batch', async () => {
    const { webhooks, posts, send, statusesOf } = setup({
      statuses: { latencyMs: 0, deliveredProbability: 1, readProbability: 1, duplicateProbability: 0, reorderProbability: 0 },
      webhooks: { maxStatusesPerPost: 100, flushIntervalMs: 20 },
    });
    send(1);
    await sleep(120);
    expect(posts.flatMap((post) => statusesOf(post).map((s) => s.status)).sort()).toEqual(['delivered', 'read', 'sent']);
    webhooks.stop();
  });

  it('drops everything planned on clear', async () => {
    const { webhooks, posts, send } = setup({ statuses: { latencyMs: 30 }, webhooks: { flushIntervalMs: 10 } });
    for (let i = 0; i < 10; i++) send(i);
    webhooks.clear();
    await sleep(80);
    expect(posts).toEqual([]);
    webhooks.stop();
  });
});

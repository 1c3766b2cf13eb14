import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { defaultRuntimeConfig } from './simulator.config';
import { SimulatorStats } from './simulator-stats.service';
import { WebhookDelivery, type WebhookPost } from './webhook-delivery.service';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const servers: Server[] = [];
const deliveries: WebhookDelivery[] = [];

async function receiver(handle: (req: IncomingMessage, raw: Buffer, res: ServerResponse) => void): Promise<string> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, Buffer.concat(chunks), res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

function delivery(settings: Partial<ReturnType<typeof defaultRuntimeConfig>['webhooks']>, maxPending?: number) {
  const stats = new SimulatorStats();
  const logs: string[] = [];
  const webhooks = { ...defaultRuntimeConfig().webhooks, ...settings };
  const instance = new WebhookDelivery(
    stats,
    () => webhooks,
    (delayMs, task) => setTimeout(task, delayMs),
    (line) => logs.push(line),
    maxPending,
  );
  deliveries.push(instance);
  return { instance, stats, logs };
}

const webhooksOf = (stats: SimulatorStats) =>
  stats.snapshot({ statusesPending: 0, statusesBuffered: 0, postsPending: 0, heldRequests: 0, templates: {} }).webhooks;

const post = (url: string): WebhookPost => ({
  url,
  appSecret: 'shh',
  payload: { object: 'whatsapp_business_account', entry: [] },
  kind: 'statuses',
  statuses: ['sent', 'delivered'],
});

afterEach(async () => {
  await Promise.all(deliveries.splice(0).map((d) => d.close(100)));
  const open = servers.splice(0);
  for (const server of open) server.closeAllConnections();
  await Promise.all(open.map((server) => new Promise((resolve) => server.close(resolve))));
});

describe(WebhookDelivery.name, () => {
  it('posts the JSON with a signature over the exact bytes, and counts the delivery', async () => {
    const got: Array<{ signature: string | undefined; raw: Buffer; type: string | undefined }> = [];
    const url = await receiver((req, raw, res) => {
      got.push({ signature: req.headers['x-hub-signature-256'] as string | undefined, raw, type: req.headers['content-type'] });
      res.writeHead(200).end();
    });
    const { instance, stats } = delivery({});
    instance.post(post(url));
    await sleep(100);
    expect(got).toHaveLength(1);
    expect(got[0]?.signature).toBe(
      `sha256=${createHmac('sha256', 'shh')
        .update(got[0]?.raw ?? '')
        .digest('hex')}`,
    );
    expect(got[0]?.type).toBe('application/json');
    expect(webhooksOf(stats)).toMatchObject({ posts: 1, postsSucceeded: 1, statusesSent: 2, abandoned: 0 });
  });

  it('retries a failing receiver with backoff, then gives up and counts the statuses lost', async () => {
    let calls = 0;
    const url = await receiver((_req, _raw, res) => {
      calls += 1;
      res.writeHead(503).end();
    });
    const { instance, stats, logs } = delivery({ maxAttempts: 3, retryDelayMs: 10 });
    instance.post(post(url));
    await sleep(200);
    expect(calls).toBe(3);
    expect(webhooksOf(stats)).toMatchObject({
      posts: 3,
      postsFailed: 3,
      retries: 2,
      abandoned: 1,
      statusesFailed: 2,
      statusesSent: 0,
    });
    expect(webhooksOf(stats).lastError).toContain('HTTP 503');
    expect(logs[0]).toContain('given up after 3 attempt(s)');
  });

  it('counts an unreachable receiver as a failure without throwing', async () => {
    const { instance, stats } = delivery({ maxAttempts: 1 });
    instance.post(post('http://127.0.0.1:1/hook'));
    await sleep(100);
    expect(webhooksOf(stats)).toMatchObject({ postsFailed: 1, abandoned: 1 });
  });

  it('gives up new POSTs at once while too many are pending for a hanging receiver', async () => {
    const url = await receiver(() => undefined); // never answers
    const { instance, stats } = delivery({ timeoutMs: 5000 }, 2);
    for (let i = 0; i < 5; i++) instance.post(post(url));
    expect(instance.pending).toBe(2);
    expect(webhooksOf(stats)).toMatchObject({ abandoned: 3, statusesFailed: 6 });
  });
});

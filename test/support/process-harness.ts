import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { request } from 'undici';
import { expect } from '@jest/globals';

/** A built Herald process (dist/) running as a child, with the tail of its output for failure messages. */
export interface ChildHarness {
  readonly child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function startChild(script: string, env: Record<string, string | undefined> = {}): ChildHarness {
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (d: Buffer) => {
    tail = (tail + d.toString('utf8')).slice(-8_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return {
    child,
    output: () => tail,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await once(child, 'exit');
    },
  };
}

/** A worker process on this run's database and Redis prefix. */
export function startWorker(env: Record<string, string> = {}): ChildHarness {
  return startChild('dist/apps/worker/src/main.js', {
    LOG_LEVEL: 'warn',
    CALLBACK_ALLOW_PRIVATE_URLS: 'true',
    MEDIA_ALLOW_PRIVATE_URLS: 'true',
    ...env,
  });
}

export interface SimulatorHarness extends ChildHarness {
  readonly url: string;
  call<T = unknown>(
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
}

/** The Cloud API simulator on a free port, with statuses a few milliseconds apart unless told otherwise. */
export async function startSimulator(config: Record<string, unknown> = {}): Promise<SimulatorHarness> {
  const harness = startChild('dist/apps/simulator/src/main.js', {
    SIMULATOR_PORT: '0',
    SIMULATOR_CONFIG: JSON.stringify({
      seed: 7,
      statuses: {
        latencyMs: { min: 5, max: 20 },
        deliveredProbability: 1,
        readProbability: 1,
        duplicateProbability: 0,
        reorderProbability: 0,
      },
      webhooks: { flushIntervalMs: 20 },
      templates: { approvalDelayMs: 0 },
      ...config,
    }),
  });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const onData = (d: Buffer) => {
      seen += d.toString('utf8');
      const match = /"url":"(http:\/\/[^"]+)"/.exec(seen);
      if (match) {
        harness.child.stdout!.off('data', onData);
        resolve(match[1]!);
      }
    };
    harness.child.stdout!.on('data', onData);
    harness.child.once('exit', (code) => reject(new Error(`the simulator exited (${code}): ${harness.output()}`)));
  });
  return {
    ...harness,
    url,
    async call<T>(method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, body?: unknown) {
      const res = await request(`${url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.body.text();
      return { status: res.statusCode, body: (text === '' ? undefined : JSON.parse(text)) as T };
    },
  };
}

/** Polls `read` until `done` holds or `ms` pass; returns the last value. */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 10_000, every = 50): Promise<T> {
  const until = Date.now() + ms;
  let value = await read();
  while (!done(value) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, every));
    value = await read();
  }
  return value;
}

/** Posts a JSON body to the API with the spec's API key (supertest or fetch, whichever the spec uses). */
export type ApiPost = (path: string, body: unknown) => PromiseLike<{ status: number; body: unknown }>;

/** The simulator's messaging-limit value for one of Herald's tiers. */
const SIM_LIMITS: Record<string, string> = { '250': 'TIER_250', '2000': 'TIER_2K', '10000': 'TIER_10K', '100000': 'TIER_100K', unlimited: 'TIER_UNLIMITED' };

/**
 * A WhatsApp channel on the simulator's number `phone`, whose messaging limit at the provider is `tier`: the number is
 * registered with the simulator first (workers read the tier from it when the channel is created), then created
 * through the API under the same credentials; with `apiUrl`, the simulator posts its webhooks to the channel's URL
 * there. Returns the channel id.
 */
export async function addSimulatedChannel(
  post: ApiPost,
  sim: SimulatorHarness,
  o: {
    phone: string;
    display: string;
    rate: number;
    tier: string;
    credentials: { wabaId: string; accessToken: string; appSecret: string };
    apiUrl?: string;
    /** The business portfolio at the provider (its numbers share one messaging limit); default: the WABA's. */
    businessId?: string;
  },
): Promise<string> {
  const atProvider = {
    ...o.credentials,
    ...(o.businessId ? { businessId: o.businessId } : {}),
    displayPhoneNumber: o.display.replace(/\D/g, ''),
    messagesPerSecond: o.rate,
    messagingLimit: SIM_LIMITS[o.tier] ?? 'TIER_UNLIMITED',
  };
  expect((await sim.call('PUT', `/_sim/phone-numbers/${o.phone}`, atProvider)).status).toBe(201);
  const created = await post('/v1/channels', {
    type: 'whatsapp',
    name: `Simulated ${o.phone}`,
    phoneNumberId: o.phone,
    displayPhoneNumber: o.display,
    ...o.credentials,
    verifyToken: 'spec-verify',
    graphBaseUrl: `${sim.url}/v26.0`,
    messagesPerSecond: o.rate,
    messagingTier: o.tier,
  });
  expect(created.status).toBe(201);
  const id = (created.body as { id: string }).id;
  if (o.apiUrl) {
    const registered = await sim.call('PUT', `/_sim/phone-numbers/${o.phone}`, { ...atProvider, webhookUrl: `${o.apiUrl}/webhooks/whatsapp/${id}` });
    expect(registered.status).toBe(200);
  }
  return id;
}

/**
 * Where `freePort` looks: outside the kernel's ephemeral range (below it, else above it; undefined when it leaves
 * neither side room). A port the kernel picks for listen(0) is one it may also give an outgoing connection (the
 * suite's lanes open thousands: Postgres, Redis, the simulator) between our check and the listen that needs it,
 * seconds later for a stack started as a child process; ports outside that range are only ever taken by a listener
 * that asked for them.
 */
function listenerPorts(): { low: number; high: number } | undefined {
  let ephemeral = { low: 49_152, high: 65_535 }; // IANA's, where /proc does not tell (macOS uses it too)
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low !== undefined && high !== undefined) ephemeral = { low, high };
  } catch {
    // not Linux
  }
  if (ephemeral.low > 12_000) return { low: 10_000, high: ephemeral.low - 1 };
  if (ephemeral.high < 60_000) return { low: ephemeral.high + 1, high: 65_535 };
  return undefined; // the ephemeral range covers nearly every port: no range is safe from it
}

/** Ports this process handed out: never twice (a stack asks for two in a row, neither listening yet). */
const handedOut = new Set<number>();

/** Whether `port` (0: one the kernel picks) could be listened on now; the port it was, or undefined. */
function listensOn(port: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' || error.code === 'EACCES' ? resolve(undefined) : reject(error)));
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as { port: number };
      server.close(() => resolve(bound));
    });
  });
}

/**
 * A TCP port free on 127.0.0.1 now (for an API that must know its own URL before it listens, e.g. for webhooks): a
 * random one outside the ephemeral range (`listenerPorts`), so only another lane picking the same one could take it
 * (one the kernel picks where that range leaves none); never one this process handed out before.
 */
export async function freePort(): Promise<number> {
  const range = listenerPorts();
  for (let tries = 0; tries < 100; tries++) {
    const pick = range === undefined ? 0 : range.low + Math.floor(Math.random() * (range.high - range.low + 1));
    if (handedOut.has(pick)) continue;
    const port = await listensOn(pick);
    if (port === undefined || handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port${range ? ` between ${range.low} and ${range.high}` : ''} in 100 tries`);
}

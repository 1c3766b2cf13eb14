import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import {
  CallbackDeliverer,
  CallbackDeliveryModule,
  CallbackEndpoints,
  CallbackEndpointsModule,
  CallbackOutbox,
  CallbacksModule,
  verifyCallbackSignature,
} from '@herald/callbacks';
import { Clock } from '@herald/common';
import { ConfigModule } from '@herald/config';
import { DatabaseModule } from '@herald/database';
import { QueuesModule } from '@herald/queues';
import { ENTITIES } from '@herald/schema';
import { SettableClock } from './support/pipeline-harness';
import { testWorkerConfig } from './support/test-env';

/**
 * The callbacks library in process, time set rather than waited for: the deliverer driven directly (no queue
 * processor), against this run's Postgres, a receiver on 127.0.0.1 and a settable clock. Retries, the 24 h window,
 * the circuit, disabling after 3 days and the 24 h of a rotated secret, as the clock says.
 */
const PREFIX = `${process.env.REDIS_PREFIX ?? 'herald-test'}-callbacks-int`;
const T0 = new Date('2027-01-04T10:00:00.000Z');
const HOUR = 3_600_000;

describe('callbacks, in process with a settable clock', () => {
  let module: TestingModule;
  let clock: SettableClock;
  let db: DataSource;
  let endpoints: CallbackEndpoints;
  let outbox: CallbackOutbox;
  let deliverer: CallbackDeliverer;
  let receiver: Server;
  let base: string;
  let answer = 200;
  const got: Array<{ headers: IncomingHttpHeaders; raw: Buffer }> = [];

  const row = async (endpointId: string) =>
    (
      await db.query(
        `SELECT d.status, d.attempts, d.next_attempt_at, e.failing_since, e.blocked_until, e.enabled, e.disabled_reason
           FROM callback_deliveries d JOIN callback_endpoints e ON e.id = d.endpoint_id WHERE d.endpoint_id = $1 ORDER BY d.id DESC LIMIT 1`,
        [endpointId],
      )
    )[0] as {
      status: string;
      attempts: number;
      next_attempt_at: Date;
      failing_since: Date | null;
      blocked_until: Date | null;
      enabled: boolean;
      disabled_reason: string | null;
    };
  const event = (workspaceId: string) => ({
    workspaceId,
    type: 'message.status' as const,
    occurredAt: clock.now().toJSDate(),
    data: { n: got.length },
  });

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push({ headers: req.headers, raw: Buffer.concat(chunks) });
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    clock = new SettableClock();
    clock.set(T0);
    @Module({
      imports: [
        ConfigModule.forWorker(testWorkerConfig({ REDIS_PREFIX: PREFIX, CALLBACK_RETRY_BASE_MS: '1000' })),
        DatabaseModule.forRoot(ENTITIES, 'herald-callbacks-spec'),
        QueuesModule.forRoot(),
        CallbacksModule,
        CallbackDeliveryModule,
        CallbackEndpointsModule,
      ],
    })
    class CallbacksSpecModule {}
    module = await Test.createTestingModule({ imports: [CallbacksSpecModule] })
      .overrideProvider(Clock)
      .useValue(clock)
      .compile();
    await module.init();
    db = module.get(DataSource);
    endpoints = module.get(CallbackEndpoints);
    outbox = module.get(CallbackOutbox);
    deliverer = module.get(CallbackDeliverer);
  });

  afterAll(async () => {
    await module?.close();
    receiver?.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('backs off a failing endpoint by the clock, gives up after 24 h, and disables it after 3 days failing', async () => {
    const workspaceId = randomUUID();
    const ep = await endpoints.create(workspaceId, { url: `${base}/down`, events: ['message.status'] });
    answer = 500;
    await outbox.record(null, [event(workspaceId)]);

    expect(await deliverer.deliver({ endpointId: ep.id })).toEqual({ claimed: 1, delivered: 0, failed: 0 , skipped: 0 });
    const first = await row(ep.id);
    expect(first).toMatchObject({ status: 'pending', attempts: 1, enabled: true });
    // The first retry: between half the base and the base (1 s), with jitter; the circuit is open as long.
    const wait = first.next_attempt_at.getTime() - T0.getTime();
    expect(wait).toBeGreaterThanOrEqual(500);
    expect(wait).toBeLessThanOrEqual(1_000);
    expect(first.failing_since).toEqual(T0);
    expect(first.blocked_until!.getTime() - T0.getTime()).toBeLessThanOrEqual(1_000);

    // Not yet due: nothing is tried, whatever the job.
    clock.set(new Date(T0.getTime() + 400));
    expect((await deliverer.deliver({ endpointId: ep.id })).claimed).toBe(0);

    // Due: a probe of one delivery; still failing.
    clock.set(new Date(T0.getTime() + HOUR));
    expect((await deliverer.deliver({ endpointId: ep.id })).claimed).toBe(1);
    expect(await row(ep.id)).toMatchObject({ status: 'pending', attempts: 2 });

    // Past 24 h since it was recorded: the next failure is final.
    clock.set(new Date(T0.getTime() + 24 * HOUR + 1_000));
    expect(await deliverer.deliver({ endpointId: ep.id })).toEqual({ claimed: 1, delivered: 0, failed: 1 , skipped: 0 });
    expect(await row(ep.id)).toMatchObject({ status: 'failed', attempts: 3, enabled: true });

    // A new event after 3 days of failures: its failure disables the endpoint.
    clock.set(new Date(T0.getTime() + 72 * HOUR + 1_000));
    await outbox.record(null, [event(workspaceId)]);
    await deliverer.deliver({ endpointId: ep.id });
    const view = await endpoints.get(workspaceId, ep.id);
    expect(view).toMatchObject({
      enabled: false,
      disabledReason: 'failing continuously for 3 days',
      failingSince: T0.toISOString(),
    });
    expect(view.disabledAt).toBe(new Date(T0.getTime() + 72 * HOUR + 1_000).toISOString());
    // Disabled: no new event is recorded for it.
    expect((await outbox.record(null, [event(workspaceId)])).endpointIds).toEqual([]);
  });

  it('closes the circuit on the first success, and delivers the rest in full batches', async () => {
    const workspaceId = randomUUID();
    clock.set(T0);
    const ep = await endpoints.create(workspaceId, { url: `${base}/flaky`, events: ['message.status'] });
    answer = 500;
    await outbox.record(
      null,
      Array.from({ length: 5 }, () => event(workspaceId)),
    );
    expect(await deliverer.deliver({ endpointId: ep.id })).toEqual({ claimed: 5, delivered: 0, failed: 0 , skipped: 0 });
    answer = 200;
    clock.set(new Date(T0.getTime() + HOUR));
    // The half-open probe (one delivery) succeeds, then the others go in a full batch.
    expect(await deliverer.deliver({ endpointId: ep.id })).toEqual({ claimed: 5, delivered: 5, failed: 0 , skipped: 0 });
    expect((await endpoints.get(workspaceId, ep.id)).failingSince).toBeNull();
  });

  it('signs with the rotated-out secret too for exactly 24 h', async () => {
    const workspaceId = randomUUID();
    clock.set(T0);
    answer = 200;
    const ep = await endpoints.create(workspaceId, { url: `${base}/rotate`, events: ['message.status'] });
    const rotated = await endpoints.rotate(workspaceId, ep.id);
    expect(rotated.previousSecretExpiresAt).toBe(new Date(T0.getTime() + 24 * HOUR).toISOString());
    const sent = async (at: number) => {
      clock.set(new Date(at));
      await outbox.record(null, [event(workspaceId)]);
      await deliverer.deliver({ endpointId: ep.id });
      const last = got[got.length - 1]!;
      const header = last.headers['herald-signature'] as string;
      const when = new Date(Number(/t=(\d+)/.exec(header)![1]) * 1000);
      return {
        old: verifyCallbackSignature(last.raw, header, ep.secret, 300, when),
        fresh: verifyCallbackSignature(last.raw, header, rotated.secret, 300, when),
      };
    };
    expect(await sent(T0.getTime() + 24 * HOUR - 1_000)).toEqual({ old: true, fresh: true });
    expect(await sent(T0.getTime() + 24 * HOUR)).toEqual({ old: false, fresh: true });
  });
});

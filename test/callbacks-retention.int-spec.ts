import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import {
  CallbackDeliverer,
  CallbackDeliveryModule,
  CallbackEndpoints,
  CallbackEndpointsModule,
  CallbackOutbox,
  CallbackRetention,
  CallbacksModule,
  type CallbackEventType,
} from '@herald/callbacks';
import { Clock, HeraldError } from '@herald/common';
import { ConfigModule } from '@herald/config';
import { DatabaseModule } from '@herald/database';
import { QueuesModule } from '@herald/queues';
import { ENTITIES } from '@herald/schema';
import { SettableClock } from './support/pipeline-harness';
import { testWorkerConfig } from './support/test-env';

/**
 * Retention of the callback outbox, in process with a settable clock: deliveries made and finished through the real
 * outbox and deliverer at chosen times, then `CallbackRetention.purge` run 40 days later (CALLBACK_RETENTION_DAYS=30)
 * with a batch of 3, so every loop crosses several batches. Assertions look at this spec's workspaces only (the test
 * database is shared by the run's spec files, and retention is global).
 */
const PREFIX = `${process.env.REDIS_PREFIX ?? 'herald-test'}-callbacks-retention`;
const T0 = new Date('2031-03-01T09:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(T0.getTime() + ms);

describe('callback retention, in process with a settable clock', () => {
  let module: TestingModule;
  let clock: SettableClock;
  let db: DataSource;
  let endpoints: CallbackEndpoints;
  let outbox: CallbackOutbox;
  let deliverer: CallbackDeliverer;
  let retention: CallbackRetention;
  let receiver: Server;
  let base: string;
  let downAnswer = 500;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(req.url === '/ok' ? 200 : downAnswer).end());
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    clock = new SettableClock();
    clock.set(T0);
    @Module({
      imports: [
        ConfigModule.forWorker(
          testWorkerConfig({ REDIS_PREFIX: PREFIX, CALLBACK_RETRY_BASE_MS: '1000', CALLBACK_RETENTION_DAYS: '30' }),
        ),
        DatabaseModule.forRoot(ENTITIES, 'herald-callbacks-retention-spec'),
        QueuesModule.forRoot(),
        CallbacksModule,
        CallbackDeliveryModule,
        CallbackEndpointsModule,
      ],
    })
    class RetentionSpecModule {}
    module = await Test.createTestingModule({ imports: [RetentionSpecModule] })
      .overrideProvider(Clock)
      .useValue(clock)
      .compile();
    await module.init();
    db = module.get(DataSource);
    endpoints = module.get(CallbackEndpoints);
    outbox = module.get(CallbackOutbox);
    deliverer = module.get(CallbackDeliverer);
    retention = module.get(CallbackRetention);
  });

  afterAll(async () => {
    await module?.close();
    receiver?.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  const record = (workspaceId: string, type: CallbackEventType, n: number, callbackUrl?: string) =>
    outbox.record(
      null,
      Array.from({ length: n }, (_, i) => ({
        workspaceId,
        type,
        occurredAt: clock.now().toJSDate(),
        data: { i },
        ...(callbackUrl ? { callbackUrl } : {}),
      })),
    );
  const deliveriesOf = async (workspaceIds: string[]) =>
    (await db.query(
      `SELECT d.id::text AS id, d.event_id, d.endpoint_id, d.status, d.last_attempt_at, e.id AS event_row
         FROM callback_deliveries d LEFT JOIN callback_events e ON e.id = d.event_id
        WHERE d.workspace_id = ANY($1::uuid[]) ORDER BY d.id`,
      [workspaceIds],
    )) as Array<{
      id: string;
      event_id: string;
      endpoint_id: string | null;
      status: string;
      last_attempt_at: Date | null;
      event_row: string | null;
    }>;
  const eventsOf = async (workspaceIds: string[]) =>
    (
      (await db.query('SELECT id FROM callback_events WHERE workspace_id = ANY($1::uuid[])', [workspaceIds])) as Array<{
        id: string;
      }>
    ).map((r) => r.id);

  it('deletes finished deliveries older than the retention and their events; keeps recent ones and pending ones of any age', async () => {
    const w = randomUUID();
    const direct = randomUUID();
    clock.set(T0);
    const ok = await endpoints.create(w, { url: `${base}/ok`, events: ['message.status', 'run.status'] });
    const down = await endpoints.create(w, { url: `${base}/down`, events: ['run.status'] });
    const givesUp = await endpoints.create(w, { url: `${base}/down`, events: ['template.status'] });
    const removed = await endpoints.create(w, { url: `${base}/ok`, events: ['import.status'] });

    // T0: 8 statuses delivered; a run state delivered to `ok` and failing at `down` (pending, for ever: it is never
    // given up on here); a template state failing; an import state delivered to an endpoint deleted later; a status to
    // a per-send callback URL of another workspace, delivered.
    await record(w, 'message.status', 8);
    await record(w, 'run.status', 1);
    await record(w, 'template.status', 1);
    await record(w, 'import.status', 1);
    await record(direct, 'message.status', 1, `${base}/ok`);
    expect(await deliverer.deliver({ endpointId: ok.id })).toMatchObject({ claimed: 9, delivered: 9 });
    expect(await deliverer.deliver({ endpointId: down.id })).toMatchObject({ claimed: 1, delivered: 0 });
    expect(await deliverer.deliver({ endpointId: givesUp.id })).toMatchObject({ claimed: 1, delivered: 0 });
    expect(await deliverer.deliver({ endpointId: removed.id })).toMatchObject({ claimed: 1, delivered: 1 });
    expect(await deliverer.deliver({ directWorkspaceId: direct })).toMatchObject({ claimed: 1, delivered: 1 });
    await endpoints.remove(w, removed.id); // its deliveries go with it; its event stays, orphaned

    // T0 + 24 h: the template state is given up on (failed); the run state at `down` is still pending.
    clock.set(at(DAY + 1_000));
    expect(await deliverer.deliver({ endpointId: givesUp.id })).toMatchObject({ claimed: 1, failed: 1 });

    // A pending delivery never attempted at all, 300 days old (its endpoint was disabled before it could be tried).
    clock.set(at(-300 * DAY));
    const paused = await endpoints.create(w, { url: `${base}/ok`, events: ['contact.opted_out'] });
    await record(w, 'contact.opted_out', 1);
    await endpoints.update(w, paused.id, { enabled: false });

    // T0 + 35 d: one of the old statuses is redelivered (and delivered): its age counts from this last attempt.
    const before = await deliveriesOf([w]);
    const okStatuses = before.filter((d) => d.endpoint_id === ok.id);
    const redelivered = okStatuses[0]!;
    clock.set(at(35 * DAY));
    await endpoints.redeliver(w, ok.id, redelivered.id);
    expect(await deliverer.deliver({ endpointId: ok.id })).toMatchObject({ claimed: 1, delivered: 1 });

    // T0 + 40 d: two recent statuses, delivered.
    clock.set(at(40 * DAY));
    await record(w, 'message.status', 2);
    expect(await deliverer.deliver({ endpointId: ok.id })).toMatchObject({ claimed: 2, delivered: 2 });

    const all = await deliveriesOf([w, direct]);
    const pendingBefore = all.filter((d) => d.status === 'pending');
    expect(pendingBefore).toHaveLength(2); // the run state at `down` (attempted at T0) and the opt-out (never attempted)
    const eventsBefore = await eventsOf([w, direct]);
    expect(eventsBefore).toHaveLength(8 + 1 + 1 + 1 + 1 + 1 + 2); // statuses, run state, template, import, direct, opt-out, recent

    // Purge 40 days after T0, 30 days' retention (cutoff T0 + 10 d), 3 rows a statement.
    const run = await retention.purge(3);
    expect(run.before).toBe(at(10 * DAY).toISOString());
    // 7 old statuses + the run state at `ok` + the failed template state + the direct one: 10, in 4 statements or more.
    expect(run.deliveries).toBeGreaterThanOrEqual(10);

    const left = await deliveriesOf([w, direct]);
    expect(left.map((d) => d.id).sort()).toEqual(
      [
        redelivered.id,
        ...pendingBefore.map((d) => d.id),
        ...all.filter((d) => d.last_attempt_at?.getTime() === at(40 * DAY).getTime()).map((d) => d.id),
      ].sort(),
    );
    expect(left.filter((d) => d.status === 'pending')).toHaveLength(2);
    // Every delivery left still has its event (a delivery without one could never be claimed).
    expect(left.every((d) => d.event_row === d.event_id)).toBe(true);
    // Events: those of the deliveries left, and no other (the deleted endpoint's import state went too).
    expect((await eventsOf([w, direct])).sort()).toEqual([...new Set(left.map((d) => d.event_id))].sort());
    expect(left).toHaveLength(5);
    expect(eventsBefore.length - left.length).toBe(10); // 7 statuses, the template and import states, the direct one
    expect(run.events).toBeGreaterThanOrEqual(10);

    // A second run finds nothing of this spec's to delete.
    await retention.purge(3);
    expect((await deliveriesOf([w, direct])).length).toBe(left.length);

    // The delivery log shows what is left, newest first, and pages through it.
    const page1 = await endpoints.deliveriesOf(w, ok.id, { limit: 2 });
    expect(page1.data.map((d) => d.status)).toEqual(['delivered', 'delivered']);
    const page2 = await endpoints.deliveriesOf(w, ok.id, { limit: 2, cursor: page1.nextCursor! });
    expect(page2.data.map((d) => d.id)).toEqual([redelivered.id]);
    expect(page2.nextCursor).toBeNull();

    // Redelivering a purged delivery: a 404 that says why it may be gone.
    const purged = okStatuses[1]!;
    const error = await endpoints.redeliver(w, ok.id, purged.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeraldError);
    expect(error).toMatchObject({ kind: 'not_found', code: 'delivery_not_found' });
    expect((error as HeraldError).message).toContain('deleted 30 days after their last attempt');

    // The old pending run state still goes out once its endpoint answers: its event was kept.
    downAnswer = 200;
    clock.set(at(41 * DAY));
    expect(await deliverer.deliver({ endpointId: down.id })).toMatchObject({ claimed: 1, delivered: 1 });
    downAnswer = 500;
  });

  it('walks past many old events that must stay (pending deliveries) to the orphans behind them', async () => {
    const w = randomUUID();
    clock.set(at(100 * DAY));
    const down = await endpoints.create(w, { url: `${base}/down`, events: ['message.status'] });
    const ok = await endpoints.create(w, { url: `${base}/ok`, events: ['run.status'] });
    // Oldest first: 7 events whose deliveries stay pending, then 5 delivered ones — all 50 days before the purge.
    await record(w, 'message.status', 7);
    clock.set(at(100 * DAY + 1_000));
    await record(w, 'run.status', 5);
    expect(await deliverer.deliver({ endpointId: ok.id })).toMatchObject({ delivered: 5 });
    await endpoints.update(w, down.id, { enabled: false }); // never tried: pending, whatever their age

    clock.set(at(150 * DAY));
    await retention.purge(3);
    const left = await deliveriesOf([w]);
    expect(left).toHaveLength(7);
    expect(left.every((d) => d.status === 'pending' && d.endpoint_id === down.id)).toBe(true);
    expect((await eventsOf([w])).sort()).toEqual(left.map((d) => d.event_id).sort());
  });
  it('pages the delivery log newest first when the ids grow a digit (99 before 100, not after it as text)', async () => {
    const w = randomUUID();
    clock.set(at(200 * DAY));
    const ok = await endpoints.create(w, { url: `${base}/ok`, events: ['message.status'] });
    // Move the id sequence forward to just below the next power of ten (forward only: the other specs' ids stay unique).
    const [{ last }] = (await db.query(`SELECT last_value::text AS last FROM callback_deliveries_id_seq`)) as Array<{ last: string }>;
    const next = 10n ** BigInt(last.length + 1);
    await db.query(`SELECT setval('callback_deliveries_id_seq', $1::bigint)`, [(next - 4n).toString()]);
    await record(w, 'message.status', 7);
    const made = (await deliveriesOf([w])).map((d) => d.id);
    expect(made.some((id) => id.length < next.toString().length) && made.some((id) => id.length === next.toString().length)).toBe(true);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await endpoints.deliveriesOf(w, ok.id, { limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.data.map((d) => d.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor && seen.length < 20);
    expect(seen).toEqual([...made].sort((a, b) => Number(BigInt(b) - BigInt(a))));
  });
});

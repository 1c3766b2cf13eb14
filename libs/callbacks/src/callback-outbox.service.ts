import { Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager, type QueryRunner, type TransactionCommitEvent, type TransactionRollbackEvent } from 'typeorm';
import { Clock } from '@herald/common';
import { SecretsConfig } from '@herald/config';
import { callbackJobIds, JobName, JobQueue, type CallbackTarget } from '@herald/queues';
import { NO_KICK, type CallbackEventInput, type CallbackEventType, type CallbackKick } from './callback-event.types';
import { CallbackDeliveryRepository, type NewDeliveryRow, type NewEventRow } from './callback-delivery.repository';
import { CallbackEndpointRepository } from './callback-endpoint.repository';
import { newSigningSecret, sealSecret } from './callback-secret.util';

/** The envelope every delivery posts; `id` is the event's, the same on every retry and redelivery. */
export function envelopeOf(
  id: string,
  type: string,
  createdAt: Date,
  workspaceId: string,
  data: Record<string, unknown>,
): string {
  return JSON.stringify({ id, type, createdAt: createdAt.toISOString(), workspaceId, data });
}

/**
 * The outbox producers write to: events and their deliveries go into Postgres in the producer's own transaction, so
 * an event exists exactly when the change it reports was committed; `kick` then hands the work to delivery workers.
 */
@Injectable()
export class CallbackOutbox {
  private readonly logger = new Logger(CallbackOutbox.name);
  private lastKickWarnAt = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly endpoints: CallbackEndpointRepository,
    private readonly deliveries: CallbackDeliveryRepository,
    private readonly clock: Clock,
    @Optional() private readonly secrets?: SecretsConfig,
    @Optional() private readonly jobs?: JobQueue,
  ) {
    // Deliveries recorded in a caller's transaction are handed to workers when that transaction commits, not
    // before (a job that ran before the commit would find nothing) and not later than needed.
    dataSource.subscribers.push({
      afterTransactionCommit: (event: TransactionCommitEvent) => {
        if (event.queryRunner.isTransactionActive) return; // a savepoint released: the transaction goes on
        const kicks = this.afterCommit.get(event.queryRunner);
        if (kicks === undefined) return;
        this.afterCommit.delete(event.queryRunner);
        for (const kick of kicks) void this.kick(kick);
      },
      afterTransactionRollback: (event: TransactionRollbackEvent) => {
        if (!event.queryRunner.isTransactionActive) this.afterCommit.delete(event.queryRunner);
      },
    });
  }

  /** Kicks waiting for their transaction's commit, by its query runner. */
  private readonly afterCommit = new WeakMap<QueryRunner, CallbackKick[]>();

  /**
   * Of these workspaces, those with an enabled endpoint subscribed to \`type\` (exact: one indexed query, no cache).
   * Inside a transaction, pass its manager: the read then takes no second connection from the pool.
   */
  async subscribed(workspaceIds: Iterable<string>, type: CallbackEventType, manager?: EntityManager): Promise<ReadonlySet<string>> {
    const ids = [...new Set(workspaceIds)];
    if (ids.length === 0) return new Set();
    return new Set(await this.endpoints.subscribed(ids, type, manager));
  }

  /**
   * Writes the events and one delivery per target (each enabled endpoint of the workspace subscribed to the type,
   * and the event's callbackUrl) in the caller's transaction (`manager`), or in its own when null: one statement per
   * table for the whole list (plus one read of the workspaces' endpoints, and one insert of a callback secret for a
   * workspace that has none yet when a callbackUrl is given). Events nobody wants are not written.
   */
  async record(manager: EntityManager | null, events: readonly CallbackEventInput[]): Promise<CallbackKick> {
    if (events.length === 0) return NO_KICK;
    if (manager === null) return this.dataSource.transaction((m) => this.record(m, events));
    const kick = await this.write(manager, events);
    // In a TypeORM transaction (the caller's, or its own above): kicked when it commits. Producers never kick
    // themselves, except through a connection TypeORM does not see begin and commit (a raw BEGIN): then \`kick\`.
    const runner = manager.queryRunner;
    if (runner?.isTransactionActive && (kick.endpointIds.length > 0 || kick.direct)) {
      const waiting = this.afterCommit.get(runner);
      if (waiting) waiting.push(kick);
      else this.afterCommit.set(runner, [kick]);
    }
    return kick;
  }

  /** After the commit: hands the new deliveries to workers at once. Never throws (the sweeper finds them within ~1 s). */
  async kick(kick: CallbackKick): Promise<void> {
    const targets: CallbackTarget[] = [
      ...kick.endpointIds.map((endpointId) => ({ endpointId })),
      ...(kick.directWorkspaceIds ?? []).map((directWorkspaceId) => ({ directWorkspaceId })),
    ];
    await this.enqueue(targets);
  }

  /** Enqueues the first job of each target (fixed ids: a target that has one waiting or running gets no second). */
  async enqueue(targets: readonly CallbackTarget[], slots = 1): Promise<void> {
    if (targets.length === 0 || !this.jobs) return;
    try {
      await this.jobs.addBulk(
        JobName.DeliverCallbacks,
        targets.flatMap((data) =>
          callbackJobIds(data)
            .slice(0, slots)
            .map((jobId) => ({ data, jobId })),
        ),
      );
    } catch (error) {
      const now = Date.now();
      if (now - this.lastKickWarnAt > 10_000) {
        this.lastKickWarnAt = now;
        this.logger.warn(`could not enqueue callback deliveries (the sweeper will): ${(error as Error).message}`);
      }
    }
  }

  private async write(manager: EntityManager, events: readonly CallbackEventInput[]): Promise<CallbackKick> {
    const workspaceIds = [...new Set(events.map((e) => e.workspaceId))];
    const endpoints = await this.endpoints.enabledOf(workspaceIds, manager);
    const byWorkspace = new Map<string, typeof endpoints>();
    for (const e of endpoints) byWorkspace.set(e.workspace_id, [...(byWorkspace.get(e.workspace_id) ?? []), e]);

    const now = this.clock.now().toJSDate();
    const eventRows: NewEventRow[] = [];
    const deliveryRows: NewDeliveryRow[] = [];
    const endpointIds = new Set<string>();
    const direct = new Set<string>();
    for (const event of events) {
      const targets = (byWorkspace.get(event.workspaceId) ?? []).filter((e) => e.events.includes(event.type));
      const url = event.callbackUrl ?? null;
      if (targets.length === 0 && url === null) continue;
      const id = randomUUID();
      eventRows.push({
        id,
        workspaceId: event.workspaceId,
        type: event.type,
        createdAt: event.occurredAt,
        body: envelopeOf(id, event.type, event.occurredAt, event.workspaceId, event.data),
      });
      for (const t of targets) {
        deliveryRows.push({ eventId: id, eventType: event.type, workspaceId: event.workspaceId, endpointId: t.id, url: null });
        endpointIds.add(t.id);
      }
      if (url !== null) {
        deliveryRows.push({ eventId: id, eventType: event.type, workspaceId: event.workspaceId, endpointId: null, url });
        direct.add(event.workspaceId);
      }
    }
    if (eventRows.length === 0) return NO_KICK;
    await this.ensureSecrets([...direct].sort(), now, manager); // in one order: two transactions never wait on each other
    await this.deliveries.insertEvents(eventRows, manager);
    await this.deliveries.insertDeliveries(deliveryRows, now, manager);
    return { endpointIds: [...endpointIds], direct: direct.size > 0, directWorkspaceIds: [...direct] };
  }

  /**
   * A per-send callbackUrl on a workspace without a callback secret: one is made so the delivery can be signed and
   * nothing is lost. The API never shows it (it was never handed out): `POST /v1/callback-secret` rotates to a new one.
   */
  private async ensureSecrets(workspaceIds: readonly string[], now: Date, manager: EntityManager): Promise<void> {
    if (workspaceIds.length === 0) return;
    if (!this.secrets) throw new Error('CallbackOutbox: a callbackUrl needs SECRETS_KEY to seal the workspace callback secret');
    const key = this.secrets.secretsKey;
    // Not cached across calls: the row must be in this transaction's snapshot (a cache would outlive a rollback). An
    // existing secret costs one index probe (ON CONFLICT DO NOTHING) and an AES seal of a few µs.
    await this.endpoints.ensureSecrets(
      workspaceIds.map((workspaceId) => ({ workspaceId, sealed: sealSecret(newSigningSecret(), key) })),
      now,
      manager,
    );
  }
}

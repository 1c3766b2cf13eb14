import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One event to one target: an endpoint (`endpoint_id`), or a send's own callback URL (`endpoint_id` null, `url` set,
 * signed with the workspace's callback secret). The delivery log.
 *
 * `status`: pending → delivered | failed. A pending delivery is due at `next_attempt_at`; a worker claiming it moves
 * `next_attempt_at` a lease ahead (CALLBACK_LEASE_MS) and counts the attempt, so a worker that dies leaves it due
 * again once the lease passes. Retries run until `pending_since` + 24 h, then the delivery is `failed`.
 *
 * Retention (CallbackRetention): a finished delivery is deleted CALLBACK_RETENTION_DAYS after its last attempt.
 */
@Entity({ name: 'callback_deliveries' })
// Claims and the sweeper: an endpoint's due deliveries, oldest first.
@Index('idx_callback_deliveries_due', ['endpointId', 'nextAttemptAt'], {
  where: "status = 'pending' AND endpoint_id IS NOT NULL",
})
// The same for per-send callback URLs, by workspace.
@Index('idx_callback_deliveries_direct_due', ['workspaceId', 'nextAttemptAt'], {
  where: "status = 'pending' AND endpoint_id IS NULL",
})
// The delivery log of an endpoint, newest first.
@Index('idx_callback_deliveries_endpoint', ['endpointId', 'id'], { where: 'endpoint_id IS NOT NULL' })
// Retention: finished deliveries, oldest last attempt first (only finished rows enter it: claims of pending ones cost nothing).
@Index('idx_callback_deliveries_finished', ['lastAttemptAt'], { where: "status <> 'pending'" })
// Retention: whether an event has a delivery left (and the log's filter by event id).
@Index('idx_callback_deliveries_event', ['eventId'])
export class CallbackDelivery {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column('uuid', { name: 'event_id' })
  eventId!: string;

  @Column('text', { name: 'event_type' })
  eventType!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('uuid', { name: 'endpoint_id', nullable: true })
  endpointId!: string | null;

  /** A per-send callback URL (endpoint_id null). */
  @Column('text', { nullable: true })
  url!: string | null;

  @Column('text', { default: 'pending' })
  status!: string;

  @Column('integer', { default: 0 })
  attempts!: number;

  @Column('timestamptz', { name: 'next_attempt_at' })
  nextAttemptAt!: Date;

  /** Start of the current retry window (creation, or the last redelivery). */
  @Column('timestamptz', { name: 'pending_since' })
  pendingSince!: Date;

  @Column('timestamptz', { name: 'last_attempt_at', nullable: true })
  lastAttemptAt!: Date | null;

  @Column('integer', { name: 'last_status_code', nullable: true })
  lastStatusCode!: number | null;

  @Column('integer', { name: 'last_latency_ms', nullable: true })
  lastLatencyMs!: number | null;

  @Column('text', { name: 'last_error', nullable: true })
  lastError!: string | null;

  /** The first 1 KB of the last response body. */
  @Column('text', { name: 'last_response', nullable: true })
  lastResponse!: string | null;

  @Column('timestamptz', { name: 'delivered_at', nullable: true })
  deliveredAt!: Date | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}

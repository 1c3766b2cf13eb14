import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A verified webhook POST, kept from its acknowledgement until a worker has applied it (then deleted in the
 * same transaction). If Redis loses the job, the maintenance sweep hands the event to a worker again.
 */
@Entity({ name: 'webhook_events' })
@Index('idx_webhook_events_received', ['receivedAt'])
export class WebhookEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column('uuid', { name: 'channel_id' })
  channelId!: string;

  /**
   * The body as received, checked to be JSON by Postgres (`json` keeps the text: a third of the CPU of building
   * `jsonb`, which nothing here needs, as the body is read whole by the worker; BENCHMARKS.md).
   */
  @Column('json')
  body!: unknown;

  @Column('timestamptz', { name: 'received_at', default: () => 'now()' })
  receivedAt!: Date;

  /** Made by Herald (a status retry), not posted by a provider: only Herald's SQL sets it. */
  @Column('boolean', { default: false })
  own!: boolean;

  /** Put back by a person after it was set aside: its receipt says nothing of when the provider's webhooks arrive. */
  @Column('boolean', { default: false })
  replayed!: boolean;
}

/**
 * A webhook event no worker could apply, even alone: set aside with why (webhook-applier), so that it no longer holds
 * up the events behind it. Kept for a person to look at; nothing applies it again.
 */
@Entity({ name: 'webhook_events_failed' })
export class FailedWebhookEvent {
  @PrimaryColumn('bigint', { primaryKeyConstraintName: 'PK_webhook_events_failed' })
  id!: string;

  @Column('uuid', { name: 'channel_id' })
  channelId!: string;

  @Column('json')
  body!: unknown;

  @Column('timestamptz', { name: 'received_at' })
  receivedAt!: Date;

  @Column('timestamptz', { name: 'failed_at', default: () => 'now()' })
  failedAt!: Date;

  @Column('text')
  error!: string;

  @Column('boolean', { default: false })
  own!: boolean;
}

import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * A workspace's callback endpoint: a URL that receives the event types it subscribes to, signed with its own secret.
 * After a rotation the previous secret keeps signing too until `previous_secret_expires_at` (24 h).
 *
 * The endpoint also carries its delivery circuit: `failing_since` (first failed batch since the last success) and
 * `blocked_until` (no job claims its deliveries before then). Three days failing disables it.
 */
@Entity({ name: 'callback_endpoints' })
// `CallbackOutbox.subscribed` and `record`: the enabled endpoints of a few workspaces, read on every produced batch.
@Index('idx_callback_endpoints_workspace', ['workspaceId', 'createdAt'])
export class CallbackEndpoint {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('text')
  url!: string;

  /** Subscribed event types (CALLBACK_EVENT_TYPES). */
  @Column('text', { array: true })
  events!: string[];

  @Column('text', { nullable: true })
  description!: string | null;

  @Column('boolean', { default: true })
  enabled!: boolean;

  /** How deliveries are shaped and signed (CALLBACK_FORMATS): `herald`, or a vendor's webhook shape. */
  @Column('text', { default: 'herald' })
  format!: string;

  /** Most events one POST carries (1–CALLBACK_BATCH_SIZE_MAX): 1 posts each event alone; above, `{"events": [...]}`. */
  @Column('integer', { name: 'batch_size', default: 1 })
  batchSize!: number;

  /** AES-256-GCM under SECRETS_KEY (secret-box). */
  @Column('bytea', { name: 'secret_sealed' })
  secretSealed!: Buffer;

  @Column('bytea', { name: 'previous_secret_sealed', nullable: true })
  previousSecretSealed!: Buffer | null;

  @Column('timestamptz', { name: 'previous_secret_expires_at', nullable: true })
  previousSecretExpiresAt!: Date | null;

  @Column('timestamptz', { name: 'secret_created_at' })
  secretCreatedAt!: Date;

  @Column('timestamptz', { name: 'failing_since', nullable: true })
  failingSince!: Date | null;

  @Column('timestamptz', { name: 'blocked_until', nullable: true })
  blockedUntil!: Date | null;

  /** Batches failed in a row (the circuit's backoff exponent). */
  @Column('integer', { name: 'failed_batches', default: 0 })
  failedBatches!: number;

  @Column('text', { name: 'disabled_reason', nullable: true })
  disabledReason!: string | null;

  @Column('timestamptz', { name: 'disabled_at', nullable: true })
  disabledAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { storedGenerated } from '@herald/database';
import type { MessageError, SendPricing, SkipReason, WaitReason } from '@herald/sending';

export const RECIPIENT_STATUSES = [
  'queued',
  'sending',
  'accepted',
  'held',
  'sent',
  'failed',
  'delivered',
  'read',
  'skipped',
  'cancelled',
  'expired',
] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];

/**
 * One contact of one run, and everything that happened to it. Fixed in one set-based INSERT when the run
 * starts; its status changes in Postgres before the provider is called (queued → sending) and after
 * (accepted / failed), so a worker dying at any instant leaves a state that says what to do. Counts per run
 * are kept by statement triggers (campaign_run_counts), never by scanning these rows.
 */
@Entity({ name: 'campaign_recipients' })
// A contact's conversation and channel details read its campaign sends.
@Index('idx_campaign_recipients_contact', ['contactId'])
@Index('idx_campaign_recipients_chunk', ['runId', 'chunkNo', 'id'])
// No index reads `status` or `updated_at`: a status webhook changes only those (and unindexed times), so Postgres
// writes it as a heap-only update, with no index entry (docs/adr/0010-heap-only-status-updates.md). The indexes
// of the rows still in hand read the generated `open_status` and `in_doubt_since` instead.
@Index('idx_campaign_recipients_unfinished', ['runId', 'chunkNo', 'id'], { where: `open_status IN ('queued', 'sending')` })
// A run's replies (button presses, replies) are counted for its results without reading its other rows.
@Index('idx_campaign_recipients_replied', ['runId'], { where: 'action_at IS NOT NULL' })
// Predicates compare with values (not IS NOT NULL): without statistics the planner takes them for small (ADR 0010).
@Index('idx_campaign_recipients_in_doubt', ['inDoubtSince'], { where: `open_status = 'sending'` })
@Index('uq_campaign_recipients_provider_id', ['providerMessageId'], { unique: true, where: 'provider_message_id IS NOT NULL' })
export class CampaignRecipient {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column('uuid', { name: 'run_id' })
  runId!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('bigint', { name: 'contact_id' })
  contactId!: string;

  @Column('varchar', { name: 'to_number', length: 64 })
  toNumber!: string;

  @Column('varchar', { length: 64 })
  timezone!: string;

  /** Which chunk job sends it; -1 for recipients skipped at fan-out. */
  @Column('int', { name: 'chunk_no' })
  chunkNo!: number;

  @Column('varchar', { length: 16 })
  status!: RecipientStatus;

  @Column('varchar', { name: 'skip_reason', length: 32, nullable: true })
  skipReason!: SkipReason | null;

  /** The template's parameters, resolved when the run started. */
  @Column('jsonb', { nullable: true })
  params!: string[] | null;

  /** A marketing run's recipient (its run's template type, fixed at fan-out). */
  @Column('boolean')
  marketing!: boolean;

  /** Not before this time (outside the sending window, over the tier, or backing off after a transient error). */
  @Column('timestamptz', { name: 'not_before', nullable: true })
  notBefore!: Date | null;

  /** Why it waits until `not_before` (quiet hours, tier, backoff…); null when nothing holds it. */
  @Column('varchar', { name: 'waiting_reason', length: 24, nullable: true })
  waitingReason!: WaitReason | null;

  @Column('smallint', { default: 0 })
  attempts!: number;

  @Column('varchar', { name: 'provider_message_id', length: 256, nullable: true })
  providerMessageId!: string | null;

  @Column('jsonb', { nullable: true })
  error!: MessageError | null;

  /** What the provider charges for it, as its status webhooks last reported. */
  @Column('jsonb', { nullable: true })
  pricing!: SendPricing | null;

  @Column('timestamptz', { name: 'sending_at', nullable: true })
  sendingAt!: Date | null;

  /** The worker that claimed it, while its request may be out (SendWorkers); cleared once the request is over. */
  @Column('uuid', { name: 'claimed_by', nullable: true })
  claimedBy!: string | null;

  /** Its number in that worker's claims, for the worker's departure record (SendWorkers). */
  @Column('bigint', { name: 'claim_seq', nullable: true })
  claimSeq!: string | null;

  @Column('timestamptz', { name: 'accepted_at', nullable: true })
  acceptedAt!: Date | null;

  @Column('timestamptz', { name: 'sent_at', nullable: true })
  sentAt!: Date | null;

  @Column('timestamptz', { name: 'delivered_at', nullable: true })
  deliveredAt!: Date | null;

  @Column('timestamptz', { name: 'read_at', nullable: true })
  readAt!: Date | null;

  @Column('timestamptz', { name: 'failed_at', nullable: true })
  failedAt!: Date | null;

  /** The button pressed or the reply's text. */
  @Column('text', { nullable: true })
  action!: string | null;

  @Column('timestamptz', { name: 'action_at', nullable: true })
  actionAt!: Date | null;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;

  /** Its status while it is still to be sent (`queued`, `sending`), else null: what the claims' index reads. */
  @Column(storedGenerated({ name: 'open_status', type: 'varchar', length: 16, expression: `CASE WHEN status IN ('queued', 'sending') THEN status END` }))
  openStatus!: 'queued' | 'sending' | null;

  /**
   * Since when it has been `sending` with its request possibly out (`updated_at` of a claimed row), else null: what
   * the search for sends in doubt reads (`sending_at IS NOT NULL` is true of every claimed row).
   */
  @Column(storedGenerated({ name: 'in_doubt_since', type: 'timestamptz', expression: `CASE WHEN status = 'sending' AND sending_at IS NOT NULL THEN updated_at END` }))
  inDoubtSince!: Date | null;
}

import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { MessageError, SendCategory, SendPricing, SendState, SkipReason, WaitReason } from '@herald/sending';
import { storedGenerated } from '@herald/database';
import { WorkspaceOwned } from '@herald/workspaces';

/**
 * One outbound message and everything that happened to it. The status only moves forward (see
 * message-status.util); each step keeps its first time. Postgres is the record: the send job in Redis
 * only carries the id.
 */
@Entity({ name: 'messages' })
@Index('idx_messages_workspace_created', ['workspaceId', 'createdAt', 'id'])
@Index('uq_messages_provider_id', ['providerMessageId'], { unique: true, where: 'provider_message_id IS NOT NULL' })
@Index('uq_messages_request_id', ['workspaceId', 'requestId'], { unique: true, where: 'request_id IS NOT NULL' })
// No index reads `status` or `updated_at`: a `delivered` or `read` webhook changes only those (and unindexed times), so
// Postgres writes it as a heap-only update, with no index entry (docs/adr/0010-heap-only-status-updates.md). The
// partial indexes read the generated `open_status`, `in_doubt_since` and `answer` instead; their predicates compare
// with values (not IS NOT NULL: without statistics the planner takes that for nearly every row).
@Index('idx_messages_in_doubt', ['inDoubtSince'], { where: `open_status = 'sending'` })
@Index('idx_messages_waiting', ['notBefore'], { where: `open_status IN ('scheduled', 'queued')` })
// A channel's waiting messages, oldest first: what a send job takes with its own message (MessageSender.sendDue).
@Index('idx_messages_due', ['channelId', 'createdAt', 'id'], { where: `open_status IN ('scheduled', 'queued')` })
@Index('idx_messages_tags', { synchronize: false })
// A contact's conversation and channel details read its messages newest first.
@Index('idx_messages_contact_created', ['contactId', 'createdAt', 'id'])
// Sends the provider took whose statuses have not come (yet): a send in doubt near them is not sent again.
@Index('idx_messages_accepted', ['channelId', 'acceptedAt'], { where: `answer = 'accepted'` })
@Index('idx_messages_by_webhook', ['channelId', 'acceptedAt'], { where: `answer = 'by_webhook'` })
export class Message extends WorkspaceOwned {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'channel_id' })
  channelId!: string;

  @Column('bigint', { name: 'contact_id' })
  contactId!: string;

  /** The recipient as the channel addresses it: E.164 on WhatsApp, the PSID, IGSID or chat id elsewhere. */
  @Column('varchar', { name: 'to_number', length: 64 })
  toNumber!: string;

  @Column('varchar', { length: 16 })
  type!: string;

  /** The message as the API received it (validated), sent as is. */
  @Column('jsonb')
  content!: Record<string, unknown>;

  @Column('varchar', { name: 'template_name', length: 512, nullable: true })
  templateName!: string | null;

  @Column('text', { array: true, default: () => "'{}'" })
  tags!: string[];

  @Column('varchar', { name: 'request_id', length: 128, nullable: true })
  requestId!: string | null;

  @Column('jsonb', { name: 'custom_args', default: () => "'{}'" })
  customArgs!: Record<string, unknown>;

  /** Where this message's status events also go, signed with the workspace's callback secret. */
  @Column('varchar', { name: 'callback_url', length: 2048, nullable: true })
  callbackUrl!: string | null;

  @Column('varchar', { length: 16 })
  status!: SendState;

  /** The template's category as the provider reports it (`service` for a free-form message); null until known. */
  @Column('varchar', { length: 16, nullable: true })
  category!: SendCategory | null;

  /** When the caller asked for it to go out (`scheduled` until then). */
  @Column('timestamptz', { name: 'scheduled_for', nullable: true })
  scheduledFor!: Date | null;

  /** Not sent before this time (scheduled, backing off, or waiting for the reason in `waiting_reason`). */
  @Column('timestamptz', { name: 'not_before', nullable: true })
  notBefore!: Date | null;

  @Column('varchar', { name: 'waiting_reason', length: 24, nullable: true })
  waitingReason!: WaitReason | null;

  /** Seconds from its due time the send stays valid, as the caller gave it (null: the default for its category). */
  @Column('int', { name: 'validity_seconds', nullable: true })
  validitySeconds!: number | null;

  /** Never sent after this: it becomes `expired`. */
  @Column('timestamptz', { name: 'expires_at', nullable: true })
  expiresAt!: Date | null;

  @Column('boolean', { name: 'ignore_quiet_hours', default: false })
  ignoreQuietHours!: boolean;

  /** A single marketing message counts towards (and is held to) the frequency cap only when asked (Bird). */
  @Column('boolean', { name: 'use_frequency_capping', default: false })
  useFrequencyCapping!: boolean;

  @Column('varchar', { name: 'skip_reason', length: 32, nullable: true })
  skipReason!: SkipReason | null;

  @Column('int', { default: 0 })
  attempts!: number;

  @Column('varchar', { name: 'provider_message_id', length: 256, nullable: true })
  providerMessageId!: string | null;

  @Column('jsonb', { nullable: true })
  error!: MessageError | null;

  /** What the provider charges for it, as its status webhooks last reported. */
  @Column('jsonb', { nullable: true })
  pricing!: SendPricing | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

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

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  /** Its status while it waits or is being sent (`scheduled`, `queued`, `sending`), else null: what the claims' indexes read. */
  @Column(storedGenerated({ name: 'open_status', type: 'varchar', length: 16, expression: `CASE WHEN status IN ('scheduled', 'queued', 'sending') THEN status END` }))
  openStatus!: 'scheduled' | 'queued' | 'sending' | null;

  /** Since when it has been `sending` (`updated_at` of a claimed row), else null: what the search for sends in doubt reads. */
  @Column(storedGenerated({ name: 'in_doubt_since', type: 'timestamptz', expression: `CASE WHEN status = 'sending' THEN updated_at END` }))
  inDoubtSince!: Date | null;

  /**
   * What the provider's answer says so far: `accepted` (taken, no status webhook yet), `by_webhook` (sent, delivered or
   * read: one value, so the later webhooks do not move it), else null. The evidence for sends in doubt reads it.
   */
  @Column(storedGenerated({ name: 'answer', type: 'varchar', length: 16, expression: `CASE WHEN status = 'accepted' THEN 'accepted' WHEN status IN ('sent', 'delivered', 'read') THEN 'by_webhook' END` }))
  answer!: 'accepted' | 'by_webhook' | null;
}

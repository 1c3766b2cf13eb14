import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Who each WhatsApp Business Account messaged in the last 24 h: Meta's messaging limit caps the unique users a
 * business portfolio starts conversations with per rolling 24 h, shared by all its numbers. Herald keys it by the
 * account (every number of one WABA is in one portfolio). Kept only for limited tiers.
 */
@Entity({ name: 'messaging_limit_log' })
@Index('idx_messaging_limit_log_recent', ['wabaId', 'lastSentAt'])
export class TierLedgerEntry {
  @PrimaryColumn('varchar', { name: 'waba_id', length: 64 })
  wabaId!: string;

  @PrimaryColumn('varchar', { name: 'to_number', length: 16 })
  toNumber!: string;

  @Column('timestamptz', { name: 'last_sent_at' })
  lastSentAt!: Date;
}

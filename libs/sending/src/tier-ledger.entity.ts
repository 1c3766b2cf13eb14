import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Who each business portfolio messaged in the last 24 h: Meta's messaging limit caps the unique users a business
 * portfolio starts conversations with per rolling 24 h, shared by all its WhatsApp Business Accounts and their numbers.
 * Keyed by `tierLedgerKey` (the portfolio's id, or the WABA's while the portfolio is not known). Kept only for
 * limited tiers.
 */
@Entity({ name: 'messaging_limit_log' })
@Index('idx_messaging_limit_log_recent', ['portfolioKey', 'lastSentAt'])
export class TierLedgerEntry {
  @PrimaryColumn('varchar', { name: 'portfolio_key', length: 64 })
  portfolioKey!: string;

  @PrimaryColumn('varchar', { name: 'to_number', length: 16 })
  toNumber!: string;

  @Column('timestamptz', { name: 'last_sent_at' })
  lastSentAt!: Date;
}

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Who each channel messaged in the last 24 h: Meta's messaging tier caps the unique recipients a number may
 * start conversations with per rolling 24 h. Kept only for channels whose tier is limited.
 */
@Entity({ name: 'channel_recipient_log' })
@Index('idx_channel_recipient_log_recent', ['channelId', 'lastSentAt'])
export class TierLedgerEntry {
  @PrimaryColumn('uuid', { name: 'channel_id' })
  channelId!: string;

  @PrimaryColumn('varchar', { name: 'to_number', length: 16 })
  toNumber!: string;

  @Column('timestamptz', { name: 'last_sent_at' })
  lastSentAt!: Date;
}

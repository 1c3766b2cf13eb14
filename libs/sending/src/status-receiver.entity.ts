import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The processes that receive the providers' status webhooks (the API), each from its start to its last heartbeat:
 * when none was up, the statuses of sends made then were not received (the provider retries them later), so a send
 * left in doubt then may have gone out. Read by the in-doubt rule (`IN_DOUBT_NEIGHBOURHOOD_SECONDS`).
 */
@Entity({ name: 'status_receivers' })
@Index('idx_status_receivers_seen', ['seenAt'])
export class StatusReceiver {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('timestamptz', { name: 'started_at' })
  startedAt!: Date;

  @Column('timestamptz', { name: 'seen_at' })
  seenAt!: Date;
}

/**
 * When a channel's webhooks were received (stored by the API): each row a period with no more than
 * RECEIPT_PERIOD_GAP_SECONDS between two receipts. A send in doubt with none after its request was surely over is
 * not sent again: its status may still be on its way (see StatusReceivers).
 */
@Entity({ name: 'status_receipts' })
@Index('idx_status_receipts_channel', ['channelId', 'toAt'])
export class StatusReceipt {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column('uuid', { name: 'channel_id' })
  channelId!: string;

  @Column('timestamptz', { name: 'from_at' })
  fromAt!: Date;

  @Column('timestamptz', { name: 'to_at' })
  toAt!: Date;

  /** The channel's platform (its type): a lone send's evidence is its platform's webhooks. Null: written before it was kept. */
  @Column('text', { nullable: true })
  platform!: string | null;
}

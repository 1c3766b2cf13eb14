import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

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

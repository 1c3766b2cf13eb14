import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Per-run counters by bucket (a recipient status, with the skip reason or the kind of failure), kept by the
 * statement triggers on campaign_recipients: results and progress sum these few rows, never the recipients.
 */
@Entity({ name: 'campaign_run_counts' })
export class CampaignRunCount {
  @PrimaryColumn('uuid', { name: 'run_id' })
  runId!: string;

  @PrimaryColumn('varchar', { length: 48 })
  bucket!: string;

  /** Concurrent writers add to different shards (their backend pid mod 16) instead of queueing on one row. */
  @PrimaryColumn('smallint', { default: 0 })
  shard!: number;

  @Column('bigint')
  n!: string;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Per-run counters by bucket (a recipient status, with the skip reason or the kind of failure), kept by the
 * statement triggers on campaign_recipients: results and progress read these few rows, never the recipients.
 */
@Entity({ name: 'campaign_run_counts' })
export class CampaignRunCount {
  @PrimaryColumn('uuid', { name: 'run_id' })
  runId!: string;

  @PrimaryColumn('varchar', { length: 48 })
  bucket!: string;

  @Column('bigint')
  n!: string;
}

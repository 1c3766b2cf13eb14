import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { WorkspaceOwned } from '@herald/workspaces';

export const RUN_STATUSES = [
  'scheduled',
  'waiting_for_template',
  'running',
  'paused',
  'completed',
  'cancelled',
  'failed',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** A campaign with a run in one of these is "active": it cannot be deleted. */
export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ['scheduled', 'waiting_for_template', 'running', 'paused'];

/**
 * One sending of a campaign to some audiences at `time_to_run`. The row is written before its delayed job
 * is queued (job id = run id), so Postgres always knows every run, whatever Redis lost.
 */
@Entity({ name: 'campaign_runs' })
@Index('idx_campaign_runs_campaign', ['campaignId', 'createdAt'])
@Index('uq_campaign_runs_request_id', ['campaignId', 'requestId'], { unique: true, where: 'request_id IS NOT NULL' })
@Index('idx_campaign_runs_active', ['status', 'timeToRun'], {
  where: `status IN ('scheduled', 'waiting_for_template', 'running', 'paused')`,
})
export class CampaignRun extends WorkspaceOwned {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'campaign_id' })
  campaignId!: string;

  /** The caller's idempotency key: starting the campaign again with it answers this run (one per campaign). */
  @Column('varchar', { name: 'request_id', length: 128, nullable: true })
  requestId!: string | null;

  /** Audience ids, or `["all"]`; empty when `searchSpec` chooses the recipients. */
  @Column('jsonb')
  audiences!: string[];

  @Column('varchar', { length: 24 })
  status!: RunStatus;

  @Column('timestamptz', { name: 'time_to_run' })
  timeToRun!: Date;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt!: Date | null;

  @Column('timestamptz', { name: 'completed_at', nullable: true })
  completedAt!: Date | null;

  /** Recipients fixed when the run started (skipped ones included). */
  @Column('int', { nullable: true })
  recipients!: number | null;

  @Column('int', { name: 'chunk_count', nullable: true })
  chunkCount!: number | null;

  @Column('text', { name: 'failure_reason', nullable: true })
  failureReason!: string | null;

  /** Seconds from the start its recipients may still be sent (null: 36 h, 10 min for authentication). */
  @Column('int', { name: 'validity_seconds', nullable: true })
  validitySeconds!: number | null;

  @Column('boolean', { name: 'ignore_quiet_hours', default: false })
  ignoreQuietHours!: boolean;

  /** Carried to every send of the run (`GET /v1/messages?tag=`). */
  @Column('text', { array: true, default: () => "'{}'" })
  tags!: string[];

  /** A blast's recipients: the contacts matching this searchSpec when it starts (instead of audiences). */
  @Column('jsonb', { name: 'search_spec', nullable: true })
  searchSpec!: Record<string, unknown> | null;

  /** Whether the run tracks the links in its recipients' parameters; null: the workspace's setting when it starts. */
  @Column('boolean', { name: 'track_links', nullable: true })
  trackLinks!: boolean | null;

  /** UTM parameters for its tracked links; null: the workspace's. */
  @Column('jsonb', { name: 'link_utm', nullable: true })
  linkUtm!: Record<string, string> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One click of a tracked link: the redirect answered, then the click was recorded in a batch (ClickRecorder). The
 * link's workspace, send and run are copied in so that a run's or a send's clicks are read from this table alone.
 */
@Entity({ name: 'link_clicks' })
// A run's clicks and unique clicked sends (`count(DISTINCT send_ref)`): an index-only scan.
@Index('idx_link_clicks_run', ['runId', 'sendRef'], { where: 'run_id IS NOT NULL' })
// A send's clicks in order: its first click is the first entry, its timeline the range.
@Index('idx_link_clicks_send', ['sendRef', 'clickedAt'])
export class LinkClick {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column('text')
  code!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('text', { name: 'send_ref' })
  sendRef!: string;

  @Column('uuid', { name: 'run_id', nullable: true })
  runId!: string | null;

  /** When the redirect was answered (not when the batch was written). */
  @Column('timestamptz', { name: 'clicked_at' })
  clickedAt!: Date;

  /** As the browser sent it, cut to 512 characters; null when none was sent. */
  @Column('text', { name: 'user_agent', nullable: true })
  userAgent!: string | null;
}

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The processes that claim sends (the workers), each from its start to its last heartbeat. A send a worker claimed
 * and left `sending` went out, if at all, before the worker died — no later than a little after its last beat
 * (SEND_WORKER_GONE_SECONDS) — so only what Herald received after that speaks for the statuses it would have
 * brought (docs/adr/0009-sends-in-doubt.md).
 */
@Entity({ name: 'send_workers' })
@Index('idx_send_workers_seen', ['seenAt'])
export class SendWorker {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('timestamptz', { name: 'started_at' })
  startedAt!: Date;

  @Column('timestamptz', { name: 'seen_at' })
  seenAt!: Date;

  /** The claim sequence numbers that may have left it (every number it handed out but the ones still held back). */
  @Column('int8multirange', { nullable: true })
  departed!: string | null;

  /** When it was counted gone and buried: it can record nothing more (a process still alive takes a new identity). */
  @Column('timestamptz', { name: 'buried_at', nullable: true })
  buriedAt!: Date | null;
}

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One event of the outbox, written in the producer's transaction. `body` is the envelope exactly as it is posted
 * (`{id, type, createdAt, workspaceId, data}`), serialised once when recorded: every attempt and redelivery posts the
 * same bytes, and a worker sends it without parsing. Text, not json/jsonb: nothing queries inside it.
 *
 * No foreign keys (the table is written in bulk on producers' paths); deliveries name their event. Retention deletes an
 * event once it is older than CALLBACK_RETENTION_DAYS and no delivery of it is left.
 */
@Entity({ name: 'callback_events' })
@Index('idx_callback_events_workspace', ['workspaceId', 'createdAt'])
// Retention walks the old events in this order, looking for those with no delivery left.
@Index('idx_callback_events_created', ['createdAt', 'id'])
export class CallbackEventRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('text')
  type!: string;

  /** The envelope's createdAt: when the change it reports happened. */
  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('text')
  body!: string;
}

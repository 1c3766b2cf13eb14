import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Marketing sends claimed while the workspace has a frequency cap, one row per send (keyed by its callback data,
 * so a send claimed again after a retry counts once): the cap is checked against these at claim time, across
 * every kind of send and every worker.
 */
@Entity({ name: 'marketing_send_log' })
@Index('idx_marketing_send_log_contact', ['workspaceId', 'contactId', 'sentAt'])
export class MarketingSendEntry {
  @PrimaryColumn('varchar', { name: 'send_key', length: 64 })
  sendKey!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('bigint', { name: 'contact_id' })
  contactId!: string;

  @Column('timestamptz', { name: 'sent_at' })
  sentAt!: Date;
}

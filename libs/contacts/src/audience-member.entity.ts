import { CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A contact's membership of an audience. No foreign keys on purpose: this table takes a million rows per
 * import, and per-row FK triggers doubled the merge time (docs/adr/0002). The repositories delete
 * memberships with their contact or audience, in the same statement.
 */
@Entity({ name: 'audience_members' })
@Index('idx_audience_members_contact', ['contactId'])
export class AudienceMember {
  @PrimaryColumn('bigint', { name: 'audience_pk' })
  audiencePk!: string;

  @PrimaryColumn('bigint', { name: 'contact_id' })
  contactId!: string;

  @CreateDateColumn({ name: 'added_at', type: 'timestamptz' })
  addedAt!: Date;
}

import { CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Audience } from './audience.entity';
import { Contact } from './contact.entity';

/** A contact's membership of an audience. */
@Entity({ name: 'audience_members' })
@Index('idx_audience_members_contact', ['contactId'])
export class AudienceMember {
  @PrimaryColumn('bigint', { name: 'audience_pk' })
  audiencePk!: string;

  @PrimaryColumn('bigint', { name: 'contact_id' })
  contactId!: string;

  @ManyToOne(() => Audience, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'audience_pk', referencedColumnName: 'pk' })
  audience?: Relation<Audience>;

  @ManyToOne(() => Contact, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'contact_id' })
  contact?: Relation<Contact>;

  @CreateDateColumn({ name: 'added_at', type: 'timestamptz' })
  addedAt!: Date;
}

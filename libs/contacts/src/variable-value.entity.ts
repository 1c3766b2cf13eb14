import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn, type Relation } from 'typeorm';
import { Contact } from './contact.entity';
import { VariableGroup } from './variable-group.entity';

/** One contact's values in a variable group. */
@Entity({ name: 'variable_values' })
@Index('idx_variable_values_contact', ['contactId'])
export class VariableValue {
  @PrimaryColumn('bigint', { name: 'group_pk' })
  groupPk!: string;

  @PrimaryColumn('bigint', { name: 'contact_id' })
  contactId!: string;

  @ManyToOne(() => VariableGroup, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_pk', referencedColumnName: 'pk' })
  group?: Relation<VariableGroup>;

  @ManyToOne(() => Contact, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'contact_id' })
  contact?: Relation<Contact>;

  @Column('jsonb')
  values!: Record<string, string | number | boolean>;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

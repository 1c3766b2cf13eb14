import { Column, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * One contact's values in a variable group. No foreign keys on purpose, as for audience_members
 * (docs/adr/0002): the repositories delete values with their contact or group.
 */
@Entity({ name: 'variable_values' })
@Index('idx_variable_values_contact', ['contactId'])
export class VariableValue {
  @PrimaryColumn('bigint', { name: 'group_pk' })
  groupPk!: string;

  @PrimaryColumn('bigint', { name: 'contact_id' })
  contactId!: string;

  @Column('jsonb')
  values!: Record<string, string | number | boolean>;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

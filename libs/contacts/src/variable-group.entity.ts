import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { WorkspaceOwned } from '@herald/workspaces';

/** Named per-contact values (e.g. first_name, due_date) that campaign messages refer to as {group.field}. */
@Entity({ name: 'variable_groups' })
@Index('uq_variable_groups_workspace_id', ['workspaceId', 'id'], { unique: true })
export class VariableGroup extends WorkspaceOwned {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  pk!: string;

  @Column('varchar', { length: 64 })
  id!: string;

  @Column('varchar', { length: 200 })
  name!: string;

  @Column('text', { nullable: true })
  description!: string | null;

  /** The field names, in order. */
  @Column('jsonb')
  fields!: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

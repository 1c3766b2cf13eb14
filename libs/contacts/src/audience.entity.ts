import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { WorkspaceOwned } from '@herald/workspaces';

/** A named group of contacts. `id` is the caller's (or generated) identifier, unique per workspace. */
@Entity({ name: 'audiences' })
@Index('uq_audiences_workspace_id', ['workspaceId', 'id'], { unique: true })
export class Audience extends WorkspaceOwned {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  pk!: string;

  @Column('varchar', { length: 64 })
  id!: string;

  @Column('varchar', { length: 200 })
  name!: string;

  @Column('text', { nullable: true })
  description!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

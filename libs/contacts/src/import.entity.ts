import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { WorkspaceOwned } from '@herald/workspaces';

export type ImportKind = 'audience_contacts' | 'variable_group_values';
/** `receiving` is internal (the upload is still arriving); the API shows it as `queued`. */
export type ImportStatus = 'receiving' | 'queued' | 'running' | 'completed' | 'failed';

export interface ImportTarget {
  readonly audienceId?: string;
  readonly audienceName?: string;
  readonly groupId?: string;
  readonly groupName?: string;
  readonly groupDescription?: string;
  /** Country for numbers written without a country code. */
  readonly defaultCountry?: string;
}

export interface ImportRowError {
  readonly row: number;
  readonly number: string | null;
  readonly reason: string;
}

/** A CSV import: the uploaded file (in import_chunks), how to read it, and what came of it. */
@Entity({ name: 'imports' })
@Index('idx_imports_workspace', ['workspaceId', 'createdAt'])
export class Import extends WorkspaceOwned {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('varchar', { length: 32 })
  kind!: ImportKind;

  @Column('jsonb')
  target!: ImportTarget;

  @Index('idx_imports_status')
  @Column('varchar', { length: 16 })
  status!: ImportStatus;

  @Column('varchar', { length: 1 })
  delimiter!: string;

  /** Column names from the header row, normalised. */
  @Column('jsonb')
  columns!: string[];

  @Column('int', { name: 'number_column' })
  numberColumn!: number;

  @Column('int', { name: 'name_column', nullable: true })
  nameColumn!: number | null;

  @Column('bigint', { name: 'size_bytes', default: 0 })
  sizeBytes!: string;

  @Column('bigint', { name: 'bytes_read', default: 0 })
  bytesRead!: string;

  @Column('int', { name: 'rows_read', default: 0 })
  rowsRead!: number;

  @Column('int', { default: 0 })
  imported!: number;

  @Column('int', { default: 0 })
  updated!: number;

  @Column('int', { default: 0 })
  invalid!: number;

  @Column('int', { default: 0 })
  duplicates!: number;

  /** The first 1,000 bad rows. */
  @Column('jsonb', { default: () => "'[]'" })
  errors!: ImportRowError[];

  @Column('text', { nullable: true })
  failure!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt!: Date | null;

  @Column('timestamptz', { name: 'completed_at', nullable: true })
  completedAt!: Date | null;
}

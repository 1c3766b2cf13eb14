import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Staging for an import being applied: parsed, normalised rows, loaded with COPY and merged into contacts,
 * memberships and values with set-based SQL. UNLOGGED (set by the migration): a crash loses only staging,
 * which the import rebuilds from its chunks.
 */
@Entity({ name: 'import_rows' })
export class ImportRow {
  @PrimaryColumn('uuid', { name: 'import_id' })
  importId!: string;

  @PrimaryColumn('int', { name: 'row_no' })
  rowNo!: number;

  @Column('varchar', { length: 16 })
  number!: string;

  @Column('varchar', { length: 200, nullable: true })
  name!: string | null;

  @Column('jsonb')
  values!: Record<string, string>;

  @Column('varchar', { length: 64 })
  timezone!: string;
}

import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Import } from './import.entity';

/** The uploaded file, in order, a megabyte at a time; deleted once the import has been applied. */
@Entity({ name: 'import_chunks' })
export class ImportChunk {
  @PrimaryColumn('uuid', { name: 'import_id' })
  importId!: string;

  @PrimaryColumn('int')
  seq!: number;

  @ManyToOne(() => Import, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'import_id' })
  import?: Relation<Import>;

  @Column('bytea')
  data!: Buffer;
}

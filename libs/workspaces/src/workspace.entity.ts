import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A tenant: every row of every other table belongs to exactly one workspace. */
@Entity({ name: 'workspaces' })
export class Workspace {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('varchar', { length: 200 })
  name!: string;

  /** Marketing frequency cap: at most this many marketing campaign messages per contact per rolling window. */
  @Column('int', { name: 'frequency_cap_messages', nullable: true })
  frequencyCapMessages!: number | null;

  /** The cap's rolling window, in days. */
  @Column('int', { name: 'frequency_cap_days', nullable: true })
  frequencyCapDays!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

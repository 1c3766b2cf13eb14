import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A tenant: every row of every other table belongs to exactly one workspace. */
@Entity({ name: 'workspaces' })
export class Workspace {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('varchar', { length: 200 })
  name!: string;

  /** Marketing frequency cap: at most this many marketing messages (any kind of send) per contact per rolling window. */
  @Column('int', { name: 'frequency_cap_messages', nullable: true })
  frequencyCapMessages!: number | null;

  /** The cap's rolling window, in days. */
  @Column('int', { name: 'frequency_cap_days', nullable: true })
  frequencyCapDays!: number | null;

  /** Quiet hours for marketing sends (a sending-window shape, validated by the sending library), or null. */
  @Column('jsonb', { name: 'quiet_hours', nullable: true })
  quietHours!: Record<string, unknown> | null;

  /** Whether sends track their links by default (a message, run or blast may say otherwise). */
  @Column('boolean', { name: 'track_links', default: false })
  trackLinks!: boolean;

  /** UTM parameters added to tracked links' destinations by default, or null. */
  @Column('jsonb', { name: 'link_utm', nullable: true })
  linkUtm!: Record<string, string> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Workspace } from './workspace.entity';

/** A workspace's API key. Only the SHA-256 of the key and a short display prefix are stored. */
@Entity({ name: 'api_keys' })
export class ApiKey {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('idx_api_keys_workspace')
  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @ManyToOne(() => Workspace, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_id' })
  workspace?: Relation<Workspace>;

  /**
   * The key's public id (`hrldpk_…`): not a secret, shown in listings. With the key it forms a pair for clients that
   * authenticate as `Basic base64(<public id>:<key>)` (EngageLab's `dev_key:dev_secret`).
   */
  @Index('uq_api_keys_public_id', { unique: true })
  // The migration's default, written as TypeORM reads it back from Postgres (casts stripped), so the schema check agrees.
  @Column('varchar', { name: 'public_id', length: 40, default: () => "('hrldpk_'|| replace((gen_random_uuid()), '-', ''))" })
  publicId!: string;

  /** The channels this key may send from; null: every channel of the workspace. */
  @Column('uuid', { name: 'allowed_channel_ids', array: true, nullable: true })
  allowedChannelIds!: string[] | null;

  /** The first characters of the key, enough for a person to tell keys apart. */
  @Column('varchar', { length: 16 })
  prefix!: string;

  /** Hex SHA-256 of the whole key. */
  @Index('uq_api_keys_hash', { unique: true })
  @Column('char', { name: 'key_hash', length: 64 })
  keyHash!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'last_used_at', nullable: true })
  lastUsedAt!: Date | null;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;
}

import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A workspace's callback secret: signs deliveries to per-send callback URLs (`callbackUrl` on a send). Sealed like
 * every secret; after a rotation the previous one keeps signing too until `previous_secret_expires_at` (24 h).
 */
@Entity({ name: 'callback_secrets' })
export class CallbackSecret {
  @PrimaryColumn('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('bytea', { name: 'secret_sealed' })
  secretSealed!: Buffer;

  @Column('bytea', { name: 'previous_secret_sealed', nullable: true })
  previousSecretSealed!: Buffer | null;

  @Column('timestamptz', { name: 'previous_secret_expires_at', nullable: true })
  previousSecretExpiresAt!: Date | null;

  /** When this secret was made (created or rotated). */
  @Column('timestamptz', { name: 'secret_created_at' })
  secretCreatedAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

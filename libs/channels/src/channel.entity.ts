import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { WorkspaceOwned } from '@herald/workspaces';
import type { ChannelKind } from './channel-provider.types';

/** `active` sends; `paused` refuses sends until the channel is updated (e.g. an expired token replaced). */
export type ChannelStatus = 'active' | 'paused';

/**
 * A sender: one WhatsApp business phone number. Its secrets (access token, app secret, verify token) are
 * one AES-256-GCM sealed JSON value, never returned by the API. Deleted channels are kept (deleted_at) so
 * the messages they sent still name them.
 */
@Entity({ name: 'channels' })
@Index('uq_channels_default', ['workspaceId'], { unique: true, where: 'is_default AND deleted_at IS NULL' })
@Index('idx_channels_workspace', ['workspaceId', 'createdAt'])
export class Channel extends WorkspaceOwned {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('varchar', { length: 32 })
  type!: ChannelKind;

  @Column('varchar', { length: 200 })
  name!: string;

  @Column('varchar', { name: 'phone_number_id', length: 64 })
  phoneNumberId!: string;

  @Column('varchar', { name: 'display_phone_number', length: 200 })
  displayPhoneNumber!: string;

  @Column('varchar', { name: 'waba_id', length: 64 })
  wabaId!: string;

  @Column('varchar', { name: 'graph_base_url', length: 300 })
  graphBaseUrl!: string;

  @Column('int', { name: 'messages_per_second' })
  messagesPerSecond!: number;

  /** Unique recipients of business-initiated messages per rolling 24 h: 250, 2000, 10000, 100000 or unlimited. */
  @Column('varchar', { name: 'messaging_tier', length: 16 })
  messagingTier!: string;

  @Column('boolean', { name: 'is_default', default: false })
  isDefault!: boolean;

  @Column('varchar', { length: 16, default: 'active' })
  status!: ChannelStatus;

  @Column('text', { name: 'status_reason', nullable: true })
  statusReason!: string | null;

  /** The provider says marketing templates of this number go through the Marketing Messages API. */
  @Column('boolean', { name: 'marketing_messages', default: false })
  marketingMessages!: boolean;

  /**
   * The business portfolio that owns the number's WABA, as the provider says (null: not read yet, or the provider
   * named none). Meta's messaging limit is per portfolio: channels of one portfolio share one tier ledger.
   */
  @Column('varchar', { name: 'business_portfolio_id', length: 64, nullable: true })
  businessPortfolioId!: string | null;

  /** When the messaging tier, the marketing route and the portfolio were last read from the provider (null: never). */
  @Column('timestamptz', { name: 'limits_read_at', nullable: true })
  limitsReadAt!: Date | null;

  @Column('bytea')
  secrets!: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column('timestamptz', { name: 'deleted_at', nullable: true })
  deletedAt!: Date | null;
}

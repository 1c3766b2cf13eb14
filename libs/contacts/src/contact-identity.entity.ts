import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** How Herald learned a contact's identity on a channel. */
export type IdentitySource = 'inbound' | 'api';

/**
 * Who a contact is on one channel that does not address people by phone number: the page-scoped id on Messenger
 * (PSID), the Instagram-scoped id (IGSID), the chat id on Telegram. Learned from the user's first message to the
 * channel, or set through the API. One identity per contact and channel, one contact per identity.
 *
 * `unreachable_at`: the platform said the user cannot be reached there (blocked the bot or Page, never started a
 * conversation); sends to the contact on this channel are skipped until the user writes again.
 */
@Entity({ name: 'contact_identities' })
@Index('uq_contact_identities_contact', ['channelId', 'contactId'], { unique: true })
@Index('idx_contact_identities_contact', ['contactId'])
export class ContactIdentity {
  @PrimaryColumn('uuid', { name: 'channel_id' })
  channelId!: string;

  @PrimaryColumn('varchar', { length: 64 })
  identity!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('bigint', { name: 'contact_id' })
  contactId!: string;

  @Column('varchar', { length: 16 })
  source!: IdentitySource;

  @Column('timestamptz', { name: 'unreachable_at', nullable: true })
  unreachableAt!: Date | null;

  @Column('text', { name: 'unreachable_reason', nullable: true })
  unreachableReason!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

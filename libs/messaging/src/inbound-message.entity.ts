import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { WorkspaceOwned } from '@herald/workspaces';
import type { InboundContent, InboundLocationValue, InboundMediaValue, InboundReactionValue } from './inbound-view.util';

/** A message a contact sent to one of the workspace's channels; a reply names the message it answers. */
@Entity({ name: 'inbound_messages' })
@Index('uq_inbound_messages_provider_id', ['channelId', 'providerMessageId'], { unique: true })
@Index('idx_inbound_messages_reply_to', ['replyToMessageId'], { where: 'reply_to_message_id IS NOT NULL' })
// GET /v1/inbound-messages, newest first (keyset on received_at, id), and its number filter.
@Index('idx_inbound_messages_workspace_received', ['workspaceId', 'receivedAt', 'id'])
@Index('idx_inbound_messages_from_received', ['workspaceId', 'fromNumber', 'receivedAt', 'id'])
// A contact's conversation and its counts per channel.
@Index('idx_inbound_messages_contact_received', ['contactId', 'receivedAt', 'id'], { where: 'contact_id IS NOT NULL' })
export class InboundMessage extends WorkspaceOwned {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'channel_id' })
  channelId!: string;

  @Column('varchar', { name: 'provider_message_id', length: 256 })
  providerMessageId!: string;

  @Column('varchar', { name: 'from_number', length: 64 })
  fromNumber!: string;

  @Column('bigint', { name: 'contact_id', nullable: true })
  contactId!: string | null;

  @Column('varchar', { length: 32 })
  type!: string;

  /** The text, a button's text or an interactive reply's title. */
  @Column('text', { nullable: true })
  text!: string | null;

  /** A quick-reply button's payload or an interactive reply's id. */
  @Column('text', { nullable: true })
  payload!: string | null;

  /** The sender's WhatsApp profile name, as the webhook gave it. */
  @Column('varchar', { name: 'profile_name', length: 256, nullable: true })
  profileName!: string | null;

  /**
   * What the message carried beyond text, by kind. Separate columns for what is read on its own: `media` (its id is
   * what the download route fetches), `location`, `reaction` (names the message reacted to); `content` holds the
   * rest, whose shape depends on the type and which nothing filters on (contact cards, the interactive reply's type
   * and description, the quick-reply button, the provider's errors on an unsupported message).
   */
  @Column('jsonb', { nullable: true })
  media!: InboundMediaValue | null;

  @Column('jsonb', { nullable: true })
  location!: InboundLocationValue | null;

  @Column('jsonb', { nullable: true })
  reaction!: InboundReactionValue | null;

  @Column('jsonb', { nullable: true })
  content!: InboundContent | null;

  @Column('varchar', { name: 'context_provider_message_id', length: 256, nullable: true })
  contextProviderMessageId!: string | null;

  @Column('uuid', { name: 'reply_to_message_id', nullable: true })
  replyToMessageId!: string | null;

  @Column('timestamptz', { name: 'received_at' })
  receivedAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

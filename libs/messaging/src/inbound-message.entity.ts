import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { WorkspaceOwned } from '@herald/workspaces';

/** A message a contact sent to one of the workspace's channels; a reply names the message it answers. */
@Entity({ name: 'inbound_messages' })
@Index('uq_inbound_messages_provider_id', ['channelId', 'providerMessageId'], { unique: true })
@Index('idx_inbound_messages_reply_to', ['replyToMessageId'], { where: 'reply_to_message_id IS NOT NULL' })
export class InboundMessage extends WorkspaceOwned {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'channel_id' })
  channelId!: string;

  @Column('varchar', { name: 'provider_message_id', length: 128 })
  providerMessageId!: string;

  @Column('varchar', { name: 'from_number', length: 16 })
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

  @Column('varchar', { name: 'context_provider_message_id', length: 128, nullable: true })
  contextProviderMessageId!: string | null;

  @Column('uuid', { name: 'reply_to_message_id', nullable: true })
  replyToMessageId!: string | null;

  @Column('timestamptz', { name: 'received_at' })
  receivedAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

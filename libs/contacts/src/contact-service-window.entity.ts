import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * When a contact last wrote to a channel: the customer-service window (24 h from their last message) is per
 * business number, and only inside it may a free-form (non-template) message be sent.
 */
@Entity({ name: 'contact_service_windows' })
export class ContactServiceWindow {
  @PrimaryColumn('uuid', { name: 'channel_id' })
  channelId!: string;

  @PrimaryColumn('bigint', { name: 'contact_id' })
  contactId!: string;

  @Column('timestamptz', { name: 'last_inbound_at' })
  lastInboundAt!: Date;
}

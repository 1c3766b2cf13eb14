import { Injectable } from '@nestjs/common';
import type { AppliedStatuses, StatusRow } from '@herald/sending';
import type { EntityManager } from 'typeorm';
import { InboundRepository, type InboundRow } from './inbound.repository';
import { InboundMediaLinks } from './inbound-media-links.service';
import { toInboundView, type InboundMessageRow, type InboundView } from './inbound-view.util';
import { MessageRepository } from './message.repository';

/**
 * What provider events change in this library's tables, applied inside the fan-in's transaction: statuses of
 * single messages, and inbound messages (stored once, replies linked to the message they answer).
 */
@Injectable()
export class MessageEvents {
  constructor(
    private readonly messages: MessageRepository,
    private readonly inbound: InboundRepository,
    private readonly mediaLinks: InboundMediaLinks,
  ) {}

  applyStatuses(manager: EntityManager, rows: readonly StatusRow[]): Promise<AppliedStatuses> {
    return this.messages.applyStatuses(manager, rows);
  }

  /**
   * Messenger's delivery and read watermarks name no message: every send on the channel to the contact taken at or
   * before `upTo` reached `status` (taken, not recorded: a platform may deliver before the worker records the answer). Returns those sends' provider ids (with the watermark's status and time), to be
   * applied as statuses like any other: monotonic, so a late or repeated watermark changes nothing.
   */
  sendsUpTo(
    manager: EntityManager,
    channelId: string,
    marks: ReadonlyArray<{ contactId: string; status: 'delivered' | 'read'; upTo: Date }>,
  ): Promise<Array<{ providerMessageId: string; status: 'delivered' | 'read'; at: Date }>> {
    return this.messages.sendsUpTo(manager, channelId, marks);
  }

  /** See `MessageRepository.inFlight`. */
  inFlight(manager: EntityManager, channelId: string, contactIds: readonly string[], upTo: Date): Promise<Set<string>> {
    return this.messages.inFlight(manager, channelId, contactIds, upTo);
  }

  /** Stores inbound messages; returns the new ones whole (see `toInboundView` for their API and callback view). */
  storeInbound(manager: EntityManager, rows: readonly InboundRow[]): Promise<InboundMessageRow[]> {
    return this.inbound.insert(manager, rows);
  }

  /**
   * The view of a stored inbound message, as the API shows it (the `message.inbound` callback's `data`): a media
   * message's `downloadUrl` is valid for 5 minutes from now. A reply to a campaign send names it by provider id only
   * (`replyTo.messageId` null): the campaign send is resolved by the API, not here.
   */
  inboundView(row: InboundMessageRow): InboundView {
    return toInboundView(row, { mediaUrl: (r) => this.mediaLinks.urlFor(r) });
  }
}

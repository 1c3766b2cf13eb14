import { Injectable } from '@nestjs/common';
import type { AppliedStatuses, StatusRow } from '@herald/sending';
import type { EntityManager } from 'typeorm';
import { InboundRepository, type InboundRow } from './inbound.repository';
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
  ) {}

  applyStatuses(manager: EntityManager, rows: readonly StatusRow[]): Promise<AppliedStatuses> {
    return this.messages.applyStatuses(manager, rows);
  }

  storeInbound(manager: EntityManager, rows: readonly InboundRow[]): Promise<Array<{ id: string; contact_id: string | null; text: string | null }>> {
    return this.inbound.insert(manager, rows);
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { NO_KICK, type CallbackEventInput, type CallbackEventType, type CallbackKick } from './callback-event.types';

/**
 * The outbox producers write to. SKELETON: the library is being built; these signatures are the contract.
 */
@Injectable()
export class CallbackOutbox {
  /** Of these workspaces, those with an enabled endpoint subscribed to `type` (exact: an endpoint created a moment ago counts). */
  async subscribed(_workspaceIds: Iterable<string>, _type: CallbackEventType): Promise<ReadonlySet<string>> {
    return new Set();
  }

  /**
   * Writes the events and one delivery per target (each enabled endpoint of the workspace subscribed to the type,
   * and the event's callbackUrl) in the caller's transaction (`manager`), or in its own when null. Events nobody
   * wants are not written.
   */
  async record(_manager: EntityManager | null, _events: readonly CallbackEventInput[]): Promise<CallbackKick> {
    return NO_KICK;
  }

  /** After the commit: hands the new deliveries to workers at once. Never throws. */
  async kick(_kick: CallbackKick): Promise<void> {}
}

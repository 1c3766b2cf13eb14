import type { InboundMessage } from './whatsapp/whatsapp.types';

/**
 * How long the ids of an inbound message may be for Herald to keep it (the tables that keep them are sized so): a
 * provider's message id (also one a reply or reaction points at), 256 characters; a sender's id on a channel, 64;
 * a message type, 32. Real providers' ids are far shorter (a wamid ~60, a Messenger mid ~100, a PSID 16).
 */
export const INBOUND_LIMITS = { providerMessageId: 256, from: 64, type: 32, profileName: 256 } as const;

/**
 * An inbound message as Herald can keep it: as it is; without the message it answers (`contextMessageId`) when only
 * that id is longer than any provider's (the user's words are kept, the reply link is not); or not at all when its
 * own ids are (`problem` says why). Skipped alone rather than failing the whole webhook, which would set aside the
 * other users' messages it carried with it.
 */
export function fitInbound<M extends InboundMessage>(m: M): { message?: M; problem?: string } {
  const max = INBOUND_LIMITS.providerMessageId;
  if (m.providerMessageId.length > max) return { problem: `its id is longer than ${max} characters` };
  if (m.from.length > INBOUND_LIMITS.from) return { problem: `its sender's id is longer than ${INBOUND_LIMITS.from} characters` };
  if (m.type.length > INBOUND_LIMITS.type) return { problem: `its type is longer than ${INBOUND_LIMITS.type} characters` };
  if ((m.reaction?.messageId.length ?? 0) > max) return { problem: `the message it reacts to has an id longer than ${max} characters` };
  if ((m.contextMessageId?.length ?? 0) > max) {
    const { contextMessageId: _dropped, ...rest } = m;
    return { message: rest as M, problem: `the message it answers has an id longer than ${max} characters: kept without it` };
  }
  return { message: m };
}

import type { InboundMessage } from './whatsapp/whatsapp.types';

/**
 * How long the ids of an inbound message may be for Herald to keep it (the tables that keep them are sized so): a
 * provider's message id (also one a reply or reaction points at), 256 characters; a sender's id on a channel, 64;
 * a message type, 32. Real providers' ids are far shorter (a wamid ~60, a Messenger mid ~100, a PSID 16).
 */
export const INBOUND_LIMITS = { providerMessageId: 256, from: 64, type: 32, profileName: 256 } as const;

/**
 * Why an inbound message cannot be kept as it is, if it cannot: an id longer than any provider's. Such a message is
 * skipped (and said so) rather than failing the whole webhook, which would set aside the other users' messages it
 * carried with it.
 */
export function inboundProblem(m: InboundMessage): string | undefined {
  if (m.providerMessageId.length > INBOUND_LIMITS.providerMessageId) return `its id is longer than ${INBOUND_LIMITS.providerMessageId} characters`;
  if (m.from.length > INBOUND_LIMITS.from) return `its sender's id is longer than ${INBOUND_LIMITS.from} characters`;
  if (m.type.length > INBOUND_LIMITS.type) return `its type is longer than ${INBOUND_LIMITS.type} characters`;
  const answers = Math.max(m.contextMessageId?.length ?? 0, m.reaction?.messageId.length ?? 0);
  if (answers > INBOUND_LIMITS.providerMessageId) return `the message it answers or reacts to has an id longer than ${INBOUND_LIMITS.providerMessageId} characters`;
  return undefined;
}

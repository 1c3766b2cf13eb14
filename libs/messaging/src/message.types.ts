import type { UtmParams } from '@herald/links';
import type { OutboundMessage } from '@herald/channels';
import type { SendState, SendView } from '@herald/sending';

export const MAX_TAGS = 10;
export const MAX_TAG_LENGTH = 50;
export const MAX_REQUEST_ID_LENGTH = 100;
export const MAX_CUSTOM_ARGS_BYTES = 4096;
/** Recipients of one `POST /v1/messages` with `to` as an array: one message each. */
export const MAX_RECIPIENTS = 1_000;
/** How far ahead a message may be scheduled. */
export const MAX_SCHEDULE_AHEAD_MS = 35 * 86_400_000;
/** A message due within this long (or in the past) goes out now. */
export const SEND_NOW_WITHIN_MS = 10 * 60_000;

export interface MessageRecipient {
  readonly number: string;
  readonly name?: string;
}

/** A validated `POST /v1/messages` body. */
export interface SendMessageInput {
  /** One recipient or many (`toMany`: `to` was an array, and the answer lists each). */
  readonly to?: readonly MessageRecipient[];
  /**
   * On a channel that addresses people by id (Messenger, Instagram, Telegram): `to` named the user by that id
   * (a PSID, IGSID or chat id) rather than by phone number.
   */
  readonly toIdentity?: string;
  readonly toMany: boolean;
  readonly contactId?: string;
  readonly channelId?: string;
  /** The sender by its display number, instead of channelId. */
  readonly from?: string;
  readonly message: OutboundMessage;
  readonly tags: readonly string[];
  readonly requestId?: string;
  readonly customArgs: Record<string, unknown>;
  /** This message's status events also go here (signed with the workspace's callback secret). */
  readonly callbackUrl: string | null;
  /** Null: now. */
  readonly scheduledFor: Date | null;
  /** Null: the default for the message's category. */
  readonly validitySeconds: number | null;
  readonly ignoreQuietHours: boolean;
  readonly useFrequencyCapping: boolean;
  /** Replace the message's URLs by tracked links; absent: the workspace's setting. */
  readonly trackLinks?: boolean;
  /** UTM parameters for the tracked links' destinations; absent: the workspace's. */
  readonly utm?: UtmParams;
}

export interface MessageAccepted {
  readonly id: string;
  readonly status: SendState;
  readonly requestId: string | null;
  readonly scheduledFor?: Date;
}

/**
 * What `MessagesService.send` answers for one recipient: the public answer (MessageAccepted) and what the stored row
 * holds besides, for a caller that shows more of it (a vendor's answer: Bird's Message) without reading it back.
 */
export interface SingleAccepted extends MessageAccepted {
  /** False when a repeated requestId found the first message. */
  readonly created: boolean;
  readonly contactId: string;
  /** The number or channel identity it is addressed to. */
  readonly to: string;
  readonly tags: readonly string[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The public answer (`POST /v1/messages`) of a SingleAccepted. */
export function publicAnswer(one: SingleAccepted): MessageAccepted {
  return { id: one.id, status: one.status, requestId: one.requestId, ...(one.scheduledFor ? { scheduledFor: one.scheduledFor } : {}) };
}

/** The answer to a `POST /v1/messages` whose `to` is an array. */
export interface MessagesAccepted {
  readonly messages: Array<MessageAccepted & { readonly to: string }>;
  readonly refused: Array<{ readonly index: number; readonly number: string; readonly reason: string }>;
}

export interface ReplyView {
  readonly id: string;
  readonly type: string;
  readonly text: string | null;
  readonly payload: string | null;
  readonly receivedAt: Date;
}

/** A single message: a send (the shape every send has in the API) with the replies to it. */
export interface MessageView extends SendView {
  readonly replies?: ReplyView[];
}


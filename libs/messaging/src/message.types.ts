import type { OutboundMessage } from '@herald/channels';
import type { MessageError, MessageStatus, SendCategory, SendState, SkipReason, WaitReason } from '@herald/sending';

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
  readonly toMany: boolean;
  readonly contactId?: string;
  readonly channelId?: string;
  /** The sender by its display number, instead of channelId. */
  readonly from?: string;
  readonly message: OutboundMessage;
  readonly tags: readonly string[];
  readonly requestId?: string;
  readonly customArgs: Record<string, unknown>;
  /** Null: now. */
  readonly scheduledFor: Date | null;
  /** Null: the default for the message's category. */
  readonly validitySeconds: number | null;
  readonly ignoreQuietHours: boolean;
  readonly useFrequencyCapping: boolean;
}

export interface MessageAccepted {
  readonly id: string;
  readonly status: SendState;
  readonly requestId: string | null;
  readonly scheduledFor?: Date;
}

/** The answer to a `POST /v1/messages` whose `to` is an array. */
export interface MessagesAccepted {
  readonly messages: Array<MessageAccepted & { readonly to: string }>;
  readonly refused: Array<{ readonly index: number; readonly number: string; readonly reason: string }>;
}

export interface StatusStep {
  readonly status: MessageStatus;
  readonly at: Date;
}

export interface ReplyView {
  readonly id: string;
  readonly type: string;
  readonly text: string | null;
  readonly payload: string | null;
  readonly receivedAt: Date;
}

export interface MessageView {
  readonly id: string;
  readonly channelId: string;
  readonly to: string;
  readonly contactId: string;
  readonly type: string;
  readonly content: Record<string, unknown>;
  readonly template: string | null;
  readonly status: SendState;
  readonly category: SendCategory | null;
  readonly scheduledFor: Date | null;
  readonly expiresAt: Date | null;
  /** Why a message that is due is not being sent, and until when. */
  readonly waiting: { readonly reason: WaitReason; readonly until: Date | null } | null;
  readonly skipReason: SkipReason | null;
  /** Every status reached, with the time it was first reached. */
  readonly statuses: StatusStep[];
  readonly error: MessageError | null;
  readonly providerMessageId: string | null;
  readonly attempts: number;
  readonly tags: string[];
  readonly requestId: string | null;
  readonly customArgs: Record<string, unknown>;
  readonly replies?: ReplyView[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface MessageFilter {
  readonly status?: SendState;
  readonly tag?: string;
  readonly template?: string;
  readonly number?: string;
  readonly from?: Date;
  readonly to?: Date;
}

export interface MessagePage {
  readonly data: MessageView[];
  readonly nextCursor: string | null;
}

import type { OutboundMessage } from '@herald/channels';
import type { MessageError } from './message.entity';
import type { MessageStatus } from './message-status.util';

export const MAX_TAGS = 10;
export const MAX_TAG_LENGTH = 50;
export const MAX_REQUEST_ID_LENGTH = 100;
export const MAX_CUSTOM_ARGS_BYTES = 4096;

/** A validated `POST /v1/messages` body. */
export interface SendMessageInput {
  readonly to?: { readonly number: string; readonly name?: string };
  readonly contactId?: string;
  readonly channelId?: string;
  readonly message: OutboundMessage;
  readonly tags: readonly string[];
  readonly requestId?: string;
  readonly customArgs: Record<string, unknown>;
}

export interface MessageAccepted {
  readonly id: string;
  readonly status: MessageStatus;
  readonly requestId: string | null;
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
  readonly status: MessageStatus;
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
  readonly status?: MessageStatus;
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

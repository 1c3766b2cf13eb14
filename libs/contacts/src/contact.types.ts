import type { OptOutScope, OptOutSource } from './contact.entity';

export type AttributeValue = string | number | boolean;
export type Attributes = Record<string, AttributeValue>;

/** A contact as the API shows it. */
export interface ContactView {
  /** Herald's id of the contact (a message may name it as `contactId`). */
  readonly id: string;
  /** E.164; null for a contact known only by its identity on a channel (a Messenger PSID, a Telegram chat id). */
  readonly number: string | null;
  readonly name: string | null;
  readonly attributes: Attributes;
  readonly timezone: string;
  readonly optedOut: boolean;
  readonly optedOutAt: Date | null;
  readonly optOutSource: OptOutSource | null;
  readonly optOutScope: OptOutScope | null;
  /** When the provider said this number cannot receive WhatsApp messages; campaign runs skip it. */
  readonly notOnWhatsAppAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface ContactPage {
  readonly data: ContactView[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

export interface ContactInput {
  readonly number: string;
  readonly name?: string | null;
  readonly attributes?: Attributes;
  readonly timezone?: string;
  readonly defaultCountry?: string;
}

export interface ContactPatch {
  readonly name?: string | null;
  /** Merged into the contact's attributes; a key set to null is removed. */
  readonly attributes?: Record<string, AttributeValue | null>;
  readonly timezone?: string;
}

/** What the send checks need to know of a contact. */
export interface ContactSendState {
  readonly timezone: string;
  /** null: not opted out. */
  readonly optOutScope: OptOutScope | null;
  readonly notOnWhatsApp: boolean;
  /** When the contact last wrote to the channel asked about (its customer-service window runs 24 h from then). */
  readonly lastInboundAt: Date | null;
  /** Who the contact is on the channel asked about, when it addresses people by id (PSID, IGSID, chat id). */
  readonly identity: string | null;
  /** The platform said the contact cannot be reached on that channel (blocked it, never started it). */
  readonly unreachable: { readonly at: Date; readonly reason: string } | null;
}

/** A contact's identity on a channel that addresses people by id (`PUT /v1/contacts/:ref/identities/:channelId`). */
export interface ContactIdentityView {
  readonly channelId: string;
  /** The PSID (Messenger), IGSID (Instagram) or chat id (Telegram). */
  readonly identity: string;
  /** `inbound`: learned from the user's message; `api`: set through the API. */
  readonly source: 'inbound' | 'api';
  readonly unreachableAt: Date | null;
  readonly unreachableReason: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

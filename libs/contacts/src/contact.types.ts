import type { OptOutScope, OptOutSource } from './contact.entity';

export type AttributeValue = string | number | boolean;
export type Attributes = Record<string, AttributeValue>;

/** A contact as the API shows it. */
export interface ContactView {
  /** Herald's id of the contact (a message may name it as `contactId`). */
  readonly id: string;
  readonly number: string;
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
}

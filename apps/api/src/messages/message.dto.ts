import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath, type SchemaObject } from '@nestjs/swagger';
import { MAX_CUSTOM_ARGS_BYTES, MAX_RECIPIENTS, MAX_REQUEST_ID_LENGTH, MAX_TAGS } from '@herald/messaging';
import { MAX_VALIDITY_SECONDS, SEND_STATES, WAIT_REASONS } from '@herald/sending';
import { UtmDto } from '../settings/settings.dto';
import { MESSAGE_CONTENT_MODELS } from './message-content.dto';
import { oneOfBy, oneOfModels, type SchemaUnion } from './schema-union.util';

export class MessageRecipientDto {
  @ApiProperty({ example: '+919739978284', description: 'E.164, or a local number the workspace can place.' })
  number!: string;

  @ApiPropertyOptional({ example: 'Asha Rao', maxLength: 200 })
  name?: string;
}

/**
 * The envelope of POST /v1/messages: who, through which channel, when, and the caller's bookkeeping. The body is this
 * and one message content (MESSAGE_CONTENT_MODELS) side by side; the messaging library's rules check it.
 */
@ApiExtraModels(MessageRecipientDto, UtmDto)
export class MessageEnvelopeDto {
  @ApiPropertyOptional({
    oneOf: [
      { $ref: getSchemaPath(MessageRecipientDto) },
      { type: 'array', minItems: 1, maxItems: MAX_RECIPIENTS, items: { oneOf: [{ $ref: getSchemaPath(MessageRecipientDto) }, { type: 'string' }] } },
      { type: 'string' },
    ],
    example: { number: '+919739978284', name: 'Asha Rao' },
    description:
      `The recipient ({number, name?} or the number alone; created as a contact if new), or an array of up to ${MAX_RECIPIENTS.toLocaleString('en')} recipients: one message each. ` +
      "On Messenger, Instagram and Telegram: one string, a contact's +number or the user's PSID, IGSID or chat id. Give this or contactId.",
  })
  to?: MessageRecipientDto | Array<MessageRecipientDto | string> | string;

  @ApiPropertyOptional({ example: '1042', pattern: '^[0-9]{1,18}$', description: 'An existing contact, instead of to.' })
  contactId?: string;

  @ApiPropertyOptional({ example: '5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a10', format: 'uuid', description: "Default: the workspace's default channel." })
  channelId?: string;

  @ApiPropertyOptional({ example: '+1 555 010 0123', description: 'The sender by its display phone number, instead of channelId.' })
  from?: string;

  @ApiPropertyOptional({
    oneOf: [{ type: 'string' }, { type: 'integer' }],
    example: '2026-12-24T09:00:00Z',
    description:
      'Send at this time (RFC 3339 with an offset, or unix seconds). Within 10 minutes or in the past: now. At most 35 days ahead. The message is `scheduled` until then and can be cancelled.',
  })
  scheduledFor?: string | number;

  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'integer' }], example: '2026-12-24T09:00:00Z', description: 'The same as scheduledFor (WhautoChat\'s name); give one of them.' })
  scheduleDateTime?: string | number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_VALIDITY_SECONDS,
    example: 3600,
    description: 'Seconds from its due time the message may still be sent (default 36 h; 10 min for authentication templates); after that it becomes `expired` and is never sent.',
  })
  validity?: number;

  @ApiPropertyOptional({ example: false, description: "A marketing message goes out during the workspace's quiet hours too." })
  ignoreQuietHours?: boolean;

  @ApiPropertyOptional({ example: false, description: "A marketing message counts towards, and is held to, the workspace's frequency cap." })
  useFrequencyCapping?: boolean;

  @ApiPropertyOptional({ example: true, description: "Replace the message's URLs by tracked links (clicks are counted); absent: the workspace's setting." })
  trackLinks?: boolean;

  @ApiPropertyOptional({ type: UtmDto, description: "UTM parameters for the tracked links' destinations; absent: the workspace's." })
  utm?: UtmDto;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_TAGS, example: ['orders', 'shipping'], description: `At most ${MAX_TAGS}, lower-cased; letters, digits, _ . : or -.` })
  tags?: string[];

  @ApiPropertyOptional({
    example: 'order-1042-shipped',
    maxLength: MAX_REQUEST_ID_LENGTH,
    description: 'Your id for this send: repeating it returns the first message instead of sending again.',
  })
  requestId?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { orderId: 1042 },
    description: `Any JSON object (≤ ${MAX_CUSTOM_ARGS_BYTES / 1024} KB), returned with the message and in each of its callback events.`,
  })
  customArgs?: Record<string, unknown>;

  @ApiPropertyOptional({
    example: 'https://example.com/herald/status',
    nullable: true,
    type: String,
    description:
      "This message's `message.status` events are also posted here, signed with the workspace's callback secret (see docs/CALLBACKS.md). Checked like an endpoint's URL: no private or loopback address unless the operator allows them.",
  })
  callbackUrl?: string | null;
}

/** The body of POST /v1/messages: the envelope and one content, told apart by `type`. */
export function sendMessageBodySchema(): SchemaObject {
  return {
    // No discriminator on this inner oneOf: openapi-typescript would Omit `type` from an allOf member that has one.
    allOf: [{ $ref: getSchemaPath(MessageEnvelopeDto) }, oneOfModels(...Object.values(MESSAGE_CONTENT_MODELS))],
    example: { to: { number: '+919739978284', name: 'Asha Rao' }, type: 'template', template: { name: 'order_update', language: 'en_US', params: ['Asha', '#1042'] }, tags: ['orders'] },
  };
}

/** A message's `content`: one of the content classes. */
export function messageContentSchema(): SchemaUnion {
  return oneOfBy('type', MESSAGE_CONTENT_MODELS);
}

export class MessageAcceptedDto {
  @ApiProperty({ example: '0b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6e' })
  id!: string;

  @ApiProperty({ example: 'queued', enum: SEND_STATES })
  status!: string;

  @ApiProperty({ example: 'order-1042-shipped', nullable: true, type: String })
  requestId!: string | null;

  @ApiPropertyOptional({ example: '2026-12-24T09:00:00.000Z' })
  scheduledFor?: Date;
}

export class RecipientMessageAcceptedDto extends MessageAcceptedDto {
  @ApiProperty({ example: '+919739978284', description: 'The number as given, in E.164.' })
  to!: string;
}

export class RefusedRecipientDto {
  @ApiProperty({ example: 2, description: 'Its position in `to`.' })
  index!: number;

  @ApiProperty({ example: '12' })
  number!: string;

  @ApiProperty({ example: 'not a valid phone number' })
  reason!: string;
}

export class MessagesAcceptedDto {
  @ApiProperty({ type: [RecipientMessageAcceptedDto] })
  messages!: RecipientMessageAcceptedDto[];

  @ApiProperty({ type: [RefusedRecipientDto] })
  refused!: RefusedRecipientDto[];
}

export class WaitingDto {
  @ApiProperty({ example: 'quiet_hours', enum: WAIT_REASONS })
  reason!: string;

  @ApiProperty({ example: '2026-12-02T08:00:00.000Z', nullable: true, type: Date })
  until!: Date | null;
}

export class StatusStepDto {
  @ApiProperty({ example: 'delivered', enum: SEND_STATES })
  status!: string;

  @ApiProperty({ example: '2026-11-21T08:00:02.000Z' })
  at!: Date;
}

export class MessageErrorDto {
  @ApiProperty({ example: '131026' })
  code!: string;

  @ApiProperty({ example: 'Message undeliverable' })
  title!: string;

  @ApiProperty({ example: 'The recipient is not on WhatsApp or uses an old app.' })
  details!: string;

  @ApiPropertyOptional({ example: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes' })
  docsUrl?: string;
}

export class PricingDto {
  @ApiProperty({ example: true, nullable: true, type: Boolean, description: 'Whether the provider charges for it.' })
  billable!: boolean | null;

  @ApiProperty({ example: 'marketing', nullable: true, type: String, description: "The provider's pricing category." })
  category!: string | null;

  @ApiProperty({ example: 'PMP', nullable: true, type: String })
  pricingModel!: string | null;

  @ApiProperty({ example: 'regular', nullable: true, type: String, description: 'regular, free_customer_service or free_entry_point.' })
  type!: string | null;
}

export class ReplyDto {
  @ApiProperty({ example: 'c1d2e3f4-0000-4000-8000-000000000001' })
  id!: string;

  @ApiProperty({ example: 'button' })
  type!: string;

  @ApiProperty({ example: 'Track order', nullable: true, type: String })
  text!: string | null;

  @ApiProperty({ example: 'track-1042', nullable: true, type: String })
  payload!: string | null;

  @ApiProperty({ example: '2026-11-21T08:05:00.000Z' })
  receivedAt!: Date;
}

export class ClickDto {
  @ApiProperty({ example: 'https://shop.example.com/t/1042?utm_source=whatsapp', description: 'Where the link led, UTM parameters included.' })
  destination!: string;

  @ApiProperty({ example: '2026-11-21T08:05:00.000Z' })
  clickedAt!: Date;

  @ApiProperty({ example: 'Mozilla/5.0', nullable: true, type: String })
  userAgent!: string | null;
}

export class SendClicksDto {
  @ApiProperty({ example: 1 })
  count!: number;

  @ApiProperty({ example: '2026-11-21T08:05:00.000Z', nullable: true, type: Date })
  firstClickedAt!: Date | null;

  @ApiProperty({ type: [ClickDto] })
  timeline!: readonly ClickDto[];
}

@ApiExtraModels(...Object.values(MESSAGE_CONTENT_MODELS))
export class MessageDto {
  @ApiProperty({ example: '0b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6e' })
  id!: string;

  @ApiProperty({ example: '5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a10' })
  channelId!: string;

  @ApiProperty({ example: '+919739978284' })
  to!: string;

  @ApiProperty({ example: '1042' })
  contactId!: string;

  @ApiProperty({ example: 'template' })
  type!: string;

  @ApiProperty({
    ...messageContentSchema(),
    example: { type: 'template', template: { name: 'order_update', language: 'en_US', params: ['Asha', '#1042'] } },
    description: 'What it says, as sent (a campaign send: its template with the values filled in).',
  })
  content!: Record<string, unknown>;

  @ApiProperty({ example: 'order_update', nullable: true, type: String })
  template!: string | null;

  @ApiProperty({ example: 'read', enum: SEND_STATES })
  status!: string;

  @ApiProperty({ example: 'utility', nullable: true, type: String, description: "The template's category as the provider reports it; `service` for a free-form message." })
  category!: string | null;

  @ApiProperty({ example: null, nullable: true, type: Date })
  scheduledFor!: Date | null;

  @ApiProperty({ example: '2026-12-03T20:00:00.000Z', nullable: true, type: Date, description: 'Never sent after this.' })
  expiresAt!: Date | null;

  @ApiProperty({ type: WaitingDto, nullable: true, description: 'Why a due message is not going out yet, and until when.' })
  waiting!: WaitingDto | null;

  @ApiProperty({ example: null, nullable: true, type: String, description: 'Why it was never sent: opted_out, not_on_whatsapp, frequency_cap, missing_variable (error.details names the variable).' })
  skipReason!: string | null;

  @ApiProperty({ type: [StatusStepDto], example: [{ status: 'queued', at: '2026-11-21T08:00:00.000Z' }, { status: 'read', at: '2026-11-21T08:00:05.000Z' }] })
  statuses!: StatusStepDto[];

  @ApiProperty({ type: MessageErrorDto, nullable: true, example: null })
  error!: MessageErrorDto | null;

  @ApiProperty({ example: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3N0E2', nullable: true, type: String })
  providerMessageId!: string | null;

  @ApiProperty({ type: PricingDto, nullable: true, description: 'What the provider charges for it, from its status webhooks; null until one says.' })
  pricing!: PricingDto | null;

  @ApiProperty({ example: 1 })
  attempts!: number;

  @ApiProperty({ example: ['orders'] })
  tags!: string[];

  @ApiProperty({ example: 'order-1042-shipped', nullable: true, type: String })
  requestId!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { orderId: 1042 } })
  customArgs!: Record<string, unknown>;

  @ApiPropertyOptional({ example: 'https://example.com/herald/status', nullable: true, type: String, description: "Where this message's status events also go (a single message sent with one)." })
  callbackUrl?: string | null;

  @ApiProperty({ example: null, nullable: true, type: String, description: "A campaign send's campaign (its id is then `r:<n>`); null for a single message." })
  campaignId!: string | null;

  @ApiProperty({ example: null, nullable: true, type: String, description: "A campaign send's run." })
  runId!: string | null;

  @ApiPropertyOptional({ type: [ReplyDto], example: [] })
  replies?: ReplyDto[];

  @ApiPropertyOptional({
    type: SendClicksDto,
    example: { count: 1, firstClickedAt: '2026-11-21T08:05:00.000Z', timeline: [{ destination: 'https://shop.example.com/t/1042?utm_source=whatsapp', clickedAt: '2026-11-21T08:05:00.000Z', userAgent: 'Mozilla/5.0' }] },
    description: "Its tracked links' clicks (`trackLinks`), when one was clicked.",
  })
  clicks?: SendClicksDto;

  @ApiProperty({ example: '2026-11-21T08:00:00.000Z' })
  createdAt!: Date;

  @ApiProperty({ example: '2026-11-21T08:00:05.000Z' })
  updatedAt!: Date;
}

export class MessagePageDto {
  @ApiProperty({ type: [MessageDto] })
  data!: MessageDto[];

  @ApiProperty({ example: 'bTp…', nullable: true, type: String })
  nextCursor!: string | null;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { SendClicksView } from '@herald/links';
import { SEND_STATES, WAIT_REASONS } from '@herald/sending';

/** Documents the body of POST /v1/messages; the body itself is checked by the messaging library's rules. */
export class SendMessageDto {
  @ApiPropertyOptional({
    example: { number: '+919739978284', name: 'Asha Rao' },
    description:
      'The recipient (created as a contact if new), or an array of up to 1,000 recipients ({number, name?} or the number alone): one message each. Give this or contactId.',
  })
  to?: { number: string; name?: string } | Array<{ number: string; name?: string } | string>;

  @ApiPropertyOptional({ example: '1042', description: 'An existing contact, instead of to.' })
  contactId?: string;

  @ApiPropertyOptional({ example: '5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a10', description: "Default: the workspace's default channel." })
  channelId?: string;

  @ApiPropertyOptional({ example: '+1 555 010 0123', description: "The sender by its display phone number, instead of channelId." })
  from?: string;

  @ApiPropertyOptional({
    example: '2026-12-24T09:00:00Z',
    description:
      'Send at this time (RFC 3339 with an offset, or unix seconds; `scheduleDateTime` is the same). Within 10 minutes or in the past: now. At most 35 days ahead. The message is `scheduled` until then and can be cancelled.',
  })
  scheduledFor?: string | number;

  @ApiPropertyOptional({
    example: 3600,
    description: 'Seconds from its due time the message may still be sent (default 36 h; 10 min for authentication templates); after that it becomes `expired` and is never sent.',
  })
  validity?: number;

  @ApiPropertyOptional({ example: false, description: "A marketing message goes out during the workspace's quiet hours too." })
  ignoreQuietHours?: boolean;

  @ApiPropertyOptional({ example: false, description: "A marketing message counts towards, and is held to, the workspace's frequency cap." })
  useFrequencyCapping?: boolean;

  @ApiProperty({ example: 'template', enum: ['text', 'template', 'image', 'video', 'audio', 'document', 'sticker', 'interactive', 'location'] })
  type!: string;

  @ApiPropertyOptional({
    example: { name: 'order_update', language: 'en_US', params: ['Asha', '#1042'] },
    description: 'For type template: {name, language, params?: [text…] | components?: [...]}. Other types take their body under their own key: text {body}, image {link, caption}, document {link, caption, filename}, interactive, location.',
  })
  template?: Record<string, unknown>;

  @ApiPropertyOptional({ example: { body: 'Your order #1042 has shipped.' }, description: 'For type text: {body (≤ 4,096), previewUrl?}.' })
  text?: Record<string, unknown>;

  @ApiPropertyOptional({ example: ['orders', 'shipping'], description: 'At most 10, lower-cased.' })
  tags?: string[];

  @ApiPropertyOptional({ example: 'order-1042-shipped', description: 'Your id for this send: repeating it returns the first message instead of sending again.' })
  requestId?: string;

  @ApiPropertyOptional({ example: { orderId: 1042 }, description: 'Any JSON object (≤ 4 KB), returned with the message and in each of its callback events.' })
  customArgs?: Record<string, unknown>;

  @ApiPropertyOptional({
    example: 'https://example.com/herald/status',
    description:
      "This message's `message.status` events are also posted here, signed with the workspace's callback secret (see docs/CALLBACKS.md). Checked like an endpoint's URL: no private or loopback address unless the operator allows them.",
  })
  callbackUrl?: string;
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

export class MessagesAcceptedDto {
  @ApiProperty({ example: [{ id: '0b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6e', to: '+919739978284', status: 'queued', requestId: null }] })
  messages!: Array<{ id: string; to: string; status: string; requestId: string | null; scheduledFor?: Date }>;

  @ApiProperty({ example: [{ index: 2, number: '12', reason: 'not a valid phone number' }] })
  refused!: Array<{ index: number; number: string; reason: string }>;
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

  @ApiProperty({ example: { type: 'template', template: { name: 'order_update', language: 'en_US', params: ['Asha', '#1042'] } } })
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

  @ApiProperty({ example: { orderId: 1042 } })
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
    type: Object,
    example: { count: 1, firstClickedAt: '2026-11-21T08:05:00.000Z', timeline: [{ destination: 'https://shop.example.com/t/1042?utm_source=whatsapp', clickedAt: '2026-11-21T08:05:00.000Z', userAgent: 'Mozilla/5.0' }] },
    description: "Its tracked links' clicks (`trackLinks`), when one was clicked.",
  })
  clicks?: SendClicksView;

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

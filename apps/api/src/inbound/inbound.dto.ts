import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MessageDto } from '../messages/message.dto';

const INBOUND_ID = '7c1d1f2e-5a7b-4d0e-9a1c-3b2f4e6d8a90';
const CHANNEL_ID = '5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a10';

export class ContactCardPhoneDto {
  @ApiProperty({ example: '+91 97399 78284' })
  phone!: string;

  @ApiPropertyOptional({ example: '919739978284', description: 'Its WhatsApp id, when the number is on WhatsApp.' })
  waId?: string;

  @ApiPropertyOptional({ example: 'CELL' })
  type?: string;
}

export class ContactCardDto {
  @ApiProperty({ example: 'Asha Rao' })
  name!: string;

  @ApiProperty({ type: [ContactCardPhoneDto] })
  phones!: ContactCardPhoneDto[];

  @ApiProperty({ type: [String], example: ['asha@example.com'] })
  emails!: string[];

  @ApiPropertyOptional({ example: 'Herald Store' })
  organization?: string;
}

export class InteractiveReplyDto {
  @ApiProperty({ example: 'button_reply', description: 'button_reply or list_reply.' })
  type!: string;

  @ApiProperty({ example: 'home', description: "The reply button's or list row's id." })
  id!: string;

  @ApiProperty({ example: 'Home' })
  title!: string;

  @ApiPropertyOptional({ example: 'Tomorrow before noon', description: "A list row's description." })
  description?: string;
}

export class QuickReplyButtonDto {
  @ApiProperty({ example: 'track-1042' })
  payload!: string;

  @ApiProperty({ example: 'Track order' })
  text!: string;
}

export class ProviderErrorDto {
  @ApiProperty({ example: '131051' })
  code!: string;

  @ApiProperty({ example: 'Message type unknown' })
  title!: string;

  @ApiProperty({ example: 'Message type is not currently supported.' })
  details!: string;
}

export class ChannelIdentifierDto {
  @ApiProperty({ example: 'phone_number', enum: ['phone_number', 'psid', 'igsid', 'chat_id'] })
  type!: string;

  @ApiProperty({ example: '+919739978284', nullable: true, type: String })
  value!: string | null;
}

export class UnreachableDto {
  @ApiProperty({ example: '2026-12-04T09:00:00.000Z' })
  at!: Date;

  @ApiProperty({ example: 'Forbidden: bot was blocked by the user' })
  reason!: string;
}

export class InboundMediaDto {
  @ApiProperty({ example: '1003383421387256', description: "The provider's media id (WhatsApp keeps received media for 7 days)." })
  id!: string;

  @ApiProperty({ example: 'image/jpeg', nullable: true, type: String })
  mimeType!: string | null;

  @ApiProperty({ example: 'Look at this', nullable: true, type: String, description: 'Images, videos and documents.' })
  caption!: string | null;

  @ApiProperty({ example: null, nullable: true, type: String, description: 'Documents.' })
  filename!: string | null;

  @ApiProperty({ example: 'rYm5Lq3z0Q8s1h2U3b6xqf0m8VxgRk5n1o9YpQy6tA8=', nullable: true, type: String, description: "The file's SHA-256 as the provider gave it." })
  sha256!: string | null;

  @ApiPropertyOptional({ example: false, description: 'Stickers: animated.' })
  animated?: boolean;

  @ApiPropertyOptional({ example: true, description: 'Audio: a voice note.' })
  voice?: boolean;

  @ApiProperty({
    example: `https://herald.example.com/v1/inbound-messages/${INBOUND_ID}/media?token=1796400000.Qm9vdGxlZ3MtYXJlLWJhZC1tYWdpYy1ub3QtcmVhbC1zaWc`,
    nullable: true,
    type: String,
    description: 'Herald streams the file from the provider at this URL; no API key needed. Valid for 5 minutes: read the message again for a fresh one.',
  })
  downloadUrl!: string | null;
}

export class InboundLocationDto {
  @ApiProperty({ example: 37.483307 })
  latitude!: number;

  @ApiProperty({ example: -122.148981 })
  longitude!: number;

  @ApiProperty({ example: 'Philz Coffee', nullable: true, type: String })
  name!: string | null;

  @ApiProperty({ example: '101 Forest Ave, Palo Alto, CA 94301', nullable: true, type: String })
  address!: string | null;

  @ApiProperty({ example: null, nullable: true, type: String })
  url!: string | null;
}

export class InboundReactionDto {
  @ApiProperty({ example: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA', description: "The provider's id of the message reacted to." })
  messageId!: string;

  @ApiProperty({ example: '👍', nullable: true, type: String, description: 'null: the user removed their reaction.' })
  emoji!: string | null;
}

export class InboundReplyToDto {
  @ApiProperty({
    example: '0b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6e',
    nullable: true,
    type: String,
    description: "Herald's id of the message answered: a single message's id, or a campaign send's `r:<n>`; null when it is not one of Herald's sends.",
  })
  messageId!: string | null;

  @ApiProperty({ example: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA' })
  providerMessageId!: string;

  @ApiPropertyOptional({ example: '9e3b1c4d-2f6a-4b8e-8c1d-0a2b3c4d5e6f', description: 'For a campaign send.' })
  campaignId?: string;

  @ApiPropertyOptional({ example: '1d2c3b4a-5f6e-4d8c-9b0a-1f2e3d4c5b6a', description: 'For a campaign send.' })
  runId?: string;
}

export class InboundMessageDto {
  @ApiProperty({ example: INBOUND_ID })
  id!: string;

  @ApiProperty({ example: CHANNEL_ID })
  channelId!: string;

  @ApiProperty({ example: '1042', nullable: true, type: String })
  contactId!: string | null;

  @ApiProperty({ example: '+919739978284', description: 'The sender.' })
  from!: string;

  @ApiProperty({ example: 'Asha Rao', nullable: true, type: String, description: 'Their WhatsApp profile name.' })
  profileName!: string | null;

  @ApiProperty({
    example: 'image',
    description: 'text, image, video, audio, document, sticker, location, contacts, reaction, button (a template quick reply), interactive (a reply button or list row), or another type the provider reports.',
  })
  type!: string;

  @ApiProperty({ example: 'Look at this', nullable: true, type: String, description: "The text, a button's text, an interactive reply's title or a media caption." })
  text!: string | null;

  @ApiProperty({ example: null, nullable: true, type: String, description: "A quick-reply button's payload or an interactive reply's id." })
  payload!: string | null;

  @ApiProperty({ type: InboundMediaDto, nullable: true })
  media!: InboundMediaDto | null;

  @ApiProperty({ type: InboundLocationDto, nullable: true, example: null })
  location!: InboundLocationDto | null;

  @ApiProperty({
    nullable: true,
    example: null,
    description: 'Shared contact cards.',
    type: [ContactCardDto],
  })
  contacts!: ContactCardDto[] | null;

  @ApiProperty({ type: InboundReactionDto, nullable: true, example: null })
  reaction!: InboundReactionDto | null;

  @ApiProperty({ nullable: true, example: null, description: 'An interactive reply: a reply button or a list row.', type: InteractiveReplyDto })
  interactive!: InteractiveReplyDto | null;

  @ApiProperty({ nullable: true, example: null, description: 'A template quick-reply button.', type: QuickReplyButtonDto })
  button!: QuickReplyButtonDto | null;

  @ApiProperty({ nullable: true, example: null, description: "The provider's errors on the message (e.g. an unsupported type).", type: [ProviderErrorDto] })
  errors!: ProviderErrorDto[] | null;

  @ApiProperty({ type: InboundReplyToDto, nullable: true, description: 'The message it answers (quoted, a button of it tapped, or reacted to).' })
  replyTo!: InboundReplyToDto | null;

  @ApiProperty({ example: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUZGQjE0RDY1RTAyNjlBMzYxQQA=' })
  providerMessageId!: string;

  @ApiProperty({ example: '2026-12-03T10:15:00.000Z' })
  receivedAt!: Date;

  @ApiProperty({ example: '2026-12-03T10:15:01.204Z' })
  createdAt!: Date;
}

export class InboundMessagePageDto {
  @ApiProperty({ type: [InboundMessageDto] })
  data!: InboundMessageDto[];

  @ApiProperty({ example: 'aW4xfDIwMjYtMTItMDNUMTA6MTU6MDAuMDAwMDAwWnw3YzFk…', nullable: true, type: String })
  nextCursor!: string | null;
}

export class ConversationItemDto {
  @ApiProperty({ example: 'inbound', enum: ['outbound', 'inbound'] })
  direction!: 'outbound' | 'inbound';

  @ApiProperty({ example: 'inbound', enum: ['message', 'campaign', 'inbound'], description: 'A single message, a campaign or blast send, or a message received.' })
  kind!: 'message' | 'campaign' | 'inbound';

  @ApiProperty({ example: INBOUND_ID, description: "The message's id (a campaign send's is `r:<n>`)." })
  id!: string;

  @ApiProperty({ example: CHANNEL_ID })
  channelId!: string;

  @ApiProperty({
    example: '2026-12-03T10:15:00.000000Z',
    description: "Its place in time: a single message's creation, a campaign send's run start, an inbound message's arrival (microseconds).",
  })
  at!: string;

  @ApiProperty({ example: 'text', description: "The message's type (text, template, image, location, reaction…)." })
  type!: string;

  @ApiProperty({ example: 'Yes, please deliver tomorrow', nullable: true, type: String, description: 'The text or caption, when it has one.' })
  text!: string | null;

  @ApiProperty({ example: null, nullable: true, type: String, description: "Outbound: the template's name." })
  template!: string | null;

  @ApiProperty({ example: null, nullable: true, type: String, description: 'Outbound: the status (queued … delivered, read, failed).' })
  status!: string | null;

  @ApiProperty({ example: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUZGQjE0RDY1RTAyNjlBMzYxQQA=', nullable: true, type: String })
  providerMessageId!: string | null;

  @ApiProperty({ example: null, nullable: true, type: String })
  campaignId!: string | null;

  @ApiProperty({ example: null, nullable: true, type: String })
  runId!: string | null;

  @ApiProperty({ type: MessageDto, nullable: true, description: 'Outbound: the send as GET /v1/messages/:id shows it (statuses with their times, error, pricing).' })
  message!: MessageDto | null;

  @ApiProperty({ type: InboundMessageDto, nullable: true, description: 'Inbound: the message as GET /v1/inbound-messages/:id shows it.' })
  inbound!: InboundMessageDto | null;
}

export class ConversationPageDto {
  @ApiProperty({ example: '+919739978284', nullable: true, type: String, description: 'Null for a contact known only by a channel identity.' })
  number!: string | null;

  @ApiProperty({ example: '1042' })
  contactId!: string;

  @ApiProperty({ type: [ConversationItemDto], description: 'Newest first.' })
  data!: ConversationItemDto[];

  @ApiProperty({ example: 'WyJjMSIsIjIwMjYtMTItMDNUMTA6MTU6MDAuMDAwMDAwWiIsImluYm91bmQiLCI3YzFk…', nullable: true, type: String })
  nextCursor!: string | null;
}

export class ServiceWindowDto {
  @ApiProperty({ example: true, description: 'Free-form (non-template) messages may be sent now: the contact wrote within the last 24 hours.' })
  open!: boolean;

  @ApiProperty({ example: '2026-12-04T10:15:00.000Z', nullable: true, type: Date, description: 'When it closes (or closed); null when the contact never wrote to this channel.' })
  expiresAt!: Date | null;
}

export class ChannelMessageCountsDto {
  @ApiProperty({ example: 3, description: 'Single messages the provider accepted (delivered, read or failed later included).' })
  messagesSent!: number;

  @ApiProperty({ example: 1, description: 'Campaign and blast sends the provider accepted.' })
  campaignSent!: number;

  @ApiProperty({ example: 4 })
  totalSent!: number;

  @ApiProperty({ example: 5, description: 'Sends of any status, those never handed to the provider (queued, skipped, cancelled, expired) too.' })
  totalSends!: number;

  @ApiProperty({ example: 2, description: 'Messages received from the contact.' })
  received!: number;
}

export class ContactChannelDto {
  @ApiProperty({ example: CHANNEL_ID })
  channelId!: string;

  @ApiProperty({ example: 'Support line' })
  name!: string;

  @ApiProperty({ example: 'whatsapp' })
  type!: string;

  @ApiProperty({ example: '+1 555 010 0123', description: "The channel's own number." })
  displayPhoneNumber!: string;

  @ApiProperty({ example: 'active', description: "The channel's status." })
  status!: string;

  @ApiProperty({
    type: ChannelIdentifierDto,
    example: { type: 'phone_number', value: '+919739978284' },
    description:
      "The contact's identifier on this channel: `phone_number` on WhatsApp, `psid` on Messenger, `igsid` on Instagram, `chat_id` on Telegram; value null when Herald does not know it there yet.",
  })
  identifier!: ChannelIdentifierDto;

  @ApiPropertyOptional({
    type: UnreachableDto,
    example: { at: '2026-12-04T09:00:00.000Z', reason: 'Forbidden: bot was blocked by the user' },
    description: 'Present when the platform said the contact cannot be reached on this channel (sends there are skipped until they write again).',
  })
  unreachable?: UnreachableDto;

  @ApiProperty({ example: '2026-12-03T10:15:00.000Z', nullable: true, type: Date, description: 'When the contact last wrote to this channel.' })
  lastInboundAt!: Date | null;

  @ApiProperty({ type: ServiceWindowDto })
  serviceWindow!: ServiceWindowDto;

  @ApiProperty({ example: false, description: 'Opted out (workspace-wide: the same on every channel).' })
  optedOut!: boolean;

  @ApiProperty({ example: null, nullable: true, type: String, enum: ['marketing', 'all'], description: '`marketing`: no marketing sends; `all`: nothing at all.' })
  optOutScope!: string | null;

  @ApiProperty({ example: false, description: 'The provider said this number is not on WhatsApp; campaign runs skip it.' })
  notOnWhatsApp!: boolean;

  @ApiProperty({ type: ChannelMessageCountsDto })
  messages!: ChannelMessageCountsDto;
}

export class ContactChannelsDto {
  @ApiProperty({ example: '+919739978284', nullable: true, type: String, description: 'Null for a contact known only by a channel identity.' })
  number!: string | null;

  @ApiProperty({ example: '1042' })
  contactId!: string;

  @ApiProperty({ type: [ContactChannelDto], description: 'Every channel of the workspace.' })
  data!: ContactChannelDto[];
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Equals, IsIn, IsInt, IsString, IsUrl, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { CHANNEL_KINDS, MESSAGING_TIERS, type ChannelKind, type MessagingTier } from '@herald/channels';
import { IsOptionalNotNull } from '../http/optional.decorator';

const isWhatsApp = (o: { type?: unknown }) => o.type === 'whatsapp';
const isMeta = (o: { type?: unknown }) => o.type === 'messenger' || o.type === 'instagram';
const isTelegram = (o: { type?: unknown }) => o.type === 'telegram';

const DIGITS = /^[0-9]{1,64}$/;
const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

/**
 * A channel of any kind: WhatsApp (phoneNumberId, displayPhoneNumber, wabaId, accessToken, appSecret, verifyToken),
 * Messenger and Instagram (senderId, accessToken, appSecret, verifyToken; Instagram `login`), Telegram (botToken,
 * webhookSecret?). Fields of another kind are refused.
 */
export class CreateChannelDto {
  @ApiProperty({ example: 'whatsapp', enum: CHANNEL_KINDS })
  @IsIn(CHANNEL_KINDS)
  type!: ChannelKind;

  @ApiProperty({ example: 'Support line' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: '106540352242922', description: "WhatsApp: Meta's phone number id (digits)." })
  @ValidateIf(isWhatsApp)
  @Matches(DIGITS, { message: 'phoneNumberId must be the digits of a phone number id' })
  phoneNumberId?: string;

  @ApiPropertyOptional({ example: '+1 555 010 0123', description: 'WhatsApp: the number as shown.' })
  @ValidateIf(isWhatsApp)
  @IsString()
  @MinLength(3)
  @MaxLength(32)
  displayPhoneNumber?: string;

  @ApiPropertyOptional({ example: '102290129340398', description: 'WhatsApp: WhatsApp Business Account id (digits).' })
  @ValidateIf(isWhatsApp)
  @Matches(DIGITS, { message: 'wabaId must be the digits of a WhatsApp Business Account id' })
  wabaId?: string;

  @ApiPropertyOptional({ example: '109876543210987', description: 'Messenger: the Page id; Instagram: the Instagram professional account id (digits).' })
  @ValidateIf(isMeta)
  @Matches(DIGITS, { message: 'senderId must be the digits of a Page or Instagram account id' })
  senderId?: string;

  @ApiPropertyOptional({ example: 'instagram', enum: ['instagram', 'facebook'], description: 'Instagram: Instagram Login (graph.instagram.com, the default) or Facebook Login (graph.facebook.com).' })
  @ValidateIf((o: { type?: unknown; login?: unknown }) => o.type === 'instagram' && o.login !== undefined)
  @IsIn(['instagram', 'facebook'])
  login?: 'instagram' | 'facebook';

  @ApiPropertyOptional({ example: 'EAAG…', description: 'WhatsApp: system-user token; Messenger: Page token; Instagram: account token. Stored encrypted, never returned.' })
  @ValidateIf((o: { type?: unknown }) => !isTelegram(o))
  @IsString()
  @MinLength(8)
  @MaxLength(1000)
  accessToken?: string;

  @ApiPropertyOptional({ example: 'f3c1…', description: 'WhatsApp, Messenger, Instagram: the app secret that signs webhooks. Stored encrypted, never returned.' })
  @ValidateIf((o: { type?: unknown }) => !isTelegram(o))
  @IsString()
  @MinLength(8)
  @MaxLength(200)
  appSecret?: string;

  @ApiPropertyOptional({ example: 'my-verify-token', description: "WhatsApp, Messenger, Instagram: answers Meta's webhook verification. Stored encrypted, never returned." })
  @ValidateIf((o: { type?: unknown }) => !isTelegram(o))
  @IsString()
  @MinLength(8)
  @MaxLength(200)
  verifyToken?: string;

  @ApiPropertyOptional({ example: '7123456789:AAHk3v…', description: "Telegram: the bot's token from @BotFather. Stored encrypted, never returned." })
  @ValidateIf(isTelegram)
  @Matches(/^[0-9]{1,20}:[A-Za-z0-9_-]{20,200}$/, { message: 'botToken must be a bot token as @BotFather gives it (<bot id>:<secret>)' })
  botToken?: string;

  @ApiPropertyOptional({ example: 'k3v9-Qx_2', description: 'Telegram: the secret Telegram echoes in X-Telegram-Bot-Api-Secret-Token (1-256 of A-Z a-z 0-9 _ -); made when absent.' })
  @ValidateIf((o: { type?: unknown; webhookSecret?: unknown }) => isTelegram(o) && o.webhookSecret !== undefined)
  @Matches(/^[A-Za-z0-9_-]{1,256}$/, { message: 'webhookSecret must be 1-256 of A-Z, a-z, 0-9, _ and -' })
  webhookSecret?: string;

  @ApiPropertyOptional({ example: 'https://api.telegram.org', description: 'Telegram: the Bot API root (default https://api.telegram.org; a simulator or local Bot API server otherwise).' })
  @ValidateIf((o: { type?: unknown; apiBaseUrl?: unknown }) => isTelegram(o) && o.apiBaseUrl !== undefined)
  @IsUrl(URL_OPTIONS, { message: 'apiBaseUrl must be an http(s) URL' })
  @MaxLength(300)
  apiBaseUrl?: string;

  @ApiPropertyOptional({ example: 'https://graph.facebook.com/v26.0', description: 'Graph API root including its version (WhatsApp, Messenger, Instagram); default from WHATSAPP_GRAPH_VERSION.' })
  @IsOptionalNotNull()
  @IsUrl(URL_OPTIONS, { message: 'graphBaseUrl must be an http(s) URL' })
  @MaxLength(300)
  graphBaseUrl?: string;

  @ApiPropertyOptional({ example: 80, description: 'Send rate (1-1000 per second); default 80 WhatsApp, 300 Messenger and Instagram, 30 Telegram.' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(1000)
  messagesPerSecond?: number;

  @ApiPropertyOptional({ example: '2000', enum: MESSAGING_TIERS, description: 'WhatsApp: unique recipients per rolling 24 h; default 250.' })
  @IsOptionalNotNull()
  @IsIn([...MESSAGING_TIERS, 250, 2000, 10000, 100000])
  messagingTier?: MessagingTier | number;
}

/** The fields each kind of channel takes beside type, name, graphBaseUrl and messagesPerSecond. */
export const CHANNEL_FIELDS: Readonly<Record<ChannelKind, readonly string[]>> = {
  whatsapp: ['phoneNumberId', 'displayPhoneNumber', 'wabaId', 'accessToken', 'appSecret', 'verifyToken', 'messagingTier'],
  messenger: ['senderId', 'accessToken', 'appSecret', 'verifyToken'],
  instagram: ['senderId', 'login', 'accessToken', 'appSecret', 'verifyToken'],
  telegram: ['botToken', 'webhookSecret', 'apiBaseUrl'],
};

export class UpdateChannelDto {
  @ApiPropertyOptional({ example: 'Support line (EU)' })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: '106540352242922' })
  @IsOptionalNotNull()
  @Matches(DIGITS, { message: 'phoneNumberId must be the digits of a phone number id' })
  phoneNumberId?: string;

  @ApiPropertyOptional({ example: '+1 555 010 0123' })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(3)
  @MaxLength(32)
  displayPhoneNumber?: string;

  @ApiPropertyOptional({ example: '102290129340398' })
  @IsOptionalNotNull()
  @Matches(DIGITS, { message: 'wabaId must be the digits of a WhatsApp Business Account id' })
  wabaId?: string;

  @ApiPropertyOptional({ example: 'EAAG…', description: 'A new access token; reactivates a paused channel.' })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(8)
  @MaxLength(1000)
  accessToken?: string;

  @ApiPropertyOptional({ example: 'f3c1…' })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(8)
  @MaxLength(200)
  appSecret?: string;

  @ApiPropertyOptional({ example: 'my-verify-token' })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(8)
  @MaxLength(200)
  verifyToken?: string;

  @ApiPropertyOptional({ example: 'https://graph.facebook.com/v26.0' })
  @IsOptionalNotNull()
  @IsUrl(URL_OPTIONS, { message: 'graphBaseUrl must be an http(s) URL' })
  @MaxLength(300)
  graphBaseUrl?: string;

  @ApiPropertyOptional({ example: 1000 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(1000)
  messagesPerSecond?: number;

  @ApiPropertyOptional({ example: '10000', enum: MESSAGING_TIERS })
  @IsOptionalNotNull()
  @IsIn([...MESSAGING_TIERS, 250, 2000, 10000, 100000])
  messagingTier?: MessagingTier | number;

  @ApiPropertyOptional({ example: true, description: 'Make this the default channel of the workspace.' })
  @IsOptionalNotNull()
  @Equals(true, { message: 'isDefault can only be set to true (make another channel the default to change it)' })
  isDefault?: true;
}

export class ChannelDto {
  @ApiProperty({ example: '5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a10' })
  id!: string;

  @ApiProperty({ example: 'whatsapp', enum: CHANNEL_KINDS })
  type!: string;

  @ApiProperty({ example: 'Support line' })
  name!: string;

  @ApiProperty({ example: '106540352242922', description: 'WhatsApp: the phone number id (for other kinds, the same as senderId).' })
  phoneNumberId!: string;

  @ApiProperty({ example: '106540352242922', description: 'Who sends on the platform: phone number id, Page id, Instagram account id or Telegram bot id.' })
  senderId!: string;

  @ApiProperty({ example: '+1 555 010 0123', description: "WhatsApp: the number as shown; Messenger/Instagram: the Page's or account's name; Telegram: @username." })
  displayPhoneNumber!: string;

  @ApiProperty({ example: '102290129340398' })
  wabaId!: string;

  @ApiProperty({ example: 'https://graph.facebook.com/v26.0' })
  graphBaseUrl!: string;

  @ApiProperty({ example: 80 })
  messagesPerSecond!: number;

  @ApiProperty({ example: '250', enum: MESSAGING_TIERS })
  messagingTier!: string;

  @ApiProperty({ example: true })
  isDefault!: boolean;

  @ApiProperty({ example: 'active', enum: ['active', 'paused'] })
  status!: string;

  @ApiProperty({ example: null, nullable: true, type: String, description: 'Why the channel is paused (e.g. 190 access token expired).' })
  statusReason!: string | null;

  @ApiProperty({ example: false, description: "Read from the provider: marketing templates go through Meta's Marketing Messages API." })
  marketingMessages!: boolean;

  @ApiProperty({
    example: '805021500648488',
    nullable: true,
    type: String,
    description:
      "Read from the provider: the business portfolio that owns the WABA (Meta's `owner_business_info`). Meta's messaging limit is per portfolio, so channels of one portfolio share one count of unique users per 24 h; null until read (the WABA's count applies until then).",
  })
  businessPortfolioId!: string | null;

  @ApiProperty({
    example: '2026-12-02T09:00:00.000Z',
    nullable: true,
    type: Date,
    description:
      'When the messaging tier, the marketing route and the business portfolio were last read from the provider (null: not yet; the typed-in tier applies until then).',
  })
  limitsReadAt!: Date | null;

  @ApiProperty({ example: '/webhooks/whatsapp/5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a10', description: "Give Meta the API's public URL followed by this path." })
  webhookPath!: string;

  @ApiProperty({ example: '2026-11-21T08:00:00.000Z' })
  createdAt!: Date;

  @ApiProperty({ example: '2026-11-21T08:00:00.000Z' })
  updatedAt!: Date;
}

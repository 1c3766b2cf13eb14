import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Equals, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { MESSAGING_TIERS, type MessagingTier } from '@herald/channels';

const DIGITS = /^[0-9]{1,64}$/;
const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

export class CreateChannelDto {
  @ApiProperty({ example: 'whatsapp', enum: ['whatsapp'] })
  @IsIn(['whatsapp'])
  type!: 'whatsapp';

  @ApiProperty({ example: 'Support line' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: '106540352242922', description: "Meta's phone number id (digits)." })
  @Matches(DIGITS, { message: 'phoneNumberId must be the digits of a phone number id' })
  phoneNumberId!: string;

  @ApiProperty({ example: '+1 555 010 0123' })
  @IsString()
  @MinLength(3)
  @MaxLength(32)
  displayPhoneNumber!: string;

  @ApiProperty({ example: '102290129340398', description: 'WhatsApp Business Account id (digits).' })
  @Matches(DIGITS, { message: 'wabaId must be the digits of a WhatsApp Business Account id' })
  wabaId!: string;

  @ApiProperty({ example: 'EAAG…', description: 'System-user access token. Stored encrypted, never returned.' })
  @IsString()
  @MinLength(8)
  @MaxLength(1000)
  accessToken!: string;

  @ApiProperty({ example: 'f3c1…', description: 'App secret that signs webhooks. Stored encrypted, never returned.' })
  @IsString()
  @MinLength(8)
  @MaxLength(200)
  appSecret!: string;

  @ApiProperty({ example: 'my-verify-token', description: "Answers Meta's webhook verification. Stored encrypted, never returned." })
  @IsString()
  @MinLength(8)
  @MaxLength(200)
  verifyToken!: string;

  @ApiPropertyOptional({ example: 'https://graph.facebook.com/v26.0', description: 'Graph API root including its version; default from WHATSAPP_GRAPH_VERSION.' })
  @IsOptional()
  @IsUrl(URL_OPTIONS, { message: 'graphBaseUrl must be an http(s) URL' })
  @MaxLength(300)
  graphBaseUrl?: string;

  @ApiPropertyOptional({ example: 80, description: 'Throughput of the number (1-1000 messages per second); default 80.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  messagesPerSecond?: number;

  @ApiPropertyOptional({ example: '2000', enum: MESSAGING_TIERS, description: 'Unique recipients per rolling 24 h; default 250.' })
  @IsOptional()
  @IsIn([...MESSAGING_TIERS, 250, 2000, 10000, 100000])
  messagingTier?: MessagingTier | number;
}

export class UpdateChannelDto {
  @ApiPropertyOptional({ example: 'Support line (EU)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: '106540352242922' })
  @IsOptional()
  @Matches(DIGITS, { message: 'phoneNumberId must be the digits of a phone number id' })
  phoneNumberId?: string;

  @ApiPropertyOptional({ example: '+1 555 010 0123' })
  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(32)
  displayPhoneNumber?: string;

  @ApiPropertyOptional({ example: '102290129340398' })
  @IsOptional()
  @Matches(DIGITS, { message: 'wabaId must be the digits of a WhatsApp Business Account id' })
  wabaId?: string;

  @ApiPropertyOptional({ example: 'EAAG…', description: 'A new access token; reactivates a paused channel.' })
  @IsOptional()
  @IsString()
  @MinLength(8)
  @MaxLength(1000)
  accessToken?: string;

  @ApiPropertyOptional({ example: 'f3c1…' })
  @IsOptional()
  @IsString()
  @MinLength(8)
  @MaxLength(200)
  appSecret?: string;

  @ApiPropertyOptional({ example: 'my-verify-token' })
  @IsOptional()
  @IsString()
  @MinLength(8)
  @MaxLength(200)
  verifyToken?: string;

  @ApiPropertyOptional({ example: 'https://graph.facebook.com/v26.0' })
  @IsOptional()
  @IsUrl(URL_OPTIONS, { message: 'graphBaseUrl must be an http(s) URL' })
  @MaxLength(300)
  graphBaseUrl?: string;

  @ApiPropertyOptional({ example: 1000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  messagesPerSecond?: number;

  @ApiPropertyOptional({ example: '10000', enum: MESSAGING_TIERS })
  @IsOptional()
  @IsIn([...MESSAGING_TIERS, 250, 2000, 10000, 100000])
  messagingTier?: MessagingTier | number;

  @ApiPropertyOptional({ example: true, description: 'Make this the default channel of the workspace.' })
  @IsOptional()
  @Equals(true, { message: 'isDefault can only be set to true (make another channel the default to change it)' })
  isDefault?: true;
}

export class ChannelDto {
  @ApiProperty({ example: '5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a10' })
  id!: string;

  @ApiProperty({ example: 'whatsapp' })
  type!: string;

  @ApiProperty({ example: 'Support line' })
  name!: string;

  @ApiProperty({ example: '106540352242922' })
  phoneNumberId!: string;

  @ApiProperty({ example: '+1 555 010 0123' })
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

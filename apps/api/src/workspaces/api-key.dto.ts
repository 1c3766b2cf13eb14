import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsDefined, IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';

const ALLOWED_CHANNELS_DOC =
  'The channels this key may send from, each by its id or its display phone number; null (or absent on creation): every channel of the workspace. A send from another channel is refused with 403 key_not_allowed.';

export class ApiKeyDto {
  @ApiProperty({ example: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f' })
  id!: string;

  @ApiProperty({
    example: 'hrldpk_Xq3b7Jk2LmN9pQrStUvWx0yZ',
    description: "The key's public id (not a secret). With the key it forms a pair: `Authorization: Basic base64(<publicId>:<key>)` (EngageLab's dev_key:dev_secret).",
  })
  publicId!: string;

  @ApiProperty({ example: 'hrld_Q2hhbm', description: 'The first characters of the key, to tell keys apart.' })
  prefix!: string;

  @ApiProperty({ example: ['0b5f3a2e-8a4f-4a8e-9a57-5d1c0e2f7b11'], nullable: true, type: [String], description: 'The channels this key may send from; null: every channel.' })
  allowedChannelIds!: string[] | null;

  @ApiProperty({ example: '2026-11-21T08:00:00.000Z' })
  createdAt!: Date;

  @ApiProperty({ example: '2026-11-21T09:30:00.000Z', nullable: true, type: String })
  lastUsedAt!: Date | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ example: 'hrld_Q2hhbmdlTWVQbGVhc2VUaGlzSXNOb3RBUmVhbEtleTEyMw', description: 'Shown once; store it now.' })
  apiKey!: string;
}

export class CreateApiKeyDto {
  @ApiPropertyOptional({ example: ['+1 555 010 0123'], nullable: true, type: [String], description: ALLOWED_CHANNELS_DOC })
  @ValidateIf((o: CreateApiKeyDto) => o.allowedChannels !== undefined && o.allowedChannels !== null)
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(64, { each: true })
  allowedChannels?: string[] | null;
}

export class UpdateApiKeyDto {
  @ApiProperty({ example: ['0b5f3a2e-8a4f-4a8e-9a57-5d1c0e2f7b11'], nullable: true, type: [String], description: ALLOWED_CHANNELS_DOC })
  @IsDefined({ message: 'allowedChannels is required (an array of channels, or null for every channel)' })
  @ValidateIf((o: UpdateApiKeyDto) => o.allowedChannels !== null)
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(64, { each: true })
  allowedChannels!: string[] | null;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, registerDecorator, type ValidationArguments } from 'class-validator';
import { IsOptionalNotNull } from '../http/optional.decorator';

/** A contact attribute's value: a string, a number or a boolean. */
const ATTRIBUTE_VALUE = { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] };
const ATTRIBUTES_EXAMPLE = { city: 'Bengaluru', tier: 2, vip: true };
const MAX_NUMBER_LENGTH = 40;

/**
 * A contact's number as one rule with one message: a body without it is told that the number is required (not that
 * it "must be shorter than or equal to 40 characters", which is what the length rule says about a missing value).
 */
function IsContactNumber(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isContactNumber',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => typeof value === 'string' && value.trim() !== '' && value.length <= MAX_NUMBER_LENGTH,
        defaultMessage: ({ value, property }: ValidationArguments) => {
          if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
            return `${property} is required: the contact's phone number, e.g. "+14155550123"`;
          }
          if (typeof value !== 'string') return `${property} must be a phone number as a string, e.g. "+14155550123"`;
          return `${property} must be at most ${MAX_NUMBER_LENGTH} characters`;
        },
      },
    });
}

export class UpsertContactDto {
  @ApiProperty({ example: '+91 97399 78284', description: 'Any common form; stored as E.164.', maxLength: MAX_NUMBER_LENGTH })
  @IsContactNumber()
  number!: string;

  @ApiPropertyOptional({ example: 'Asha Rao', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: ATTRIBUTE_VALUE,
    example: ATTRIBUTES_EXAMPLE,
    description: 'Strings, numbers or booleans; merged into existing attributes.',
  })
  @IsOptionalNotNull()
  @IsObject()
  attributes?: Record<string, string | number | boolean>;

  @ApiPropertyOptional({ example: 'Asia/Kolkata', description: "IANA zone; derived from the number's country when absent." })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(64)
  timezone?: string;

  @ApiPropertyOptional({ example: 'IN', description: 'Country (ISO 3166 alpha-2) for numbers written without a country code.' })
  @IsOptionalNotNull()
  @IsString()
  @Matches(/^[A-Za-z]{2}$/, { message: 'defaultCountry must be a two-letter country code' })
  defaultCountry?: string;
}

export class PatchContactDto {
  @ApiPropertyOptional({ example: 'Asha R.', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { ...ATTRIBUTE_VALUE, nullable: true },
    example: { tier: 3, city: null },
    description: 'Merged into the attributes; a key set to null is removed.',
  })
  @IsOptional()
  @IsObject()
  attributes?: Record<string, string | number | boolean | null>;

  @ApiPropertyOptional({ example: 'Europe/London' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(64)
  timezone?: string;
}

export class PageQueryDto {
  @ApiPropertyOptional({ example: 100, minimum: 1, maximum: 1000, default: 100 })
  @IsOptionalNotNull()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ example: 'YzoxMDA', description: 'nextCursor from the previous page.' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(64)
  cursor?: string;
}

export class SearchContactsDto extends PageQueryDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { 'attributes.city': 'Bengaluru', name: { $exists: true }, audience: 'vip' },
    description:
      'Keys AND together. `name`, `number`, `attributes.<key>`: a value (equality), {"$in": [...]}, or {"$exists": bool}; ' +
      '`audience`: an audience id ("all" = every contact); `optedOut`: boolean.',
  })
  @IsObject()
  searchSpec!: Record<string, unknown>;
}

export class ContactDto {
  @ApiProperty({ example: '1042', description: "Herald's id of the contact; a message may name it as contactId." })
  id!: string;

  @ApiProperty({ example: '+919739978284', nullable: true, type: String, description: 'Null for a contact known only by a channel identity (a Messenger PSID, a Telegram chat id).' })
  number!: string | null;

  @ApiProperty({ example: 'Asha Rao', nullable: true, type: String })
  name!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: ATTRIBUTE_VALUE, example: ATTRIBUTES_EXAMPLE })
  attributes!: Record<string, string | number | boolean>;

  @ApiProperty({ example: 'Asia/Kolkata' })
  timezone!: string;

  @ApiProperty({ example: false })
  optedOut!: boolean;

  @ApiProperty({ example: null, nullable: true, type: String, format: 'date-time' })
  optedOutAt!: Date | null;

  @ApiProperty({ example: null, nullable: true, enum: ['api', 'import', 'inbound', 'provider'] })
  optOutSource!: string | null;

  @ApiProperty({ example: null, nullable: true, enum: ['marketing', 'all'], description: 'What the opt-out covers: marketing sends only, or all.' })
  optOutScope!: string | null;

  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'When the provider said this number cannot receive WhatsApp messages (error 131026); campaign runs skip it.',
  })
  notOnWhatsAppAt!: Date | null;

  @ApiProperty({ example: '2026-11-21T08:00:00.000Z' })
  createdAt!: Date;

  @ApiProperty({ example: '2026-11-21T08:00:00.000Z' })
  updatedAt!: Date;
}

export class ContactPageDto {
  @ApiProperty({ type: [ContactDto] })
  data!: ContactDto[];

  @ApiProperty({ example: 'YzoxMDA', nullable: true, type: String })
  nextCursor!: string | null;
}

export class SetIdentityDto {
  @ApiProperty({ example: '6543210987654321', description: 'The PSID (Messenger), IGSID (Instagram) or chat id (Telegram): 1-64 of A-Z a-z 0-9 _ - (a leading - for Telegram group chats).' })
  @Matches(/^-?[A-Za-z0-9_-]{1,64}$/, { message: 'identity must be 1-64 of A-Z, a-z, 0-9, _ and -' })
  identity!: string;
}

export class ContactIdentityDto {
  @ApiProperty({ example: '5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a10' })
  channelId!: string;

  @ApiProperty({ example: '6543210987654321' })
  identity!: string;

  @ApiProperty({ example: 'inbound', enum: ['inbound', 'api'], description: "inbound: learned from the user's message; api: set through the API." })
  source!: 'inbound' | 'api';

  @ApiProperty({ example: null, nullable: true, type: Date, description: 'When the platform said the contact cannot be reached here (blocked, never started).' })
  unreachableAt!: Date | null;

  @ApiProperty({ example: null, nullable: true, type: String })
  unreachableReason!: string | null;

  @ApiProperty({ example: '2026-12-04T09:00:00.000Z' })
  createdAt!: Date;

  @ApiProperty({ example: '2026-12-04T09:00:00.000Z' })
  updatedAt!: Date;
}

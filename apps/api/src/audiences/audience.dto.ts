import { ApiProperty, ApiPropertyOptional, IntersectionType, type SchemaObject } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { InvalidEntryDto } from '../http/invalid-entry.dto';
import { IsOptionalNotNull } from '../http/optional.decorator';

const CONTACTS_EXAMPLE = [
  { number: '+919739978284', name: 'Asha Rao', city: 'Bengaluru' },
  { number: '+447911123456', name: 'Tom', city: 'Leeds', tier: 2 },
];

/** One contact to add: its number, an optional name, and any other key as an attribute (string, number or boolean). */
const CONTACT_ROW_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['number'],
  properties: { number: { type: 'string', example: '+919739978284' }, name: { type: 'string', example: 'Asha Rao' } },
  additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
};

export class CreateAudienceDto {
  @ApiPropertyOptional({ example: 'vip-customers', description: 'Letters, digits, - and _; generated when absent. "all" is reserved.' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(64)
  id?: string;

  @ApiProperty({ example: 'VIP customers' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: 'Spent over 10k this year', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional({
    example: CONTACTS_EXAMPLE,
    description: 'Contacts to add: {number, name?, ...attributes}. At most 10,000; import CSV for more.',
    type: 'array',
    items: CONTACT_ROW_SCHEMA,
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(10_000)
  contacts?: unknown[];
}

export class AddContactsDto {
  @ApiProperty({ example: CONTACTS_EXAMPLE, type: 'array', items: CONTACT_ROW_SCHEMA, description: '{number, name?, ...attributes}; at most 10,000.' })
  @IsArray()
  @ArrayMaxSize(10_000)
  contacts!: unknown[];
}

export class MembershipResultDto {
  @ApiProperty({ example: 2 })
  added!: number;

  @ApiProperty({ example: 0 })
  alreadyMembers!: number;

  @ApiProperty({ type: [InvalidEntryDto] })
  invalid!: InvalidEntryDto[];
}

export class AudienceDto {
  @ApiProperty({ example: 'vip-customers' })
  id!: string;

  @ApiProperty({ example: 'VIP customers' })
  name!: string;

  @ApiProperty({ example: 'Spent over 10k this year', nullable: true, type: String })
  description!: string | null;

  @ApiProperty({ example: 1520 })
  size!: number;

  @ApiProperty({ example: '2026-11-21T08:00:00.000Z', nullable: true, type: String })
  createdAt!: Date | null;

  @ApiProperty({ example: '2026-11-21T08:00:00.000Z', nullable: true, type: String })
  updatedAt!: Date | null;
}

export class CreatedAudienceDto extends IntersectionType(AudienceDto, MembershipResultDto) {}

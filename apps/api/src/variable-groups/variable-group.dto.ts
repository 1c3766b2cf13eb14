import { ApiProperty, ApiPropertyOptional, IntersectionType, type SchemaObject } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '../contacts/contact.dto';
import { InvalidEntryDto } from '../http/invalid-entry.dto';
import { IsOptionalNotNull } from '../http/optional.decorator';

const VALUES_EXAMPLE = [
  { number: '+919739978284', first_name: 'Asha', due_date: '2026-12-01' },
  { number: '+447911123456', first_name: 'Tom', due_date: '2026-12-05' },
];

/** One recipient's values: its number and a value per field of the group. */
const VALUE_ROW_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['number'],
  properties: { number: { type: 'string', example: '+919739978284' } },
  additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
};

export class CreateVariableGroupDto {
  @ApiProperty({ example: 'billing', description: 'Letters, digits, - and _.' })
  @IsString()
  @MaxLength(64)
  id!: string;

  @ApiProperty({ example: 'Billing details' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: 'Values for payment reminders', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiProperty({ example: ['first_name', 'due_date'], description: 'Field names: letters, digits and _.' })
  @IsArray()
  @ArrayMaxSize(50)
  fields!: string[];

  @ApiPropertyOptional({ example: VALUES_EXAMPLE, type: 'array', items: VALUE_ROW_SCHEMA, description: '{number, <field>: value, ...}; at most 10,000.' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(10_000)
  values?: unknown[];
}

export class UpsertValuesDto {
  @ApiProperty({ example: VALUES_EXAMPLE, type: 'array', items: VALUE_ROW_SCHEMA, description: '{number, <field>: value, ...}; at most 10,000.' })
  @IsArray()
  @ArrayMaxSize(10_000)
  values!: unknown[];
}

export class ValuesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '+919739978284', description: 'Only this contact’s row.' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(40)
  number?: string;
}

export class ValuesResultDto {
  @ApiProperty({ example: 2 })
  added!: number;

  @ApiProperty({ example: 0 })
  updated!: number;

  @ApiProperty({ type: [InvalidEntryDto] })
  invalid!: InvalidEntryDto[];
}

export class VariableGroupDto {
  @ApiProperty({ example: 'billing' })
  id!: string;

  @ApiProperty({ example: 'Billing details' })
  name!: string;

  @ApiProperty({ example: 'Values for payment reminders', nullable: true, type: String })
  description!: string | null;

  @ApiProperty({ example: ['first_name', 'due_date'] })
  fields!: string[];

  @ApiProperty({ example: 2 })
  size!: number;
}

export class CreatedVariableGroupDto extends IntersectionType(VariableGroupDto, ValuesResultDto) {}

export class ValuePageDto {
  @ApiProperty({ example: VALUES_EXAMPLE, type: 'array', items: VALUE_ROW_SCHEMA })
  data!: Array<Record<string, string | number | boolean>>;

  @ApiProperty({ example: null, nullable: true, type: String })
  nextCursor!: string | null;
}

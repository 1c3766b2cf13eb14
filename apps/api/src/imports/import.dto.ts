import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { IsOptionalNotNull } from '../http/optional.decorator';

/** The file's encoding, for one that is not UTF-8 and has no byte order mark (`csvEncoding` reads it). */
const EncodingField = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      example: 'windows-1252',
      description:
        "The file's encoding when it is not UTF-8 and has no byte order mark (UTF-16 with one is read as such): windows-1252 (Excel's CSV on Windows), iso-8859-15, shift_jis or another WHATWG label. Also as the charset of a text/csv body.",
    }),
    IsOptionalNotNull(),
    IsString(),
    MaxLength(40),
  );

export class AudienceImportQueryDto {
  @ApiPropertyOptional({ example: 'Spring leads', description: 'Creates the audience with this name when it does not exist.' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: 'IN', description: 'Country for numbers written without a country code.' })
  @IsOptionalNotNull()
  @Matches(/^[A-Za-z]{2}$/, { message: 'defaultCountry must be a two-letter country code' })
  defaultCountry?: string;

  @EncodingField()
  encoding?: string;
}

export class VariableGroupImportQueryDto {
  @ApiPropertyOptional({ example: 'billing', description: 'The group id (required; in the form or the query).' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(64)
  id?: string;

  @ApiPropertyOptional({ example: 'Billing details', description: 'Creates the group with this name when it does not exist.' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: 'Values for payment reminders' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ example: 'billing-contacts', description: "Also add the group's contacts to this audience (created if missing)." })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(64)
  audienceId?: string;

  @ApiPropertyOptional({ example: 'IN' })
  @IsOptionalNotNull()
  @Matches(/^[A-Za-z]{2}$/, { message: 'defaultCountry must be a two-letter country code' })
  defaultCountry?: string;

  @EncodingField()
  encoding?: string;
}

export class ImportAcceptedDto {
  @ApiProperty({ example: '3f0c1f0e-8a61-4f64-9c43-6f1f9c1e2a77' })
  importId!: string;
}

class ImportErrorDto {
  @ApiProperty({ example: 7, description: 'Row as a spreadsheet numbers it (the header is row 1).' })
  row!: number;

  @ApiProperty({ example: '12345', nullable: true, type: String })
  number!: string | null;

  @ApiProperty({ example: 'not a valid phone number for +1' })
  reason!: string;
}

export class ImportTargetDto {
  @ApiPropertyOptional({ example: 'spring-leads', description: 'Contacts import: the audience they join.' })
  audienceId?: string;

  @ApiPropertyOptional({ example: 'Spring leads', description: 'The name the audience is created with when it does not exist.' })
  audienceName?: string;

  @ApiPropertyOptional({ example: 'billing', description: "Variable group import: the group whose values it sets." })
  groupId?: string;

  @ApiPropertyOptional({ example: 'Billing details' })
  groupName?: string;

  @ApiPropertyOptional({ example: 'Values for payment reminders' })
  groupDescription?: string;

  @ApiPropertyOptional({ example: 'IN', description: 'Country for numbers written without a country code.' })
  defaultCountry?: string;
}

export class ImportDto {
  @ApiProperty({ example: '3f0c1f0e-8a61-4f64-9c43-6f1f9c1e2a77' })
  id!: string;

  @ApiProperty({ example: 'audience_contacts', enum: ['audience_contacts', 'variable_group_values'] })
  kind!: string;

  @ApiProperty({ type: ImportTargetDto, example: { audienceId: 'spring-leads' } })
  target!: ImportTargetDto;

  @ApiProperty({ example: 'completed', enum: ['queued', 'running', 'completed', 'failed'] })
  status!: string;

  @ApiProperty({ example: 10000 })
  rowsRead!: number;

  @ApiProperty({ example: 9850, description: 'New contacts (audience imports) or new value rows (variable groups).' })
  imported!: number;

  @ApiProperty({ example: 40 })
  updated!: number;

  @ApiProperty({ example: 100 })
  invalid!: number;

  @ApiProperty({ example: 10, description: 'Rows that repeated an earlier number of the file (the last one wins).' })
  duplicates!: number;

  @ApiProperty({ type: [ImportErrorDto], description: 'The first 1,000 invalid rows.' })
  errors!: ImportErrorDto[];

  @ApiProperty({ example: null, nullable: true, type: String })
  failure!: string | null;

  @ApiProperty({ example: '2026-11-21T08:00:00.000Z' })
  createdAt!: Date;

  @ApiProperty({ example: '2026-11-21T08:00:01.000Z', nullable: true, type: String })
  startedAt!: Date | null;

  @ApiProperty({ example: '2026-11-21T08:00:09.000Z', nullable: true, type: String })
  completedAt!: Date | null;
}

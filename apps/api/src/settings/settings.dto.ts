import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';

export class FrequencyCapDto {
  @ApiProperty({ example: 2, type: 'integer', minimum: 1 })
  messages!: number;

  @ApiProperty({ example: 7, type: 'integer', minimum: 1 })
  days!: number;
}

export class QuietHoursDto {
  @ApiProperty({ example: '21:00', pattern: '^\\d{2}:\\d{2}$', description: 'Local time HH:mm.' })
  start!: string;

  @ApiProperty({ example: '08:00', pattern: '^\\d{2}:\\d{2}$' })
  end!: string;

  @ApiProperty({ type: [Number], example: [1, 2, 3, 4, 5, 6, 7], description: 'The days the quiet hours start on (ISO, 1 = Monday).' })
  days!: number[];

  @ApiProperty({ example: 'recipient', description: '`recipient` (their local time, from the number) or an IANA zone.' })
  timezone!: string;
}

/** UTM parameters added to tracked links' destinations. */
export class UtmDto {
  @ApiPropertyOptional({ example: 'whatsapp', maxLength: 100 })
  source?: string;

  @ApiPropertyOptional({ example: 'message', maxLength: 100 })
  medium?: string;

  @ApiPropertyOptional({ example: 'spring', maxLength: 100 })
  campaign?: string;

  @ApiPropertyOptional({ example: 'banner', maxLength: 100 })
  content?: string;

  @ApiPropertyOptional({ example: 'jackets', maxLength: 100 })
  term?: string;
}

export class SettingsDto {
  @ApiProperty({
    type: FrequencyCapDto,
    example: { messages: 2, days: 7 },
    nullable: true,
    description:
      'At most `messages` marketing messages per contact in any `days` days — campaign recipients, and single messages sent with useFrequencyCapping — checked when each is sent; null: no cap.',
  })
  frequencyCap!: FrequencyCapDto | null;

  @ApiProperty({
    type: QuietHoursDto,
    example: { start: '21:00', end: '08:00', days: [1, 2, 3, 4, 5, 6, 7], timezone: 'recipient' },
    nullable: true,
    description:
      "Quiet hours: marketing sends wait until they end, in the recipient's local time (`timezone: \"recipient\"`) or a fixed IANA zone; `ignoreQuietHours` on a message or run overrides. null: none.",
  })
  quietHours!: QuietHoursDto | null;

  @ApiProperty({ example: false, description: 'Sends track their links unless a message, run or blast says otherwise (`trackLinks`).' })
  trackLinks!: boolean;

  @ApiProperty({
    type: UtmDto,
    example: { source: 'whatsapp', medium: 'message', campaign: 'spring' },
    nullable: true,
    description: "UTM parameters added to tracked links' destinations; a URL's own utm_* win. null: none.",
  })
  utm!: UtmDto | null;
}

/** The body of PATCH /v1/settings: any of the settings; a field left out keeps its value. */
export class UpdateSettingsDto extends PartialType(SettingsDto) {}

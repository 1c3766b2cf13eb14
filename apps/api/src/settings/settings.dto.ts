import { ApiProperty } from '@nestjs/swagger';

export class SettingsDto {
  @ApiProperty({
    example: { messages: 2, days: 7 },
    nullable: true,
    type: Object,
    description:
      'At most `messages` marketing messages per contact in any `days` days — campaign recipients, and single messages sent with useFrequencyCapping — checked when each is sent; null: no cap.',
  })
  frequencyCap!: { messages: number; days: number } | null;

  @ApiProperty({
    example: { start: '21:00', end: '08:00', days: [1, 2, 3, 4, 5, 6, 7], timezone: 'recipient' },
    nullable: true,
    type: Object,
    description:
      "Quiet hours: marketing sends wait until they end, in the recipient's local time (`timezone: \"recipient\"`) or a fixed IANA zone; `ignoreQuietHours` on a message or run overrides. `days`: the days the quiet hours start on (ISO, 1 = Monday). null: none.",
  })
  quietHours!: { start: string; end: string; days: number[]; timezone: string } | null;

  @ApiProperty({ example: false, description: 'Sends track their links unless a message, run or blast says otherwise (`trackLinks`).' })
  trackLinks!: boolean;

  @ApiProperty({
    example: { source: 'whatsapp', medium: 'message', campaign: 'spring' },
    nullable: true,
    type: Object,
    description: "UTM parameters added to tracked links' destinations (source, medium, campaign, content, term); a URL's own utm_* win. null: none.",
  })
  utm!: { source?: string; medium?: string; campaign?: string; content?: string; term?: string } | null;
}

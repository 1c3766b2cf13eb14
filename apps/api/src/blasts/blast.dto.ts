import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath, OmitType } from '@nestjs/swagger';
import { MESSAGING_TAGS } from '@herald/channels';
import { RUN_STATUSES } from '@herald/campaigns';
import {
  ButtonParamDto,
  CAMPAIGN_BUTTON,
  CampaignTemplateDto,
  COUNTS_BY_NAME,
  MediaHeaderDto,
  ResultsDto,
  RunCountsDto,
  RunWaitingDto,
  SEARCH_SPEC,
} from '../campaigns/campaign.dto';
import { UtmDto } from '../settings/settings.dto';

const BLAST_ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const RUN_ID = '7d1e2f3a-4b5c-4d6e-8f70-112233445566';

/** Documents POST /v1/blasts; the body itself is checked by the campaigns library's rules. */
@ApiExtraModels(ButtonParamDto)
export class CreateBlastDto {
  @ApiPropertyOptional({ example: 'Habit Run reminder', maxLength: 200, description: 'Default: "Blast of <template name>".' })
  title?: string;

  @ApiPropertyOptional({
    type: CampaignTemplateDto,
    example: { name: 'habit_run_confirmation_message', language: 'en' },
    description: "WhatsApp: an approved template of the channel's account. Give this or message.",
  })
  template?: CampaignTemplateDto;

  @ApiPropertyOptional({
    example: 'Hi {{name}}, the run starts at 7.',
    description:
      'Messenger, Instagram and Telegram (which have no templates): the blast\'s own message, with placeholders as a campaign\'s; `buttons` are then campaign buttons (input, journey, url) and `messagingTag` may carry it past the 24-hour window on Messenger and Instagram.',
  })
  message?: string;

  @ApiPropertyOptional({ example: 'ACCOUNT_UPDATE', enum: MESSAGING_TAGS, description: 'With message, on Messenger and Instagram: the message tag its sends carry.' })
  messagingTag?: string;

  @ApiPropertyOptional({ example: 'MARKETING', enum: ['MARKETING', 'UTILITY'], description: 'With message: what it is, for quiet hours, caps and opt-outs (default MARKETING).' })
  templateType?: string;

  @ApiPropertyOptional({
    ...SEARCH_SPEC,
    example: { name: 'Partha' },
    description: 'The contacts it goes to (as POST /v1/contacts/search): name, number, attributes.<key>, audience, optedOut; {} is every contact. Or audiences, not both.',
  })
  searchSpec?: Record<string, unknown>;

  @ApiPropertyOptional({ example: ['vip'], description: 'Audience ids (or ["all"]) instead of searchSpec.' })
  audiences?: string[];

  @ApiPropertyOptional({
    example: ['{{name}}', 'Habit Run November Edition', '24th Nov'],
    description: 'One per body variable, in order; placeholders {{name}}, {{number}}, {{attributes.key}} and {group.field} are filled per contact.',
  })
  params?: string[];

  @ApiPropertyOptional({
    type: MediaHeaderDto,
    example: { type: 'image', link: 'https://cdn.example.com/run.png' },
    description: "With template: the media header's link (ChitChatLabs' file).",
  })
  header?: MediaHeaderDto;

  @ApiPropertyOptional({
    type: 'array',
    maxItems: 10,
    items: { oneOf: [{ $ref: getSchemaPath(ButtonParamDto) }, ...CAMPAIGN_BUTTON.oneOf] },
    example: [{ index: 0, param: '{{attributes.ref}}' }],
    description: "With template: URL buttons ending in a variable, the button index and its parameter. With message: the blast's own buttons, as a campaign's.",
  })
  buttons?: Array<{ index: number; param: string } | { text: string; type: string }>;

  @ApiPropertyOptional({ example: ['test_tag_bulk'], description: 'Up to 10, carried to every send (GET /v1/messages?tag=). ChitChatLabs\' tag is read too.' })
  tags?: string[];

  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'integer' }], example: '2026-12-24T09:00:00+05:30', description: 'RFC 3339 with an offset or unix seconds, ≤ 35 days ahead; past or absent: now.' })
  scheduledFor?: string | number;

  @ApiPropertyOptional({ example: 86400, type: 'integer', description: 'Seconds from its start its recipients may still be sent (default 36 h, 10 min for authentication).' })
  validity?: number;

  @ApiPropertyOptional({ example: false, description: "Marketing sends go out during the workspace's quiet hours too." })
  ignoreQuietHours?: boolean;

  @ApiPropertyOptional({ example: '5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a10', description: "The sender; default: the workspace's default channel." })
  channelId?: string;

  @ApiPropertyOptional({ example: '+1 555 010 0123', description: 'The sender by its display number, instead of channelId.' })
  from?: string;

  @ApiPropertyOptional({ example: true, description: "Track the links of its sends; absent: the workspace's setting." })
  trackLinks?: boolean;

  @ApiPropertyOptional({ type: UtmDto, description: "UTM parameters of its tracked links; absent: the workspace's." })
  utm?: UtmDto;

  @ApiPropertyOptional({
    example: 'black-friday-gold-2026',
    maxLength: 128,
    description:
      'Your idempotency key, one per workspace: asked again with the same key (a retry after a timeout, a double submit), Herald answers the blast it made instead of sending another to every contact. A key used for a campaign, or for a blast since deleted: 409 request_id_used.',
  })
  requestId?: string;
}

export class BlastCreatedDto {
  @ApiProperty({ example: BLAST_ID }) blastId!: string;
  @ApiProperty({ example: RUN_ID }) runId!: string;
  @ApiProperty({ example: 'running', enum: RUN_STATUSES }) status!: string;
  @ApiProperty({ example: 1240, nullable: true, type: Number, description: 'Recipients fixed at its start (skipped ones included); null until it starts.' })
  recipients!: number | null;
  @ApiProperty({ example: '2026-11-21T09:00:00.000Z' }) timeToRun!: Date;
}

export class BlastTemplateDto {
  @ApiProperty({ example: 'habit_run_confirmation_message' }) name!: string;
  @ApiProperty({ example: 'en' }) language!: string;
  @ApiProperty({ example: 'MARKETING' }) category!: string;
  @ApiProperty({ example: 'APPROVED' }) status!: string;
  @ApiProperty({ example: null, nullable: true, type: String }) reason!: string | null;
}

/** A blast's results: its one run's, so without the count of runs. */
export class BlastResultsDto extends OmitType(ResultsDto, ['runs'] as const) {}

export class BlastDto {
  @ApiProperty({ example: BLAST_ID }) blastId!: string;
  @ApiProperty({ example: RUN_ID }) runId!: string;
  @ApiProperty({ example: 'Blast of habit_run_confirmation_message' }) title!: string;
  @ApiProperty({ example: '5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a10' }) channelId!: string;
  @ApiProperty({ type: BlastTemplateDto }) template!: BlastTemplateDto;
  @ApiProperty({ example: null, nullable: true, type: String, description: "A Messenger, Instagram or Telegram blast's own message; null for a template's blast." })
  message!: string | null;
  @ApiProperty({ type: [String], example: ['{{name}}', 'Habit Run November Edition'] }) params!: readonly string[];
  @ApiProperty({ type: MediaHeaderDto, example: null, nullable: true }) header!: MediaHeaderDto | null;
  @ApiProperty({ type: [ButtonParamDto], example: [], description: 'URL buttons ending in a variable: index and parameter as written.' })
  buttons!: readonly ButtonParamDto[];
  @ApiProperty({ ...SEARCH_SPEC, example: { name: 'Partha' }, nullable: true }) searchSpec!: Record<string, unknown> | null;
  @ApiProperty({ example: [] }) audiences!: string[];
  @ApiProperty({ example: ['test_tag_bulk'] }) tags!: string[];
  @ApiProperty({ example: 'running', enum: RUN_STATUSES }) status!: string;
  @ApiProperty({ example: '2026-11-21T09:00:00.000Z' }) timeToRun!: Date;
  @ApiProperty({ example: '2026-11-21T09:00:00.180Z', nullable: true, type: Date }) startedAt!: Date | null;
  @ApiProperty({ example: null, nullable: true, type: Date }) completedAt!: Date | null;
  @ApiProperty({ example: 1240, nullable: true, type: Number }) recipients!: number | null;
  @ApiProperty({ type: RunCountsDto }) counts!: RunCountsDto;
  @ApiProperty({ ...COUNTS_BY_NAME, example: { opted_out: 3 } }) skippedByReason!: Record<string, number>;
  @ApiProperty({ example: 0.42 }) progress!: number;
  @ApiProperty({ example: '2026-11-21T09:00:14.000Z', nullable: true, type: Date }) eta!: Date | null;
  @ApiProperty({ type: RunWaitingDto, nullable: true, example: null }) waiting!: RunWaitingDto | null;
  @ApiProperty({ example: null, nullable: true, type: String }) failureReason!: string | null;
  @ApiProperty({ type: BlastResultsDto }) results!: BlastResultsDto;
  @ApiProperty({ example: '2026-11-21T08:59:50.000Z' }) createdAt!: Date;
}

export class RetriedBlastDto extends BlastDto {
  @ApiProperty({ example: 14, description: 'Recipients sent again.' }) requeued!: number;
}

import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProduces, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { RECIPIENT_EXPORT_COLUMNS, RECIPIENT_STATUSES, RUN_STATUSES, TEMPLATE_PAUSED } from '@herald/campaigns';
import { WAIT_REASONS } from '@herald/sending';
import { oneOfBy } from '../messages/schema-union.util';
import { UtmDto } from '../settings/settings.dto';

/** Why a run waits: the send pipeline's reasons, and its template paused by Meta. */
export const RUN_WAIT_REASONS = [...WAIT_REASONS, TEMPLATE_PAUSED];

const RUN_ID = '7d1e2f3a-4b5c-4d6e-8f70-112233445566';
const CAMPAIGN_ID = '3f2a9c1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b';

/** A template the business already has on the channel's account. */
export class CampaignTemplateDto {
  @ApiProperty({ example: 'spring_banner', pattern: '^[a-z0-9_]{1,512}$' })
  name!: string;

  @ApiProperty({ example: 'en_US', description: 'Its language code, e.g. en or en_US.' })
  language!: string;
}

/** A template's media header: what it shows, from where. */
export class MediaHeaderDto {
  @ApiProperty({ example: 'image', enum: ['image', 'video', 'document'] })
  type!: 'image' | 'video' | 'document';

  @ApiProperty({ example: 'https://cdn.example.com/spring.png', maxLength: 2000, description: 'An http(s) URL.' })
  link!: string;
}

/** A URL button of an existing template whose link ends in a variable: the button's position and its parameter. */
export class ButtonParamDto {
  @ApiProperty({ example: 0, type: 'integer', minimum: 0, maximum: 9, description: "The button's position in the template." })
  index!: number;

  @ApiProperty({ example: '{{attributes.ref}}', description: 'Filled per recipient, as params are.' })
  param!: string;
}

/** A quick reply whose press is stored in the campaign's input group under `input`. */
export class CampaignInputButtonDto {
  @ApiProperty({ enum: ['input'], example: 'input' }) type!: 'input';
  @ApiProperty({ example: 'Yes, please', maxLength: 25, description: 'The label.' }) text!: string;
  @ApiProperty({ example: 'answer', pattern: '^[A-Za-z0-9_]{1,64}$', description: 'The field the reply is stored under.' }) input!: string;
  @ApiPropertyOptional({ example: 'yes', description: 'The text a press records instead of the label.' }) reply?: string;
}

/** A quick reply that starts a journey. */
export class CampaignJourneyButtonDto {
  @ApiProperty({ enum: ['journey'], example: 'journey' }) type!: 'journey';
  @ApiProperty({ example: 'Track order', maxLength: 25 }) text!: string;
  @ApiProperty({ example: 'track' }) journeyId!: string;
}

/** A call button. */
export class CampaignPhoneButtonDto {
  @ApiProperty({ enum: ['phone'], example: 'phone' }) type!: 'phone';
  @ApiProperty({ example: 'Call us', maxLength: 25 }) text!: string;
  @ApiProperty({ example: '+14155550123', description: 'International format.' }) phoneNumber!: string;
}

/** A link button; its URL may end in a variable, filled per recipient. */
export class CampaignUrlButtonDto {
  @ApiProperty({ enum: ['url'], example: 'url' }) type!: 'url';
  @ApiProperty({ example: 'Shop now', maxLength: 25 }) text!: string;
  @ApiProperty({ example: 'https://shop.example.com/spring?ref={{attributes.ref}}' }) url!: string;
}

const CAMPAIGN_BUTTON_MODELS = { input: CampaignInputButtonDto, journey: CampaignJourneyButtonDto, phone: CampaignPhoneButtonDto, url: CampaignUrlButtonDto };
/** A campaign's own button, told apart by `type`. */
export const CAMPAIGN_BUTTON = oneOfBy('type', CAMPAIGN_BUTTON_MODELS);

/** A sending window as it is given: `days` and `timezone` may be left out. */
export class SendWindowDto {
  @ApiProperty({ example: '09:00', description: 'Opens at this wall time, "HH:mm" (00:00-23:59).' })
  start!: string;

  @ApiProperty({ example: '20:00', description: 'Closes at this wall time, "HH:mm" (00:00-24:00); before start: overnight.' })
  end!: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'integer', minimum: 1, maximum: 7 },
    example: [1, 2, 3, 4, 5],
    description: 'ISO weekdays it opens on (1 = Monday); default every day.',
  })
  days?: number[];

  @ApiPropertyOptional({ example: 'recipient', default: 'recipient', description: '"recipient": each contact\'s own timezone; else an IANA zone.' })
  timezone?: string;
}

/** A campaign's sending window as stored: every field set. */
export class CampaignSendWindowDto {
  @ApiProperty({ example: '09:00' }) start!: string;
  @ApiProperty({ example: '20:00' }) end!: string;
  @ApiProperty({ type: 'array', items: { type: 'integer', minimum: 1, maximum: 7 }, example: [1, 2, 3, 4, 5] }) days!: readonly number[];
  @ApiProperty({ example: 'recipient' }) timezone!: string;
}

/** A contact search as POST /v1/contacts/search takes it: its keys are the search's own. */
export const SEARCH_SPEC = { type: 'object', additionalProperties: true } as const;
/** Counts keyed by a name (a skip reason, a pricing category). */
export const COUNTS_BY_NAME = { type: 'object', additionalProperties: { type: 'integer' } } as const;

/** Unix seconds or ISO-8601: how a run's start is given. */
const RUN_TIME = { oneOf: [{ type: 'string' }, { type: 'integer' }] };

export class CampaignOptionsDto {
  @ApiPropertyOptional({ example: true, default: false, description: 'Also start a run for audiences at timeToRun.' })
  runImmediately?: boolean;

  @ApiPropertyOptional({ example: ['vip'], description: 'With runImmediately: audience ids, or ["all"].' })
  audiences?: string[];

  @ApiPropertyOptional({ ...RUN_TIME, example: '2026-11-21T09:00:00Z', description: 'With runImmediately: unix seconds or ISO-8601 (default now).' })
  timeToRun?: string | number;
}

/** Documents POST /v1/campaigns; the body itself is checked by the campaigns library's rules. */
@ApiExtraModels(...Object.values(CAMPAIGN_BUTTON_MODELS), ButtonParamDto)
export class CreateCampaignDto {
  @ApiPropertyOptional({ example: 'Diwali sale', maxLength: 200, description: 'Required without template; with `template`, defaults to the template name.' })
  title?: string;

  @ApiPropertyOptional({
    type: CampaignTemplateDto,
    description:
      'An approved template the business already has, instead of message/imgUrl/templateType/languageCode: nothing is registered and runs start at their time.',
  })
  template?: CampaignTemplateDto;

  @ApiPropertyOptional({
    example: ['{{name}}', 'Order {orders.id}'],
    description: "With template: one per body variable, in order; each may hold {{name}}, {{number}}, {{attributes.key}}, {group.field}.",
  })
  params?: string[];

  @ApiPropertyOptional({ type: MediaHeaderDto, description: "With template: the media header's link (image, video or document)." })
  header?: MediaHeaderDto;

  @ApiPropertyOptional({
    example: 'Hi {{name}}, your order {orders.id} ships {orders.date}.',
    maxLength: 1024,
    description:
      "Required without template: registered as a WhatsApp template. `{group.field}`: a variable group's field; `{{name}}`, `{{number}}`, `{{attributes.key}}`: the contact's.",
  })
  message?: string;

  @ApiPropertyOptional({ example: 'https://example.com/banner.jpg', description: 'Image header of the template.' })
  imgUrl?: string;

  @ApiPropertyOptional({
    type: 'array',
    maxItems: 10,
    items: { oneOf: [...CAMPAIGN_BUTTON.oneOf, { $ref: getSchemaPath(ButtonParamDto) }] },
    example: [
      { text: 'Yes, please', type: 'input', input: 'answer' },
      { text: 'Track order', type: 'journey', journeyId: 'track' },
    ],
    description:
      'At most 10; labels ≤ 25 characters; phone and url buttons only with each other (≤ 2 url, ≤ 1 phone), never with input/journey. A url may end in a variable ({group.field}, {{attributes.key}}…), filled per recipient. With template: [{index, param}] for URL buttons ending in a variable.',
  })
  buttons?: Array<CampaignInputButtonDto | CampaignJourneyButtonDto | CampaignPhoneButtonDto | CampaignUrlButtonDto | ButtonParamDto>;

  @ApiPropertyOptional({ example: 'MARKETING', enum: ['MARKETING', 'UTILITY'], default: 'MARKETING' })
  templateType?: string;

  @ApiPropertyOptional({ example: 'en_US', default: 'en_US' })
  languageCode?: string;

  @ApiPropertyOptional({
    example: 'POST_PURCHASE_UPDATE',
    enum: ['CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE', 'ACCOUNT_UPDATE', 'HUMAN_AGENT'],
    description:
      "Messenger and Instagram channels: the message tag the campaign's sends carry, so recipients outside the 24-hour window can be reached with a non-promotional update (Instagram: HUMAN_AGENT only). Without it, only recipients who wrote within 24 hours are sent to.",
  })
  messagingTag?: string;

  @ApiPropertyOptional({
    example: '5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a10',
    description: "Default: the workspace's default channel.",
  })
  channelId?: string;

  @ApiPropertyOptional({
    type: SendWindowDto,
    description: 'Sends only inside this window; "recipient" uses each contact\'s own timezone, else an IANA zone.',
  })
  sendWindow?: SendWindowDto;

  @ApiPropertyOptional({ type: CampaignOptionsDto, description: 'runImmediately (default false) also starts a run for audiences at timeToRun (default now).' })
  options?: CampaignOptionsDto;

  @ApiPropertyOptional({ example: true, description: "Its runs track their links (a run may say otherwise); absent: the workspace's setting." })
  trackLinks?: boolean;

  @ApiPropertyOptional({ type: UtmDto, description: "UTM parameters of its runs' tracked links; absent: the workspace's." })
  utm?: UtmDto;

  @ApiPropertyOptional({
    example: 'welcome-series-2026-12',
    maxLength: 128,
    description:
      'Your idempotency key, one per workspace: asked again with the same key (a retry after a timeout, a double submit), Herald answers the campaign it made — and with options.runImmediately its run — instead of making another. A key used for a blast, or for a campaign since deleted: 409 request_id_used.',
  })
  requestId?: string;
}

export class CreateRunDto {
  @ApiProperty({ example: ['vip', 'newsletter'], description: 'Audience ids, or ["all"].' })
  audiences!: string[];

  @ApiPropertyOptional({ ...RUN_TIME, example: 1795305600, description: 'Unix seconds or ISO-8601; past means now; at most 35 days ahead.' })
  timeToRun?: number | string;

  @ApiPropertyOptional({
    example: 86400,
    type: 'integer',
    description: "Seconds from the run's start its recipients may still be sent (default 36 h; 10 min for authentication); the rest become expired.",
  })
  validity?: number;

  @ApiPropertyOptional({ example: false, description: "Marketing sends of the run go out during the workspace's quiet hours too." })
  ignoreQuietHours?: boolean;

  @ApiPropertyOptional({ example: ['diwali', 'q4'], description: 'Up to 10, carried to every send of the run (GET /v1/messages?tag=).' })
  tags?: string[];

  @ApiPropertyOptional({ example: true, description: "Track the links of its sends; absent: the campaign's, else the workspace's setting." })
  trackLinks?: boolean;

  @ApiPropertyOptional({ type: UtmDto, description: "UTM parameters of its tracked links; absent: the campaign's, else the workspace's." })
  utm?: UtmDto;

  @ApiPropertyOptional({
    example: 'spring-sale-2026-12-06',
    maxLength: 128,
    description:
      'Your idempotency key: asked again with the same key (a retry after a timeout, a double click), the campaign answers the run it made instead of starting another, which would message every contact again.',
  })
  requestId?: string;
}

export class RunCreatedDto {
  @ApiProperty({ example: RUN_ID })
  runId!: string;

  @ApiProperty({
    example: 'starting',
    enum: [...RUN_STATUSES, 'starting'],
    description:
      'scheduled: a later run; starting: due now, its start is queued; waiting_for_template: due now, its template in review. GET the run for its stored status.',
  })
  status!: string;

  @ApiProperty({ example: '2026-11-21T09:00:00.000Z' })
  timeToRun!: Date;
}

export class CampaignCreatedDto {
  @ApiProperty({ example: CAMPAIGN_ID })
  campaignId!: string;

  @ApiProperty({
    example: 'PENDING',
    description: 'PENDING until the provider reviews the template, then APPROVED or REJECTED; NOT_REQUIRED on Messenger, Instagram and Telegram channels (no templates: the message goes out as text or buttons).',
  })
  templateStatus!: string;

  @ApiPropertyOptional({ type: RunCreatedDto })
  run?: RunCreatedDto;
}

export class RunCountsDto {
  @ApiProperty({ example: 0 }) queued!: number;
  @ApiProperty({ example: 0 }) sending!: number;
  @ApiProperty({ example: 3 }) accepted!: number;
  @ApiProperty({ example: 120 }) sent!: number;
  @ApiProperty({ example: 640 }) delivered!: number;
  @ApiProperty({ example: 210 }) read!: number;
  @ApiProperty({ example: 7 }) failed!: number;
  @ApiProperty({ example: 20 }) skipped!: number;
  @ApiProperty({ example: 0 }) cancelled!: number;
  @ApiProperty({ example: 0, description: 'Accepted and held by Meta for a quality assessment.' }) held!: number;
  @ApiProperty({ example: 0, description: "Not sent within the run's validity: never sent." }) expired!: number;
}

export class RunWaitingDto {
  @ApiProperty({ example: 'sending_window', enum: RUN_WAIT_REASONS }) reason!: string;
  @ApiProperty({ example: '2026-11-22T03:30:00.000Z', nullable: true, type: Date }) until!: Date | null;
}

export class RunDto {
  @ApiProperty({ example: RUN_ID })
  runId!: string;

  @ApiProperty({ example: CAMPAIGN_ID })
  campaignId!: string;

  @ApiProperty({ example: 'running', enum: RUN_STATUSES })
  status!: string;

  @ApiProperty({ example: ['vip'] })
  audiences!: string[];

  @ApiProperty({ ...SEARCH_SPEC, nullable: true, example: null, description: "A blast's search: its recipients are the contacts it matched at the start." })
  searchSpec!: Record<string, unknown> | null;

  @ApiProperty({ example: ['diwali'], description: 'Carried to every send of the run.' })
  tags!: string[];

  @ApiProperty({ example: '2026-11-21T09:00:00.000Z' })
  timeToRun!: Date;

  @ApiProperty({ example: '2026-11-21T09:00:00.180Z', nullable: true, type: Date })
  startedAt!: Date | null;

  @ApiProperty({ example: null, nullable: true, type: Date })
  completedAt!: Date | null;

  @ApiProperty({ example: 1000, nullable: true, type: Number, description: 'Fixed when the run starts (skipped ones included).' })
  recipients!: number | null;

  @ApiProperty({ type: RunCountsDto, description: 'Recipients by current status.' })
  counts!: RunCountsDto;

  @ApiProperty({ ...COUNTS_BY_NAME, example: { opted_out: 12, missing_variable: 8 }, description: 'Skipped recipients by reason.' })
  skippedByReason!: Record<string, number>;

  @ApiProperty({ example: 0.9812, description: 'Share of recipients no longer waiting or in flight (0..1).' })
  progress!: number;

  @ApiProperty({
    example: '2026-11-21T09:00:14.000Z',
    nullable: true,
    type: Date,
    description: 'Estimated end, from the pace so far (running runs only).',
  })
  eta!: Date | null;

  @ApiProperty({
    type: RunWaitingDto,
    nullable: true,
    example: null,
    description: 'Why a run that is not finished is not sending now, and until when; the ETA counts it. null while it sends.',
  })
  waiting!: RunWaitingDto | null;

  @ApiProperty({ example: null, nullable: true, type: String })
  failureReason!: string | null;

  @ApiProperty({ example: '2026-11-21T08:59:50.000Z' })
  createdAt!: Date;
}

export class RetriedRunDto extends RunDto {
  @ApiProperty({ example: 14, description: 'Recipients sent again.' })
  requeued!: number;
}

/** The parameters a campaign's sends carry: an existing template's as written, or a registered one's buttons. */
export class CampaignTemplateParamsDto {
  @ApiPropertyOptional({ type: [String], example: ['{{name}}'], description: "The body's parameters as written (an existing template)." })
  body?: readonly string[];

  @ApiPropertyOptional({ type: [String], example: ['first_name'], description: "A template with named variables: their names, in the order of body." })
  names?: readonly string[];

  @ApiPropertyOptional({ type: MediaHeaderDto })
  header?: MediaHeaderDto;

  @ApiProperty({ type: [ButtonParamDto], description: 'Buttons that take a parameter per recipient.' })
  buttons!: readonly ButtonParamDto[];

  @ApiPropertyOptional({ example: 'https://links.example.com', description: "A registered campaign's tracked-link base of its URL buttons." })
  linkBase?: string;
}

export class CampaignDto {
  @ApiProperty({ example: CAMPAIGN_ID }) id!: string;
  @ApiProperty({ example: 'Diwali sale' }) title!: string;
  @ApiProperty({ example: 'Hi {{name}}, your order {orders.id} ships {orders.date}.' }) message!: string;
  @ApiProperty({ example: null, nullable: true, type: String }) imgUrl!: string | null;
  @ApiProperty({
    type: 'array',
    items: CAMPAIGN_BUTTON,
    example: [{ text: 'Yes, please', type: 'input', input: 'answer' }],
    description: "Its own buttons; [] for an existing template's campaign (see templateParams).",
  })
  buttons!: ReadonlyArray<{ readonly text: string; readonly type: string }>;
  @ApiProperty({ example: 'MARKETING' }) templateType!: string;
  @ApiProperty({ example: 'en_US' }) languageCode!: string;
  @ApiProperty({ example: 'registered', enum: ['registered', 'existing'], description: 'existing: a template the business already had.' })
  templateSource!: string;
  @ApiProperty({
    example: { body: ['{{name}}'], header: { type: 'image', link: 'https://cdn.example.com/spring.png' }, buttons: [{ index: 0, param: '{{attributes.ref}}' }] },
    nullable: true,
    type: CampaignTemplateParamsDto,
    description: "An existing template's parameters as written, and buttons with a per-recipient parameter.",
  })
  templateParams!: CampaignTemplateParamsDto | null;
  @ApiProperty({ example: '5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a10' }) channelId!: string;
  @ApiProperty({
    example: { start: '09:00', end: '20:00', days: [1, 2, 3, 4, 5], timezone: 'recipient' },
    nullable: true,
    type: CampaignSendWindowDto,
  })
  sendWindow!: CampaignSendWindowDto | null;
  @ApiProperty({ example: 'diwali_sale_3f2a9c1e' }) templateName!: string;
  @ApiProperty({ example: 'APPROVED' }) templateStatus!: string;
  @ApiProperty({ example: null, nullable: true, type: String }) templateReason!: string | null;
  @ApiProperty({
    example: 'campaign-3f2a9c1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
    nullable: true,
    type: String,
    description: 'Variable group holding input-button replies.',
  })
  inputGroup!: string | null;
  @ApiProperty({ example: 960 }) totalSent!: number;
  @ApiProperty({ example: 912 }) totalDelivered!: number;
  @ApiProperty({ example: 455 }) totalRead!: number;
  @ApiPropertyOptional({ type: [RunDto] }) runs?: RunDto[];
  @ApiProperty({ example: '2026-11-21T08:59:00.000Z' }) createdAt!: Date;
  @ApiProperty({ example: '2026-11-21T08:59:05.000Z' }) updatedAt!: Date;
}

export class CampaignPageDto {
  @ApiProperty({ type: [CampaignDto] })
  data!: CampaignDto[];

  @ApiProperty({ example: null, nullable: true, type: String })
  nextCursor!: string | null;
}

export class BillableDto {
  @ApiProperty({ example: 912, description: 'Sends the provider charges for, by its status webhooks.' }) total!: number;
  @ApiProperty({ ...COUNTS_BY_NAME, example: { marketing: 912 }, description: "By the provider's pricing category (marketing, utility, authentication…)." })
  byCategory!: Record<string, number>;
}

export class ResultsDto {
  @ApiProperty({ example: 960, description: 'Accepted by the provider (and not found to be off WhatsApp).' }) sent!: number;
  @ApiProperty({ example: 912, description: 'Reached the phone (read ones included).' }) delivered!: number;
  @ApiProperty({ example: 455, description: 'Read by the recipient.' }) read!: number;
  @ApiProperty({ example: 4, description: 'Failed before the provider accepted them.' }) sendErrors!: number;
  @ApiProperty({ example: 12, description: 'Accepted, then failed to deliver.' }) deliveryErrors!: number;
  @ApiProperty({ example: 20, description: 'Error 131026, or known before the run and skipped.' }) numbersNotOnWhatsApp!: number;
  @ApiProperty({ example: 16, description: 'Not sent: opted out, not on WhatsApp, frequency cap, missing variable.' })
  skipped!: number;
  @ApiProperty({ example: 0, description: 'Accepted and held by Meta for a quality assessment.' }) held!: number;
  @ApiProperty({ example: 0, description: "Not sent within the run's validity." }) expired!: number;
  @ApiProperty({ example: 0.95, description: 'delivered ÷ sent.' }) deliveryRate!: number;
  @ApiProperty({ example: 0.4989, description: 'read ÷ delivered.' }) readRate!: number;
  @ApiProperty({ type: BillableDto, description: "Billable sends as the provider's pricing reported them (Meta charges per delivered message)." })
  billable!: BillableDto;
  @ApiProperty({ example: 42, description: 'Recipients who pressed a button or replied to the message.' }) replied!: number;
  @ApiProperty({ example: 120, description: 'Sends of which a tracked link was clicked (unique recipients per run).' }) clicked!: number;
  @ApiProperty({ example: 0.1224, description: 'clicked ÷ sent.' }) clickRate!: number;
  @ApiProperty({ example: 1, description: 'Runs counted.' }) runs!: number;
}

export class RecipientDto {
  @ApiProperty({ example: '+919739978284' }) number!: string;
  @ApiProperty({ example: 'Asha Rao', nullable: true, type: String }) name!: string | null;
  @ApiProperty({ example: 'read', enum: RECIPIENT_STATUSES }) status!: string;
  @ApiProperty({ example: null, nullable: true, type: String, description: 'Provider error code, or the skip reason.' })
  errorCode!: string | null;
  @ApiProperty({ example: null, nullable: true, type: String }) errorTitle!: string | null;
  @ApiProperty({ example: null, nullable: true, type: String, description: "Exactly why: e.g. 'No value for orders.id' for a missing variable." })
  errorDetails!: string | null;
  @ApiProperty({ example: '2026-11-21T09:00:01.000Z', nullable: true, type: Date }) sentAt!: Date | null;
  @ApiProperty({ example: '2026-11-21T09:00:02.000Z', nullable: true, type: Date }) deliveredAt!: Date | null;
  @ApiProperty({ example: '2026-11-21T09:03:40.000Z', nullable: true, type: Date }) readAt!: Date | null;
  @ApiProperty({ example: null, nullable: true, type: Date, description: 'When a tracked link of the send was first clicked.' }) clickedAt!: Date | null;
  @ApiProperty({ example: 'Yes, please', nullable: true, type: String, description: 'The button pressed or the reply text.' })
  action!: string | null;
  @ApiProperty({ example: RUN_ID }) runId!: string;
}

const RECIPIENTS_CSV_EXAMPLE = `${[...RECIPIENT_EXPORT_COLUMNS, 'runId'].join(',')}
+919739978284,Asha Rao,read,,,,2026-11-21T09:00:01.000Z,2026-11-21T09:00:02.000Z,2026-11-21T09:03:40.000Z,,"Yes, please",${RUN_ID}
`;

/** A recipients export's answer: a JSON array of RecipientDto, or (?format=csv) the same rows as CSV text. */
export const ApiRecipientsExport = (): MethodDecorator =>
  applyDecorators(
    ApiExtraModels(RecipientDto),
    ApiProduces('application/json', 'text/csv'),
    ApiResponse({
      status: 200,
      description: 'Every recipient, streamed: a JSON array, or CSV with a header row (?format=csv).',
      content: {
        'application/json': { schema: { type: 'array', items: { $ref: getSchemaPath(RecipientDto) } } },
        'text/csv': { schema: { type: 'string' }, example: RECIPIENTS_CSV_EXAMPLE },
      },
    }),
  );

import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import {
  CALLBACK_BATCH_SIZE_MAX,
  CALLBACK_EVENT_TYPES,
  CALLBACK_FORMATS,
  CALLBACK_URL_MAX,
  DELIVERY_STATUSES,
  FORMAT_EVENT_TYPES,
  type CallbackFormat,
  type DeliveryStatus,
} from '@herald/callbacks';
import { IsOptionalNotNull } from '../http/optional.decorator';
import { LogPageQueryDto } from '../http/log-page-query.dto';

const EVENTS_DESCRIPTION = `Event types to receive: ${CALLBACK_EVENT_TYPES.join(', ')}.`;
const FORMAT_DESCRIPTION =
  `How deliveries are shaped and signed: ${CALLBACK_FORMATS.join(', ')} (default herald: Herald's envelope and ` +
  'Herald-Signature). A vendor format renders the same events in that vendor\'s webhook shape and signs them its way ' +
  `(docs/CALLBACKS.md, "Formats"); it accepts only the events its vendor has: ${CALLBACK_FORMATS.filter((f) => f !== 'herald')
    .map((f) => `${f}: ${FORMAT_EVENT_TYPES[f].join(', ')}`)
    .join('; ')}.`;
const FORMAT_MESSAGE = `format must be one of ${CALLBACK_FORMATS.join(', ')}`;
const BATCH_SIZE_DESCRIPTION =
  `Most events one POST carries, 1 to ${CALLBACK_BATCH_SIZE_MAX} (default 1: each event alone, its envelope as the body). ` +
  'Above 1, every POST to the endpoint is {"events": [envelope, ...]} with the events due together (1 to batchSize, ' +
  'at most 64 KB), ' +
  'signed once over the whole body; format herald only (docs/CALLBACKS.md, "Batched deliveries").';

/** `batchSize` on create and change: optional, a whole number 1–CALLBACK_BATCH_SIZE_MAX. */
function BatchSizeProperty(doc: { example: number; default?: number }): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: 'integer',
      minimum: 1,
      maximum: CALLBACK_BATCH_SIZE_MAX,
      description: BATCH_SIZE_DESCRIPTION,
      ...doc,
    }),
    IsOptional(),
    IsInt(),
    Min(1),
    Max(CALLBACK_BATCH_SIZE_MAX),
  );
}

export class CreateWebhookEndpointDto {
  @ApiProperty({
    example: 'https://hooks.example.com/herald',
    description: 'http(s); must not resolve to a private, loopback or metadata address (CALLBACK_ALLOW_PRIVATE_URLS).',
  })
  @IsString()
  @MaxLength(CALLBACK_URL_MAX)
  url!: string;

  @ApiProperty({
    example: ['message.status', 'message.inbound'],
    description: EVENTS_DESCRIPTION,
    enum: CALLBACK_EVENT_TYPES,
    isArray: true,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CALLBACK_EVENT_TYPES.length * 2)
  @IsIn(CALLBACK_EVENT_TYPES, { each: true, message: `each value in events must be one of ${CALLBACK_EVENT_TYPES.join(', ')}` })
  events!: string[];

  @ApiPropertyOptional({ example: 'Order system', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({ example: 'herald', enum: CALLBACK_FORMATS, default: 'herald', description: FORMAT_DESCRIPTION })
  @IsOptionalNotNull()
  @IsIn(CALLBACK_FORMATS, { message: FORMAT_MESSAGE })
  format?: CallbackFormat;

  @BatchSizeProperty({ example: 1, default: 1 })
  batchSize?: number;
}

export class UpdateWebhookEndpointDto {
  @ApiPropertyOptional({ example: 'https://hooks.example.com/herald-v2' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(CALLBACK_URL_MAX)
  url?: string;

  @ApiPropertyOptional({
    example: ['message.status'],
    description: EVENTS_DESCRIPTION,
    enum: CALLBACK_EVENT_TYPES,
    isArray: true,
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CALLBACK_EVENT_TYPES.length * 2)
  @IsIn(CALLBACK_EVENT_TYPES, { each: true, message: `each value in events must be one of ${CALLBACK_EVENT_TYPES.join(', ')}` })
  events?: string[];

  @ApiPropertyOptional({
    example: true,
    description: 'true re-enables a disabled endpoint (its failure state is cleared); false pauses it.',
  })
  @IsOptionalNotNull()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ example: 'Order system', nullable: true, type: String })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({ example: 'cloud-api', enum: CALLBACK_FORMATS, description: FORMAT_DESCRIPTION })
  @IsOptionalNotNull()
  @IsIn(CALLBACK_FORMATS, { message: FORMAT_MESSAGE })
  format?: CallbackFormat;

  @BatchSizeProperty({ example: 50 })
  batchSize?: number;
}

export class WebhookEndpointDto {
  @ApiProperty({ example: '3f1c2a10-5b0e-4a8e-9d53-2f6f1f3c2a10' }) id!: string;
  @ApiProperty({ example: 'https://hooks.example.com/herald' }) url!: string;
  @ApiProperty({ example: ['message.status', 'message.inbound'] }) events!: string[];
  @ApiProperty({ example: 'herald', enum: CALLBACK_FORMATS, description: FORMAT_DESCRIPTION }) format!: string;
  @ApiProperty({ type: 'integer', example: 1, description: BATCH_SIZE_DESCRIPTION }) batchSize!: number;
  @ApiProperty({ example: 'Order system', nullable: true, type: String }) description!: string | null;
  @ApiProperty({ example: true }) enabled!: boolean;
  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description: 'Why it was disabled: "failing continuously for 3 days" or "disabled through the API".',
  })
  disabledReason!: string | null;
  @ApiProperty({ example: null, nullable: true, type: String }) disabledAt!: string | null;
  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description: 'Since when every delivery has failed (null when healthy).',
  })
  failingSince!: string | null;
  @ApiProperty({ example: '2026-12-03T10:00:00.000Z' }) secretCreatedAt!: string;
  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description: 'After a rotation: until when the previous secret still signs too.',
  })
  previousSecretExpiresAt!: string | null;
  @ApiProperty({ example: '2026-12-03T10:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ example: '2026-12-03T10:00:00.000Z' }) updatedAt!: string;
}

export class WebhookEndpointWithSecretDto extends WebhookEndpointDto {
  @ApiProperty({
    example: 'whsec_Jx0m1hYbqk2Vf1oE9mS7wq3aVbN1Yc7zQk2s5dF8gHw',
    description: 'The signing secret. Shown only now: store it.',
  })
  secret!: string;
}

export class WebhookEndpointListDto {
  @ApiProperty({ type: [WebhookEndpointDto] }) data!: WebhookEndpointDto[];
}

export class PingAnswerDto {
  @ApiProperty({ example: '8d4f0a52-1c6e-4f0b-b0a4-7f3e1c9d2b11' }) eventId!: string;
  @ApiProperty({ example: '1042' }) deliveryId!: string;
}

export class DeliveryQueryDto extends LogPageQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptionalNotNull()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;

  @ApiPropertyOptional({ example: 'message.status', description: 'An event type, or an event id.' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(64)
  event?: string;
}

export class DeliveryDto {
  @ApiProperty({ example: '1042' }) id!: string;
  @ApiProperty({
    example: '8d4f0a52-1c6e-4f0b-b0a4-7f3e1c9d2b11',
    description: 'The envelope id: the same on every attempt and redelivery.',
  })
  eventId!: string;
  @ApiProperty({ example: 'message.status' }) eventType!: string;
  @ApiProperty({
    example: 'delivered',
    enum: DELIVERY_STATUSES,
    description: 'skipped: not posted, the endpoint\'s format has no shape for this event (lastError says why).',
  })
  status!: string;
  @ApiProperty({ example: 2 }) attempts!: number;
  @ApiProperty({ example: 200, nullable: true, type: Number }) lastStatusCode!: number | null;
  @ApiProperty({ example: 38, nullable: true, type: Number }) lastLatencyMs!: number | null;
  @ApiProperty({ example: null, nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ example: 'ok', nullable: true, type: String, description: 'The first 1 KB of the last response body.' })
  lastResponse!: string | null;
  @ApiProperty({ example: '2026-12-03T10:00:01.000Z', nullable: true, type: String }) lastAttemptAt!: string | null;
  @ApiProperty({ example: null, nullable: true, type: String }) nextAttemptAt!: string | null;
  @ApiProperty({ example: '2026-12-03T10:00:01.000Z', nullable: true, type: String }) deliveredAt!: string | null;
  @ApiProperty({ example: '2026-12-03T10:00:00.000Z' }) createdAt!: string;
}

export class DeliveryPageDto {
  @ApiProperty({ type: [DeliveryDto] }) data!: DeliveryDto[];
  @ApiProperty({ example: null, nullable: true, type: String }) nextCursor!: string | null;
}

export class RedeliverRangeDto {
  @ApiProperty({ example: '2026-12-03T00:00:00Z', description: 'Deliveries created at or after this time (RFC 3339).' })
  @IsISO8601({ strict: true })
  from!: string;

  @ApiProperty({ example: '2026-12-04T00:00:00Z', description: 'and before this one.' })
  @IsISO8601({ strict: true })
  to!: string;

  @ApiPropertyOptional({
    enum: ['failed', 'delivered', 'skipped'],
    default: 'failed',
    description: 'skipped: e.g. after changing the format, the deliveries the previous one could not render.',
  })
  @IsOptionalNotNull()
  @IsIn(['failed', 'delivered', 'skipped'])
  status?: 'failed' | 'delivered' | 'skipped';
}

export class RedeliverAnswerDto {
  @ApiProperty({ example: 12, description: 'How many deliveries are due again.' }) redelivered!: number;
}

export class CallbackSecretDto {
  @ApiProperty({ example: true }) exists!: boolean;
  @ApiProperty({ example: '2026-12-03T10:00:00.000Z', nullable: true, type: String }) createdAt!: string | null;
  @ApiProperty({ example: null, nullable: true, type: String }) previousSecretExpiresAt!: string | null;
}

export class CallbackSecretWithSecretDto {
  @ApiProperty({ example: 'whsec_Jx0m1hYbqk2Vf1oE9mS7wq3aVbN1Yc7zQk2s5dF8gHw', description: 'Shown only now: store it.' })
  secret!: string;
  @ApiProperty({ example: '2026-12-03T10:00:00.000Z' }) createdAt!: string;
  @ApiProperty({
    example: '2026-12-04T10:00:00.000Z',
    nullable: true,
    type: String,
    description: 'The previous secret signs too until then.',
  })
  previousSecretExpiresAt!: string | null;
}

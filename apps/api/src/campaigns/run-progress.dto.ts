import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProduces, ApiProperty, ApiResponse, OmitType } from '@nestjs/swagger';
import { RUN_STATUSES } from '@herald/campaigns';
import { ResultsDto, RunCountsDto, RunWaitingDto } from './campaign.dto';

/** A run's results as its stream carries them: those of `GET …/results?runId=`, clicks aside. */
export class RunProgressResultsDto extends OmitType(ResultsDto, ['clicked', 'clickRate', 'runs'] as const) {}

/** The data of each event on a run's stream (`progress`, then `end`). */
export class RunProgressDto {
  @ApiProperty({ example: '7d1e2f3a-4b5c-4d6e-8f70-112233445566' }) runId!: string;
  @ApiProperty({
    example: '3f2a9c1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
    nullable: true,
    type: String,
    description: "The run's campaign; null for a blast.",
  })
  campaignId!: string | null;
  @ApiProperty({ example: null, nullable: true, type: String, description: 'The blast the run is; null for a campaign run.' })
  blastId!: string | null;
  @ApiProperty({ example: 'running', enum: RUN_STATUSES }) status!: string;
  @ApiProperty({
    example: false,
    description: 'true on the `end` event: the run completed, was cancelled or failed; the stream closes after it.',
  })
  final!: boolean;
  @ApiProperty({ example: 1000, nullable: true, type: Number, description: 'Fixed when the run starts (skipped ones included).' })
  recipients!: number | null;
  @ApiProperty({ type: RunCountsDto, description: 'Recipients by current status.' }) counts!: RunCountsDto;
  @ApiProperty({ example: 0.412, description: 'Share of recipients no longer waiting or in flight (0..1).' }) progress!: number;
  @ApiProperty({
    example: 38.5,
    nullable: true,
    type: Number,
    description: 'Sends per second over the last ~5 s while running; on the `end` event, the average over the run.',
  })
  rate!: number | null;
  @ApiProperty({
    example: '2026-11-21T09:00:14.000Z',
    nullable: true,
    type: Date,
    description: 'Estimated end, from the pace so far and any wait.',
  })
  eta!: Date | null;
  @ApiProperty({
    type: RunWaitingDto,
    nullable: true,
    example: null,
    description: 'Why the run is not sending now (window, quiet hours, tier, paused channel, template review…) and until when.',
  })
  waiting!: RunWaitingDto | null;
  @ApiProperty({ type: RunProgressResultsDto }) results!: RunProgressResultsDto;
  @ApiProperty({ example: null, nullable: true, type: String }) failureReason!: string | null;
  @ApiProperty({ example: '2026-11-21T09:00:00.180Z', nullable: true, type: Date }) startedAt!: Date | null;
  @ApiProperty({ example: null, nullable: true, type: Date }) completedAt!: Date | null;
  @ApiProperty({ example: '2026-11-21T09:00:05.000Z', description: 'When these figures were read.' }) at!: Date;
}

const EXAMPLE_DATA = {
  runId: '7d1e2f3a-4b5c-4d6e-8f70-112233445566',
  campaignId: '3f2a9c1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
  blastId: null,
  status: 'running',
  final: false,
  recipients: 1000,
  counts: {
    queued: 580,
    sending: 8,
    accepted: 12,
    held: 0,
    sent: 300,
    delivered: 90,
    read: 4,
    failed: 2,
    skipped: 4,
    cancelled: 0,
    expired: 0,
  },
  progress: 0.412,
  rate: 38.5,
  eta: '2026-11-21T09:00:20.000Z',
  waiting: null,
  results: {
    sent: 406,
    delivered: 94,
    read: 4,
    sendErrors: 2,
    deliveryErrors: 0,
    numbersNotOnWhatsApp: 0,
    skipped: 4,
    held: 0,
    expired: 0,
    deliveryRate: 0.2315,
    readRate: 0.0426,
    billable: { total: 90, byCategory: { marketing: 90 } },
  },
  failureReason: null,
  startedAt: '2026-11-21T09:00:00.180Z',
  completedAt: null,
  at: '2026-11-21T09:00:10.000Z',
};

const EXAMPLE_END = {
  ...EXAMPLE_DATA,
  status: 'completed',
  final: true,
  progress: 1,
  eta: null,
  completedAt: '2026-11-21T09:00:26.000Z',
};

/** What a stream looks like on the wire: events a second apart at most, comments as heartbeats, `end` last. */
const EXAMPLE_STREAM = [
  `event: progress\nid: 1\ndata: ${JSON.stringify(EXAMPLE_DATA)}\n`,
  ': heartbeat\n',
  `event: end\nid: 9\ndata: ${JSON.stringify(EXAMPLE_END)}\n`,
].join('\n');

/** Documents a run's Server-Sent Events route: text/event-stream, the event names and the data shape. */
export const ApiRunEvents = (): MethodDecorator =>
  applyDecorators(
    ApiExtraModels(RunProgressDto),
    ApiProduces('text/event-stream'),
    ApiResponse({
      status: 200,
      description:
        'Server-Sent Events. `progress`: the figures now, then each change (at most once a second); `end`: the last figures once the run completed, was cancelled or failed, then the stream closes. Each data line is a RunProgressDto (JSON). A `: heartbeat` comment every 15 s keeps idle connections open.',
      content: {
        'text/event-stream': {
          schema: {
            type: 'string',
            description: 'event: progress|end, data: RunProgressDto as JSON (see components.schemas.RunProgressDto).',
          },
          example: EXAMPLE_STREAM,
        },
      },
    }),
  );

import { ApiProperty } from '@nestjs/swagger';
import { LogPageQueryDto } from '../http/log-page-query.dto';

/** The page of a channel's set-aside events asked for. */
export class FailedWebhookEventQueryDto extends LogPageQueryDto {}

export class FailedWebhookEventDto {
  @ApiProperty({ example: '48213' }) id!: string;
  @ApiProperty({ example: '2026-12-06T09:00:00.000Z', description: 'When the provider posted it.' }) receivedAt!: string;
  @ApiProperty({ example: '2026-12-06T09:00:01.500Z', description: 'When a worker set it aside.' }) failedAt!: string;
  @ApiProperty({ example: "TypeError: Cannot read properties of undefined (reading 'entry')", description: 'Why it could not be applied.' })
  error!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The body as the provider sent it.' }) body!: unknown;
}

export class FailedWebhookEventPageDto {
  @ApiProperty({ type: [FailedWebhookEventDto] }) data!: FailedWebhookEventDto[];
  @ApiProperty({ example: null, nullable: true, type: String }) nextCursor!: string | null;
}

import { Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { FailedWebhookEvents, type FailedWebhookEventPage } from '@herald/provider-events';
import { ApiErrors } from '../http/api-errors.decorator';
import { WorkspaceId } from '../http/workspace-id.decorator';
import { FailedWebhookEventPageDto, FailedWebhookEventQueryDto } from './failed-webhook-event.dto';

const ID_PARAM = { name: 'id', description: 'The channel.', example: '5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a10' };
const EVENT_PARAM = { name: 'eventId', description: 'The event (as listed).', example: '48213' };

/**
 * A channel's provider webhook events that a worker could not apply, even alone (a body of a shape no parser
 * foresaw): set aside so that they hold up nothing behind them, and listed here with why, to replay once the cause is
 * fixed or to discard. `/metrics` counts them (`herald_webhook_events_failed`).
 */
@ApiTags('channels')
@ApiBearerAuth('api-key')
@ApiSecurity('x-api-key')
@Controller('v1/channels/:id/failed-webhook-events')
export class FailedWebhookEventsController {
  constructor(private readonly failed: FailedWebhookEvents) {}

  @Get()
  @ApiOperation({ summary: "The channel's webhook events set aside as unappliable, newest first, with why." })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 200, type: FailedWebhookEventPageDto })
  @ApiErrors(400, 401, 404)
  list(@WorkspaceId() workspaceId: string, @Param('id') id: string, @Query() query: FailedWebhookEventQueryDto): Promise<FailedWebhookEventPage> {
    return this.failed.list(workspaceId, id, query);
  }

  @Post(':eventId/replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Applies the event again, as if just received (after the cause is fixed); it leaves this list.' })
  @ApiParam(ID_PARAM)
  @ApiParam(EVENT_PARAM)
  @ApiResponse({ status: 202, description: 'Waiting to be applied.' })
  @ApiErrors(401, 404)
  replay(@WorkspaceId() workspaceId: string, @Param('id') id: string, @Param('eventId') eventId: string): Promise<void> {
    return this.failed.replay(workspaceId, id, eventId);
  }

  @Delete(':eventId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Discards the event: it is never applied.' })
  @ApiParam(ID_PARAM)
  @ApiParam(EVENT_PARAM)
  @ApiResponse({ status: 204 })
  @ApiErrors(401, 404)
  discard(@WorkspaceId() workspaceId: string, @Param('id') id: string, @Param('eventId') eventId: string): Promise<void> {
    return this.failed.discard(workspaceId, id, eventId);
  }
}

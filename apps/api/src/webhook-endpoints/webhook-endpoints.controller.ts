import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  CallbackEndpoints,
  type DeliveryPage,
  type DeliveryView,
  type EndpointView,
  type EndpointWithSecret,
} from '@herald/callbacks';
import { ApiErrors } from '../http/api-errors.decorator';
import { WorkspaceId } from '../http/workspace-id.decorator';
import {
  CreateWebhookEndpointDto,
  DeliveryDto,
  DeliveryPageDto,
  DeliveryQueryDto,
  PingAnswerDto,
  RedeliverAnswerDto,
  RedeliverRangeDto,
  UpdateWebhookEndpointDto,
  WebhookEndpointDto,
  WebhookEndpointListDto,
  WebhookEndpointWithSecretDto,
} from './webhook-endpoint.dto';

const ID_PARAM = { name: 'id', example: '3f1c2a10-5b0e-4a8e-9d53-2f6f1f3c2a10' };
const DELIVERY_PARAM = { name: 'deliveryId', example: '1042' };

@ApiTags('webhook endpoints')
@ApiBearerAuth('api-key')
@ApiSecurity('x-api-key')
@Controller('v1/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(private readonly endpoints: CallbackEndpoints) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Creates a callback endpoint for the event types listed, in a format (herald, or a vendor\'s webhook shape); the answer shows its signing secret, once.',
  })
  @ApiResponse({ status: 201, type: WebhookEndpointWithSecretDto })
  @ApiErrors(400, 401)
  create(@WorkspaceId() workspaceId: string, @Body() dto: CreateWebhookEndpointDto): Promise<EndpointWithSecret> {
    return this.endpoints.create(workspaceId, {
      url: dto.url,
      events: dto.events,
      description: dto.description ?? null,
      ...(dto.format !== undefined ? { format: dto.format } : {}),
      ...(dto.batchSize !== undefined ? { batchSize: dto.batchSize } : {}),
    });
  }

  @Get()
  @ApiOperation({ summary: "The workspace's callback endpoints, newest first (never their secrets)." })
  @ApiResponse({ status: 200, type: WebhookEndpointListDto })
  @ApiErrors(401)
  async list(@WorkspaceId() workspaceId: string): Promise<{ data: EndpointView[] }> {
    return { data: await this.endpoints.list(workspaceId) };
  }

  @Get(':id')
  @ApiOperation({
    summary:
      'One endpoint: its subscriptions, whether it is enabled, and why it was disabled (disabledReason, disabledAt, failingSince).',
  })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 200, type: WebhookEndpointDto })
  @ApiErrors(401, 404)
  get(@WorkspaceId() workspaceId: string, @Param('id') id: string): Promise<EndpointView> {
    return this.endpoints.get(workspaceId, id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Changes the URL, event types, description, format, batchSize, or enabled (true re-enables a disabled endpoint).',
  })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 200, type: WebhookEndpointDto })
  @ApiErrors(400, 401, 404)
  update(
    @WorkspaceId() workspaceId: string,
    @Param('id') id: string,
    @Body() dto: UpdateWebhookEndpointDto,
  ): Promise<EndpointView> {
    return this.endpoints.update(workspaceId, id, {
      ...(dto.url !== undefined ? { url: dto.url } : {}),
      ...(dto.events !== undefined ? { events: dto.events } : {}),
      ...(dto.enabled !== undefined ? { enabled: dto.enabled } : {}),
      ...(dto.description !== undefined ? { description: dto.description } : {}),
      ...(dto.format !== undefined ? { format: dto.format } : {}),
      ...(dto.batchSize !== undefined ? { batchSize: dto.batchSize } : {}),
    });
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Deletes the endpoint and its delivery log; pending deliveries to it are dropped.' })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 204, description: 'Deleted.' })
  @ApiErrors(401, 404)
  async remove(@WorkspaceId() workspaceId: string, @Param('id') id: string): Promise<void> {
    await this.endpoints.remove(workspaceId, id);
  }

  @Post(':id/test')
  @HttpCode(202)
  @ApiOperation({ summary: 'Sends a `ping` event to this endpoint only, delivered (and logged) like any other event.' })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 202, type: PingAnswerDto })
  @ApiErrors(401, 404, 409)
  ping(@WorkspaceId() workspaceId: string, @Param('id') id: string): Promise<{ eventId: string; deliveryId: string }> {
    return this.endpoints.ping(workspaceId, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A new signing secret, shown once. The previous one keeps signing alongside it (a second v1=) for 24 h.',
  })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 200, type: WebhookEndpointWithSecretDto })
  @ApiErrors(401, 404)
  rotate(@WorkspaceId() workspaceId: string, @Param('id') id: string): Promise<EndpointWithSecret> {
    return this.endpoints.rotate(workspaceId, id);
  }

  @Get(':id/deliveries')
  @ApiOperation({
    summary:
      "The endpoint's delivery log, newest first: attempts, last response code, latency, error, next attempt, delivered at.",
  })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 200, type: DeliveryPageDto })
  @ApiErrors(400, 401, 404)
  deliveries(
    @WorkspaceId() workspaceId: string,
    @Param('id') id: string,
    @Query() query: DeliveryQueryDto,
  ): Promise<DeliveryPage> {
    return this.endpoints.deliveriesOf(workspaceId, id, query);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @ApiOperation({ summary: 'Delivers the event again (same event id), now, with a fresh 24 h of retries.' })
  @ApiParam(ID_PARAM)
  @ApiParam(DELIVERY_PARAM)
  @ApiResponse({ status: 202, type: DeliveryDto })
  @ApiErrors(401, 404)
  redeliver(
    @WorkspaceId() workspaceId: string,
    @Param('id') id: string,
    @Param('deliveryId') deliveryId: string,
  ): Promise<DeliveryView> {
    return this.endpoints.redeliver(workspaceId, id, deliveryId);
  }

  @Post(':id/redeliver')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Delivers again every delivery of the endpoint in a status (default failed) created in [from, to); answers how many.',
  })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 202, type: RedeliverAnswerDto })
  @ApiErrors(400, 401, 404)
  redeliverRange(
    @WorkspaceId() workspaceId: string,
    @Param('id') id: string,
    @Body() dto: RedeliverRangeDto,
  ): Promise<{ redelivered: number }> {
    return this.endpoints.redeliverRange(workspaceId, id, {
      from: new Date(dto.from),
      to: new Date(dto.to),
      status: dto.status ?? 'failed',
    });
  }
}

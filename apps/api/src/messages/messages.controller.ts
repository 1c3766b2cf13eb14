import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiExtraModels, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { MessagesService, publicAnswer } from '@herald/messaging';
import { SEND_STATES } from '@herald/sending';
import { ApiErrors } from '../http/api-errors.decorator';
import { WorkspaceId } from '../http/workspace-id.decorator';
import { SendsListing } from './sends.service';
import { MESSAGE_CONTENT_MODELS } from './message-content.dto';
import { MessageAcceptedDto, MessageDto, MessageEnvelopeDto, MessagePageDto, MessagesAcceptedDto, sendMessageBodySchema } from './message.dto';
import { oneOfModels } from './schema-union.util';

@ApiTags('messages')
@ApiExtraModels(MessageEnvelopeDto, MessageAcceptedDto, MessagesAcceptedDto, ...Object.values(MESSAGE_CONTENT_MODELS))
@ApiBearerAuth('api-key')
@ApiSecurity('x-api-key')
@Controller('v1/messages')
export class MessagesController {
  constructor(
    private readonly messages: MessagesService,
    private readonly sends: SendsListing,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Send a message (text, template, media, interactive, location) now or at scheduledFor, to one recipient or up to 1,000 (`to` as an array: one message each). Queued at once; a worker sends it.',
  })
  @ApiBody({ schema: sendMessageBodySchema(), description: 'The envelope (who, when, bookkeeping) and one content, named by `type` and given under the key of that name.' })
  @ApiResponse({
    status: 202,
    schema: { ...oneOfModels(MessageAcceptedDto, MessagesAcceptedDto), example: { id: '0b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6e', status: 'queued', requestId: 'order-1042-shipped' } },
    description: 'Queued or scheduled; with `to` as an array, each message and each number refused with why (MessagesAccepted).',
  })
  @ApiResponse({ status: 200, type: MessageAcceptedDto, description: 'A repeated requestId: the first message, not sent again.' })
  @ApiErrors(400, 401, 404, 409, 413, 415)
  async send(
    @WorkspaceId() workspaceId: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MessageAcceptedDto | MessagesAcceptedDto> {
    const answer = await this.messages.send(workspaceId, body);
    if ('many' in answer) return answer.many;
    if (!answer.one.created) res.status(200);
    return publicAnswer(answer.one);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a message that has not gone out yet (scheduled or queued): it becomes cancelled and is never sent.' })
  @ApiParam({ name: 'id', example: '0b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6e' })
  @ApiResponse({ status: 200, type: MessageDto })
  @ApiErrors(401, 404, 409)
  cancel(@WorkspaceId() workspaceId: string, @Param('id') id: string): Promise<MessageDto> {
    return this.messages.cancel(workspaceId, id);
  }

  @Get()
  @ApiOperation({
    summary:
      'List every send, newest first: single messages and campaign recipients (id `r:<n>`, with campaignId and runId), filtered by campaign, run, status, tag, template, number and time (cursor pagination).',
  })
  @ApiQuery({ name: 'campaignId', required: false, type: String, description: "Only this campaign's sends." })
  @ApiQuery({ name: 'runId', required: false, type: String, description: "Only this run's sends." })
  @ApiQuery({ name: 'status', required: false, enum: SEND_STATES, example: 'failed' })
  @ApiQuery({ name: 'tag', required: false, type: String, example: 'orders' })
  @ApiQuery({ name: 'template', required: false, type: String, example: 'order_update' })
  @ApiQuery({ name: 'number', required: false, type: String, example: '+919739978284' })
  @ApiQuery({ name: 'from', required: false, type: String, example: '2026-11-21T00:00:00Z', description: 'ISO-8601 or unix seconds (inclusive).' })
  @ApiQuery({ name: 'to', required: false, type: String, example: '2026-11-22T00:00:00Z', description: 'ISO-8601 or unix seconds (exclusive).' })
  @ApiQuery({ name: 'limit', required: false, type: 'integer', minimum: 1, example: 100 })
  @ApiQuery({ name: 'cursor', required: false, type: String, example: 'bTp…', description: 'nextCursor from the previous page.' })
  @ApiResponse({ status: 200, type: MessagePageDto })
  @ApiErrors(400, 401)
  list(@WorkspaceId() workspaceId: string, @Query() query: Record<string, unknown>): Promise<MessagePageDto> {
    return this.sends.list(workspaceId, query);
  }

  @Get(':id')
  @ApiOperation({
    summary:
      'One send: its status, every status with its time, the error, the provider id, pricing, tags, customArgs and replies (a single message), or a campaign send by its `r:<n>` id.',
  })
  @ApiParam({ name: 'id', example: '0b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6e' })
  @ApiResponse({ status: 200, type: MessageDto })
  @ApiErrors(401, 404)
  get(@WorkspaceId() workspaceId: string, @Param('id') id: string): Promise<MessageDto> {
    return this.sends.get(workspaceId, id);
  }
}

import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, Sse, type MessageEvent } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Observable } from 'rxjs';
import { BlastsService, CampaignsService, RECIPIENT_STATUSES, RunProgressHub } from '@herald/campaigns';
import { ApiErrors } from '../http/api-errors.decorator';
import { WorkspaceId } from '../http/workspace-id.decorator';
import { ApiRecipientsExport } from '../campaigns/campaign.dto';
import { streamRecipients } from '../campaigns/recipients-stream.util';
import { MAX_PENDING_EVENT_CHARS, runEventStream } from '../campaigns/run-events.util';
import { ApiRunEvents } from '../campaigns/run-progress.dto';
import { BlastCreatedDto, BlastDto, CreateBlastDto, RetriedBlastDto } from './blast.dto';

const BLAST = { name: 'id', example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' };

/** Blasts: a template the business has, to a search's contacts or to audiences. A blast is one campaign run. */
@ApiTags('blasts')
@ApiBearerAuth('api-key')
@ApiSecurity('x-api-key')
@Controller('v1/blasts')
export class BlastsController {
  constructor(
    private readonly blasts: BlastsService,
    private readonly campaigns: CampaignsService,
    private readonly progress: RunProgressHub,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Send an approved template (WhatsApp) or a message of its own (Messenger, Instagram, Telegram) to every contact matching searchSpec (or in audiences), filled per contact.' })
  @ApiBody({ type: CreateBlastDto })
  @ApiResponse({ status: 202, type: BlastCreatedDto })
  @ApiErrors(400, 401, 404, 409, 413, 415)
  create(@WorkspaceId() workspaceId: string, @Body() body: unknown): Promise<BlastCreatedDto> {
    return this.blasts.create(workspaceId, body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One blast: status, counts, progress, ETA, why it waits, and its results.' })
  @ApiParam(BLAST)
  @ApiResponse({ status: 200, type: BlastDto })
  @ApiErrors(401, 404)
  get(@WorkspaceId() workspaceId: string, @Param('id') id: string): Promise<BlastDto> {
    return this.blasts.get(workspaceId, id);
  }

  @Sse(':id/events', { maxPendingDataLength: MAX_PENDING_EVENT_CHARS })
  @ApiOperation({
    summary:
      'Follow a blast live (Server-Sent Events): counts per status, progress, rate, ETA and why it waits, at most once a second while anything changes; an `end` event once it ends, then the stream closes.',
  })
  @ApiParam(BLAST)
  @ApiRunEvents()
  @ApiErrors(401, 404)
  async events(@WorkspaceId() workspaceId: string, @Param('id') id: string): Promise<Observable<MessageEvent>> {
    return runEventStream(this.progress, await this.progress.current(workspaceId, { blastId: id }));
  }

  @Post(':id/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause a blast: no new sends within a second; sends in flight finish.' })
  @ApiParam(BLAST)
  @ApiResponse({ status: 200, type: BlastDto })
  @ApiErrors(401, 404, 409)
  pause(@WorkspaceId() workspaceId: string, @Param('id') id: string): Promise<BlastDto> {
    return this.blasts.pause(workspaceId, id);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused blast where it stopped.' })
  @ApiParam(BLAST)
  @ApiResponse({ status: 200, type: BlastDto })
  @ApiErrors(401, 404, 409)
  resume(@WorkspaceId() workspaceId: string, @Param('id') id: string): Promise<BlastDto> {
    return this.blasts.resume(workspaceId, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a blast: nothing more is sent; waiting recipients become cancelled.' })
  @ApiParam(BLAST)
  @ApiResponse({ status: 200, type: BlastDto })
  @ApiErrors(401, 404, 409)
  cancel(@WorkspaceId() workspaceId: string, @Param('id') id: string): Promise<BlastDto> {
    return this.blasts.cancel(workspaceId, id);
  }

  @Post(':id/retry-failed')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send again to recipients whose failure was transient (5xx, throttling, no answer).' })
  @ApiParam(BLAST)
  @ApiResponse({ status: 200, type: RetriedBlastDto })
  @ApiErrors(401, 404, 409)
  retryFailed(@WorkspaceId() workspaceId: string, @Param('id') id: string): Promise<RetriedBlastDto> {
    return this.blasts.retryFailed(workspaceId, id);
  }

  @Get(':id/recipients')
  @ApiOperation({ summary: 'Every recipient with status, error, times and action, streamed as JSON or CSV (?format=csv).' })
  @ApiParam(BLAST)
  @ApiQuery({ name: 'status', required: false, enum: RECIPIENT_STATUSES, example: 'failed' })
  @ApiQuery({ name: 'format', required: false, example: 'csv', enum: ['json', 'csv'] })
  @ApiRecipientsExport()
  @ApiErrors(400, 401, 404)
  async recipients(
    @WorkspaceId() workspaceId: string,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Res() res: Response,
  ): Promise<void> {
    const { runIds, status, format } = await this.blasts.recipientsQuery(workspaceId, id, query);
    await streamRecipients(res, this.campaigns.exportRecipients(workspaceId, runIds, status), format, `blast-${id}-recipients.csv`);
  }
}

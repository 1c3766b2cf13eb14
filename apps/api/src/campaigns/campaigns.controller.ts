import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res, Sse, type MessageEvent } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { Observable } from 'rxjs';
import { CampaignsService, RECIPIENT_STATUSES, RunProgressHub } from '@herald/campaigns';
import { ApiErrors } from '../http/api-errors.decorator';
import { WorkspaceId } from '../http/workspace-id.decorator';
import { streamRecipients } from './recipients-stream.util';
import { MAX_PENDING_EVENT_CHARS, runEventStream } from './run-events.util';
import { ApiRunEvents } from './run-progress.dto';
import {
  ApiRecipientsExport,
  CampaignCreatedDto,
  CampaignDto,
  CampaignPageDto,
  CreateCampaignDto,
  CreateRunDto,
  ResultsDto,
  RetriedRunDto,
  RunCreatedDto,
  RunDto,
} from './campaign.dto';

const CAMPAIGN = { name: 'id', example: '3f2a9c1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b' };
const RUN = { name: 'runId', example: '7d1e2f3a-4b5c-4d6e-8f70-112233445566' };

@ApiTags('campaigns')
@ApiBearerAuth('api-key')
@ApiSecurity('x-api-key')
@Controller('v1/campaigns')
export class CampaignsController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly progress: RunProgressHub,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Create a campaign: registers its message as a WhatsApp template, or uses an approved one the business has (template + params); options.runImmediately also starts a run.',
  })
  @ApiBody({ type: CreateCampaignDto })
  @ApiResponse({ status: 201, type: CampaignCreatedDto })
  @ApiErrors(400, 401, 404, 409, 413, 415)
  create(@WorkspaceId() workspaceId: string, @Body() body: unknown): Promise<CampaignCreatedDto> {
    return this.campaigns.create(workspaceId, body);
  }

  @Get()
  @ApiOperation({
    summary: 'List campaigns, newest first; active=true: with a scheduled, running or paused run (false: without); kind=blast: blasts.',
  })
  @ApiQuery({ name: 'active', required: false, type: 'boolean', example: true })
  @ApiQuery({ name: 'kind', required: false, example: 'campaign', enum: ['campaign', 'blast'] })
  @ApiQuery({ name: 'limit', required: false, type: 'integer', minimum: 1, maximum: 100, example: 50, description: 'Default 50.' })
  @ApiQuery({ name: 'cursor', required: false, type: String, example: 'azoyMDI2LTExLTIxVDA4OjU5OjAwLjAwMFp8…', description: 'nextCursor of the page before.' })
  @ApiResponse({ status: 200, type: CampaignPageDto })
  @ApiErrors(400, 401)
  list(@WorkspaceId() workspaceId: string, @Query() query: Record<string, unknown>): Promise<CampaignPageDto> {
    return this.campaigns.list(workspaceId, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One campaign: template status, totals sent/delivered/read, and its runs.' })
  @ApiParam(CAMPAIGN)
  @ApiResponse({ status: 200, type: CampaignDto })
  @ApiErrors(401, 404)
  get(@WorkspaceId() workspaceId: string, @Param('id') id: string): Promise<CampaignDto> {
    return this.campaigns.get(workspaceId, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a campaign (refused with 409 while a run is scheduled, running or paused).' })
  @ApiParam(CAMPAIGN)
  @ApiResponse({ status: 204, description: 'Deleted.' })
  @ApiErrors(401, 404, 409)
  async remove(@WorkspaceId() workspaceId: string, @Param('id') id: string): Promise<void> {
    await this.campaigns.remove(workspaceId, id);
  }

  @Post(':id/runs')
  @HttpCode(202)
  @ApiOperation({ summary: 'Run the campaign for some audiences now or at timeToRun (≤ 35 days ahead).' })
  @ApiParam(CAMPAIGN)
  @ApiBody({ type: CreateRunDto })
  @ApiResponse({ status: 202, type: RunCreatedDto })
  @ApiErrors(400, 401, 404, 409, 415)
  createRun(@WorkspaceId() workspaceId: string, @Param('id') id: string, @Body() body: unknown): Promise<RunCreatedDto> {
    return this.campaigns.createRun(workspaceId, id, body);
  }

  @Get(':id/runs/:runId')
  @ApiOperation({ summary: 'One run: status, times, recipients, counts per status, progress and ETA.' })
  @ApiParam(CAMPAIGN)
  @ApiParam(RUN)
  @ApiResponse({ status: 200, type: RunDto })
  @ApiErrors(401, 404)
  getRun(@WorkspaceId() workspaceId: string, @Param('id') id: string, @Param('runId') runId: string): Promise<RunDto> {
    return this.campaigns.getRun(workspaceId, id, runId);
  }

  @Sse(':id/runs/:runId/events', { maxPendingDataLength: MAX_PENDING_EVENT_CHARS })
  @ApiOperation({
    summary:
      'Follow a run live (Server-Sent Events): counts per status, progress, rate, ETA and why it waits, at most once a second while anything changes; an `end` event once it ends, then the stream closes.',
  })
  @ApiParam(CAMPAIGN)
  @ApiParam(RUN)
  @ApiRunEvents()
  @ApiErrors(401, 404)
  async runEvents(@WorkspaceId() workspaceId: string, @Param('id') id: string, @Param('runId') runId: string): Promise<Observable<MessageEvent>> {
    return runEventStream(this.progress, await this.progress.current(workspaceId, { campaignId: id, runId }));
  }

  @Post(':id/runs/:runId/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause a run: no new sends within a second; sends in flight finish.' })
  @ApiParam(CAMPAIGN)
  @ApiParam(RUN)
  @ApiResponse({ status: 200, type: RunDto })
  @ApiErrors(401, 404, 409)
  pause(@WorkspaceId() workspaceId: string, @Param('id') id: string, @Param('runId') runId: string): Promise<RunDto> {
    return this.campaigns.pause(workspaceId, id, runId);
  }

  @Post(':id/runs/:runId/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused run where it stopped.' })
  @ApiParam(CAMPAIGN)
  @ApiParam(RUN)
  @ApiResponse({ status: 200, type: RunDto })
  @ApiErrors(401, 404, 409)
  resume(@WorkspaceId() workspaceId: string, @Param('id') id: string, @Param('runId') runId: string): Promise<RunDto> {
    return this.campaigns.resume(workspaceId, id, runId);
  }

  @Post(':id/runs/:runId/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a run: nothing more is sent; waiting recipients become cancelled.' })
  @ApiParam(CAMPAIGN)
  @ApiParam(RUN)
  @ApiResponse({ status: 200, type: RunDto })
  @ApiErrors(401, 404, 409)
  cancel(@WorkspaceId() workspaceId: string, @Param('id') id: string, @Param('runId') runId: string): Promise<RunDto> {
    return this.campaigns.cancel(workspaceId, id, runId);
  }

  @Post(':id/runs/:runId/retry-failed')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send again to recipients whose failure was transient (5xx, throttling, no answer).' })
  @ApiParam(CAMPAIGN)
  @ApiParam(RUN)
  @ApiResponse({ status: 200, type: RetriedRunDto })
  @ApiErrors(401, 404, 409)
  retryFailed(
    @WorkspaceId() workspaceId: string,
    @Param('id') id: string,
    @Param('runId') runId: string,
  ): Promise<RetriedRunDto> {
    return this.campaigns.retryFailed(workspaceId, id, runId);
  }

  @Get(':id/results')
  @ApiOperation({
    summary: 'Results of all runs (or ?runId=): sent, delivered, read, errors, not on WhatsApp, skipped, rates — from counters.',
  })
  @ApiParam(CAMPAIGN)
  @ApiQuery({ name: 'runId', required: false, type: String, example: RUN.example })
  @ApiResponse({ status: 200, type: ResultsDto })
  @ApiErrors(401, 404)
  results(@WorkspaceId() workspaceId: string, @Param('id') id: string, @Query('runId') runId?: string): Promise<ResultsDto> {
    return this.campaigns.results(workspaceId, id, runId);
  }

  @Get(':id/recipients')
  @ApiOperation({ summary: 'Every recipient with status, error, times and action, streamed as JSON or CSV (?format=csv).' })
  @ApiParam(CAMPAIGN)
  @ApiQuery({ name: 'runId', required: false, type: String, example: RUN.example })
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
    const { runIds, status, format } = await this.campaigns.recipientsQuery(workspaceId, id, query);
    await streamRecipients(res, this.campaigns.exportRecipients(workspaceId, runIds, status), format, `campaign-${id}-recipients.csv`);
  }
}

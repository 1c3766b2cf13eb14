import { applyDecorators, Body, Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CampaignsService, type CampaignView } from '@herald/campaigns';
import { ChannelsService } from '@herald/channels';
import { HeraldError } from '@herald/common';
import { AudiencesService, VariableGroupsService } from '@herald/contacts';
import { Accepts } from '../../http/content-type.decorator';
import { WorkspaceId } from '../../http/workspace-id.decorator';
import { streamRecipients } from '../../campaigns/recipients-stream.util';
import { ImportUploads } from '../../imports/import-uploads.service';
import { channelOfKind } from '../channel-of-kind.util';
import {
  activeFilter,
  audienceIdOf,
  detailsRequest,
  renameFields,
  toAudience,
  toChatIncCampaign,
  toNativeCampaign,
  toNativeRun,
  toVariableGroup,
  type Named,
} from './chatinc-request.util';

const ERROR_EXAMPLE = {
  status: 'error',
  message: 'Invalid campaign: options.audiences is required to run the campaign: audience ids, or ["all"] for every contact.',
  code: 'validation_failed',
  details: [{ field: 'options.audiences', issue: 'is required to run the campaign: audience ids, or ["all"] for every contact' }],
};

const CAMPAIGN_EXAMPLE = {
  imgUrl: 'https://cdn.example.com/banner.jpg',
  variables: ['users.first_name'],
  buttons: [{ text: 'Complete Application', type: 'input', input: 'I want to apply' }],
  campaignId: '3f2a9c1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
  locale: 'en_US',
  message: 'Hi {users.first_name}! Excited to try out campaigns',
  templateId: 'test_with_image_3f2a9c1e',
  title: 'test_with_image',
  runs: [],
  totalSent: 0,
  totalDelivered: 0,
  totalRead: 0,
  whatsAppTemplatesStatus: 'APPROVED',
};

/** A Chat Inc route's documentation: its summary, its answer, and its errors in Chat Inc's shape. */
const Route = (summary: string, status: number, example: unknown, errors: number[] = [400, 401]): MethodDecorator =>
  applyDecorators(
    HttpCode(status),
    ApiOperation({ summary }),
    ApiResponse({ status, schema: { example } }),
    ...errors.map((s) => ApiResponse({ status: s, description: "An error in Chat Inc's envelope.", schema: { example: { ...ERROR_EXAMPLE } } })),
  );

const JsonBody = (example: unknown): MethodDecorator => ApiBody({ schema: { type: 'object', example } });

const FileBody = (fields: Record<string, string>): MethodDecorator =>
  applyDecorators(
    Accepts('multipart/form-data', 'text/csv'),
    ApiConsumes('multipart/form-data'),
    ApiBody({
      schema: {
        type: 'object',
        properties: {
          file: { type: 'string', format: 'binary', description: 'The CSV: a header row naming a number column (number, phone, mobile, msisdn or wa_id).' },
          ...Object.fromEntries(Object.entries(fields).map(([name, example]) => [name, { type: 'string', example }])),
        },
      },
    }),
  );

/**
 * Chat Inc's API on Herald (`<herald>/compat/chatinc`, its bare `Authorization: <key>` header): campaigns, runs and
 * their results, variable groups and audiences (as JSON and from CSV files), each a translation onto Herald's own
 * campaigns, runs, variable groups, audiences and imports. Its ids map onto Herald's: audience and variable group
 * ids are the ids the client chooses (Herald's are too); a campaign's id is Herald's. docs/COMPATIBILITY.md.
 */
@ApiTags('compat: Chat Inc')
@ApiSecurity('Authorization')
@Controller('compat/chatinc/v1')
export class ChatIncController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly channels: ChannelsService,
    private readonly audiences: AudiencesService,
    private readonly groups: VariableGroupsService,
    private readonly uploads: ImportUploads,
  ) {}

  @Post('create/campaign')
  @Route(
    "Create a campaign: its message becomes a WhatsApp template; options.runImmediately also runs it for options.audiences at options.timeToRun. A body of campaignId alone (its 'Send Campaign' curl) runs that campaign.",
    200,
    { status: 'success', campaignId: CAMPAIGN_EXAMPLE.campaignId, campaign: CAMPAIGN_EXAMPLE },
    [400, 401, 404, 409],
  )
  @JsonBody({
    title: 'My Marketing Campaign',
    message: 'Hello, {users.first_name}. This is an awesome broadcast campaign message.',
    buttons: [{ text: 'Button 1', type: 'journey', journeyId: 'myJourneyId' }],
    options: { runImmediately: true, audiences: ['Frequent Shoppers'], languageCode: 'enUS', whatsAppTemplateType: 'MARKETING' },
  })
  async createCampaign(@WorkspaceId() workspaceId: string, @Body() body: unknown): Promise<Record<string, unknown>> {
    // The document's "Send Campaign" curl posts {"campaignId"} to this path: a run, as POST /v1/run/campaign.
    if (typeof body === 'object' && body !== null && 'campaignId' in body && !('title' in body) && !('message' in body)) {
      return this.runCampaign(workspaceId, body);
    }
    const channel = await channelOfKind(this.channels, workspaceId, 'whatsapp');
    const [audiences, groups] = await Promise.all([this.audiences.list(workspaceId), this.groups.list(workspaceId)]);
    const native = toNativeCampaign(body, { audiences, groups }, channel.id);
    let created;
    try {
      created = await this.campaigns.create(workspaceId, native.body);
    } catch (error) {
      throw renameFields(error, native.fieldNames);
    }
    const campaign = await this.campaigns.get(workspaceId, created.campaignId);
    return { status: 'success', campaignId: created.campaignId, campaign: toChatIncCampaign(campaign) };
  }

  @Post('run/campaign')
  @Route(
    'Run a campaign for audiences (ids, or ["all"]) now or at timeToRun (unix seconds); without audiences, again for the audiences of its last run.',
    200,
    { status: 'success', campaignId: CAMPAIGN_EXAMPLE.campaignId, run: { runId: '7d1e2f3a-4b5c-4d6e-8f70-112233445566', status: 'scheduled', timeToRun: 1795305600 } },
    [400, 401, 404, 409],
  )
  @JsonBody({ campaignId: CAMPAIGN_EXAMPLE.campaignId, audiences: ['all'], timeToRun: 1795305600 })
  async run(@WorkspaceId() workspaceId: string, @Body() body: unknown): Promise<Record<string, unknown>> {
    return this.runCampaign(workspaceId, body);
  }

  @Get('retrieve/campaigns')
  @Route('Every campaign with its totals sent/delivered/read, template status and runs; active=true: those with a scheduled, running or paused run.', 200, [
    { status: 'success', campaigns: CAMPAIGN_EXAMPLE },
  ])
  @ApiQuery({ name: 'active', required: false, example: 'true' })
  listCampaigns(@WorkspaceId() workspaceId: string, @Query('active') active?: unknown): Promise<unknown[]> {
    return this.campaignList(workspaceId, activeFilter(active));
  }

  @Post('retrieve/campaigns')
  @Route('Every campaign, as GET retrieve/campaigns (its "HTTPS Request" line names POST); active as a query parameter or in the body.', 200, [
    { status: 'success', campaigns: CAMPAIGN_EXAMPLE },
  ])
  @ApiQuery({ name: 'active', required: false, example: 'true' })
  @JsonBody({ active: true })
  listCampaignsByPost(@WorkspaceId() workspaceId: string, @Query('active') active?: unknown, @Body() body?: unknown): Promise<unknown[]> {
    const inBody = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['active'] : undefined;
    return this.campaignList(workspaceId, activeFilter(active ?? inBody));
  }

  @Post('retrieve/campaign')
  @Route('Every recipient of the campaign (number, name, status, errors, times, action), as JSON or (format: csv) CSV.', 200, [
    { number: '+14155550123', name: 'John', status: 'read', errorCode: null, errorTitle: null, errorDetails: null, sentAt: '2026-11-21T09:00:01.000Z', deliveredAt: '2026-11-21T09:00:02.000Z', readAt: '2026-11-21T09:03:40.000Z', clickedAt: null, action: 'Hello, World.', runId: '7d1e2f3a-4b5c-4d6e-8f70-112233445566' },
  ], [400, 401, 404])
  @ApiProduces('application/json', 'text/csv')
  @JsonBody({ campaignId: CAMPAIGN_EXAMPLE.campaignId, format: 'csv' })
  async campaignDetails(@WorkspaceId() workspaceId: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    const request = detailsRequest(body);
    const { runIds, status, format } = await this.withCampaignId(() => this.campaigns.recipientsQuery(workspaceId, request.campaignId, { format: request.format }));
    await streamRecipients(res, this.campaigns.exportRecipients(workspaceId, runIds, status), format, `campaign-${request.campaignId}.csv`);
  }

  @Post('create/variable/group')
  @Route('Create a variable group (id, name, description, fields) with values per number; a message uses them as {group.field}.', 200, {
    status: 'success', id: 'myVariableGroupId', name: 'My Variable Group', description: 'This is my variable group', fields: ['first_name', 'last_name'], size: 1, added: 1, updated: 0, invalid: [],
  }, [400, 401, 409])
  @JsonBody({
    id: 'myVariableGroupId',
    name: 'My Variable Group',
    description: 'This is my variable group',
    fields: ['first_name', 'last_name'],
    values: [{ number: '+14155550123', first_name: 'John', last_name: 'Doe' }],
  })
  async createVariableGroup(@WorkspaceId() workspaceId: string, @Body() body: unknown): Promise<Record<string, unknown>> {
    return { status: 'success', ...(await this.groups.create(workspaceId, toVariableGroup(body))) };
  }

  @Post('create/variable/group/from/file')
  @Route('Create a variable group from a CSV (multipart: file, name, id, audienceId): the number column keys each row, the others are its fields; audienceId also puts the rows\' contacts in that audience (made when missing). Applied by a worker.', 202, {
    status: 'success', importId: '3f0c1f0e-8a61-4f64-9c43-6f1f9c1e2a77',
  }, [400, 401, 413, 415])
  @FileBody({ name: 'large_group_10k_2', id: 'large_group_10k_2', audienceId: '30k' })
  async variableGroupFromFile(@WorkspaceId() workspaceId: string, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<Record<string, unknown>> {
    const importId = await this.uploads.receive(workspaceId, 'variable_group_values', req, res, req.query as Record<string, string | undefined>, (f) => {
      if (!f.id) throw new HeraldError('invalid', 'validation_failed', 'The variable group id is missing: send it as the "id" field.', [{ field: 'id', issue: 'is required' }]);
      if (!f.name) throw new HeraldError('invalid', 'validation_failed', 'The variable group name is missing: send it as the "name" field.', [{ field: 'name', issue: 'is required' }]);
      return { kind: 'variable_group_values', groupId: f.id, groupName: f.name, ...(f.audienceId ? { audienceId: f.audienceId } : {}) };
    });
    return { status: 'success', importId };
  }

  @Post('retrieve/variable/groups')
  @Route('Every variable group (input groups of campaigns included) with its fields.', 200, [{ id: 'users', name: 'users', description: null, fields: ['first_name', 'last_name'] }], [401])
  async variableGroups(@WorkspaceId() workspaceId: string): Promise<unknown[]> {
    return (await this.groups.list(workspaceId)).map((g) => ({ id: g.id, name: g.name, description: g.description, fields: g.fields }));
  }

  @Post('create/audience')
  @Route("Create an audience (id, name, description) with contacts; with an existing audience's id (Add Contacts to Audience), add the contacts to it.", 200, {
    status: 'success', id: 'myAudienceId', name: 'My Audience', description: 'This is my audience', size: 1, added: 1, alreadyMembers: 0, invalid: [],
  }, [400, 401, 404, 409])
  @JsonBody({ id: 'myAudienceId', name: 'My Audience', description: 'This is my audience', contacts: [{ number: '+14155550123' }] })
  async createAudience(@WorkspaceId() workspaceId: string, @Body() body: unknown): Promise<Record<string, unknown>> {
    const input = toAudience(body);
    if (input.name !== undefined) {
      try {
        return { status: 'success', ...(await this.audiences.create(workspaceId, { id: input.id, name: input.name, description: input.description ?? null, contacts: input.contacts })) };
      } catch (error) {
        if (!(error instanceof HeraldError) || error.code !== 'audience_exists' || input.id === 'all') throw error;
      }
      // The id is taken: its contacts are added ("Add Contacts to Audience"), but a different name or description
      // is not dropped silently — Herald's audiences keep theirs, so it is refused.
      const existing = await this.audiences.get(workspaceId, input.id);
      const differs = [
        ...(existing.name !== input.name ? [{ field: 'name', issue: `differs from the existing audience's name "${existing.name}"` }] : []),
        ...(input.description !== undefined && input.description !== existing.description ? [{ field: 'description', issue: "differs from the existing audience's description" }] : []),
      ];
      if (differs.length > 0) {
        throw new HeraldError('conflict', 'audience_exists', `An audience with id "${input.id}" already exists as "${existing.name}": to add contacts to it, give its id and contacts (without name, or with its name).`, differs);
      }
    }
    let added;
    try {
      added = await this.audiences.addContacts(workspaceId, input.id, input.contacts);
    } catch (error) {
      if (error instanceof HeraldError && error.code === 'audience_not_found') {
        throw new HeraldError('not_found', error.code, `${error.message} Give a name to create it.`, [{ field: 'id', issue: 'names no audience; give name to create it' }]);
      }
      throw error;
    }
    return { status: 'success', ...(await this.audiences.get(workspaceId, input.id)), ...added };
  }

  @Post('create/audience/from/file')
  @Route('Create an audience (name, id) from a CSV, or add its contacts to the audience of that id (multipart: file, name, id). Applied by a worker.', 202, {
    status: 'success', importId: '3f0c1f0e-8a61-4f64-9c43-6f1f9c1e2a77',
  }, [400, 401, 404, 413, 415])
  @FileBody({ name: 'testos', id: 'testos' })
  async audienceFromFile(@WorkspaceId() workspaceId: string, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<Record<string, unknown>> {
    const importId = await this.uploads.receive(workspaceId, 'audience_contacts', req, res, req.query as Record<string, string | undefined>, (f) => {
      if (!f.id) throw new HeraldError('invalid', 'validation_failed', 'The audience id is missing: send it as the "id" field.', [{ field: 'id', issue: 'is required' }]);
      return { kind: 'audience_contacts', audienceId: f.id, ...(f.name ? { audienceName: f.name } : {}) };
    });
    return { status: 'success', importId };
  }

  @Get('retrieve/audiences')
  @Route("Every audience with its size.", 200, [{ id: 'myAudienceId', name: 'My Audience', description: 'This is my audience', size: 1, createdAt: '2026-11-21T08:00:00.000Z', updatedAt: '2026-11-21T08:00:00.000Z' }], [401])
  listAudiences(@WorkspaceId() workspaceId: string): Promise<unknown[]> {
    return this.audiences.list(workspaceId);
  }

  @Post('retrieve/audience/contacts')
  @Route("Every contact of an audience ('all': every contact): number, name and attributes.", 200, [{ number: '+14155550123', name: 'John', city: 'Leeds' }], [400, 401, 404])
  @JsonBody({ id: 'myAudienceId' })
  async audienceContacts(@WorkspaceId() workspaceId: string, @Body() body: unknown): Promise<unknown[]> {
    const id = audienceIdOf(body);
    const contacts: unknown[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.withAudienceId(() => this.audiences.members(workspaceId, id, 1_000, cursor));
      for (const c of page.data) contacts.push({ number: c.number, name: c.name, ...c.attributes });
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return contacts;
  }

  private async runCampaign(workspaceId: string, body: unknown): Promise<Record<string, unknown>> {
    const given = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['campaignId'] : undefined;
    const campaign = typeof given === 'string' && given.trim() !== '' ? await this.withCampaignId(() => this.campaigns.get(workspaceId, given.trim())) : undefined;
    const last = [...(campaign?.runs ?? [])].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
    const audiences: Named[] = await this.audiences.list(workspaceId);
    const native = toNativeRun(body, audiences, last?.audiences);
    const run = await this.withCampaignId(() => this.campaigns.createRun(workspaceId, native.campaignId, native.body));
    return { status: 'success', campaignId: native.campaignId, run: { runId: run.runId, status: run.status, timeToRun: Math.floor(run.timeToRun.getTime() / 1000) } };
  }

  /** Every campaign (Chat Inc has no pages), each with its runs, newest first. */
  private async campaignList(workspaceId: string, active: 'true' | 'false' | undefined): Promise<unknown[]> {
    const views: CampaignView[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.campaigns.list(workspaceId, { limit: '100', ...(active ? { active } : {}), ...(cursor ? { cursor } : {}) });
      views.push(...page.data);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    const withRuns = await Promise.all(views.map((v) => this.campaigns.get(workspaceId, v.id)));
    return withRuns.map((c) => ({ status: 'success', campaigns: toChatIncCampaign(c) }));
  }

  /** An audience that is not there is named by Chat Inc's field, id. */
  private async withAudienceId<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof HeraldError && error.code === 'audience_not_found') {
        throw new HeraldError('not_found', error.code, error.message, [{ field: 'id', issue: 'names no audience of this workspace' }]);
      }
      throw error;
    }
  }

  /** A campaign that is not there is named by Chat Inc's field, campaignId. */
  private async withCampaignId<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof HeraldError && error.code === 'campaign_not_found') {
        throw new HeraldError('not_found', error.code, error.message, [{ field: 'campaignId', issue: 'names no campaign of this workspace' }]);
      }
      throw error;
    }
  }
}

import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { ChannelsService } from '@herald/channels';
import type { SendFilter, SendView, WaitReason } from '@herald/sending';
import { CHANNEL_PAUSED } from './chunk-sender.service';
import { VariableGroupsService } from '@herald/contacts';
import { Clock, HeraldError, decodeTimeCursor, encodeTimeCursor, isUuid } from '@herald/common';
import { CampaignRepository, type CampaignRow, type RunRow } from './campaign.repository';
import { ACTIVE_RUN_STATUSES, type RunStatus } from './campaign-run.entity';
import { RECIPIENT_STATUSES, type RecipientStatus } from './campaign-recipient.entity';
import { assertNoIssues, checkGroupFields, templateName } from './campaign-message.util';
import { parseCreateCampaign, parseRunInput, type RunInput } from './campaign-input.util';
import { addBuckets, foldCounts, progressOf, toResults, type RunCounts, type RunResults } from './run-figures.util';
import { RecipientRepository, type RecipientExportRow, type SendsPosition } from './recipient.repository';
import { CAMPAIGN_SEND_ID, positionOf, toCampaignSendView } from './campaign-send-view.util';
import { RunJobs } from './run-jobs.service';
import type { SendWindow } from '@herald/sending';
import type { CampaignButton } from './campaign-message.util';

export interface RunView {
  runId: string;
  campaignId: string;
  status: RunStatus;
  audiences: string[];
  timeToRun: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  recipients: number | null;
  counts: RunCounts;
  skippedByReason: Record<string, number>;
  progress: number;
  eta: Date | null;
  /** Why a run that is not finished is not sending now, and until when (null while it sends, or when done). */
  waiting: { reason: WaitReason; until: Date | null } | null;
  failureReason: string | null;
  createdAt: Date;
}

export interface CampaignView {
  id: string;
  title: string;
  message: string;
  imgUrl: string | null;
  buttons: CampaignButton[];
  templateType: string;
  languageCode: string;
  channelId: string;
  sendWindow: SendWindow | null;
  templateName: string;
  templateStatus: string;
  templateReason: string | null;
  inputGroup: string | null;
  totalSent: number;
  totalDelivered: number;
  totalRead: number;
  runs?: RunView[];
  createdAt: Date;
  updatedAt: Date;
}

export interface CampaignCreated {
  campaignId: string;
  templateStatus: string;
  run?: { runId: string; status: RunStatus; timeToRun: Date };
}

export const RECIPIENT_EXPORT_COLUMNS = [
  'number',
  'name',
  'status',
  'errorCode',
  'errorTitle',
  'errorDetails',
  'sentAt',
  'deliveredAt',
  'readAt',
  'action',
] as const;

/** Each campaign on a page brings its runs and counters: pages are smaller than contact pages. */
const MAX_PAGE = 100;
const DEFAULT_PAGE = 50;
const CURSOR_TAG = 'k';

/** The API's campaigns: create, schedule runs, control them, and read results. Workers do the sending. */
@Injectable()
export class CampaignsService {
  private readonly logger = new Logger(CampaignsService.name);

  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly recipients: RecipientRepository,
    private readonly channels: ChannelsService,
    private readonly variableGroups: VariableGroupsService,
    private readonly jobs: RunJobs,
    private readonly clock: Clock,
  ) {}

  async create(workspaceId: string, body: unknown): Promise<CampaignCreated> {
    const now = this.clock.now().toJSDate();
    const input = parseCreateCampaign(body, now);
    const channel = await this.channels.resolve(workspaceId, input.channelId);
    const groups = await this.campaigns.variableGroups(
      workspaceId,
      input.variables.flatMap((v) => (v.kind === 'group' ? [v.group] : [])),
    );
    assertNoIssues(checkGroupFields(input.variables, new Map([...groups].map(([id, g]) => [id, g.fields]))));
    if (input.run) await this.audiencePks(workspaceId, input.run.audiences, 'options.audiences');

    const id = randomUUID();
    const { campaign, run } = await this.campaigns.transaction(async (manager) => {
      const inputs = [...new Set(input.buttons.flatMap((b) => (b.type === 'input' && b.input ? [b.input] : [])))];
      const inputGroupPk =
        inputs.length === 0
          ? null
          : await this.variableGroups.createOwnedGroup(manager, workspaceId, {
              id: inputGroupId(id),
              name: `Replies to ${input.title}`.slice(0, 200),
              description: `Input-button replies to campaign ${id}.`,
              fields: inputs,
            });
      const campaign = await this.campaigns.insertCampaign(manager, {
        id,
        workspace_id: workspaceId,
        channel_id: channel.id,
        title: input.title,
        message: input.message,
        body: input.body,
        variables: input.variables,
        img_url: input.imgUrl,
        buttons: input.buttons,
        template_type: input.templateType,
        language_code: input.languageCode,
        send_window: input.sendWindow,
        template_name: templateName(input.title, id),
        template_status: 'PENDING',
        input_group_pk: inputGroupPk,
      });
      const run = input.run ? await this.campaigns.insertRun(manager, this.newRun(workspaceId, id, input.run, now)) : null;
      return { campaign, run };
    });
    await this.enqueue(() => this.jobs.registerTemplate(campaign.id), `template of campaign ${campaign.id}`);
    if (run) await this.enqueue(() => this.jobs.scheduleStart(run.id, run.time_to_run), `run ${run.id}`);
    return {
      campaignId: campaign.id,
      templateStatus: campaign.template_status,
      ...(run ? { run: { runId: run.id, status: run.status, timeToRun: run.time_to_run } } : {}),
    };
  }

  async list(workspaceId: string, query: Record<string, unknown>): Promise<{ data: CampaignView[]; nextCursor: string | null }> {
    const active =
      query['active'] === undefined ? undefined : query['active'] === 'true' ? true : query['active'] === 'false' ? false : null;
    if (active === null) throw invalid('active', 'must be true or false');
    const limit = query['limit'] === undefined ? DEFAULT_PAGE : Number(query['limit']);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
      throw invalid('limit', `must be a whole number from 1 to ${MAX_PAGE}`);
    const cursor = query['cursor'];
    if (cursor !== undefined && typeof cursor !== 'string') throw invalid('cursor', 'must be a single value');
    const after = decodeTimeCursor(CURSOR_TAG, cursor);
    const rows = await this.campaigns.listCampaigns(workspaceId, active, limit, after);
    const page = rows.slice(0, limit);
    const views = await this.views(page, false);
    const last = page[page.length - 1];
    return {
      data: views,
      nextCursor: rows.length > limit && last ? encodeTimeCursor(CURSOR_TAG, last) : null,
    };
  }

  async get(workspaceId: string, id: string): Promise<CampaignView> {
    const row = await this.campaign(workspaceId, id);
    return (await this.views([row], true))[0]!;
  }

  async remove(workspaceId: string, id: string): Promise<void> {
    if (!isUuid(id)) throw HeraldError.notFound('campaign', id);
    const outcome = await this.campaigns.deleteCampaign(workspaceId, id);
    if (outcome === 'not_found') throw HeraldError.notFound('campaign', id);
    if (outcome === 'active') {
      throw new HeraldError(
        'conflict',
        'campaign_active',
        'The campaign has a scheduled, running or paused run: cancel it (or let it finish) before deleting the campaign.',
      );
    }
  }

  async createRun(
    workspaceId: string,
    campaignId: string,
    body: unknown,
  ): Promise<{ runId: string; status: RunStatus; timeToRun: Date }> {
    const campaign = await this.campaign(workspaceId, campaignId);
    const now = this.clock.now().toJSDate();
    const input = parseRunInput(body, now);
    await this.audiencePks(workspaceId, input.audiences, 'audiences');
    if (campaign.template_status !== 'PENDING' && campaign.template_status !== 'APPROVED') {
      throw new HeraldError(
        'conflict',
        'template_not_usable',
        `The campaign's template is ${campaign.template_status}${campaign.template_reason ? ` (${campaign.template_reason})` : ''}: it cannot be sent.`,
      );
    }
    const run = await this.campaigns.transaction((manager) =>
      this.campaigns.insertRun(manager, this.newRun(workspaceId, campaign.id, input, now)),
    );
    await this.enqueue(() => this.jobs.scheduleStart(run.id, run.time_to_run), `run ${run.id}`);
    return { runId: run.id, status: run.status, timeToRun: run.time_to_run };
  }

  async getRun(workspaceId: string, campaignId: string, runId: string): Promise<RunView> {
    const run = await this.run(workspaceId, campaignId, runId);
    const counts = await this.campaigns.counts([run.id]);
    return this.runView(run, counts.get(run.id) ?? {}, await this.waiting(run));
  }

  /** Why a run is not sending now (shown with the run, and counted into its ETA). */
  private async waiting(run: RunRow): Promise<RunView['waiting']> {
    switch (run.status) {
      case 'waiting_for_template':
        return { reason: 'template_pending', until: null };
      case 'scheduled':
        return null;
      case 'paused':
        return run.failure_reason?.startsWith(CHANNEL_PAUSED) ? { reason: 'channel_paused', until: null } : null;
      case 'running': {
        const w = await this.recipients.waitingOf(run.id);
        if (!w || w.dueNow) return null;
        return { reason: (w.reason as WaitReason | null) ?? 'backoff', until: w.until };
      }
      case 'completed':
      case 'cancelled':
      case 'failed':
        return null;
    }
  }

  /** Stops new sends of a running run at once (claims check the run's status); sends in flight finish. */
  async pause(workspaceId: string, campaignId: string, runId: string): Promise<RunView> {
    const run = await this.run(workspaceId, campaignId, runId);
    if (!(await this.campaigns.transition(run.id, ['running', 'scheduled', 'waiting_for_template'], 'paused')))
      throw wrongState(run, 'pause');
    return this.getRun(workspaceId, campaignId, runId);
  }

  /** Continues where it stopped: the chunks with recipients left go back on the queue. */
  async resume(workspaceId: string, campaignId: string, runId: string): Promise<RunView> {
    const run = await this.run(workspaceId, campaignId, runId);
    if (run.status !== 'paused') throw wrongState(run, 'resume');
    if (run.started_at === null) {
      // Paused before it started: back to scheduled, and its start job (kept or rebuilt) starts it.
      if (!(await this.campaigns.transition(run.id, ['paused'], 'scheduled'))) throw wrongState(run, 'resume');
      await this.enqueue(() => this.jobs.scheduleStart(run.id, run.time_to_run), `run ${run.id}`);
    } else {
      if (!(await this.campaigns.transition(run.id, ['paused'], 'running'))) throw wrongState(run, 'resume');
      await this.enqueue(async () => this.jobs.chunks(await this.recipients.pendingChunks([run.id])), `chunks of run ${run.id}`);
    }
    return this.getRun(workspaceId, campaignId, runId);
  }

  /** Sends nothing more: recipients still waiting become `cancelled`. */
  async cancel(workspaceId: string, campaignId: string, runId: string): Promise<RunView> {
    const run = await this.run(workspaceId, campaignId, runId);
    const done = await this.campaigns.transaction(async (manager) => {
      if (!(await this.campaigns.transition(run.id, ACTIVE_RUN_STATUSES, 'cancelled', { completedAt: true }, manager)))
        return false;
      await this.recipients.cancelQueued(manager, run.id);
      return true;
    });
    if (!done) throw wrongState(run, 'cancel');
    await this.jobs.dropStart(run.id);
    return this.getRun(workspaceId, campaignId, runId);
  }

  /** Sends again to recipients whose failure was transient (5xx, throttling, timeouts that ran out of tries). */
  async retryFailed(workspaceId: string, campaignId: string, runId: string): Promise<RunView & { requeued: number }> {
    const run = await this.run(workspaceId, campaignId, runId);
    if (!['running', 'completed', 'paused'].includes(run.status)) throw wrongState(run, 'retry failed recipients of');
    const requeued = await this.campaigns.transaction(async (manager) => {
      const locked = await this.campaigns.runById(run.id, manager, true);
      if (!locked || !['running', 'completed', 'paused'].includes(locked.status))
        throw wrongState(run, 'retry failed recipients of');
      const n = await this.recipients.requeueTransientFailures(manager, run.id);
      if (n > 0 && locked.status === 'completed') await this.campaigns.transition(run.id, ['completed'], 'running', {}, manager);
      return n;
    });
    if (requeued > 0)
      await this.enqueue(async () => this.jobs.chunks(await this.recipients.pendingChunks([run.id])), `chunks of run ${run.id}`);
    return { ...(await this.getRun(workspaceId, campaignId, runId)), requeued };
  }

  async results(workspaceId: string, campaignId: string, runId?: string): Promise<RunResults & { runs: number }> {
    const campaign = await this.campaign(workspaceId, campaignId);
    let ids: string[];
    if (runId !== undefined) ids = [(await this.run(workspaceId, campaign.id, runId)).id];
    else ids = (await this.campaigns.runsOf([campaign.id])).map((r) => r.id);
    const counts = await this.campaigns.counts(ids);
    return { ...toResults(addBuckets([...counts.values()])), runs: ids.length };
  }

  /** Checks a recipients export request and returns what to stream. */
  async recipientsQuery(
    workspaceId: string,
    campaignId: string,
    query: Record<string, unknown>,
  ): Promise<{ runIds: string[]; status: RecipientStatus | null; format: 'json' | 'csv' }> {
    const campaign = await this.campaign(workspaceId, campaignId);
    const format = query['format'] ?? 'json';
    if (format !== 'json' && format !== 'csv') throw invalid('format', 'must be json or csv');
    const status = query['status'];
    if (status !== undefined && (typeof status !== 'string' || !(RECIPIENT_STATUSES as readonly string[]).includes(status))) {
      throw invalid('status', `must be one of ${RECIPIENT_STATUSES.join(', ')}`);
    }
    let runIds: string[];
    if (query['runId'] !== undefined) runIds = [(await this.run(workspaceId, campaign.id, String(query['runId']))).id];
    else runIds = (await this.campaigns.runsOf([campaign.id])).map((r) => r.id);
    return { runIds, status: (status as RecipientStatus | undefined) ?? null, format };
  }

  /** The recipients of some runs, in pages of `pageSize` (keyset on id): stream them, never load them all. */
  async *exportRecipients(
    runIds: readonly string[],
    status: RecipientStatus | null,
    pageSize = 5_000,
  ): AsyncGenerator<RecipientExportRow[]> {
    for (const runId of runIds) {
      let after = '0';
      for (;;) {
        const rows = await this.recipients.exportPage(runId, status, after, pageSize);
        if (rows.length === 0) break;
        yield rows;
        after = rows[rows.length - 1]!.id;
        if (rows.length < pageSize) break;
      }
    }
  }

  /**
   * A page of the workspace's campaign sends for `GET /v1/messages` (the filter is checked at the edge): up to
   * `limit` sends after `after`, each with its position for the next page. Sends carry no tags, so a tag filter
   * matches none.
   */
  async sendsPage(
    workspaceId: string,
    filter: SendFilter,
    limit: number,
    after?: SendsPosition,
  ): Promise<Array<{ view: SendView; position: SendsPosition }>> {
    if (filter.tag !== undefined || filter.status === 'scheduled') return [];
    const rows = await this.recipients.sendsPage(workspaceId, filter, limit, after);
    return rows.map((row) => ({ view: toCampaignSendView(row), position: positionOf(row) }));
  }

  /** One campaign send by its id in the API (`r:<recipient id>`); undefined when there is none in the workspace. */
  async send(workspaceId: string, id: string): Promise<SendView | undefined> {
    const match = CAMPAIGN_SEND_ID.exec(id);
    const row = match ? await this.recipients.sendById(workspaceId, match[1]!) : undefined;
    return row ? toCampaignSendView(row) : undefined;
  }

  private newRun(workspaceId: string, campaignId: string, input: RunInput, now: Date) {
    return {
      workspaceId,
      campaignId,
      audiences: input.audiences,
      timeToRun: input.timeToRun ?? now,
      validitySeconds: input.validitySeconds ?? null,
      ignoreQuietHours: input.ignoreQuietHours ?? false,
    };
  }

  /** Postgres holds the work already; a queue that cannot take it now is rebuilt by the reconciler. */
  private async enqueue(work: () => Promise<unknown>, what: string): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.warn(`could not queue ${what} now (${(error as Error).message}); the reconciler will`);
    }
  }

  private async campaign(workspaceId: string, id: string): Promise<CampaignRow> {
    const row = isUuid(id) ? await this.campaigns.findCampaign(workspaceId, id) : undefined;
    if (!row) throw HeraldError.notFound('campaign', id);
    return row;
  }

  private async run(workspaceId: string, campaignId: string, runId: string): Promise<RunRow> {
    const run = isUuid(campaignId) && isUuid(runId) ? await this.campaigns.findRun(workspaceId, campaignId, runId) : undefined;
    if (!run) throw HeraldError.notFound('run', runId);
    return run;
  }

  /** Audience ids → primary keys; unknown ones are a 400 naming them. 'all' → 'all'. */
  async audiencePks(workspaceId: string, audiences: readonly string[], field: string): Promise<string[] | 'all'> {
    if (audiences.length === 1 && audiences[0] === 'all') return 'all';
    const known = await this.campaigns.audiencePks(workspaceId, audiences);
    const unknown = audiences.filter((a) => !known.has(a));
    if (unknown.length > 0) {
      throw new HeraldError(
        'invalid',
        'validation_failed',
        `Unknown audience${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.`,
        unknown.map((a) => ({ field, issue: `names an unknown audience "${a}"` })),
      );
    }
    return audiences.map((a) => known.get(a)!);
  }

  private async views(rows: CampaignRow[], withRuns: boolean): Promise<CampaignView[]> {
    const runs = await this.campaigns.runsOf(rows.map((r) => r.id));
    const counts = await this.campaigns.counts(runs.map((r) => r.id));
    const groupIds = await this.campaigns.variableGroupIds(
      rows.flatMap((r) => (r.input_group_pk === null ? [] : [r.input_group_pk])),
    );
    return rows.map((c) => {
      const own = runs.filter((r) => r.campaign_id === c.id);
      const results = toResults(addBuckets(own.map((r) => counts.get(r.id) ?? {})));
      return {
        id: c.id,
        title: c.title,
        message: c.message,
        imgUrl: c.img_url,
        buttons: c.buttons,
        templateType: c.template_type,
        languageCode: c.language_code,
        channelId: c.channel_id,
        sendWindow: c.send_window,
        templateName: c.template_name,
        templateStatus: c.template_status,
        templateReason: c.template_reason,
        inputGroup: c.input_group_pk === null ? null : (groupIds.get(c.input_group_pk) ?? null),
        totalSent: results.sent,
        totalDelivered: results.delivered,
        totalRead: results.read,
        ...(withRuns ? { runs: own.map((r) => this.runView(r, counts.get(r.id) ?? {})) } : {}),
        createdAt: c.created_at,
        updatedAt: c.updated_at,
      };
    });
  }

  private runView(run: RunRow, buckets: Record<string, number>, waiting: RunView['waiting'] = null): RunView {
    const { counts, skippedBy } = foldCounts(buckets);
    const recipients = run.recipients ?? 0;
    const { progress, eta } =
      run.recipients === null
        ? { progress: 0, eta: null }
        : progressOf(counts, recipients, run.started_at, this.clock.now().toJSDate(), run.status === 'running', waiting?.until ?? null);
    return {
      runId: run.id,
      campaignId: run.campaign_id,
      status: run.status,
      audiences: run.audiences,
      timeToRun: run.time_to_run,
      startedAt: run.started_at,
      completedAt: run.completed_at,
      recipients: run.recipients,
      counts,
      skippedByReason: skippedBy,
      progress,
      eta,
      waiting,
      failureReason: run.failure_reason,
      createdAt: run.created_at,
    };
  }
}

/** The campaign's input group id: replies to its input buttons land there. */
export function inputGroupId(campaignId: string): string {
  return `campaign-${campaignId}`;
}

const invalid = HeraldError.invalid;

function wrongState(run: RunRow, action: string): HeraldError {
  return new HeraldError('conflict', 'run_state', `Cannot ${action} a run that is ${run.status}.`, [
    { field: 'status', issue: run.status },
  ]);
}

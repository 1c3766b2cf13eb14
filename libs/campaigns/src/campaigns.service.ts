import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { ChannelsService, checkMessageFor, type ChannelView } from '@herald/channels';
import { CoreConfig } from '@herald/config';
import { LinksService } from '@herald/links';
import { TemplatesService, type TemplateView } from '@herald/templates';
import { assertKeyMaySendFrom } from '@herald/workspaces';
import { SendSettingsService, type SendFilter, type SendView, type WaitReason } from '@herald/sending';
import { ContactsService, VariableGroupsService } from '@herald/contacts';
import { Clock, HeraldError, decodeTimeCursor, encodeTimeCursor, isUuid } from '@herald/common';
import { runWaiting } from './run-progress.util';
import { CampaignRepository, TEMPLATE_PAUSED, type CampaignRow, type RunRow } from './campaign.repository';
import type { CampaignKind } from './campaign.entity';
import { ACTIVE_RUN_STATUSES, type RunStatus } from './campaign-run.entity';
import { RECIPIENT_STATUSES, type RecipientStatus } from './campaign-recipient.entity';
import { assertNoIssues, checkGroupFields, templateName, toPlatformMessage, urlVariable } from './campaign-message.util';
import {
  parseCreateCampaign,
  parseRunInput,
  parseTemplateCampaign,
  type CreateCampaignInput,
  type RunInput,
  type TemplateCampaignInput,
  type TemplateUse,
} from './campaign-input.util';
import { registeredButtonParams, type TemplateParams } from './recipient-params.util';
import { addBuckets, foldCounts, progressOf, toResults, type RunCounts, type RunResults } from './run-figures.util';
import { RecipientRepository, type RecipientExportRow, type SendsPosition } from './recipient.repository';
import { CAMPAIGN_SEND_ID, positionOf, toCampaignSendView } from './campaign-send-view.util';
import { RunJobs } from './run-jobs.service';
import type { SendWindow } from '@herald/sending';
import type { CampaignButton } from './campaign-message.util';

/** Why a run waits: the send pipeline's reasons, and its template paused by Meta. */
export type RunWaitReason = WaitReason | typeof TEMPLATE_PAUSED;

export interface RunView {
  runId: string;
  campaignId: string;
  status: RunStatus;
  audiences: string[];
  /** A blast's search: its recipients are the contacts matching it when it starts. */
  searchSpec: Record<string, unknown> | null;
  tags: string[];
  timeToRun: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  recipients: number | null;
  counts: RunCounts;
  skippedByReason: Record<string, number>;
  progress: number;
  eta: Date | null;
  /** Why a run that is not finished is not sending now, and until when (null while it sends, or when done). */
  waiting: { reason: RunWaitReason; until: Date | null } | null;
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
  /** `existing`: a template the business already had; `registered`: Herald registered the message as one. */
  templateSource: string;
  /** An existing template's parameters as written (body, header, buttons), or a URL button's variable. */
  templateParams: TemplateParams | null;
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

/**
 * What a new run is about to do, as its creator should read it. Every run is stored `scheduled` and started by its
 * start job; one due now has that job queued at once, so "scheduled" would mislead: it is `starting` (a worker fixes
 * its recipients and it is `running` within a moment), or `waiting_for_template` when its template is still in review
 * (the start job parks it there). A later run is `scheduled`, as stored.
 */
export type RunCreatedStatus = RunStatus | 'starting';

function createdStatus(stored: RunStatus, timeToRun: Date, now: Date, templateStatus: string): RunCreatedStatus {
  // A second's grace: a run due now may carry a time_to_run the database took a moment after `now`.
  if (stored !== 'scheduled' || timeToRun.getTime() > now.getTime() + 1_000) return stored;
  return templateStatus === 'PENDING' ? 'waiting_for_template' : 'starting';
}

export interface CampaignCreated {
  campaignId: string;
  templateStatus: string;
  run?: { runId: string; status: RunCreatedStatus; timeToRun: Date };
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
  'clickedAt',
  'action',
] as const;

/** Each campaign on a page brings its runs and counters: pages are smaller than contact pages. */
const MAX_PAGE = 100;
const DEFAULT_PAGE = 50;
const CURSOR_TAG = 'k';

/** The API's campaigns: create, schedule runs, control them, and read results. Workers do the sending. */

/** A campaign's (or one run's) results: the sends' figures, the recipients who replied, and those who clicked. */
export type CampaignResults = RunResults & {
  /** Recipients who pressed a button or replied to the run's message. */
  replied: number;
  /** Sends of which at least one tracked link was clicked. */
  clicked: number;
  /** clicked ÷ sent. */
  clickRate: number;
  runs: number;
};
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
    private readonly templates: TemplatesService,
    private readonly contacts: ContactsService,
    private readonly links: LinksService,
    private readonly settings: SendSettingsService,
    private readonly config: CoreConfig,
  ) {}

  async create(workspaceId: string, body: unknown): Promise<CampaignCreated> {
    const now = this.clock.now().toJSDate();
    if (typeof body === 'object' && body !== null && !Array.isArray(body) && 'template' in body) {
      const created = await this.createFromTemplate(workspaceId, parseTemplateCampaign(body as Record<string, unknown>, now), 'campaign');
      return {
        campaignId: created.campaign.id,
        templateStatus: created.campaign.template_status,
        ...(created.run ? { run: this.runCreated(created.run, created.campaign, now) } : {}),
      };
    }
    const { campaign, run } = await this.createWithMessage(workspaceId, parseCreateCampaign(body, now), 'campaign');
    return {
      campaignId: campaign.id,
      templateStatus: campaign.template_status,
      ...(run ? { run: this.runCreated(run, campaign, now) } : {}),
    };
  }

  /** What a request that created a run is told of it: `starting` when it is due now (see `createdStatus`). */
  private runCreated(run: RunRow, campaign: CampaignRow, now: Date): { runId: string; status: RunCreatedStatus; timeToRun: Date } {
    return { runId: run.id, status: createdStatus(run.status, run.time_to_run, now, campaign.template_status), timeToRun: run.time_to_run };
  }

  /**
   * A campaign (or, on Messenger, Instagram and Telegram, a blast) with a message of its own: on WhatsApp registered as
   * a template (its runs wait for the review), on the other channels sent as text or buttons (nothing to register).
   */
  async createWithMessage(
    workspaceId: string,
    input: CreateCampaignInput & { readonly from?: string },
    kind: CampaignKind,
  ): Promise<{ campaign: CampaignRow; run: RunRow | null }> {
    if (input.requestId !== undefined) {
      const made = await this.repeated(workspaceId, input.requestId, kind);
      if (made) return made;
    }
    const now = this.clock.now().toJSDate();
    const channel = await this.sender(workspaceId, input.channelId, input.from);
    const platform = channel.type !== 'whatsapp';
    if (kind === 'blast' && !platform) {
      throw new HeraldError('invalid', 'validation_failed', 'A blast on WhatsApp sends a template the business has: give template instead of message.', [
        { field: 'message', issue: 'is for Messenger, Instagram and Telegram channels; on WhatsApp give template' },
      ]);
    }
    if (platform) checkPlatformCampaign(channel, input);
    else if (input.messagingTag !== undefined) throw HeraldError.invalid('messagingTag', 'is for Messenger and Instagram channels');
    // URL buttons are tracked links when the campaign (else the workspace) tracks links: decided now, as the template is registered.
    const trackButtons =
      input.buttons.some((b) => b.type === 'url') && (input.trackLinks ?? (await this.settings.get(workspaceId)).trackLinks);
    const buttonParams = registeredButtonParams(input.buttons, trackButtons);
    const urlVariables = input.buttons.flatMap((b) => {
      const v = b.type === 'url' ? urlVariable(b.url ?? '') : undefined;
      return v ? [v.variable] : [];
    });
    const used = [...input.variables, ...urlVariables];
    const groups = await this.campaigns.variableGroups(
      workspaceId,
      used.flatMap((v) => (v.kind === 'group' ? [v.group] : [])),
    );
    assertNoIssues(checkGroupFields(used, new Map([...groups].map(([id, g]) => [id, g.fields]))));
    if (input.run?.searchSpec) await this.contacts.search(workspaceId, input.run.searchSpec, 1); // 400 naming a bad key
    else if (input.run) await this.audiencePks(workspaceId, input.run.audiences, kind === 'blast' ? 'audiences' : 'options.audiences');

    const id = randomUUID();
    const made = await this.onceFor(workspaceId, input.requestId, kind, () => this.campaigns.transaction(async (manager) => {
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
        track_links: input.trackLinks ?? null,
        link_utm: input.utm ? { ...input.utm } : null,
        template_name: templateName(input.title, id),
        // A channel without templates sends the message as it is: nothing to register, its runs start at their time.
        template_status: platform ? 'NOT_REQUIRED' : 'PENDING',
        ...(platform ? { template_source: 'none' as const } : {}),
        ...(input.messagingTag ? { messaging_tag: input.messagingTag } : {}),
        kind,
        input_group_pk: inputGroupPk,
        template_params:
          buttonParams.length > 0 ? { buttons: buttonParams, ...(trackButtons ? { linkBase: this.config.publicUrl } : {}) } : null,
        request_id: input.requestId ?? null,
      });
      if (!campaign) throw new RepeatedRequest();
      const run = input.run ? (await this.campaigns.insertRun(manager, this.newRun(workspaceId, id, input.run, now))).run : null;
      return { campaign, run };
    }));
    if (!made.created) return made;
    const { campaign, run } = made;
    if (!platform) await this.enqueue(() => this.jobs.registerTemplate(campaign.id), `template of campaign ${campaign.id}`);
    if (run) await this.enqueue(() => this.jobs.scheduleStart(run.id, run.time_to_run), `run ${run.id}`);
    return { campaign, run };
  }

  /**
   * A campaign (or a blast) of a template the business already has: checked against the stored template (it exists
   * in that language on the channel's account, is APPROVED, and takes exactly the parameters given: 400/409 naming
   * what is wrong), its category and provider id kept with the campaign. Nothing is registered: its runs start at
   * their time.
   */
  async createFromTemplate(
    workspaceId: string,
    input: TemplateCampaignInput,
    kind: CampaignKind,
  ): Promise<{ campaign: CampaignRow; run: RunRow | null }> {
    if (input.requestId !== undefined) {
      const made = await this.repeated(workspaceId, input.requestId, kind);
      if (made) return made;
    }
    const now = this.clock.now().toJSDate();
    const channel = whatsAppOnly(await this.sender(workspaceId, input.channelId, input.from));
    const groups = await this.campaigns.variableGroups(
      workspaceId,
      input.use.variables.flatMap((v) => (v.kind === 'group' ? [v.group] : [])),
    );
    assertNoIssues(
      checkGroupFields(input.use.variables, new Map([...groups].map(([id, g]) => [id, g.fields]))).map((i) => ({ ...i, field: 'params' })),
    );
    const run = input.run;
    if (run?.searchSpec) await this.contacts.search(workspaceId, run.searchSpec, 1); // 400 naming a bad key
    else if (run) await this.audiencePks(workspaceId, run.audiences, kind === 'blast' ? 'audiences' : 'options.audiences');
    const template = await this.checkTemplate(workspaceId, channel, input.use);

    const id = randomUUID();
    const names = template.parameters.body.names;
    const templateParams: TemplateParams = {
      body: input.use.params,
      ...(names && names.length > 0 ? { names: [...names] } : {}),
      ...(input.use.header ? { header: input.use.header } : {}),
      buttons: input.use.buttons,
    };
    const text = bodyText(template.components);
    const made = await this.onceFor(workspaceId, input.requestId, kind, () => this.campaigns.transaction(async (manager) => {
      const campaign = await this.campaigns.insertCampaign(manager, {
        id,
        workspace_id: workspaceId,
        channel_id: channel.id,
        title: input.title,
        message: text,
        body: text,
        variables: input.use.variables,
        img_url: null,
        buttons: [],
        template_type: templateCategory(template.category),
        language_code: template.language,
        send_window: input.sendWindow,
        track_links: input.trackLinks ?? null,
        link_utm: input.utm ? { ...input.utm } : null,
        template_name: template.name,
        template_status: template.status,
        template_id: template.providerTemplateId,
        input_group_pk: null,
        kind,
        template_source: 'existing',
        template_params: templateParams,
        request_id: input.requestId ?? null,
      });
      if (!campaign) throw new RepeatedRequest();
      const runRow = run ? (await this.campaigns.insertRun(manager, this.newRun(workspaceId, id, run, now))).run : null;
      return { campaign, run: runRow };
    }));
    if (!made.created) return made;
    const runRow = made.run;
    if (runRow) await this.enqueue(() => this.jobs.scheduleStart(runRow.id, runRow.time_to_run), `run ${runRow.id}`);
    return { campaign: made.campaign, run: runRow };
  }

  /**
   * What a create with this requestId made before, if the workspace has used it: the campaign (or blast) and its
   * first run, as they are now. The key named something else (a blast for a campaign, or a deleted campaign): 409.
   */
  private async repeated(workspaceId: string, requestId: string, kind: CampaignKind): Promise<{ campaign: CampaignRow; run: RunRow | null } | undefined> {
    const made = await this.campaigns.byRequestId(workspaceId, requestId);
    if (!made) return undefined;
    if (made.campaign.kind !== kind || made.campaign.deleted_at !== null) {
      throw new HeraldError(
        'conflict',
        'request_id_used',
        `The requestId "${requestId}" made ${made.campaign.kind} ${made.campaign.id}${made.campaign.deleted_at !== null ? ', since deleted' : ''}: give another requestId for a new ${kind}.`,
        [{ field: 'requestId', issue: 'is already used in this workspace' }],
      );
    }
    return made;
  }

  /**
   * Runs a create's transaction; when another create with the same requestId committed first (the insert wrote
   * nothing and threw RepeatedRequest, rolling back whatever else it wrote), answers what that one made.
   */
  private async onceFor<T extends { campaign: CampaignRow; run: RunRow | null }>(
    workspaceId: string,
    requestId: string | undefined,
    kind: CampaignKind,
    create: () => Promise<T>,
  ): Promise<(T & { created: true }) | { campaign: CampaignRow; run: RunRow | null; created: false }> {
    try {
      return { ...(await create()), created: true };
    } catch (error) {
      if (!(error instanceof RepeatedRequest) || requestId === undefined) throw error;
      const made = await this.repeated(workspaceId, requestId, kind);
      if (!made) throw new Error(`requestId ${requestId}: the create that took it is not there`, { cause: error });
      return { ...made, created: false };
    }
  }

  /** The stored template a campaign names, checked for a send of the parameters given. */
  private async checkTemplate(workspaceId: string, channel: ChannelView, use: TemplateUse): Promise<TemplateView> {
    const find = async () => {
      try {
        return (await this.templates.get(workspaceId, use.name, { language: use.language, channelId: channel.id }))[0];
      } catch (error) {
        if (error instanceof HeraldError && error.kind === 'not_found') return undefined;
        throw error;
      }
    };
    let template = await find();
    if (!template) {
      // Not known here: checkSend waits for a read of the account's list begun after it (up to ~5 s) and says what it has.
      await this.templates.checkSend(workspaceId, channel, { name: use.name, language: use.language, params: use.params });
      template = await find();
      if (!template) {
        throw new HeraldError('invalid', 'template_not_found', `The channel's WhatsApp Business Account has no template "${use.name}" in ${use.language}.`, [
          { field: 'template.name', issue: 'names no template of this account in this language' },
        ]);
      }
    }
    const names = template.parameters.body.names;
    const components = [
      ...(use.params.length > 0
        ? [{ type: 'body', parameters: use.params.map((_, i) => ({ type: 'text', ...(names?.[i] ? { parameterName: names[i] } : {}) })) }]
        : []),
      ...(use.header ? [{ type: 'header', parameters: [{ type: use.header.type }] }] : []),
      ...use.buttons.map((b) => ({ type: 'button', subType: 'url', index: b.index, parameters: [{ type: 'text' }] })),
    ];
    await this.templates.checkSend(workspaceId, channel, { name: use.name, language: use.language, components });
    const unsupported = use.buttons.filter((b) => template.parameters.buttons.some((n) => n.index === b.index && n.type !== 'url'));
    if (unsupported.length > 0) {
      throw new HeraldError(
        'invalid',
        'template_parameters',
        `Template "${template.name}": only URL buttons take a per-recipient parameter here (button ${unsupported.map((b) => b.index).join(', ')} is not one).`,
        unsupported.map((b) => ({ field: 'buttons', issue: `button ${b.index} is not a URL button with a variable` })),
      );
    }
    return template;
  }

  /**
   * The channel named by id, or by its display number (`from`), else the workspace's default — refused (403) when the
   * API key acting in the request is restricted to other channels.
   */
  private async sender(workspaceId: string, channelId: string | undefined, from: string | undefined): Promise<ChannelView> {
    if (from === undefined) {
      const channel = await this.channels.resolve(workspaceId, channelId);
      assertKeyMaySendFrom(channel);
      return channel;
    }
    const digits = from.replace(/\D/g, '');
    const match = (await this.channels.list(workspaceId)).find((c) => c.displayPhoneNumber.replace(/\D/g, '') === digits);
    if (!match)
      throw new HeraldError('not_found', 'channel_not_found', `No channel of this workspace has the display number ${from}.`, [
        { field: 'from', issue: 'names no channel' },
      ]);
    assertKeyMaySendFrom(match);
    return match;
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
    const kind = query['kind'] ?? 'campaign';
    if (kind !== 'campaign' && kind !== 'blast') throw invalid('kind', 'must be campaign or blast');
    const rows = await this.campaigns.listCampaigns(workspaceId, active, limit, after, kind);
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
  ): Promise<{ runId: string; status: RunCreatedStatus; timeToRun: Date }> {
    const campaign = await this.campaign(workspaceId, campaignId);
    if (campaign.kind === 'blast')
      throw new HeraldError('conflict', 'blast_has_one_run', 'A blast is one run: send another blast with POST /v1/blasts.');
    assertKeyMaySendFrom({ id: campaign.channel_id });
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
    const { run, created } = await this.campaigns.transaction(async (manager) => {
      // A delete of the campaign committed meanwhile: 404; one still deciding waits for this run and sees it (409).
      if (!(await this.campaigns.holdLive(manager, campaign.id))) throw HeraldError.notFound('campaign', campaignId);
      return this.campaigns.insertRun(manager, this.newRun(workspaceId, campaign.id, input, now));
    });
    // A requestId already used for this campaign: the run it made, as it is now, told as its start was (no second start).
    if (created) await this.enqueue(() => this.jobs.scheduleStart(run.id, run.time_to_run), `run ${run.id}`);
    return { runId: run.id, status: createdStatus(run.status, run.time_to_run, now, campaign.template_status), timeToRun: run.time_to_run };
  }

  async getRun(workspaceId: string, campaignId: string, runId: string): Promise<RunView> {
    const run = await this.run(workspaceId, campaignId, runId);
    const counts = await this.campaigns.counts([run.id]);
    return this.runView(run, counts.get(run.id) ?? {}, await this.waiting(run));
  }

  /** Why a run is not sending now (shown with the run, counted into its ETA): the live progress stream's rule. */
  private async waiting(run: RunRow): Promise<RunView['waiting']> {
    return runWaiting(run.status, run.failure_reason, run.status === 'running' ? await this.recipients.waitingOf(run.id) : undefined);
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
    const campaign = await this.campaign(workspaceId, campaignId);
    if (campaign.template_status === 'PAUSED' || campaign.template_status === 'DISABLED') {
      throw new HeraldError(
        'conflict',
        'template_not_usable',
        `The template is ${campaign.template_status}${campaign.template_reason ? ` (${campaign.template_reason})` : ''}: the run resumes by itself when Meta approves it again.`,
        [{ field: 'templateStatus', issue: campaign.template_status }],
      );
    }
    const to = await this.campaigns.resumeRun(run.id);
    if (to === undefined) throw wrongState(run, 'resume');
    // Paused before it started: back to scheduled, and its start job (kept or rebuilt) starts it.
    if (to === 'scheduled') await this.enqueue(() => this.jobs.scheduleStart(run.id, run.time_to_run), `run ${run.id}`);
    else await this.enqueue(async () => this.jobs.chunksNow(await this.recipients.pendingChunks([run.id])), `chunks of run ${run.id}`);
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
      await this.enqueue(async () => this.jobs.chunksNow(await this.recipients.pendingChunks([run.id])), `chunks of run ${run.id}`);
    return { ...(await this.getRun(workspaceId, campaignId, runId)), requeued };
  }

  async results(workspaceId: string, campaignId: string, runId?: string): Promise<CampaignResults> {
    const campaign = await this.campaign(workspaceId, campaignId);
    let ids: string[];
    if (runId !== undefined) ids = [(await this.run(workspaceId, campaign.id, runId)).id];
    else ids = (await this.campaigns.runsOf([campaign.id])).map((r) => r.id);
    const [counts, clicks, replied] = await Promise.all([
      this.campaigns.counts(ids),
      this.links.clicksFor(workspaceId, ids),
      this.recipients.repliedCount(ids),
    ]);
    const results = toResults(addBuckets([...counts.values()]));
    // Each send is in one run, so the runs' unique clickers add up.
    const clicked = [...clicks.values()].reduce((n, c) => n + c.clicked, 0);
    return { ...results, replied, clicked, clickRate: results.sent === 0 ? 0 : Math.round((clicked / results.sent) * 10_000) / 10_000, runs: ids.length };
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
    workspaceId: string,
    runIds: readonly string[],
    status: RecipientStatus | null,
    pageSize = 5_000,
  ): AsyncGenerator<RecipientExportRow[]> {
    for (const runId of runIds) {
      let after = '0';
      for (;;) {
        const rows = await this.recipients.exportPage(runId, status, after, pageSize);
        if (rows.length === 0) break;
        // When each first clicked a tracked link: one query per page.
        const clicks = await this.links.clicksOfSends(workspaceId, rows.map((r) => `r:${r.id}`));
        for (const r of rows) r.clickedAt = clicks.get(`r:${r.id}`)?.firstClickedAt ?? null;
        yield rows;
        after = rows[rows.length - 1]!.id;
        if (rows.length < pageSize) break;
      }
    }
  }

  /**
   * A page of the workspace's campaign sends for `GET /v1/messages` (the filter is checked at the edge): up to
   * `limit` sends after `after`, each with its position for the next page. A send's tags are its run's.
   */
  async sendsPage(
    workspaceId: string,
    filter: SendFilter,
    limit: number,
    after?: SendsPosition,
  ): Promise<Array<{ view: SendView; position: SendsPosition }>> {
    if (filter.status === 'scheduled') return [];
    const rows = await this.recipients.sendsPage(workspaceId, filter, limit, after);
    return rows.map((row) => ({ view: toCampaignSendView(row), position: positionOf(row) }));
  }

  /** One campaign send by its id in the API (`r:<recipient id>`); undefined when there is none in the workspace. */
  async send(workspaceId: string, id: string): Promise<SendView | undefined> {
    const match = CAMPAIGN_SEND_ID.exec(id);
    const row = match ? await this.recipients.sendById(workspaceId, match[1]!) : undefined;
    if (!row) return undefined;
    const clicks = await this.links.sendClicksView(workspaceId, id);
    return clicks ? { ...toCampaignSendView(row), clicks } : toCampaignSendView(row);
  }

  private newRun(workspaceId: string, campaignId: string, input: RunInput, now: Date) {
    return {
      workspaceId,
      campaignId,
      audiences: input.audiences,
      searchSpec: input.searchSpec ?? null,
      timeToRun: input.timeToRun ?? now,
      validitySeconds: input.validitySeconds ?? null,
      ignoreQuietHours: input.ignoreQuietHours ?? false,
      tags: input.tags ?? [],
      trackLinks: input.trackLinks ?? null,
      utm: input.utm ? { ...input.utm } : null,
      requestId: input.requestId ?? null,
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
        templateSource: c.template_source,
        templateParams: c.template_params,
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
      searchSpec: run.search_spec,
      tags: run.tags,
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

/** A template's body text as the provider reports its components. */
function bodyText(components: readonly unknown[]): string {
  for (const c of components) {
    const r = c as { type?: unknown; text?: unknown };
    if (typeof r.type === 'string' && r.type.toUpperCase() === 'BODY' && typeof r.text === 'string') return r.text;
  }
  return '';
}

/** The provider's category of a template as a campaign keeps it (the strictest, marketing, when it is not one of ours). */
function templateCategory(category: string): 'MARKETING' | 'UTILITY' | 'AUTHENTICATION' {
  const c = category.toUpperCase();
  return c === 'UTILITY' || c === 'AUTHENTICATION' ? c : 'MARKETING';
}

/** Thrown inside a create's transaction when its requestId was taken meanwhile: rolls it back (see `onceFor`). */
class RepeatedRequest extends Error {
  constructor() {
    super('requestId taken by another create');
  }
}

function wrongState(run: RunRow, action: string): HeraldError {
  return new HeraldError('conflict', 'run_state', `Cannot ${action} a run that is ${run.status}.`, [
    { field: 'status', issue: run.status },
  ]);
}

/**
 * Blasts and campaigns of an existing template send WhatsApp templates; Messenger, Instagram and Telegram have none
 * (a campaign with a message of its own goes out there as text or buttons).
 */
function whatsAppOnly(channel: ChannelView): ChannelView {
  if (channel.type === 'whatsapp') return channel;
  throw new HeraldError('invalid', 'channel_not_supported', `A template is a WhatsApp message; channel ${channel.id} is a ${channel.type} channel. Create a campaign with a message instead.`, [
    { field: 'channelId', issue: `is a ${channel.type} channel` },
  ]);
}

/**
 * A campaign for a Messenger, Instagram or Telegram channel: no header image (a text or buttons message carries
 * none), no phone buttons, and its message — built with sample values — must be one the platform carries (lengths,
 * button counts, the tag): 400 naming the field otherwise.
 */
function checkPlatformCampaign(channel: ChannelView, input: CreateCampaignInput): void {
  const issues: Array<{ field: string; issue: string }> = [];
  if (input.imgUrl !== null) issues.push({ field: 'imgUrl', issue: `is not carried by campaigns on ${channel.type}` });
  input.buttons.forEach((b, i) => {
    if (b.type === 'phone') issues.push({ field: `buttons[${i}].type`, issue: `phone buttons are not carried on ${channel.type}` });
  });
  const sample = toPlatformMessage(
    { body: input.body, buttons: input.buttons.filter((b) => b.type !== 'phone'), tag: input.messagingTag ?? null },
    input.variables.map(() => 'x'),
  );
  for (const issue of checkMessageFor(channel.type, sample)) {
    issues.push({ field: issue.field === 'tag' ? 'messagingTag' : issue.field.startsWith('buttons.buttons') ? 'buttons' : issue.field === 'type' ? 'channelId' : 'message', issue: issue.issue });
  }
  if (issues.length > 0) throw new HeraldError('invalid', 'validation_failed', `Invalid campaign for a ${channel.type} channel: ${issues[0]!.field} ${issues[0]!.issue}.`, issues);
}

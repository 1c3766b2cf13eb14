import { Injectable, Logger } from '@nestjs/common';
import { WorkerConfig } from '@herald/config';
import { ContactsService } from '@herald/contacts';
import { LinksService, withUtm } from '@herald/links';
import { ChannelsService } from '@herald/channels';
import { HUMAN_AGENT_WINDOW_MS, SERVICE_WINDOW_MS, SendSettingsService } from '@herald/sending';
import type { EntityManager } from 'typeorm';
import { HeraldError } from '@herald/common';
import { CampaignRepository, TEMPLATE_PAUSED, type CampaignRow, type RunRow } from './campaign.repository';
import { paramLayout } from './recipient-params.util';
import { RecipientRepository } from './recipient.repository';
import { RunJobs } from './run-jobs.service';
import { templateFailure } from './template-registrar.service';

/**
 * Starts a run at its timeToRun: waits for the template if it is still under review, fails the run if it was
 * rejected, else fixes the recipients (one set-based INSERT) and marks it running in the same transaction,
 * then queues its chunks. A crash before the commit leaves it scheduled (the job runs again); after it, the
 * reconciler queues the chunks from Postgres.
 */

/** Recipients whose links are made per statement pair (one INSERT of links, one UPDATE of parameters). */
const LINK_PAGE = 2_000;
@Injectable()
export class RunStarter {
  private readonly logger = new Logger(RunStarter.name);

  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly recipients: RecipientRepository,
    private readonly jobs: RunJobs,
    private readonly config: WorkerConfig,
    private readonly contacts: ContactsService,
    private readonly settings: SendSettingsService,
    private readonly links: LinksService,
    private readonly channels: ChannelsService,
  ) {}

  /**
   * How recent a recipient's last message must be for the campaign to reach them (Messenger and Instagram: 24 h,
   * 7 days with HUMAN_AGENT, any time with Messenger's other tags); null: no window (Telegram).
   */
  private async windowSeconds(channelId: string, tag: string | null): Promise<number | null> {
    const kind = (await this.channels.forSending(channelId))?.type;
    if (kind !== 'messenger' && kind !== 'instagram') return null;
    if (tag === 'HUMAN_AGENT') return HUMAN_AGENT_WINDOW_MS / 1000;
    return tag === null ? SERVICE_WINDOW_MS / 1000 : null;
  }

  async start(runId: string): Promise<string> {
    const outcome = await this.campaigns.transaction(async (manager) => {
      const run = await this.campaigns.runById(runId, manager, true);
      if (!run || (run.status !== 'scheduled' && run.status !== 'waiting_for_template'))
        return { state: run?.status ?? 'missing', chunks: 0 };
      if (run.started_at !== null) {
        // Its recipients were fixed once already: never a second fan-out (each recipient would be sent twice). Sent on
        // from where it is: whatever is left of its chunks.
        await this.campaigns.transition(run.id, [run.status], 'running', {}, manager);
        this.logger.warn(`run ${run.id} was ${run.status} after it had started: running on, not fanned out again`);
        return { state: 'running', chunks: 0, resumed: true };
      }
      if (run.time_to_run.getTime() > Date.now() + 1_000) return { state: 'early', chunks: 0, due: run.time_to_run };
      const campaign = await this.campaigns.campaignById(run.campaign_id);
      if (!campaign || campaign.deleted_at !== null) {
        await this.campaigns.transition(
          run.id,
          [run.status],
          'failed',
          { completedAt: true, failureReason: 'The campaign was deleted.' },
          manager,
        );
        return { state: 'failed', chunks: 0 };
      }
      if (campaign.template_status === 'PENDING') {
        await this.campaigns.transition(run.id, [run.status], 'waiting_for_template', {}, manager);
        return { state: 'waiting_for_template', chunks: 0 };
      }
      if (campaign.template_status === 'PAUSED' || campaign.template_status === 'DISABLED') {
        // Meta paused the template (quality): the run waits, and resumes when it is approved again.
        await this.campaigns.transition(
          run.id,
          [run.status],
          'paused',
          { failureReason: `${TEMPLATE_PAUSED}: the template is ${campaign.template_status}` },
          manager,
        );
        return { state: 'paused', chunks: 0 };
      }
      if (campaign.template_status !== 'APPROVED' && campaign.template_status !== 'NOT_REQUIRED') {
        await this.campaigns.transition(
          run.id,
          [run.status],
          'failed',
          { completedAt: true, failureReason: templateFailure(campaign) },
          manager,
        );
        return { state: 'failed', chunks: 0 };
      }
      // Audiences or groups deleted since the run was scheduled simply contribute nobody / no values.
      const all = run.audiences.length === 1 && run.audiences[0] === 'all';
      // A blast's search: the contacts library's condition, joined by the fan-out itself (one statement, any size).
      // A spec that no longer compiles (it was checked when the blast was made) fails the run with the reason.
      const spec = run.search_spec;
      if (spec !== null) {
        const problem = this.searchProblem(spec);
        if (problem !== undefined) {
          await this.campaigns.transition(run.id, [run.status], 'failed', { completedAt: true, failureReason: problem }, manager);
          return { state: 'failed', chunks: 0 };
        }
      }
      const audiencePks =
        spec !== null
          ? { search: (firstParam: number) => this.contacts.searchCondition(spec, 'c', firstParam) }
          : all
            ? 'all'
            : [...(await this.campaigns.audiencePks(run.workspace_id, run.audiences, manager)).values()];
      const layout = paramLayout({ variables: campaign.variables, templateParams: campaign.template_params });
      const groups = await this.campaigns.variableGroups(
        run.workspace_id,
        layout.variables.flatMap((v) => (v.kind === 'group' ? [v.group] : [])),
        manager,
      );
      const started = Date.now();
      const { recipients, chunks } = await this.recipients.fanOut(manager, {
        runId: run.id,
        workspaceId: run.workspace_id,
        audiencePks,
        variables: layout.variables,
        outputs: layout.outputs,
        groupPks: new Map([...groups].map(([id, g]) => [id, g.pk])),
        marketing: campaign.template_type === 'MARKETING',
        chunkSize: this.config.campaignChunkSize,
        // Messenger, Instagram, Telegram: recipients by their identity on the channel (a campaign without a template),
        // and on Messenger and Instagram only those its tag lets it reach outside the 24-hour window.
        ...(campaign.template_source === 'none'
          ? { identityChannelId: campaign.channel_id, windowSeconds: await this.windowSeconds(campaign.channel_id, campaign.messaging_tag) }
          : {}),
      });
      await this.trackLinks(manager, run, campaign, layout.bodyCount);
      await this.campaigns.transition(
        run.id,
        [run.status],
        chunks === 0 ? 'completed' : 'running',
        { startedAt: true, completedAt: chunks === 0, recipients, chunkCount: chunks },
        manager,
      );
      this.logger.log(`run ${run.id}: ${recipients} recipients in ${chunks} chunks, fixed in ${Date.now() - started} ms`);
      return { state: chunks === 0 ? 'completed' : 'running', chunks };
    });
    if ('due' in outcome && outcome.due) await this.jobs.scheduleStart(runId, outcome.due);
    if (outcome.chunks > 0) await this.jobs.chunks(Array.from({ length: outcome.chunks }, (_, chunk) => ({ runId, chunk })));
    if ('resumed' in outcome) await this.jobs.chunksNow(await this.recipients.pendingChunks([runId]));
    return outcome.state;
  }

  /**
   * With link tracking on (the run's `trackLinks`, else its campaign's, else the workspace's setting), every URL in a recipient's body
   * parameters becomes a link of that recipient's own (`<PUBLIC_URL>/l/<code>`, send `r:<id>`), in the fan-out's
   * transaction: per page of recipients one INSERT of links and one UPDATE of parameters. URLs in a registered
   * template's own text are fixed by the template (Meta wants static text at a body's start and end) and stay as
   * they are; a URL button's suffix is not rewritten (the button's base URL is the template's).
   */
  private async trackLinks(manager: EntityManager, run: RunRow, campaign: CampaignRow, bodyCount: number): Promise<void> {
    // Tracked URL buttons were decided when the template was registered (`<linkBase>/l/{{1}}`): always made.
    const buttons = campaign.template_params?.linkBase !== undefined;
    const own = run.track_links ?? campaign.track_links;
    const settings = own === false && !buttons ? undefined : await this.settings.get(run.workspace_id);
    const body = bodyCount > 0 && own !== false && (own ?? settings?.trackLinks ?? false);
    if (!body && !buttons) return;
    const utm = run.link_utm ?? campaign.link_utm ?? settings?.utm ?? undefined;
    const options = { baseUrl: this.config.publicUrl, ...(utm ? { utm } : {}) };
    let after = '0';
    for (;;) {
      const page = await this.recipients.withUrls(manager, run.id, body ? bodyCount : 0, after, LINK_PAGE, buttons);
      if (page.length === 0) return;
      const texts = body ? page.flatMap((r) => r.params.slice(0, bodyCount).map((text) => ({ sendRef: `r:${r.id}`, runId: run.id, text }))) : [];
      const tracked = body ? await this.links.trackTexts(run.workspace_id, texts, options, manager) : [];
      // A tracked button's parameter is its destination; it becomes the code of the recipient's link.
      const destinations = buttons
        ? page.flatMap((r) => r.params.slice(bodyCount).map((url) => ({ sendRef: `r:${r.id}`, runId: run.id, destination: utm ? withUtm(url, utm) : url })))
        : [];
      const codes = buttons ? await this.links.createLinks(run.workspace_id, destinations, manager) : [];
      let at = 0;
      let code = 0;
      await this.recipients.setParams(
        manager,
        page.map((r) => ({
          id: r.id,
          params: [
            ...(body ? tracked.slice(at, (at += bodyCount)) : r.params.slice(0, bodyCount)),
            ...(buttons ? r.params.slice(bodyCount).map(() => codes[code++]!) : r.params.slice(bodyCount)),
          ],
        })),
      );
      after = page[page.length - 1]!.id;
      if (page.length < LINK_PAGE) return;
    }
  }

  /** Why a blast's searchSpec cannot be used, or undefined when it compiles. */
  private searchProblem(spec: Record<string, unknown>): string | undefined {
    try {
      this.contacts.searchCondition(spec, 'c', 1);
      return undefined;
    } catch (error) {
      if (error instanceof HeraldError && error.kind === 'invalid') return `The searchSpec cannot be used: ${error.message}`;
      throw error;
    }
  }
}

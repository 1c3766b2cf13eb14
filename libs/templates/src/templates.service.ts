import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  ChannelsService,
  credentialsOf,
  type ChannelProvider,
  type SendingChannel,
  type TemplateDefinition,
  type TemplateDetail,
  type WhatsAppCredentials,
  TEMPLATE_HEADER_MEDIA,
  templateHeaderMediaProblem,
} from '@herald/channels';
import { Clock, HeraldError, isUuid } from '@herald/common';
import { JobName, JobQueue } from '@herald/queues';
import { TemplateRepository, type TemplateChange, type TemplateRow, type TemplateUpsert } from './template.repository';
import { requirementsOf, sendProblems } from './template-requirements.util';
import type { CreateTemplateInput, SyncResult, TemplatePage, TemplateQuery, TemplateSendRef, TemplateView } from './template.types';

/** The provider instance the templates library talks to (management calls: list, create, delete, upload). */
export const TEMPLATES_PROVIDER = Symbol('TEMPLATES_PROVIDER');

/** An account's templates are read whole again after this long (webhooks keep them current in between). */
export const TEMPLATE_SYNC_EVERY_SECONDS = 60 * 60;
/**
 * A send naming a template Herald does not know waits for a read of the account's list that starts after it asked;
 * each process starts one such read per account at most this often, and every miss until it starts joins it.
 */
export const TEMPLATE_SYNC_ON_MISS_SECONDS = 5;
const MAX_PAGES = 100;
/** How long `categoryOf` reuses what it read. */
const CATEGORY_CACHE_MS = 5_000;
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;


/**
 * The workspace's message templates, kept in step with the provider: read whole when a channel is created, every
 * hour, on demand and when a webhook names one Herald does not have; changed as status, quality and category
 * webhooks arrive. Creates and deletes them at the provider (header media uploaded through Meta's Resumable
 * Upload API), and checks template sends before they are queued.
 */
@Injectable()
export class TemplatesService implements OnModuleDestroy {
  private readonly logger = new Logger(TemplatesService.name);
  private readonly categories = new Map<string, { at: number; category: string | undefined }>();
  /** Per account: the read on a miss that has not started yet (every miss joins it), and the last one started. */
  private readonly nextRead = new Map<string, { read?: Promise<SyncResult | undefined> }>();
  private readonly lastRead = new Map<string, { startedAt: number; done: Promise<unknown> }>();

  constructor(
    private readonly templates: TemplateRepository,
    private readonly channels: ChannelsService,
    @Inject(TEMPLATES_PROVIDER) private readonly provider: ChannelProvider<WhatsAppCredentials>,
    private readonly queue: JobQueue,
    private readonly clock: Clock,
  ) {}

  async onModuleDestroy(): Promise<void> {
    await this.provider.close();
  }

  // ------------------------------------------------------------------------------------------------ sync

  /** Reads the templates of the channel's account from the provider and stores them (a worker's job, or the API's). */
  async syncChannel(channelId: string): Promise<SyncResult | undefined> {
    const channel = await this.channels.forSending(channelId);
    if (!channel) return undefined;
    return this.syncAccount(channel);
  }

  /** Every account of the workspace (or the one of `channelId`), now. */
  async sync(workspaceId: string, channelId?: string): Promise<SyncResult[]> {
    const results: SyncResult[] = [];
    for (const channel of await this.accountsOf(workspaceId, channelId)) results.push(await this.syncAccount(channel));
    return results;
  }

  /** The periodic pass: the accounts of live channels not synced for TEMPLATE_SYNC_EVERY_SECONDS. */
  async syncDue(): Promise<SyncResult[]> {
    const ids = await this.channels.activeIds();
    const channels = (await Promise.all(ids.map((id) => this.channels.forSending(id)))).filter((c): c is SendingChannel => c !== undefined);
    const due = await this.templates.dueForSync(distinctAccounts(channels), TEMPLATE_SYNC_EVERY_SECONDS, this.now());
    const results: SyncResult[] = [];
    for (const d of due) {
      const channel = channels.find((c) => c.workspaceId === d.workspaceId && c.wabaId === d.wabaId)!;
      results.push(await this.syncAccount(channel));
    }
    return results;
  }

  /** Asks a worker to read these channels' templates soon (a webhook named one Herald does not have). */
  async syncSoon(channelIds: readonly string[]): Promise<void> {
    const minute = Math.floor(this.now().getTime() / 60_000);
    for (const channelId of new Set(channelIds)) {
      await this.queue.add(JobName.SyncTemplates, { channelId }, { jobId: `templates-${channelId}-${minute}` }).catch((error: Error) => {
        this.logger.warn(`channel ${channelId}: templates will be read on the next round (${error.message})`);
      });
    }
  }

  /**
   * A read of the account's list that starts after this call (a template made at the provider just before a send
   * that names it is in it). One at a time per account in this process, and at most one every
   * TEMPLATE_SYNC_ON_MISS_SECONDS: the misses that arrive meanwhile wait for the next read and share it, instead of
   * each starting one (or being refused on a read that began before their template existed). Undefined when the
   * provider could not be asked.
   */
  private readAfterNow(channel: { readonly id: string; readonly wabaId: string }, workspaceId: string): Promise<SyncResult | undefined> {
    const key = `${workspaceId}\u0000${channel.wabaId}`;
    const waiting = this.nextRead.get(key);
    if (waiting?.read) return waiting.read;
    // In the map before the read's code runs: with nothing to wait for it starts (and leaves the map) at once.
    const slot: { read?: Promise<SyncResult | undefined> } = {};
    this.nextRead.set(key, slot);
    slot.read = (async () => {
      const last = this.lastRead.get(key);
      if (last) {
        await last.done;
        const wait = last.startedAt + TEMPLATE_SYNC_ON_MISS_SECONDS * 1_000 - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      if (this.nextRead.get(key) === slot) this.nextRead.delete(key); // from here on, a miss waits for the read after this one
      const done = this.syncChannel(channel.id).catch((error: Error) => {
        this.logger.warn(`account ${channel.wabaId}: templates not read on a miss (${error.message})`);
        return undefined;
      });
      this.lastRead.set(key, { startedAt: Date.now(), done });
      return done;
    })();
    return slot.read;
  }

  private async syncAccount(channel: SendingChannel): Promise<SyncResult> {
    const now = this.now();
    const listed: TemplateUpsert[] = [];
    let after: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = this.provider.listTemplates
        ? await this.provider.listTemplates(credentialsOf(channel), { limit: 100, ...(after === undefined ? {} : { after }) })
        : undefined;
      if (!answer || !answer.ok) {
        const error = answer ? `${answer.error.code} ${answer.error.title}: ${answer.error.details}` : 'the provider cannot list templates';
        await this.templates.syncFailed(channel.workspaceId, channel.wabaId, error, now);
        this.logger.warn(`account ${channel.wabaId}: templates not read (${error})`);
        return { wabaId: channel.wabaId, ok: false, templates: 0, removed: 0, error };
      }
      listed.push(...answer.templates.map(toUpsert));
      if (answer.next === undefined) break;
      after = answer.next;
    }
    const { stored, removed } = await this.templates.replaceAll(channel.workspaceId, channel.wabaId, listed, now);
    return { wabaId: channel.wabaId, ok: true, templates: stored, removed };
  }

  // ------------------------------------------------------------------------------------------------ reads

  async list(workspaceId: string, query: TemplateQuery): Promise<TemplatePage> {
    const limit = Math.min(query.limit ?? DEFAULT_LIMIT, MAX_LIMIT);
    const accounts = await this.channelsByAccount(workspaceId);
    const wabaIds = query.channelId === undefined ? undefined : [await this.wabaOf(workspaceId, query.channelId)];
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const rows = await this.templates.list(
      workspaceId,
      {
        ...(wabaIds ? { wabaIds } : {}),
        ...(query.status ? { status: query.status.toUpperCase() } : {}),
        ...(query.category ? { category: query.category.toUpperCase() } : {}),
        ...(query.name ? { name: query.name } : {}),
        ...(query.language ? { language: query.language } : {}),
      },
      limit + 1,
      after,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      data: page.map((r) => toView(r, accounts.get(r.waba_id) ?? [])),
      nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
    };
  }

  /** The template of that name: one language, or every language it has. 404 when none. */
  async get(workspaceId: string, name: string, options: { language?: string; channelId?: string } = {}): Promise<TemplateView[]> {
    const accounts = await this.channelsByAccount(workspaceId);
    const wabaIds = options.channelId === undefined ? [...accounts.keys()] : [await this.wabaOf(workspaceId, options.channelId)];
    const rows = await this.templates.find(workspaceId, wabaIds, name, options.language);
    if (rows.length === 0) throw templateNotFound(name, options.language);
    return rows.map((r) => toView(r, accounts.get(r.waba_id) ?? []));
  }

  /**
   * Every translation of one template of the channel's account, named by its Herald id (as Bird's `projectId` names
   * it) or by its name (as WhautoChat's send does): one read, the channel already known. 404 when the account has
   * none. Each view's `channelIds` is the given channel only.
   */
  async translationsOf(workspaceId: string, channel: { readonly id: string; readonly wabaId: string }, ref: { readonly id: string } | { readonly name: string }): Promise<TemplateView[]> {
    const rows =
      'id' in ref
        ? isUuid(ref.id)
          ? await this.templates.translationsOfId(workspaceId, channel.wabaId, ref.id)
          : []
        : await this.templates.find(workspaceId, [channel.wabaId], ref.name);
    if (rows.length === 0) {
      if ('name' in ref) throw templateNotFound(ref.name, undefined);
      throw new HeraldError('not_found', 'template_not_found', `The channel's account has no template with id ${ref.id}.`, [{ field: 'id', issue: 'names no template of this channel' }]);
    }
    return rows.map((r) => toView(r, [channel.id]));
  }

  // ------------------------------------------------------------------------------------------------ writes

  /**
   * Submits a template for review on the channel's account. A media header given as a URL is fetched and
   * uploaded through the provider's upload API first: the provider takes a handle as the header's example, never a
   * URL. Answers the stored template (PENDING until the provider decides).
   */
  async create(workspaceId: string, input: CreateTemplateInput): Promise<TemplateView> {
    const view = await this.channels.resolve(workspaceId, input.channelId);
    const channel = await this.channels.forSending(view.id);
    if (!channel) throw HeraldError.notFound('channel', view.id);
    const credentials = credentialsOf(channel);
    let header: TemplateDefinition['header'];
    if (input.header?.format === 'text') header = { format: 'text', text: input.header.text, ...(input.header.example ? { example: input.header.example } : {}) };
    else if (input.header) header = { format: input.header.format, exampleHandle: await this.uploadHeader(credentials, input.header.format, input.header.url) };
    const definition: TemplateDefinition = {
      name: input.name,
      language: input.language,
      category: input.category,
      ...(input.parameterFormat ? { parameterFormat: input.parameterFormat } : {}),
      ...(header ? { header } : {}),
      body: { text: input.body.text, ...(input.body.examples ? { examples: input.body.examples } : {}) },
      ...(input.footer ? { footer: input.footer } : {}),
      ...(input.buttons ? { buttons: input.buttons } : {}),
    };
    const created = await this.provider.createTemplate(credentials, definition);
    if (!created.ok) throw providerRefused('template_refused', 'The provider refused the template', created.error);
    // The provider's own view of it (components as it stores them), by a read of the account's list.
    await this.syncAccount(channel);
    const [row] = await this.templates.find(workspaceId, [channel.wabaId], input.name, input.language);
    const accounts = await this.channelsByAccount(workspaceId);
    if (row) return toView(row, accounts.get(row.waba_id) ?? []);
    // Listed later than created (eventual consistency): store what the creation answered.
    const stored = await this.templates.upsertOne(
      workspaceId,
      channel.wabaId,
      {
        providerTemplateId: created.template.id,
        name: input.name,
        language: input.language,
        category: created.template.category ?? input.category,
        status: created.template.status,
        providerStatus: created.template.providerStatus,
        qualityScore: null,
        reason: created.template.rejectedReason ?? null,
        parameterFormat: input.parameterFormat ?? 'positional',
        components: [],
      },
      this.now(),
    );
    return toView(stored, accounts.get(stored.waba_id) ?? []);
  }

  /** Deletes the template (every language) at the provider, then here. 404 when Herald does not know it. */
  async remove(workspaceId: string, name: string, options: { channelId?: string } = {}): Promise<void> {
    const accounts = await this.channelsByAccount(workspaceId);
    const wabaIds = options.channelId === undefined ? [...accounts.keys()] : [await this.wabaOf(workspaceId, options.channelId)];
    const rows = await this.templates.find(workspaceId, wabaIds, name);
    if (rows.length === 0) throw templateNotFound(name);
    for (const wabaId of new Set(rows.map((r) => r.waba_id))) {
      const channel = await this.channels.forSending(accounts.get(wabaId)![0]!);
      if (!channel) continue;
      if (!this.provider.deleteTemplate) throw new HeraldError('unavailable', 'provider_unsupported', 'This channel cannot delete templates.');
      const deleted = await this.provider.deleteTemplate(credentialsOf(channel), { name });
      if (!deleted.ok) throw providerRefused('template_delete_refused', 'The provider refused to delete the template', deleted.error);
      await this.templates.remove(workspaceId, wabaId, name);
    }
  }

  // ------------------------------------------------------------------------------------------------ sends

  /**
   * Refuses a template send the provider would refuse: a template the account does not have (400), one not
   * approved (409: paused, disabled, pending, rejected, with the reason), or the wrong parameters (400, naming
   * each). A template Herald does not know yet makes it wait for a read of the account's list begun after it asked
   * (readAfterNow: up to TEMPLATE_SYNC_ON_MISS_SECONDS and the read's own time).
   * When the provider cannot be asked, the send goes ahead and the provider's answer decides.
   */
  async checkSend(workspaceId: string, channel: { readonly id: string; readonly wabaId: string }, send: TemplateSendRef): Promise<void> {
    let rows = await this.templates.find(workspaceId, [channel.wabaId], send.name);
    if (!rows.some((r) => r.language === send.language)) {
      const result = await this.readAfterNow(channel, workspaceId);
      if (!result?.ok) return; // the provider could not be asked: its answer to the send decides
      rows = await this.templates.find(workspaceId, [channel.wabaId], send.name);
    }
    const row = rows.find((r) => r.language === send.language);
    if (!row) {
      const others = rows.map((r) => r.language);
      throw new HeraldError(
        'invalid',
        'template_not_found',
        `The channel's WhatsApp Business Account has no template "${send.name}" in ${send.language}${others.length > 0 ? ` (it has ${others.join(', ')})` : ''}.`,
        [{ field: 'template.name', issue: 'names no template of this account in this language' }],
      );
    }
    if (row.status !== 'APPROVED') {
      throw new HeraldError(
        'conflict',
        'template_not_approved',
        `Template "${row.name}" (${row.language}) is ${row.status}${row.reason ? `: ${row.reason}` : ''}; only an approved template can be sent.`,
        [{ field: 'template.name', issue: `is ${row.status}` }],
      );
    }
    const problems = sendProblems(requirementsOf(row.components, row.parameter_format), send);
    if (problems.length > 0) {
      throw new HeraldError(
        'invalid',
        'template_parameters',
        `Template "${row.name}" (${row.language}): ${problems.join('; ')}.`,
        problems.map((issue) => ({ field: 'template', issue })),
      );
    }
  }

  /**
   * A template's category as Herald last heard it from the provider (sync or `template_category_update`), read
   * through a cache of a few seconds; undefined when Herald does not have the template. The send pipeline asks this
   * first, so a re-categorised template is sent by its new category's rules (and route) within seconds.
   */
  async categoryOf(workspaceId: string, wabaId: string, name: string, language: string): Promise<string | undefined> {
    const key = `${workspaceId}\u0000${wabaId}\u0000${name}\u0000${language}`;
    const now = Date.now();
    const hit = this.categories.get(key);
    if (hit && now - hit.at < CATEGORY_CACHE_MS) return hit.category;
    const [row] = await this.templates.find(workspaceId, [wabaId], name, language);
    this.categories.set(key, { at: now, category: row?.category });
    if (this.categories.size > 10_000) this.categories.delete(this.categories.keys().next().value!);
    return row?.category;
  }

  // ------------------------------------------------------------------------------------------------ provider events

  /** Applies template changes from webhooks in the fan-in's transaction; returns the channels whose list to read again. */
  async applyChanges(manager: EntityManager, changes: ReadonlyArray<TemplateChange & { readonly channelId: string }>): Promise<string[]> {
    const unknown = await this.templates.applyChanges(manager, changes);
    return [...new Set(unknown.map((c) => (c as TemplateChange & { channelId: string }).channelId))];
  }

  // ------------------------------------------------------------------------------------------------ helpers

  /**
   * A handle for a media header: the file at `url` fetched (http(s), 15 s, ≤ 3 redirects, Meta's size limit for
   * the format), its type checked, and uploaded through the provider's upload API. Throws 400 when the file is
   * unreadable or unfit, 503 (`unavailable`) when the file's host or the provider failed transiently (a timeout, a
   * network error, a 5xx or 429: the same URL may work in a moment, and a campaign's template is then retried, not
   * rejected). Campaigns with an image use it too.
   */
  async headerHandle(channelId: string, format: 'image' | 'video' | 'document', url: string): Promise<string> {
    const channel = await this.channels.forSending(channelId);
    if (!channel) throw HeraldError.notFound('channel', channelId);
    return this.uploadHeader(credentialsOf(channel), format, url);
  }

  private async uploadHeader(credentials: WhatsAppCredentials, format: 'image' | 'video' | 'document', url: string): Promise<string> {
    if (!this.provider.fetchMedia || !this.provider.uploadMedia) throw new HeraldError('unavailable', 'provider_unsupported', 'This channel cannot upload media.');
    const fetched = await this.provider.fetchMedia(url, { maxBytes: TEMPLATE_HEADER_MEDIA[format].maxBytes });
    if (!fetched.ok) {
      const why = fetched.error.details || fetched.error.title;
      if (fetched.error.retriable) {
        throw new HeraldError('unavailable', 'header_media_unavailable', `header.url could not be read now, try again later: ${why}`, [{ field: 'header.url', issue: why }]);
      }
      throw new HeraldError('invalid', 'header_media_unreadable', `header.url could not be read: ${why}`, [{ field: 'header.url', issue: why }]);
    }
    const problem = templateHeaderMediaProblem(format, fetched.mimeType, fetched.bytes.byteLength);
    if (problem !== undefined) throw new HeraldError('invalid', 'header_media_type', `header.url: ${problem}`, [{ field: 'header.url', issue: problem }]);
    const mimeType = fetched.mimeType.split(';')[0]!.trim().toLowerCase();
    const uploaded = await this.provider.uploadMedia(credentials, { bytes: fetched.bytes, mimeType, fileName: fileNameOf(url, format) });
    if (!uploaded.ok) throw providerRefused('header_upload_refused', 'The provider refused the header media', uploaded.error);
    return uploaded.handle;
  }

  private async accountsOf(workspaceId: string, channelId?: string): Promise<SendingChannel[]> {
    const views = channelId === undefined ? await this.channels.list(workspaceId) : [await this.channels.get(workspaceId, channelId)];
    const channels = (await Promise.all(views.map((v) => this.channels.forSending(v.id)))).filter((c): c is SendingChannel => c !== undefined);
    const seen = new Set<string>();
    return channels.filter((c) => !seen.has(c.wabaId) && seen.add(c.wabaId));
  }

  /** The workspace's accounts → their channels' ids. */
  private async channelsByAccount(workspaceId: string): Promise<Map<string, string[]>> {
    const map = new Map<string, string[]>();
    for (const c of await this.channels.list(workspaceId)) map.set(c.wabaId, [...(map.get(c.wabaId) ?? []), c.id]);
    return map;
  }

  private async wabaOf(workspaceId: string, channelId: string): Promise<string> {
    if (!isUuid(channelId)) throw HeraldError.invalid('channelId', 'must be a channel id (uuid)');
    return (await this.channels.get(workspaceId, channelId)).wabaId;
  }

  private now(): Date {
    return this.clock.now().toJSDate();
  }
}

function distinctAccounts(channels: readonly SendingChannel[]): Array<{ workspaceId: string; wabaId: string }> {
  const seen = new Set<string>();
  const out: Array<{ workspaceId: string; wabaId: string }> = [];
  for (const c of channels) {
    const key = `${c.workspaceId}/${c.wabaId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ workspaceId: c.workspaceId, wabaId: c.wabaId });
  }
  return out;
}

function toUpsert(t: TemplateDetail): TemplateUpsert {
  return {
    providerTemplateId: t.id,
    name: t.name,
    language: t.language,
    category: t.category.toUpperCase(),
    status: t.status,
    providerStatus: t.providerStatus,
    qualityScore: t.qualityScore ?? null,
    reason: t.rejectedReason ?? null,
    parameterFormat: t.parameterFormat,
    components: t.components,
  };
}

export function toView(r: TemplateRow, channelIds: readonly string[]): TemplateView {
  const req = requirementsOf(r.components, r.parameter_format);
  return {
    id: r.id,
    providerTemplateId: r.provider_template_id,
    wabaId: r.waba_id,
    channelIds,
    name: r.name,
    language: r.language,
    category: r.category,
    status: r.status,
    providerStatus: r.provider_status,
    qualityScore: r.quality_score,
    reason: r.reason,
    parameterFormat: req.parameterFormat,
    components: r.components,
    parameters: {
      header: req.header,
      body: req.parameterFormat === 'named' ? { count: req.bodyNames.length, names: req.bodyNames } : { count: req.bodyVariables },
      buttons: req.buttons,
    },
    syncedAt: r.synced_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

const templateNotFound = (name: string, language?: string) =>
  new HeraldError('not_found', 'template_not_found', `No template named "${name}"${language ? ` in ${language}` : ''} is known in this workspace (POST /v1/templates/sync reads them from the provider).`);

function providerRefused(code: string, what: string, error: { code: string; title: string; details: string; retriable: boolean }): HeraldError {
  const kind = error.retriable ? 'unavailable' : 'invalid';
  return new HeraldError(kind, code, `${what}: ${error.code} ${error.title}${error.details ? ` — ${error.details}` : ''}.`, [{ issue: error.details || error.title, providerCode: error.code }]);
}

function fileNameOf(url: string, format: string): string {
  try {
    const last = new URL(url).pathname.split('/').pop();
    if (last) return decodeURIComponent(last).slice(0, 200);
  } catch {
    // fall through
  }
  return `header-${format}`;
}

function encodeCursor(r: Pick<TemplateRow, 'name' | 'language'>): string {
  return Buffer.from(JSON.stringify([r.name, r.language])).toString('base64url');
}

function decodeCursor(cursor: string): { name: string; language: string } {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') return { name: v[0], language: v[1] };
  } catch {
    // fall through
  }
  throw HeraldError.invalid('cursor', 'is not a cursor this API returned');
}

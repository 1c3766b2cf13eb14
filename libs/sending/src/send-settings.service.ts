import { Injectable } from '@nestjs/common';
import { HeraldError } from '@herald/common';
import type { UtmParams } from '@herald/links';
import { WorkspaceSettingsRepository } from '@herald/workspaces';
import { parseSendWindow, type SendWindow } from './send-window.util';

/** A workspace's sending rules, for every kind of send. */
export interface SendSettings {
  /** At most `messages` marketing sends per contact in any `days` days (single messages and campaigns alike). */
  readonly frequencyCap: { readonly messages: number; readonly days: number } | null;
  /** Marketing sends wait while these hours last, in the recipient's local time (or a fixed zone). */
  readonly quietHours: SendWindow | null;
  /** Sends track their links unless they say otherwise (`trackLinks` on a message, run or blast). */
  readonly trackLinks: boolean;
  /** UTM parameters added to tracked links' destinations, or null. */
  readonly utm: UtmParams | null;
}


const UTM_KEYS = ['source', 'medium', 'campaign', 'content', 'term'] as const;

/** Reads a `utm` object (on settings or a send): known keys only, each a non-empty string of at most 100 characters. */
export function parseUtm(value: unknown, field: string, issues: Array<{ field: string; issue: string }>): UtmParams | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push({ field, issue: 'must be an object with source, medium, campaign, content or term' });
    return undefined;
  }
  const out: Record<string, string> = {};
  const before = issues.length;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (!(UTM_KEYS as readonly string[]).includes(k)) issues.push({ field: `${field}.${k}`, issue: 'is not a UTM parameter (source, medium, campaign, content, term)' });
    else if (typeof v !== 'string' || v.trim() === '' || v.length > 100) issues.push({ field: `${field}.${k}`, issue: 'must be a non-empty string of at most 100 characters' });
    else out[k] = v;
  }
  return issues.length === before ? out : undefined;
}

const CACHE_MS = 5_000;
const FIELDS = new Set(['frequencyCap', 'quietHours', 'trackLinks', 'utm']);

/**
 * Reads and changes a workspace's sending settings (`GET`/`PATCH /v1/settings`). Input is validated here, once;
 * the workspaces library stores it. Workers read them through a short cache: a change applies within seconds.
 */
@Injectable()
export class SendSettingsService {
  private readonly cache = new Map<string, { at: number; settings: SendSettings }>();

  constructor(private readonly store: WorkspaceSettingsRepository) {}

  async get(workspaceId: string): Promise<SendSettings> {
    const stored = await this.store.get(workspaceId);
    if (!stored) throw HeraldError.notFound('workspace', workspaceId);
    // Stored quiet hours were validated on the way in; an unreadable value counts as none rather than stopping sends.
    const quietHours = parseSendWindow(stored.quietHours, 'quietHours').window;
    return { frequencyCap: stored.frequencyCap, quietHours, trackLinks: stored.trackLinks, utm: stored.linkUtm };
  }

  /** For workers: the settings, at most a few seconds old. */
  async cached(workspaceId: string, now = Date.now()): Promise<SendSettings> {
    const hit = this.cache.get(workspaceId);
    if (hit && now - hit.at < CACHE_MS) return hit.settings;
    const settings = await this.get(workspaceId).catch((): SendSettings => ({ frequencyCap: null, quietHours: null, trackLinks: false, utm: null }));
    this.cache.set(workspaceId, { at: now, settings });
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
    return settings;
  }

  async update(workspaceId: string, body: unknown): Promise<SendSettings> {
    const patch = parseSettingsPatch(body);
    await this.get(workspaceId);
    const { utm, ...rest } = patch;
    await this.store.set(workspaceId, { ...rest, ...(utm !== undefined ? { linkUtm: utm as Record<string, string> | null } : {}) });
    this.cache.delete(workspaceId);
    return this.get(workspaceId);
  }
}

/** Reads a `PATCH /v1/settings` body: every problem is reported at once, each naming its field. */
export function parseSettingsPatch(body: unknown): Partial<SendSettings> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HeraldError('invalid', 'validation_failed', 'The body must be a JSON object.', [{ field: '', issue: 'must be an object' }]);
  }
  const record = body as Record<string, unknown>;
  const issues: Array<{ field: string; issue: string }> = [];
  for (const key of Object.keys(record)) if (!FIELDS.has(key)) issues.push({ field: key, issue: 'is not a known field' });
  const patch: { -readonly [K in keyof SendSettings]?: SendSettings[K] } = {};
  if ('frequencyCap' in record) {
    const cap = record['frequencyCap'];
    if (cap === null) patch.frequencyCap = null;
    else {
      const c = typeof cap === 'object' && cap !== null && !Array.isArray(cap) ? (cap as Record<string, unknown>) : {};
      const messages = c['messages'];
      const days = c['days'];
      const before = issues.length;
      if (typeof messages !== 'number' || !Number.isInteger(messages) || messages < 1 || messages > 1_000)
        issues.push({ field: 'frequencyCap.messages', issue: 'must be an integer from 1 to 1000' });
      if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 365)
        issues.push({ field: 'frequencyCap.days', issue: 'must be an integer from 1 to 365' });
      if (Object.keys(c).some((k) => k !== 'messages' && k !== 'days')) issues.push({ field: 'frequencyCap', issue: 'takes only messages and days' });
      if (issues.length === before) patch.frequencyCap = { messages: messages as number, days: days as number };
    }
  }
  if ('quietHours' in record) {
    if (record['quietHours'] === null) patch.quietHours = null;
    else {
      const parsed = parseSendWindow(record['quietHours'], 'quietHours');
      issues.push(...parsed.issues);
      if (parsed.window) patch.quietHours = parsed.window;
    }
  }
  if ('trackLinks' in record) {
    if (typeof record['trackLinks'] === 'boolean') patch.trackLinks = record['trackLinks'];
    else issues.push({ field: 'trackLinks', issue: 'must be true or false' });
  }
  if ('utm' in record) {
    if (record['utm'] === null) patch.utm = null;
    else {
      const utm = parseUtm(record['utm'], 'utm', issues);
      if (utm) patch.utm = utm;
    }
  }
  if (issues.length > 0) {
    const first = issues[0]!;
    throw new HeraldError('invalid', 'validation_failed', `Invalid settings: ${first.field} ${first.issue}.`, issues);
  }
  return patch;
}

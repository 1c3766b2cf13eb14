import { graphError } from './graph-error.util';
import type { SimulatorStats } from './simulator-stats.service';
import { ErrorCode, type TemplateCategory, type TemplateQualityScore, type TemplateStatus } from './simulator.constants';
import type { GraphErrorResponse, RuntimeConfig, StoredTemplate } from './simulator.types';
import type { TemplateDraft, TemplateSeed } from './template-request.util';

/** Meta's subcode for "a template with this name and language already exists". */
const DUPLICATE_TEMPLATE_SUBCODE = 2388024;
const REJECTED_REASON = 'INCORRECT_CATEGORY';

function keyOf(wabaId: string, name: string, language: string): string {
  return `${wabaId}\u0000${name}\u0000${language}`;
}

/** The fields a template view can have (Graph's WhatsApp message template node, the ones the simulator keeps). */
export const TEMPLATE_VIEW_FIELDS = [
  'name',
  'parameter_format',
  'components',
  'language',
  'status',
  'category',
  'id',
  'rejected_reason',
  'quality_score',
] as const;

/**
 * A template as Graph shows it (GET /{templateId}, GET /{wabaId}/message_templates). Without `fields`: every field
 * it keeps (`rejected_reason` only when REJECTED). With `fields` (Graph's `?fields=a,b`): those it knows, always with
 * `id`, `rejected_reason` "NONE" when not rejected; unknown names are left out.
 */
export function templateView(template: StoredTemplate, fields?: readonly string[]): Record<string, unknown> {
  const all: Record<string, unknown> = {
    name: template.name,
    parameter_format: template.parameterFormat,
    components: template.components,
    language: template.language,
    status: template.status,
    category: template.category,
    id: template.id,
    quality_score: { score: template.qualityScore, date: Math.floor(template.qualityScoreAt / 1000) },
  };
  if (fields === undefined) {
    if (template.status === 'REJECTED') all.rejected_reason = template.rejectedReason;
    return all;
  }
  all.rejected_reason = template.status === 'REJECTED' ? template.rejectedReason : 'NONE';
  const view: Record<string, unknown> = {};
  for (const field of fields) if (field in all) view[field] = all[field];
  view.id = template.id;
  return view;
}

/**
 * Message templates per WhatsApp Business Account. A created template is PENDING, then reviewed after
 * `approvalDelayMs`: APPROVED, or REJECTED when its name matches `rejectNamePattern`. Every review and every
 * status set through /_sim is reported to `onStatusChange` (which sends the template status webhook).
 */
export class TemplateStore {
  private readonly byId = new Map<string, StoredTemplate>();
  private readonly byKey = new Map<string, StoredTemplate>();
  private nextId = 100_000_000_000_000 + Math.floor(Math.random() * 1_000_000) * 1000;
  private compiled: { source: string; pattern: RegExp } | undefined;

  constructor(
    private readonly settings: () => RuntimeConfig['templates'],
    private readonly later: (delayMs: number, task: () => void) => void,
    private readonly onStatusChange: (template: StoredTemplate, otherInfo?: { title: string; description: string }) => void,
    private readonly stats: SimulatorStats,
    private readonly now: () => number = Date.now,
  ) {}

  create(
    wabaId: string,
    draft: TemplateDraft,
  ): { ok: true; template: StoredTemplate } | { ok: false; error: GraphErrorResponse } {
    if (this.byKey.has(keyOf(wabaId, draft.name, draft.language))) {
      const details = `Content in this language already exists: a template named ${draft.name} in ${draft.language}.`;
      return {
        ok: false,
        error: graphError(ErrorCode.InvalidParameter, { details, subcode: DUPLICATE_TEMPLATE_SUBCODE }),
      };
    }
    const template = this.store({ ...draft, wabaId, status: 'PENDING', qualityScore: 'UNKNOWN' });
    this.stats.templateCreated();
    const delay = this.settings().approvalDelayMs;
    if (delay === 0) this.review(template.id);
    else this.later(delay, () => this.review(template.id));
    return { ok: true, template };
  }

  /** Adds or replaces a template with the status given, without review or webhook (/_sim/templates). */
  seed(seed: TemplateSeed): StoredTemplate {
    const existing = this.byKey.get(keyOf(seed.wabaId, seed.name, seed.language));
    if (existing) {
      Object.assign(existing, {
        ...seed,
        rejectedReason: seed.status === 'REJECTED' ? REJECTED_REASON : 'NONE',
        qualityScore: seed.qualityScore ?? existing.qualityScore,
      });
      return existing;
    }
    return this.store(seed);
  }

  /**
   * Changes a template's status (e.g. PAUSED, DISABLED) and reports it, with `otherInfo` (Meta's `other_info`) when
   * given; undefined when the id is unknown.
   */
  setStatus(
    id: string,
    status: TemplateStatus,
    reason?: string,
    otherInfo?: { title: string; description: string },
  ): StoredTemplate | undefined {
    const template = this.byId.get(id);
    if (!template) return undefined;
    template.status = status;
    template.rejectedReason = status === 'REJECTED' ? (reason ?? REJECTED_REASON) : 'NONE';
    this.stats.templateReviewed(status);
    this.onStatusChange(template, otherInfo);
    return template;
  }

  /** Sets a template's quality score; the previous one, or undefined when the id is unknown. */
  setQuality(id: string, score: TemplateQualityScore): { template: StoredTemplate; previous: TemplateQualityScore } | undefined {
    const template = this.byId.get(id);
    if (!template) return undefined;
    const previous = template.qualityScore;
    template.qualityScore = score;
    template.qualityScoreAt = this.now();
    return { template, previous };
  }

  /** Sets a template's category; the previous one, or undefined when the id is unknown. */
  setCategory(id: string, category: TemplateCategory): { template: StoredTemplate; previous: TemplateCategory } | undefined {
    const template = this.byId.get(id);
    if (!template) return undefined;
    const previous = template.category;
    template.category = category;
    return { template, previous };
  }

  /**
   * Deletes a WABA's templates named `name` (every language), or only the one with id `id` when given (it must
   * have that name). Returns those deleted; none when nothing matched.
   */
  delete(wabaId: string, name: string, id?: string): StoredTemplate[] {
    const doomed = this.list(wabaId).filter((t) => t.name === name && (id === undefined || t.id === id));
    for (const template of doomed) {
      this.byId.delete(template.id);
      this.byKey.delete(keyOf(template.wabaId, template.name, template.language));
    }
    return doomed;
  }

  get(id: string): StoredTemplate | undefined {
    return this.byId.get(id);
  }

  find(wabaId: string, name: string, language: string): StoredTemplate | undefined {
    return this.byKey.get(keyOf(wabaId, name, language));
  }

  list(wabaId?: string): StoredTemplate[] {
    const all = [...this.byId.values()];
    return wabaId === undefined ? all : all.filter((template) => template.wabaId === wabaId);
  }

  countsByStatus(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const template of this.byId.values()) counts[template.status] = (counts[template.status] ?? 0) + 1;
    return counts;
  }

  clear(): void {
    this.byId.clear();
    this.byKey.clear();
  }

  private store(seed: TemplateSeed): StoredTemplate {
    this.nextId += 1;
    const template: StoredTemplate = {
      id: String(this.nextId),
      wabaId: seed.wabaId,
      name: seed.name,
      language: seed.language,
      category: seed.category,
      status: seed.status,
      parameterFormat: seed.parameterFormat,
      components: seed.components,
      rejectedReason: seed.status === 'REJECTED' ? REJECTED_REASON : 'NONE',
      qualityScore: seed.qualityScore ?? (seed.status === 'APPROVED' ? 'GREEN' : 'UNKNOWN'),
      qualityScoreAt: this.now(),
    };
    this.byId.set(template.id, template);
    this.byKey.set(keyOf(template.wabaId, template.name, template.language), template);
    return template;
  }

  private review(id: string): void {
    const template = this.byId.get(id);
    if (!template || template.status !== 'PENDING') return;
    const rejected = this.rejectPattern()?.test(template.name) ?? false;
    this.setStatus(id, rejected ? 'REJECTED' : 'APPROVED');
  }

  private rejectPattern(): RegExp | undefined {
    const source = this.settings().rejectNamePattern;
    if (source === null) return undefined;
    if (this.compiled?.source !== source) this.compiled = { source, pattern: new RegExp(source) };
    return this.compiled.pattern;
  }
}

/**
 * What a send of a template must give, read from the template's components as the provider reports them
 * (Graph's `components`: HEADER, BODY, FOOTER, BUTTONS), and the check of a send against it. Pure: no I/O.
 */

export type HeaderNeed =
  | { readonly kind: 'none' }
  | { readonly kind: 'text'; readonly variables: number }
  | { readonly kind: 'media'; readonly format: 'image' | 'video' | 'document' }
  | { readonly kind: 'location' };

export interface ButtonNeed {
  /** The button's position in the template, from 0. */
  readonly index: number;
  /** `url`: a URL ending in a variable; `copy_code`: a coupon code; `otp`: the one-time code (authentication). */
  readonly type: 'url' | 'copy_code' | 'otp';
}

export interface TemplateRequirements {
  readonly parameterFormat: 'positional' | 'named';
  readonly header: HeaderNeed;
  /** Positional: how many body variables ({{1}}…{{n}}); named: their names in order of first appearance. */
  readonly bodyVariables: number;
  readonly bodyNames: readonly string[];
  readonly buttons: readonly ButtonNeed[];
}

const POSITIONAL = /\{\{\s*(\d+)\s*\}\}/g;
const NAMED = /\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/g;

const record = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The variables of a text: positional ones count up to the highest number, named ones are listed once each. */
export function variablesOf(value: string, format: 'positional' | 'named'): { count: number; names: string[] } {
  if (format === 'named') {
    const names: string[] = [];
    for (const m of value.matchAll(NAMED)) if (!names.includes(m[1]!)) names.push(m[1]!);
    return { count: names.length, names };
  }
  let highest = 0;
  for (const m of value.matchAll(POSITIONAL)) highest = Math.max(highest, Number(m[1]));
  return { count: highest, names: [] };
}

export function requirementsOf(components: readonly unknown[], parameterFormat: string): TemplateRequirements {
  const format = parameterFormat.toLowerCase() === 'named' ? 'named' : 'positional';
  let header: HeaderNeed = { kind: 'none' };
  let bodyVariables = 0;
  let bodyNames: string[] = [];
  const buttons: ButtonNeed[] = [];
  for (const raw of components) {
    const c = record(raw);
    if (!c) continue;
    const type = text(c['type']).toUpperCase();
    if (type === 'HEADER') {
      const f = text(c['format']).toUpperCase();
      if (f === 'TEXT') {
        const v = variablesOf(text(c['text']), format);
        header = v.count > 0 ? { kind: 'text', variables: v.count } : { kind: 'none' };
      } else if (f === 'IMAGE' || f === 'VIDEO' || f === 'DOCUMENT') header = { kind: 'media', format: f.toLowerCase() as 'image' | 'video' | 'document' };
      else if (f === 'LOCATION') header = { kind: 'location' };
    } else if (type === 'BODY') {
      const v = variablesOf(text(c['text']), format);
      bodyVariables = v.count;
      bodyNames = v.names;
    } else if (type === 'BUTTONS' && Array.isArray(c['buttons'])) {
      c['buttons'].forEach((b: unknown, index: number) => {
        const button = record(b);
        if (!button) return;
        const kind = text(button['type']).toUpperCase();
        if (kind === 'URL' && /\{\{\s*[^}]+\}\}/.test(text(button['url']))) buttons.push({ index, type: 'url' });
        else if (kind === 'COPY_CODE') buttons.push({ index, type: 'copy_code' });
        else if (kind === 'OTP') buttons.push({ index, type: 'otp' });
      });
    }
  }
  return { parameterFormat: format, header, bodyVariables, bodyNames, buttons };
}

/** A template send as Herald's message content gives it (`params` or `components`). */
export interface TemplateSendInput {
  readonly params?: readonly string[];
  readonly components?: ReadonlyArray<{
    readonly type: string;
    readonly subType?: string;
    readonly index?: number;
    readonly parameters: ReadonlyArray<{ readonly type: string; readonly parameterName?: string }>;
  }>;
}

/**
 * What is wrong with a send of a template with these requirements, one sentence per problem (empty: nothing).
 * Checks what Meta would refuse with 132000 (wrong number of parameters) or 132012 (wrong parameter format), so
 * Herald refuses it before anything is queued.
 */
export function sendProblems(req: TemplateRequirements, send: TemplateSendInput): string[] {
  const problems: string[] = [];
  const components = send.components ?? [];
  const body = send.params !== undefined ? send.params.map(() => ({ type: 'text' })) : (components.find((c) => c.type === 'body')?.parameters ?? []);
  const expected = req.parameterFormat === 'named' ? req.bodyNames.length : req.bodyVariables;
  if (body.length !== expected) {
    problems.push(
      `the body takes ${expected} parameter${expected === 1 ? '' : 's'}${req.parameterFormat === 'named' && expected > 0 ? ` (${req.bodyNames.join(', ')})` : ''}, ${body.length} ${body.length === 1 ? 'was' : 'were'} given`,
    );
  } else if (req.parameterFormat === 'named' && expected > 0 && send.components === undefined) {
    problems.push(`the template's variables are named (${req.bodyNames.join(', ')}): give them as body components with a parameterName each`);
  } else if (req.parameterFormat === 'named' && send.components !== undefined) {
    const given = new Set(body.map((p) => (p as { parameterName?: string }).parameterName));
    const missing = req.bodyNames.filter((n) => !given.has(n));
    if (missing.length > 0) problems.push(`the body's named parameters ${missing.join(', ')} are missing (give each a parameterName)`);
  }
  const header = components.find((c) => c.type === 'header');
  if (req.header.kind === 'media') {
    const given = header?.parameters[0]?.type;
    if (given !== req.header.format) problems.push(`the template has ${article(req.header.format)} ${req.header.format} header: give a header component with ${article(req.header.format)} ${req.header.format} link`);
  } else if (req.header.kind === 'text') {
    const n = header?.parameters.length ?? 0;
    if (n !== req.header.variables) problems.push(`the header takes ${req.header.variables} parameter${req.header.variables === 1 ? '' : 's'}, ${n} ${n === 1 ? 'was' : 'were'} given`);
  } else if (req.header.kind === 'location') {
    if (!header) problems.push('the template has a location header: give a header component with the location');
  } else if (header && header.parameters.length > 0) {
    problems.push('the template has no header variable, but a header parameter was given');
  }
  const buttons = components.filter((c) => c.type === 'button');
  for (const need of req.buttons) {
    if (!buttons.some((b) => b.index === need.index && b.parameters.length > 0)) {
      problems.push(`button ${need.index} (${need.type === 'url' ? 'a URL ending in a variable' : need.type === 'otp' ? 'the one-time code' : 'a coupon code'}) needs a parameter`);
    }
  }
  // A quick reply may carry a payload whatever the template says; a URL button takes one only if its URL ends in a variable.
  for (const b of buttons) {
    if (b.subType === 'url' && !req.buttons.some((n) => n.index === b.index)) problems.push(`button ${String(b.index)} has a fixed URL and takes no parameter`);
  }
  return problems;
}

const article = (word: string) => (/^[aeiou]/.test(word) ? 'an' : 'a');

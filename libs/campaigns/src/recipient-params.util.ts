import {
  parseParam,
  urlVariable,
  type CampaignButton,
  type CampaignIssue,
  type CampaignVariable,
  type MediaHeader,
  type MessageLayout,
  type ParamPiece,
} from './campaign-message.util';

/*
 * A recipient's parameters are fixed at fan-out, in one statement: the body's, then one per button with a variable.
 * A campaign that registered its own template has one body parameter per placeholder of its message; a campaign
 * (or blast) using a template the business already has gives its parameters as written (`"Hi {{name}}"`,
 * `"Spring sale"`), each a mix of text and placeholders. Either way the statement resolves each distinct
 * placeholder once per contact and builds the parameters from them (`outputs`).
 */

/** What a campaign says about its template's parameters besides its message (stored with the campaign). */
export interface TemplateParams {
  /** The body's parameters as written (a template the business already had); absent: the message's placeholders. */
  readonly body?: readonly string[];
  /** A named template's body variables, in the order of `body`. */
  readonly names?: readonly string[];
  /** The media header of a template the business already had. */
  readonly header?: MediaHeader;
  /** Buttons that take a parameter per recipient (a URL ending in a variable): index and parameter as written. */
  readonly buttons: ReadonlyArray<{ readonly index: number; readonly param: string }>;
  /**
   * A registered campaign's URL buttons are tracked links: registered as `<linkBase>/l/{{1}}`, their parameter is
   * the whole destination (placeholders resolved at fan-out), turned into each recipient's link code there.
   */
  readonly linkBase?: string;
}

/** A recipient parameter's pieces: text, or the value of variable number `variable` (0-based, of `variables`). */
export type OutputPiece = { readonly text: string } | { readonly variable: number };

export interface ParamLayout {
  /** Every distinct placeholder the parameters use, each resolved once per recipient. */
  readonly variables: CampaignVariable[];
  /** Each recipient parameter, in order: the body's, then the buttons'. */
  readonly outputs: OutputPiece[][];
  readonly bodyCount: number;
  readonly buttonIndexes: number[];
}

/** The parameters' layout of a campaign: its message's variables (or its body as written), then its button parameters. */
export function paramLayout(c: { readonly variables: readonly CampaignVariable[]; readonly templateParams: TemplateParams | null }): ParamLayout {
  const variables: CampaignVariable[] = [];
  const indexOf = (v: CampaignVariable): number => {
    const at = variables.findIndex((x) => x.token === v.token);
    if (at >= 0) return at;
    variables.push(v);
    return variables.length - 1;
  };
  const outputOf = (pieces: readonly ParamPiece[]): OutputPiece[] =>
    pieces.map((p) => ('variable' in p ? { variable: indexOf(p.variable) } : { text: p.text }));
  const tp = c.templateParams;
  const outputs: OutputPiece[][] =
    tp?.body === undefined
      ? c.variables.map((v) => [{ variable: indexOf(v) }])
      : tp.body.map((param) => outputOf(parseParam(param, 'params').pieces));
  const bodyCount = outputs.length;
  for (const b of tp?.buttons ?? []) outputs.push(outputOf(parseParam(b.param, 'buttons').pieces));
  return { variables, outputs, bodyCount, buttonIndexes: (tp?.buttons ?? []).map((b) => b.index) };
}

/** What the chunk sender needs besides a recipient's parameters to build its message. */
export function messageLayout(c: { readonly variables: readonly CampaignVariable[]; readonly templateParams: TemplateParams | null }): MessageLayout {
  const layout = paramLayout(c);
  return {
    bodyCount: layout.bodyCount,
    buttonIndexes: layout.buttonIndexes,
    ...(c.templateParams?.names ? { bodyNames: c.templateParams.names } : {}),
    ...(c.templateParams?.header ? { header: c.templateParams.header } : {}),
  };
}

/**
 * The button parameters of a campaign registering its own template: each URL button ending in a variable (its
 * suffix), or, with tracked buttons, every URL button (its whole URL: the destination of each recipient's link).
 */
export function registeredButtonParams(buttons: readonly CampaignButton[], tracked = false): Array<{ index: number; param: string }> {
  const out: Array<{ index: number; param: string }> = [];
  buttons.forEach((b, index) => {
    if (b.type !== 'url') return;
    if (tracked) return void out.push({ index, param: b.url ?? '' });
    const variable = urlVariable(b.url ?? '');
    if (variable) out.push({ index, param: variable.placeholder });
  });
  return out;
}

/**
 * Reads parameters given as written (`params`, `buttons: [{index, param}]`): their issues, named by field, and every
 * distinct placeholder they use (for the variable groups' check).
 */
export function parseWrittenParams(
  params: unknown,
  buttons: unknown,
): { body: string[]; buttons: Array<{ index: number; param: string }>; variables: CampaignVariable[]; issues: CampaignIssue[] } {
  const issues: CampaignIssue[] = [];
  const variables: CampaignVariable[] = [];
  const note = (pieces: readonly ParamPiece[]) => {
    for (const p of pieces) if ('variable' in p && !variables.some((v) => v.token === p.variable.token)) variables.push(p.variable);
  };
  const body: string[] = [];
  if (params !== undefined && params !== null) {
    if (!Array.isArray(params) || params.length > 100) issues.push({ field: 'params', issue: 'must be an array of at most 100 strings' });
    else
      params.forEach((value: unknown, i) => {
        const parsed = parseParam(typeof value === 'number' ? String(value) : value, `params[${i}]`);
        issues.push(...parsed.issues);
        note(parsed.pieces);
        body.push(typeof value === 'number' ? String(value) : (value as string));
      });
  }
  const out: Array<{ index: number; param: string }> = [];
  if (buttons !== undefined && buttons !== null) {
    if (!Array.isArray(buttons) || buttons.length > 10) issues.push({ field: 'buttons', issue: 'must be an array of at most 10 {index, param}' });
    else
      buttons.forEach((raw: unknown, i) => {
        const at = `buttons[${i}]`;
        if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
          issues.push({ field: at, issue: 'must be an object {index, param}' });
          return;
        }
        const r = raw as Record<string, unknown>;
        for (const key of Object.keys(r)) if (key !== 'index' && key !== 'param') issues.push({ field: `${at}.${key}`, issue: 'is not a known field' });
        const index = r['index'];
        if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 9)
          issues.push({ field: `${at}.index`, issue: "must be the button's position in the template, 0 to 9" });
        else if (out.some((b) => b.index === index)) issues.push({ field: `${at}.index`, issue: `gives button ${index} twice` });
        const parsed = parseParam(r['param'], `${at}.param`);
        issues.push(...parsed.issues);
        note(parsed.pieces);
        if (typeof index === 'number' && typeof r['param'] === 'string') out.push({ index, param: r['param'] });
      });
  }
  return { body, buttons: out, variables, issues };
}

// Template bodies: creation through Graph (POST /{wabaId}/message_templates), seeding through /_sim/templates,
// and whether a template send gives the parameters the template's text asks for (132000).
import { graphError, invalidParameter } from './graph-error.util';
import type { Parsed } from './phone-number.util';
import { isValidObjectId } from './phone-number.util';
import {
  ErrorCode,
  LIMITS,
  TEMPLATE_CATEGORIES,
  TEMPLATE_QUALITY_SCORES,
  TEMPLATE_STATUSES,
  type TemplateCategory,
  type TemplateQualityScore,
  type TemplateStatus,
} from './simulator.constants';
import type { GraphErrorResponse, SendTemplateRef, StoredTemplate } from './simulator.types';

type Json = Record<string, unknown>;

export interface TemplateDraft {
  name: string;
  language: string;
  category: TemplateCategory;
  parameterFormat: 'POSITIONAL' | 'NAMED';
  components: unknown[];
}

export interface TemplateSeed extends TemplateDraft {
  wabaId: string;
  status: TemplateStatus;
  /** Default GREEN for an APPROVED seed (it has been sent for a while), else UNKNOWN (no rating yet). */
  qualityScore?: TemplateQualityScore;
}

const NAME_PATTERN = /^[a-z0-9_]+$/;
const LANGUAGE_PATTERN = /^[a-z]{2,3}(_[A-Za-z]{2,4})?$/;
const COMPONENT_TYPES = new Set(['HEADER', 'BODY', 'FOOTER', 'BUTTONS']);
const HEADER_FORMATS = new Set(['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION']);
const BUTTON_TYPES = new Set(['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE', 'OTP', 'FLOW', 'CATALOG', 'MPM', 'VOICE_CALL']);

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type DraftCheck = { ok: true; draft: TemplateDraft } | { ok: false; error: GraphErrorResponse };

function userError(details: string, title = 'Invalid parameter'): GraphErrorResponse {
  return graphError(ErrorCode.InvalidParameter, { details, message: `(#100) ${title}` });
}

function checkComponents(components: unknown[], category: TemplateCategory): string | undefined {
  const seen = new Set<string>();
  for (let i = 0; i < components.length; i++) {
    const component: unknown = components[i];
    const path = `components[${i}]`;
    if (!isObject(component)) return `${path} must be an object.`;
    const type = typeof component.type === 'string' ? component.type.toUpperCase() : undefined;
    if (!type || !COMPONENT_TYPES.has(type)) return `${path}.type must be one of HEADER, BODY, FOOTER, BUTTONS.`;
    if (seen.has(type)) return `Only one ${type} component is allowed.`;
    seen.add(type);
    switch (type) {
      case 'HEADER': {
        const format = typeof component.format === 'string' ? component.format.toUpperCase() : undefined;
        if (!format || !HEADER_FORMATS.has(format))
          return `${path}.format must be one of TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION.`;
        if (format === 'TEXT') {
          if (typeof component.text !== 'string' || component.text.length === 0)
            return `${path}.text is required for a TEXT header.`;
          if (component.text.length > LIMITS.templateHeaderText)
            return `Header text is longer than ${LIMITS.templateHeaderText} characters.`;
        }
        break;
      }
      case 'BODY':
        if (typeof component.text !== 'string' || component.text.length === 0) {
          if (category !== 'AUTHENTICATION') return `${path}.text is required.`;
        } else if (component.text.length > LIMITS.templateBody) {
          return `Body text is longer than ${LIMITS.templateBody} characters.`;
        }
        break;
      case 'FOOTER':
        if (category === 'AUTHENTICATION') break;
        if (typeof component.text !== 'string' || component.text.length === 0) return `${path}.text is required.`;
        if (component.text.length > LIMITS.templateFooter)
          return `Footer text is longer than ${LIMITS.templateFooter} characters.`;
        break;
      case 'BUTTONS': {
        const buttons = component.buttons;
        if (!Array.isArray(buttons) || buttons.length === 0) return `${path}.buttons must be a non-empty array.`;
        if (buttons.length > LIMITS.templateButtonsMax) return `At most ${LIMITS.templateButtonsMax} buttons are allowed.`;
        let urls = 0;
        let phones = 0;
        for (let b = 0; b < buttons.length; b++) {
          const button: unknown = buttons[b];
          const bPath = `${path}.buttons[${b}]`;
          if (!isObject(button)) return `${bPath} must be an object.`;
          const bType = typeof button.type === 'string' ? button.type.toUpperCase() : undefined;
          if (!bType || !BUTTON_TYPES.has(bType)) return `${bPath}.type is not a button type.`;
          if (bType === 'URL') urls += 1;
          if (bType === 'PHONE_NUMBER') phones += 1;
          if (bType !== 'OTP' && bType !== 'COPY_CODE') {
            if (typeof button.text !== 'string' || button.text.length === 0) return `${bPath}.text is required.`;
            if (button.text.length > LIMITS.templateButtonText)
              return `Button text is longer than ${LIMITS.templateButtonText} characters.`;
          }
          if (bType === 'URL' && typeof button.url !== 'string') return `${bPath}.url is required.`;
          if (bType === 'PHONE_NUMBER' && typeof button.phone_number !== 'string') return `${bPath}.phone_number is required.`;
        }
        if (urls > LIMITS.templateUrlButtonsMax) return `At most ${LIMITS.templateUrlButtonsMax} URL buttons are allowed.`;
        if (phones > LIMITS.templatePhoneButtonsMax)
          return `At most ${LIMITS.templatePhoneButtonsMax} phone number button is allowed.`;
        break;
      }
      default:
        break;
    }
  }
  if (!seen.has('BODY')) return 'A BODY component is required.';
  return undefined;
}

/** Checks a Graph template-creation body; errors are Graph errors (code 100) like Meta's. */
export function checkTemplateDraft(body: unknown): DraftCheck {
  const bad = (error: GraphErrorResponse): DraftCheck => ({ ok: false, error });
  if (!isObject(body)) return bad(invalidParameter('The request body must be a JSON object.'));
  const { name, language, category, components } = body;
  if (name === undefined) return bad(invalidParameter('The parameter name is required.'));
  if (typeof name !== 'string' || name.length === 0 || name.length > LIMITS.templateName || !NAME_PATTERN.test(name)) {
    return bad(userError('Template name can only contain lowercase letters, digits and underscores (at most 512 characters).'));
  }
  if (language === undefined) return bad(invalidParameter('The parameter language is required.'));
  if (typeof language !== 'string' || !LANGUAGE_PATTERN.test(language)) {
    return bad(invalidParameter(`Param language must be a language code such as en_US - got "${String(language)}".`));
  }
  if (category === undefined) return bad(invalidParameter('The parameter category is required.'));
  const upper = typeof category === 'string' ? category.toUpperCase() : '';
  if (!(TEMPLATE_CATEGORIES as readonly string[]).includes(upper)) {
    return bad(
      invalidParameter(`Param category must be one of {${TEMPLATE_CATEGORIES.join(', ')}} - got "${String(category)}".`),
    );
  }
  if (components === undefined) return bad(invalidParameter('The parameter components is required.'));
  if (!Array.isArray(components)) return bad(invalidParameter('Param components must be an array.'));
  const problem = checkComponents(components, upper as TemplateCategory);
  if (problem) return bad(userError(problem));
  const format = body.parameter_format;
  if (format !== undefined && format !== 'POSITIONAL' && format !== 'NAMED' && format !== 'positional' && format !== 'named') {
    return bad(invalidParameter('Param parameter_format must be one of {POSITIONAL, NAMED}.'));
  }
  return {
    ok: true,
    draft: {
      name,
      language,
      category: upper as TemplateCategory,
      parameterFormat: typeof format === 'string' && format.toUpperCase() === 'NAMED' ? 'NAMED' : 'POSITIONAL',
      components,
    },
  };
}

/**
 * Reads a /_sim/templates seed: `{wabaId, name, language, category?, status?, components?, parameter_format?,
 * quality_score?}`.
 */
export function parseTemplateSeed(body: unknown): Parsed<TemplateSeed> {
  if (!isObject(body)) return { ok: false, problems: ['a template must be a JSON object'] };
  const problems: string[] = [];
  const { wabaId, name, language } = body;
  if (typeof wabaId !== 'string' || !isValidObjectId(wabaId)) problems.push('wabaId: required, 1–64 letters, digits, "_" or "-"');
  if (typeof name !== 'string' || !NAME_PATTERN.test(name) || name.length > LIMITS.templateName) {
    problems.push('name: required, lowercase letters, digits and underscores');
  }
  if (typeof language !== 'string' || !LANGUAGE_PATTERN.test(language)) problems.push('language: required, e.g. "en_US"');
  const category = body.category ?? 'MARKETING';
  if (typeof category !== 'string' || !(TEMPLATE_CATEGORIES as readonly string[]).includes(category.toUpperCase())) {
    problems.push(`category: one of ${TEMPLATE_CATEGORIES.join(', ')}`);
  }
  const status = body.status ?? 'APPROVED';
  if (typeof status !== 'string' || !(TEMPLATE_STATUSES as readonly string[]).includes(status)) {
    problems.push(`status: one of ${TEMPLATE_STATUSES.join(', ')}`);
  }
  const components = body.components ?? [];
  if (!Array.isArray(components)) problems.push('components: must be an array');
  else if (components.length > 0 && typeof category === 'string') {
    const problem = checkComponents(components, category.toUpperCase() as TemplateCategory);
    if (problem) problems.push(`components: ${problem}`);
  }
  const format = body.parameter_format ?? 'POSITIONAL';
  if (format !== 'POSITIONAL' && format !== 'NAMED') problems.push('parameter_format: POSITIONAL or NAMED');
  const quality = body.quality_score;
  if (quality !== undefined && !(TEMPLATE_QUALITY_SCORES as readonly unknown[]).includes(quality)) {
    problems.push(`quality_score: one of ${TEMPLATE_QUALITY_SCORES.join(', ')}`);
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      wabaId: wabaId as string,
      name: name as string,
      language: language as string,
      category: (category as string).toUpperCase() as TemplateCategory,
      status: status as TemplateStatus,
      parameterFormat: format as 'POSITIONAL' | 'NAMED',
      components: components as unknown[],
      ...(quality === undefined ? {} : { qualityScore: quality as TemplateQualityScore }),
    },
  };
}

/** The placeholders of a template text: positional `{{1}}` count and `{{name}}` names. */
export function placeholdersOf(text: string): { positional: number; named: string[] } {
  const positional = new Set<string>();
  const named = new Set<string>();
  for (const match of text.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)) {
    const key = match[1] as string;
    if (/^\d+$/.test(key)) positional.add(key);
    else named.add(key);
  }
  return { positional: positional.size, named: [...named] };
}

function componentText(template: StoredTemplate, type: 'BODY' | 'HEADER'): string | undefined {
  for (const component of template.components) {
    if (!isObject(component) || typeof component.type !== 'string' || component.type.toUpperCase() !== type) continue;
    if (type === 'HEADER' && typeof component.format === 'string' && component.format.toUpperCase() !== 'TEXT') return undefined;
    return typeof component.text === 'string' ? component.text : undefined;
  }
  return undefined;
}

/**
 * 132000 when a send gives a different number of body (or text header) parameters than the template's text has
 * placeholders, or misses a named one. Templates stored without components are not checked.
 */
export function templateParameterProblem(template: StoredTemplate, ref: SendTemplateRef): GraphErrorResponse | undefined {
  const mismatch = (details: string) => graphError(ErrorCode.TemplateParamCountMismatch, { details });
  const body = componentText(template, 'BODY');
  if (body !== undefined) {
    const expected = placeholdersOf(body);
    if (template.parameterFormat === 'NAMED' || expected.named.length > 0) {
      const given = new Set(ref.bodyParameters.named);
      const missing = expected.named.filter((name) => !given.has(name));
      if (missing.length > 0 || given.size !== expected.named.length) {
        return mismatch(`body: expected the named parameters {${expected.named.join(', ')}}, got {${[...given].join(', ')}}`);
      }
    } else if (ref.bodyParameters.positional !== expected.positional) {
      return mismatch(
        `body: number of localizable_params (${ref.bodyParameters.positional}) does not match the expected number of params (${expected.positional})`,
      );
    }
  }
  const header = componentText(template, 'HEADER');
  if (header !== undefined) {
    const expected = placeholdersOf(header);
    const count = expected.positional + expected.named.length;
    if (ref.headerParameters !== count) {
      return mismatch(
        `header: number of localizable_params (${ref.headerParameters}) does not match the expected number of params (${count})`,
      );
    }
  }
  return undefined;
}

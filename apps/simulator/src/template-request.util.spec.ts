import { describe, expect, it } from '@jest/globals';
import type { SendTemplateRef, StoredTemplate } from './simulator.types';
import { checkTemplateDraft, parseTemplateSeed, placeholdersOf, templateParameterProblem } from './template-request.util';

const draft = {
  name: 'order_update',
  language: 'en_US',
  category: 'UTILITY',
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' },
    { type: 'BODY', text: 'Hi {{1}}, your order {{2}} ships today.' },
    { type: 'FOOTER', text: 'Reply STOP to opt out' },
    { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Thanks' }] },
  ],
};

function codeOf(body: unknown): number | undefined {
  const checked = checkTemplateDraft(body);
  return checked.ok ? undefined : (JSON.parse(checked.error.body) as { error: { code: number } }).error.code;
}

describe(checkTemplateDraft.name, () => {
  it('accepts a well-formed template and upper-cases its category', () => {
    const checked = checkTemplateDraft(draft);
    expect(checked.ok && checked.draft).toMatchObject({
      name: 'order_update',
      category: 'UTILITY',
      parameterFormat: 'POSITIONAL',
    });
    expect(checkTemplateDraft({ ...draft, category: 'marketing' }).ok).toBe(true);
  });

  it('refuses names that are not lowercase letters, digits and underscores', () => {
    expect(codeOf({ ...draft, name: 'Order Update' })).toBe(100);
    expect(codeOf({ ...draft, name: undefined })).toBe(100);
  });

  it('refuses unknown categories, missing language and components', () => {
    expect(codeOf({ ...draft, category: 'PROMO' })).toBe(100);
    expect(codeOf({ ...draft, language: undefined })).toBe(100);
    expect(codeOf({ ...draft, components: undefined })).toBe(100);
  });

  it("enforces Meta's component limits", () => {
    expect(codeOf({ ...draft, components: [{ type: 'HEADER', format: 'TEXT', text: 'x' }] })).toBe(100); // no BODY
    expect(codeOf({ ...draft, components: [{ type: 'BODY', text: 'x'.repeat(1025) }] })).toBe(100);
    expect(
      codeOf({
        ...draft,
        components: [
          { type: 'BODY', text: 'x' },
          { type: 'FOOTER', text: 'x'.repeat(61) },
        ],
      }),
    ).toBe(100);
    const urls = [1, 2, 3].map((i) => ({ type: 'URL', text: `Link ${i}`, url: 'https://e.com' }));
    expect(
      codeOf({
        ...draft,
        components: [
          { type: 'BODY', text: 'x' },
          { type: 'BUTTONS', buttons: urls },
        ],
      }),
    ).toBe(100);
    const longLabel = [{ type: 'QUICK_REPLY', text: 'x'.repeat(26) }];
    expect(
      codeOf({
        ...draft,
        components: [
          { type: 'BODY', text: 'x' },
          { type: 'BUTTONS', buttons: longLabel },
        ],
      }),
    ).toBe(100);
  });
});

describe(parseTemplateSeed.name, () => {
  it('defaults a seed to an approved marketing template', () => {
    const parsed = parseTemplateSeed({ wabaId: '2002', name: 'welcome', language: 'en' });
    expect(parsed.ok && parsed.value).toMatchObject({ status: 'APPROVED', category: 'MARKETING', components: [] });
  });

  it('lists every problem', () => {
    const parsed = parseTemplateSeed({ name: 'Bad Name', status: 'LIVE' });
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems.length).toBe(4);
  });
});

describe(placeholdersOf.name, () => {
  it('counts distinct positional placeholders and collects named ones', () => {
    expect(placeholdersOf('Hi {{1}}, {{2}} and {{1}} again')).toEqual({ positional: 2, named: [] });
    expect(placeholdersOf('Hi {{first_name}}, see {{ link }}')).toEqual({ positional: 0, named: ['first_name', 'link'] });
  });
});

describe(templateParameterProblem.name, () => {
  const template: StoredTemplate = {
    id: '1',
    wabaId: '2002',
    name: 'order_update',
    language: 'en_US',
    category: 'UTILITY',
    status: 'APPROVED',
    parameterFormat: 'POSITIONAL',
    components: draft.components,
    rejectedReason: 'NONE',
    qualityScore: 'GREEN',
    qualityScoreAt: 0,
  };
  const ref = (body: number, header: number, named: string[] = []): SendTemplateRef => ({
    name: 'order_update',
    languageCode: 'en_US',
    bodyParameters: { positional: body, named },
    headerParameters: header,
  });

  it('accepts the number of parameters the text asks for', () => {
    expect(templateParameterProblem(template, ref(2, 1))).toBeUndefined();
  });

  it('answers 132000 when body or header parameters are missing or extra', () => {
    expect(JSON.parse(templateParameterProblem(template, ref(1, 1))?.body ?? '{}').error.code).toBe(132000);
    expect(templateParameterProblem(template, ref(2, 0))).toBeDefined();
    expect(templateParameterProblem(template, ref(3, 1))).toBeDefined();
  });

  it('checks named parameters by name', () => {
    const named: StoredTemplate = {
      ...template,
      parameterFormat: 'NAMED',
      components: [{ type: 'BODY', text: 'Hi {{first_name}}' }],
    };
    expect(templateParameterProblem(named, ref(0, 0, ['first_name']))).toBeUndefined();
    expect(templateParameterProblem(named, ref(0, 0, ['name']))).toBeDefined();
  });

  it('does not check templates stored without components', () => {
    expect(templateParameterProblem({ ...template, components: [] }, ref(5, 5))).toBeUndefined();
  });
});

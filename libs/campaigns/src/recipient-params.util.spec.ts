import { describe, expect, it } from '@jest/globals';
import { toTemplateDefinition, toTemplateMessage, urlVariable, type CampaignVariable } from './campaign-message.util';
import { messageLayout, paramLayout, parseWrittenParams, registeredButtonParams } from './recipient-params.util';
import { parseBlast, parseTags } from './campaign-input.util';
import { HeraldError } from '@herald/common';

const NAME: CampaignVariable = { kind: 'contact', key: 'name', token: 'name' };
const REF: CampaignVariable = { kind: 'attribute', key: 'ref', token: 'attributes.ref' };
const LINK: CampaignVariable = { kind: 'group', group: 'pay', field: 'link', token: 'pay.link' };
const now = new Date('2026-11-21T09:00:00Z');

function issuesOf(work: () => unknown): Array<{ field: string; issue: string }> {
  try {
    work();
  } catch (error) {
    if (error instanceof HeraldError) return error.details as Array<{ field: string; issue: string }>;
    throw error;
  }
  throw new Error('no issues');
}

describe(paramLayout.name, () => {
  it("lays out a registered campaign's variables one per body parameter, then its URL buttons' variables", () => {
    const layout = paramLayout({ variables: [NAME, REF], templateParams: { buttons: [{ index: 1, param: '{pay.link}' }, { index: 2, param: '{{name}}' }] } });
    expect(layout.variables.map((v) => v.token)).toEqual(['name', 'attributes.ref', 'pay.link']);
    expect(layout.outputs).toEqual([[{ variable: 0 }], [{ variable: 1 }], [{ variable: 2 }], [{ variable: 0 }]]);
    expect([layout.bodyCount, layout.buttonIndexes]).toEqual([2, [1, 2]]);
  });

  it('builds parameters written with text and placeholders, each distinct placeholder resolved once', () => {
    const layout = paramLayout({
      variables: [],
      templateParams: { body: ['{{name}}', 'Habit Run', 'Hi {{name}}, ref {{attributes.ref}}!'], buttons: [{ index: 0, param: '{{attributes.ref}}' }] },
    });
    expect(layout.variables.map((v) => v.token)).toEqual(['name', 'attributes.ref']);
    expect(layout.outputs).toEqual([
      [{ variable: 0 }],
      [{ text: 'Habit Run' }],
      [{ text: 'Hi ' }, { variable: 0 }, { text: ', ref ' }, { variable: 1 }, { text: '!' }],
      [{ variable: 1 }],
    ]);
    expect(layout.bodyCount).toBe(3);
  });
});

describe(parseWrittenParams.name, () => {
  it('names every bad parameter and button by its field', () => {
    const parsed = parseWrittenParams(['{{name}}', '', 7, '{{nickname}}', { x: 1 }], [{ index: 0, param: '{pay.link}' }, { index: 0, param: 'x' }, { index: 12 }]);
    expect(parsed.issues.map((i) => i.field)).toEqual(['params[1]', 'params[3]', 'params[4]', 'buttons[1].index', 'buttons[2].index', 'buttons[2].param']);
    expect(parsed.variables.map((v) => v.token)).toEqual(['name', 'pay.link']);
    expect(parsed.body.slice(0, 3)).toEqual(['{{name}}', '', '7']);
  });
});

describe(urlVariable.name, () => {
  it('finds a variable at the end of a URL only', () => {
    expect(urlVariable('https://pay.example.com/p/{pay.link}')).toEqual({ prefix: 'https://pay.example.com/p/', variable: LINK, placeholder: '{pay.link}' });
    expect(urlVariable('https://pay.example.com/p/{pay.link}/x')).toBeUndefined();
    expect(urlVariable('https://pay.example.com/p/')).toBeUndefined();
  });

  it('registers such a button as a URL ending in {{1}} with an example, and finds its parameter', () => {
    const buttons = [{ text: 'Pay', type: 'url' as const, url: 'https://pay.example.com/p/{pay.link}' }, { text: 'Docs', type: 'url' as const, url: 'https://example.com' }];
    const definition = toTemplateDefinition({ name: 't', languageCode: 'en_US', category: 'UTILITY', body: 'Hi', variables: [], buttons });
    expect(definition.buttons).toEqual([
      { type: 'url', text: 'Pay', url: 'https://pay.example.com/p/{{1}}', example: 'https://pay.example.com/p/pay-link' },
      { type: 'url', text: 'Docs', url: 'https://example.com' },
    ]);
    expect(registeredButtonParams(buttons)).toEqual([{ index: 0, param: '{pay.link}' }]);
  });
});

describe(toTemplateMessage.name, () => {
  it("sends the body's parameters, the media header and each URL button's parameter", () => {
    const layout = messageLayout({
      variables: [],
      templateParams: { body: ['{{name}}'], header: { type: 'document', link: 'https://cdn.example.com/a.pdf' }, buttons: [{ index: 1, param: '{{attributes.ref}}' }] },
    });
    const message = toTemplateMessage({ name: 'bill', languageCode: 'en', buttons: [] }, ['Asha', 'r-1'], layout);
    expect(message.template.components).toEqual([
      { type: 'header', parameters: [{ type: 'document', document: { link: 'https://cdn.example.com/a.pdf' } }] },
      { type: 'body', parameters: [{ type: 'text', text: 'Asha' }] },
      { type: 'button', subType: 'url', index: 1, parameters: [{ type: 'text', text: 'r-1' }] },
    ]);
  });

  it('gives named templates their parameter names', () => {
    const message = toTemplateMessage({ name: 'n', languageCode: 'en', buttons: [] }, ['Asha'], { bodyCount: 1, bodyNames: ['first_name'] });
    expect(message.template.components).toEqual([{ type: 'body', parameters: [{ type: 'text', text: 'Asha', parameterName: 'first_name' }] }]);
  });
});

describe(parseBlast.name, () => {
  it('reads a blast: template, header, params with placeholders, tags', () => {
    const blast = parseBlast(
      { searchSpec: { name: 'Partha' }, template: { name: 'habit_run', language: 'en' }, header: { type: 'image', link: 'https://x.example.com/a.png' }, params: ['{{name}}', 'Nov'], tags: ['Bulk'] },
      now,
    );
    expect(blast.use).toMatchObject({ name: 'habit_run', language: 'en', params: ['{{name}}', 'Nov'], header: { type: 'image', link: 'https://x.example.com/a.png' } });
    expect(blast.run).toMatchObject({ searchSpec: { name: 'Partha' }, audiences: [], tags: ['bulk'], timeToRun: null });
  });

  it("takes no vendor's field names: those are its surface's to translate (compat/chitchatlabs)", () => {
    expect(issuesOf(() => parseBlast({ searchSpec: {}, fb_template: 'habit_run', language: 'en', file: {}, tag: 'x' }, now)).map((i) => i.field)).toEqual(
      expect.arrayContaining(['fb_template', 'language', 'file', 'tag']),
    );
  });

  it('names each field that is wrong', () => {
    expect(issuesOf(() => parseBlast({ template: { name: 'x', language: 'en' }, searchSpec: {}, audiences: ['vip'] }, now)).map((i) => i.field)).toEqual(['searchSpec']);
    expect(issuesOf(() => parseBlast({ template: { name: 'x', language: 'en' } }, now)).map((i) => i.field)).toEqual(['searchSpec']);
    expect(issuesOf(() => parseBlast({ template: { name: 'x', language: 'en' }, searchSpec: {}, scheduledFor: '2027-02-01T00:00:00Z' }, now))).toEqual([
      { field: 'scheduledFor', issue: 'must be at most 35 days ahead' },
    ]);
    expect(issuesOf(() => parseBlast({ template: { name: 'Bad Name' }, audiences: [], header: { type: 'gif', link: 'x' }, color: 1 }, now)).map((i) => i.field)).toEqual([
      'color',
      'template.name',
      'template.language',
      'header.type',
      'header.link',
      'audiences',
    ]);
  });
});

describe(parseTags.name, () => {
  it('lower-cases tags, keeps each once, and names a bad one', () => {
    const issues: Array<{ field: string; issue: string }> = [];
    expect(parseTags(['Spring', 'spring', 'q4:promo'], 'tags', issues)).toEqual(['spring', 'q4:promo']);
    parseTags(['ok', 'no spaces'], 'tags', issues);
    expect(issues.map((i) => i.field)).toEqual(['tags[1]']);
  });
});

import { describe, expect, it } from '@jest/globals';
import { HeraldError } from '@herald/common';
import {
  assertNoIssues,
  toPlatformMessage,
  type CampaignButton,
  type CampaignVariable,
  checkGroupFields,
  parseButtonPayload,
  parseButtons,
  parsePlaceholders,
  renderMessage,
  templateName,
  toTemplateDefinition,
  toTemplateMessage,
} from './campaign-message.util';

const NAME: CampaignVariable = { kind: 'contact', key: 'name', token: 'name' };
const NUMBER: CampaignVariable = { kind: 'contact', key: 'number', token: 'number' };
const CITY: CampaignVariable = { kind: 'attribute', key: 'city', token: 'attributes.city' };
const TOTAL: CampaignVariable = { kind: 'group', group: 'orders', field: 'total', token: 'orders.total' };

/** The issues' texts for `message`, which must be the only field named. */
function messageIssues(message: string): string[] {
  const { issues } = parsePlaceholders(message);
  for (const i of issues) expect(i.field).toBe('message');
  return issues.map((i) => i.issue);
}

/** The issues for buttons made of `raw`. */
const buttonIssues = (raw: unknown) => parseButtons(raw).issues;
const quick = (text: string) => ({ text, type: 'input', input: 'answer' });
const link = (text: string) => ({ text, type: 'url', url: 'https://example.com/offer' });
const call = (text: string) => ({ text, type: 'phone', phoneNumber: '+14155550123' });

describe(parsePlaceholders.name, () => {
  it('numbers distinct variables in order of first appearance and reuses a position for a repeated token', () => {
    const parsed = parsePlaceholders(
      'Hi {{name}}, your {orders.total} is due in {{attributes.city}}. Bye {{name}}! Call {{number}}',
    );
    expect(parsed).toEqual({
      variables: [NAME, TOTAL, CITY, NUMBER],
      body: 'Hi {{1}}, your {{2}} is due in {{3}}. Bye {{1}}! Call {{4}}',
      issues: [],
    });
  });

  it('allows spaces inside the braces and gives the canonical token', () => {
    const parsed = parsePlaceholders('Hello {{ name }} from {{  attributes.city }} and { orders.total }, {{name}} again');
    expect(parsed.variables).toEqual([NAME, CITY, TOTAL]);
    expect(parsed.body).toBe('Hello {{1}} from {{2}} and {{3}}, {{1}} again');
    expect(parsed.issues).toEqual([]);
  });

  it('keeps group ids and field names with - and _', () => {
    expect(parsePlaceholders('Due {due-dates.first_due}').variables).toEqual([
      { kind: 'group', group: 'due-dates', field: 'first_due', token: 'due-dates.first_due' },
    ]);
  });

  it('leaves a message without placeholders as it is', () => {
    expect(parsePlaceholders('Sale starts today: 50% off!')).toEqual({
      variables: [],
      body: 'Sale starts today: 50% off!',
      issues: [],
    });
  });

  it('refuses unknown contact fields, naming them and what to use instead', () => {
    expect(messageIssues('Hi {{first_name}}')).toEqual([
      'has an unknown contact field "{{first_name}}": use {{name}}, {{number}} or {{attributes.<key>}}',
    ]);
    expect(messageIssues('Hi {{1}}')).toEqual([
      'has an unknown contact field "{{1}}": use {{name}}, {{number}} or {{attributes.<key>}}',
    ]);
    expect(messageIssues('Hi {{}}')).toEqual([
      'has an unknown contact field "{{}}": use {{name}}, {{number}} or {{attributes.<key>}}',
    ]);
    expect(messageIssues('Hi {{Name}}')[0]).toContain('unknown contact field "{{Name}}"');
  });

  it('points a group field written with double braces at single braces', () => {
    expect(messageIssues('Total {{orders.total}}')).toEqual([
      'has an unknown contact field "{{orders.total}}": use {{name}}, {{number}} or {{attributes.<key>}} ' +
        "(a variable group's field takes single braces: {orders.total})",
    ]);
  });

  it('refuses attribute keys a contact cannot have', () => {
    expect(messageIssues('In {{attributes.}}')).toEqual([
      'has "{{attributes.}}", whose attribute key is not 1-64 letters, digits or _',
    ]);
    expect(messageIssues('In {{attributes.home-city}}')).toEqual([
      'has "{{attributes.home-city}}", whose attribute key is not 1-64 letters, digits or _',
    ]);
  });

  it('refuses single braces around anything but group.field', () => {
    expect(messageIssues('Say {hello}')).toEqual([
      `has "{hello}", which is not a variable: write {group.field} for a variable group's field`,
    ]);
    expect(messageIssues('Hi {name}')).toEqual([
      `has "{name}", which is not a variable: write {group.field} for a variable group's field (the contact's own name takes double braces: {{name}})`,
    ]);
    expect(messageIssues('Odd {a.b.c}')).toHaveLength(1);
    expect(messageIssues('Odd {a b.c}')).toHaveLength(1);
  });

  it('refuses stray and unbalanced braces, with their position', () => {
    const hint = 'braces are only for variables: {{name}}, {{number}}, {{attributes.<key>}} or {group.field}';
    expect(messageIssues('a }} b')).toEqual([`has a stray "}}" at character 3: ${hint}`]);
    expect(messageIssues('Code: {')).toEqual([`has a stray "{" at character 7: ${hint}`]);
    expect(messageIssues('{{{name}}}')).toEqual([
      `has a stray "{" at character 1: ${hint}`,
      `has a stray "}" at character 10: ${hint}`,
    ]);
    expect(messageIssues('Hi {{name} there')).toEqual([
      `has a stray "{" at character 4: ${hint}`,
      `has "{name}", which is not a variable: write {group.field} for a variable group's field (the contact's own name takes double braces: {{name}})`,
    ]);
    expect(messageIssues('Hi {{name')).toEqual([`has a stray "{{" at character 4: ${hint}`]);
  });

  it('reports a bad token used twice once', () => {
    expect(messageIssues('{{x}} and {{x}}')).toHaveLength(1);
  });

  it('caps the issues of a message full of braces', () => {
    const issues = messageIssues('{ '.repeat(30));
    expect(issues).toHaveLength(21);
    expect(issues[20]).toBe('has 10 more problems like these');
  });

  it('refuses an empty or blank message', () => {
    expect(messageIssues('')).toEqual(['must not be empty']);
    expect(messageIssues('  \n ')).toEqual(['must not be empty']);
  });

  it('holds a message to 1024 characters, counting an emoji as one', () => {
    expect(messageIssues('x'.repeat(1024))).toEqual([]);
    expect(messageIssues('x'.repeat(1025))).toEqual(['is 1025 characters long; a WhatsApp template body holds at most 1024']);
    expect(messageIssues('😀'.repeat(1024))).toEqual([]);
  });

  it('holds the numbered body to 1024 characters too', () => {
    // 12 distinct 5-character placeholders: {{10}}, {{11}} and {{12}} are one character longer each.
    const placeholders = Array.from({ length: 12 }, (_, i) => `{g.${String.fromCharCode(97 + i)}}`).join('');
    const message = placeholders + 'x'.repeat(1024 - placeholders.length);
    expect(message).toHaveLength(1024);
    expect(messageIssues(message)).toEqual([
      'is 1027 characters long once its variables are numbered; a WhatsApp template body holds at most 1024',
    ]);
  });

  it('allows 100 variables and no more', () => {
    const message = (n: number) => Array.from({ length: n }, (_, i) => `{{attributes.a${i}}}`).join(' ');
    expect(parsePlaceholders(message(40)).variables).toHaveLength(40);
    // 101 attribute placeholders would also break the length limit; group ones are short.
    const groups = Array.from({ length: 101 }, (_, i) => `{g.f${i}}`).join('');
    const parsed = parsePlaceholders(groups);
    expect(parsed.variables).toHaveLength(101);
    expect(parsed.issues).toEqual([{ field: 'message', issue: 'has 101 distinct variables; at most 100 are allowed' }]);
    expect(parsePlaceholders(Array.from({ length: 100 }, (_, i) => `{g.f${i}}`).join('')).issues).toEqual([]);
  });
});

describe(checkGroupFields.name, () => {
  const groups = new Map<string, readonly string[]>([
    ['orders', ['total', 'due_date']],
    ['empty', []],
  ]);

  it('accepts known groups and fields, and ignores contact variables', () => {
    expect(
      checkGroupFields(
        [NAME, CITY, TOTAL, { kind: 'group', group: 'orders', field: 'due_date', token: 'orders.due_date' }],
        groups,
      ),
    ).toEqual([]);
  });

  it('names an unknown group', () => {
    expect(checkGroupFields([{ kind: 'group', group: 'invoices', field: 'total', token: 'invoices.total' }], groups)).toEqual([
      { field: 'message', issue: 'names an unknown variable group "invoices" in {invoices.total}' },
    ]);
  });

  it('names an unknown field and lists the group fields', () => {
    expect(checkGroupFields([{ kind: 'group', group: 'orders', field: 'totl', token: 'orders.totl' }], groups)).toEqual([
      {
        field: 'message',
        issue: 'uses {orders.totl}, but variable group "orders" has no field "totl" (fields: total, due_date)',
      },
    ]);
    expect(checkGroupFields([{ kind: 'group', group: 'empty', field: 'x', token: 'empty.x' }], groups)).toEqual([
      { field: 'message', issue: 'uses {empty.x}, but variable group "empty" has no field "x" (it has no fields)' },
    ]);
  });

  it('points {attributes.key} at double braces', () => {
    const { variables } = parsePlaceholders('From {attributes.city}');
    expect(checkGroupFields(variables, groups)).toEqual([
      {
        field: 'message',
        issue: `names an unknown variable group "attributes" in {attributes.city} (a contact's attribute takes double braces: {{attributes.city}})`,
      },
    ]);
  });

  it('reports every problem', () => {
    const { variables } = parsePlaceholders('{a.b} {orders.x} {orders.total}');
    expect(checkGroupFields(variables, groups).map((i) => i.issue)).toEqual([
      'names an unknown variable group "a" in {a.b}',
      'uses {orders.x}, but variable group "orders" has no field "x" (fields: total, due_date)',
    ]);
  });
});

describe(parseButtons.name, () => {
  it('takes no buttons when absent, and refuses anything but an array', () => {
    expect(parseButtons(undefined)).toEqual({ buttons: [], issues: [] });
    expect(parseButtons([])).toEqual({ buttons: [], issues: [] });
    expect(buttonIssues({ text: 'Yes' })).toEqual([{ field: 'buttons', issue: 'must be an array' }]);
    expect(buttonIssues(null)).toEqual([{ field: 'buttons', issue: 'must be an array' }]);
  });

  it('reads each type, trimming labels and normalising the phone number to E.164', () => {
    expect(
      parseButtons([
        { text: ' Yes ', type: 'input', input: 'answer' },
        { text: 'Start', type: 'journey', journeyId: 'onboarding-1' },
      ]),
    ).toEqual({
      buttons: [
        { text: 'Yes', type: 'input', input: 'answer' },
        { text: 'Start', type: 'journey', journeyId: 'onboarding-1' },
      ],
      issues: [],
    });
    expect(
      parseButtons([
        { text: 'Call us', type: 'phone', phoneNumber: '+1 (415) 555-0123' },
        { text: 'Shop', type: 'url', url: 'https://example.com/shop?x=1' },
        { text: 'Docs', type: 'url', url: 'http://example.org' },
      ]),
    ).toEqual({
      buttons: [
        { text: 'Call us', type: 'phone', phoneNumber: '+14155550123' },
        { text: 'Shop', type: 'url', url: 'https://example.com/shop?x=1' },
        { text: 'Docs', type: 'url', url: 'http://example.org' },
      ],
      issues: [],
    });
  });

  it('holds a label to 1-25 characters', () => {
    expect(parseButtons([quick('x'.repeat(25))]).issues).toEqual([]);
    expect(buttonIssues([quick('x'.repeat(26))])).toEqual([{ field: 'buttons[0].text', issue: 'must be 1-25 characters' }]);
    expect(buttonIssues([quick('  ')])).toEqual([{ field: 'buttons[0].text', issue: 'must be 1-25 characters' }]);
    expect(buttonIssues([{ type: 'input', input: 'a' }])).toEqual([
      { field: 'buttons[0].text', issue: 'must be 1-25 characters' },
    ]);
  });

  it('refuses a button that is not an object or has an unknown type', () => {
    expect(buttonIssues(['Yes'])).toEqual([{ field: 'buttons[0]', issue: 'must be an object' }]);
    expect(buttonIssues([{ text: 'Yes', type: 'reply' }])).toEqual([
      { field: 'buttons[0].type', issue: 'must be one of input, journey, phone, url' },
    ]);
  });

  it("requires each type's own field", () => {
    expect(buttonIssues([{ text: 'A', type: 'input' }])).toEqual([
      { field: 'buttons[0].input', issue: 'must be 1-64 characters: the field the reply is stored under' },
    ]);
    expect(buttonIssues([{ text: 'A', type: 'input', input: 'x'.repeat(65) }])).toEqual([
      { field: 'buttons[0].input', issue: 'must be 1-64 characters: the field the reply is stored under' },
    ]);
    expect(buttonIssues([{ text: 'A', type: 'journey', journeyId: '' }])).toEqual([
      { field: 'buttons[0].journeyId', issue: 'must be a journey id of 1-100 characters' },
    ]);
    expect(buttonIssues([{ text: 'A', type: 'phone' }])).toEqual([
      { field: 'buttons[0].phoneNumber', issue: 'must be a valid phone number in international format, e.g. +14155550123' },
    ]);
    expect(buttonIssues([{ text: 'A', type: 'url' }])).toEqual([{ field: 'buttons[0].url', issue: 'must be an http(s) URL' }]);
  });

  it('refuses a bad phone number', () => {
    for (const phoneNumber of ['+1 555 555 5555', '4155550123', 'call me', '+1415555012345678901234567890123456789012', 12345]) {
      expect(buttonIssues([{ text: 'Call', type: 'phone', phoneNumber }])).toEqual([
        { field: 'buttons[0].phoneNumber', issue: 'must be a valid phone number in international format, e.g. +14155550123' },
      ]);
    }
  });

  it('refuses a bad url', () => {
    const issue = (url: unknown) => buttonIssues([{ text: 'Go', type: 'url', url }]);
    expect(issue('ftp://example.com/file')).toEqual([{ field: 'buttons[0].url', issue: 'must be an http(s) URL' }]);
    expect(issue('javascript:alert(1)')).toEqual([{ field: 'buttons[0].url', issue: 'must be an http(s) URL' }]);
    expect(issue('example.com')).toEqual([{ field: 'buttons[0].url', issue: 'must be an http(s) URL' }]);
    expect(issue('https://exa mple.com')).toEqual([{ field: 'buttons[0].url', issue: 'must not contain spaces' }]);
    expect(issue('https://example.com/{{1}}')).toEqual([
      { field: 'buttons[0].url', issue: 'has an unknown contact field "{{1}}": use {{name}}, {{number}} or {{attributes.<key>}}' },
    ]);
    expect(issue('https://example.com/{pay.link}/x')).toEqual([
      { field: 'buttons[0].url', issue: 'may hold one variable, at its end only (e.g. https://pay.example.com/p/{payments.link})' },
    ]);
    expect(issue('{pay.link}')).toEqual([{ field: 'buttons[0].url', issue: 'must start with the fixed part of the link; only its end may be a variable' }]);
    expect(issue(`https://example.com/${'a'.repeat(2000)}`)).toEqual([
      { field: 'buttons[0].url', issue: 'must be at most 2000 characters' },
    ]);
    expect(issue(`https://example.com/${'a'.repeat(2000 - 'https://example.com/'.length)}`)).toEqual([]);
  });

  it('refuses unknown keys and keys of another type', () => {
    expect(buttonIssues([{ text: 'Yes', type: 'input', input: 'a', payload: 'x' }])).toEqual([
      { field: 'buttons[0].payload', issue: 'is not a field of a button' },
    ]);
    expect(buttonIssues([{ text: 'Yes', type: 'input', input: 'a', url: 'https://example.com' }])).toEqual([
      { field: 'buttons[0].url', issue: 'is not used by an input button' },
    ]);
    expect(
      buttonIssues([{ text: 'Shop', type: 'url', url: 'https://example.com', phoneNumber: '+14155550123', journeyId: 'j' }]),
    ).toEqual([
      { field: 'buttons[0].phoneNumber', issue: 'is not used by a url button' },
      { field: 'buttons[0].journeyId', issue: 'is not used by a url button' },
    ]);
    expect(parseButtons([{ text: 'Yes', type: 'input', input: 'a', payload: 'x' }]).buttons).toEqual([]);
  });

  it('allows at most 2 url buttons', () => {
    expect(buttonIssues([link('A'), link('B')])).toEqual([]);
    expect(buttonIssues([link('A'), link('B'), link('C')])).toEqual([
      { field: 'buttons', issue: 'may hold at most 2 url buttons' },
    ]);
  });

  it('allows at most 1 phone button', () => {
    expect(buttonIssues([call('A'), call('B')])).toEqual([{ field: 'buttons', issue: 'may hold at most 1 phone button' }]);
  });

  it('allows at most 10 buttons', () => {
    const labels = Array.from({ length: 11 }, (_, i) => `Option ${i + 1}`);
    expect(buttonIssues(labels.slice(0, 10).map(quick))).toEqual([]);
    expect(buttonIssues(labels.map(quick))).toEqual([{ field: 'buttons', issue: 'must hold at most 10 buttons' }]);
  });

  it('does not mix phone or url buttons with input or journey buttons', () => {
    const issue = {
      field: 'buttons',
      issue: 'may combine phone and url buttons with each other, but not with input or journey buttons',
    };
    expect(buttonIssues([call('Call'), quick('Yes')])).toEqual([issue]);
    expect(buttonIssues([{ text: 'Start', type: 'journey', journeyId: 'j1' }, link('Shop')])).toEqual([issue]);
  });

  it('combines phone and url buttons, and input with journey buttons', () => {
    expect(parseButtons([call('Call'), link('Shop'), link('Docs')])).toEqual({
      buttons: [
        { text: 'Call', type: 'phone', phoneNumber: '+14155550123' },
        { text: 'Shop', type: 'url', url: 'https://example.com/offer' },
        { text: 'Docs', type: 'url', url: 'https://example.com/offer' },
      ],
      issues: [],
    });
    expect(buttonIssues([quick('Yes'), { text: 'Start', type: 'journey', journeyId: 'j1' }])).toEqual([]);
  });

  it("keeps an input button's reply (the text a press records), on input buttons only", () => {
    expect(parseButtons([{ text: 'Send Message', type: 'input', input: 'response', reply: ' Hello, World. ' }])).toEqual({
      buttons: [{ text: 'Send Message', type: 'input', input: 'response', reply: 'Hello, World.' }],
      issues: [],
    });
    expect(buttonIssues([{ text: 'Start', type: 'journey', journeyId: 'j1', reply: 'x' }])).toEqual([
      { field: 'buttons[0].reply', issue: 'is not used by a journey button' },
    ]);
    expect(buttonIssues([{ text: 'Go', type: 'input', input: 'response', reply: '' }])).toEqual([
      { field: 'buttons[0].reply', issue: 'must be 1-1000 characters: the text a press records' },
    ]);
  });

  it('refuses duplicate labels', () => {
    expect(buttonIssues([quick('Yes'), quick('No'), quick(' Yes')])).toEqual([
      { field: 'buttons', issue: 'has the label "Yes" on 2 buttons; each label must be different' },
    ]);
  });

  it('reports every problem at once, and keeps the buttons that passed', () => {
    const parsed = parseButtons([quick('x'.repeat(26)), call('Call'), { text: 'Go', type: 'url', url: 'nope' }, quick('Fine')]);
    expect(parsed.issues).toEqual([
      { field: 'buttons[0].text', issue: 'must be 1-25 characters' },
      { field: 'buttons[2].url', issue: 'must be an http(s) URL' },
      { field: 'buttons', issue: 'may combine phone and url buttons with each other, but not with input or journey buttons' },
    ]);
    expect(parsed.buttons.map((b) => b.text)).toEqual(['Call', 'Fine']);
  });
});

describe(templateName.name, () => {
  const id = '3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6f';

  it('slugs the title and adds the first 8 hex digits of the campaign id', () => {
    expect(templateName('Diwali Sale 2025!', id)).toBe('diwali_sale_2025_3f2a9c1e');
    expect(templateName('  Café — déjà vu  ', id)).toBe('cafe_deja_vu_3f2a9c1e');
    expect(templateName('A', 'ABCDEF12-0000-4000-8000-000000000000')).toBe('a_abcdef12');
  });

  it('keeps 40 characters of the title, without a trailing underscore', () => {
    expect(templateName('x'.repeat(100), id)).toBe(`${'x'.repeat(40)}_3f2a9c1e`);
    expect(templateName(`${'y'.repeat(39)} z`, id)).toBe(`${'y'.repeat(39)}_3f2a9c1e`);
  });

  it('falls back to "campaign" when nothing of the title is left', () => {
    expect(templateName('🎉🎉', id)).toBe('campaign_3f2a9c1e');
    expect(templateName('', id)).toBe('campaign_3f2a9c1e');
  });

  it('only ever holds lowercase letters, digits and underscores', () => {
    for (const title of ['Hello, World', 'ÀÉÎ õü', 'tab\there', '日本語 sale', '__x__']) {
      expect(templateName(title, id)).toMatch(/^[a-z0-9_]{1,512}$/);
    }
  });
});

describe(toTemplateDefinition.name, () => {
  it('builds the positional template with examples, image header and buttons', () => {
    const { variables, body } = parsePlaceholders('Hi {{name}} ({{number}}), {orders.total} for {{attributes.city}}');
    expect(
      toTemplateDefinition({
        name: 'diwali_sale_3f2a9c1e',
        languageCode: 'en_US',
        category: 'MARKETING',
        body,
        variables,
        imageHandle: '4::aW1hZ2UvcG5n:ARb-handle',
        buttons: [
          { text: 'Yes', type: 'input', input: 'answer' },
          { text: 'Start', type: 'journey', journeyId: 'j1' },
        ],
      }),
    ).toEqual({
      name: 'diwali_sale_3f2a9c1e',
      language: 'en_US',
      category: 'MARKETING',
      parameterFormat: 'positional',
      header: { format: 'image', exampleHandle: '4::aW1hZ2UvcG5n:ARb-handle' },
      body: { text: 'Hi {{1}} ({{2}}), {{3}} for {{4}}', examples: ['Alex', '+14155550123', 'orders total', 'attributes city'] },
      buttons: [
        { type: 'quick_reply', text: 'Yes' },
        { type: 'quick_reply', text: 'Start' },
      ],
    });
  });

  it('maps call-to-action buttons and leaves out what the campaign has none of', () => {
    const definition = toTemplateDefinition({
      name: 'promo_00000000',
      languageCode: 'hi',
      category: 'UTILITY',
      body: 'No variables here',
      variables: [],
      imageHandle: null,
      buttons: [
        { text: 'Call', type: 'phone', phoneNumber: '+14155550123' },
        { text: 'Shop', type: 'url', url: 'https://example.com/shop' },
      ],
    });
    expect(JSON.parse(JSON.stringify(definition))).toEqual({
      name: 'promo_00000000',
      language: 'hi',
      category: 'UTILITY',
      parameterFormat: 'positional',
      body: { text: 'No variables here' },
      buttons: [
        { type: 'phone_number', text: 'Call', phoneNumber: '+14155550123' },
        { type: 'url', text: 'Shop', url: 'https://example.com/shop' },
      ],
    });
    expect(
      toTemplateDefinition({ name: 'n', languageCode: 'en', category: 'MARKETING', body: 'b', variables: [], buttons: [] }),
    ).toEqual({
      name: 'n',
      language: 'en',
      category: 'MARKETING',
      parameterFormat: 'positional',
      body: { text: 'b' },
    });
  });
});

describe(toTemplateMessage.name, () => {
  const buttons: CampaignButton[] = [
    { text: 'Yes', type: 'input', input: 'answer' },
    { text: 'Start', type: 'journey', journeyId: 'onboarding' },
    { text: 'Later', type: 'input', input: 'later' },
  ];

  it('sends the image, the values in order and each quick reply payload at its index', () => {
    expect(
      toTemplateMessage(
        { name: 'diwali_sale_3f2a9c1e', languageCode: 'en_US', imgUrl: 'https://cdn.example.com/d.png', buttons },
        ['Priya', '₹1,200'],
      ),
    ).toEqual({
      type: 'template',
      template: {
        name: 'diwali_sale_3f2a9c1e',
        language: 'en_US',
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/d.png' } }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Priya' },
              { type: 'text', text: '₹1,200' },
            ],
          },
          { type: 'button', subType: 'quick_reply', index: 0, parameters: [{ type: 'payload', payload: 'input:answer' }] },
          { type: 'button', subType: 'quick_reply', index: 1, parameters: [{ type: 'payload', payload: 'journey:onboarding' }] },
          { type: 'button', subType: 'quick_reply', index: 2, parameters: [{ type: 'payload', payload: 'input:later' }] },
        ],
      },
    });
  });

  it('counts every button for the index and gives call-to-action buttons no component', () => {
    // Not a set parseButtons accepts (it mixes kinds), but the index must still be the place among all buttons.
    const mixed: CampaignButton[] = [
      { text: 'Shop', type: 'url', url: 'https://example.com' },
      { text: 'Yes', type: 'input', input: 'answer' },
      { text: 'Call', type: 'phone', phoneNumber: '+14155550123' },
      { text: 'Start', type: 'journey', journeyId: 'j9' },
    ];
    expect(toTemplateMessage({ name: 't', languageCode: 'en', buttons: mixed }, []).template.components).toEqual([
      { type: 'button', subType: 'quick_reply', index: 1, parameters: [{ type: 'payload', payload: 'input:answer' }] },
      { type: 'button', subType: 'quick_reply', index: 3, parameters: [{ type: 'payload', payload: 'journey:j9' }] },
    ]);
  });

  it('leaves out the body without values, and components when there is nothing to fill', () => {
    expect(toTemplateMessage({ name: 't', languageCode: 'en', imgUrl: null, buttons: [] }, [])).toEqual({
      type: 'template',
      template: { name: 't', language: 'en' },
    });
    expect(
      toTemplateMessage(
        { name: 't', languageCode: 'en', buttons: [{ text: 'Shop', type: 'url', url: 'https://example.com' }] },
        [],
      ).template,
    ).toEqual({ name: 't', language: 'en' });
  });
});

describe(parseButtonPayload.name, () => {
  it('reads back what toTemplateMessage sends', () => {
    expect(parseButtonPayload('input:answer')).toEqual({ type: 'input', input: 'answer' });
    expect(parseButtonPayload('journey:onboarding')).toEqual({ type: 'journey', journeyId: 'onboarding' });
    expect(parseButtonPayload('journey:a:b')).toEqual({ type: 'journey', journeyId: 'a:b' });
  });

  it('returns null for anything else', () => {
    for (const payload of ['', 'input:', 'journey:', 'Yes', 'url:https://example.com', 'INPUT:answer', ' input:answer']) {
      expect(parseButtonPayload(payload)).toBeNull();
    }
  });
});

describe(renderMessage.name, () => {
  const values: Record<string, string> = { name: 'Priya', 'attributes.city': 'Pune', 'orders.total': '₹1,200' };
  const valueOf = (v: CampaignVariable) => values[v.token];

  it('fills every placeholder, however it is spaced', () => {
    expect(renderMessage('Hi {{ name }}, {orders.total} due. {{attributes.city}} loves you, {{name}}.', valueOf)).toEqual({
      text: 'Hi Priya, ₹1,200 due. Pune loves you, Priya.',
      missing: [],
    });
  });

  it('lists a missing variable once and leaves it as written', () => {
    expect(renderMessage('Hi {{name}}, call {{ number }} or {{number}} about {orders.count}', valueOf)).toEqual({
      text: 'Hi Priya, call {{ number }} or {{number}} about {orders.count}',
      missing: [NUMBER, { kind: 'group', group: 'orders', field: 'count', token: 'orders.count' }],
    });
  });

  it('leaves text that is not a placeholder alone', () => {
    expect(renderMessage('{hello} {{x}} } {{name}}', valueOf)).toEqual({ text: '{hello} {{x}} } Priya', missing: [] });
  });

  it('puts in an empty value as empty', () => {
    expect(renderMessage('[{{name}}]', () => '')).toEqual({ text: '[]', missing: [] });
  });
});

describe(assertNoIssues.name, () => {
  it('passes without issues and throws them all as validation_failed', () => {
    expect(() => assertNoIssues([])).not.toThrow();
    const issues = [
      { field: 'message', issue: 'must not be empty' },
      { field: 'buttons[0].text', issue: 'must be 1-25 characters' },
    ];
    let error: unknown;
    try {
      assertNoIssues(issues);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HeraldError);
    expect(error).toMatchObject({
      kind: 'invalid',
      code: 'validation_failed',
      message: 'Invalid campaign: message must not be empty.',
      details: issues,
    });
  });
});

describe('toPlatformMessage', () => {
  it('fills the body and turns input and journey buttons into postbacks, URL buttons into links', () => {
    const message = toPlatformMessage(
      {
        body: 'Hi {{1}}, order {{2}} ships today',
        buttons: [
          { text: 'Yes', type: 'input', input: 'answer' },
          { text: 'Track', type: 'journey', journeyId: 'track' },
        ],
      },
      ['Asha', 'A-7'],
    );
    expect(message).toEqual({
      type: 'buttons',
      buttons: {
        text: 'Hi Asha, order A-7 ships today',
        buttons: [
          { type: 'postback', title: 'Yes', payload: 'input:answer' },
          { type: 'postback', title: 'Track', payload: 'journey:track' },
        ],
      },
    });
  });

  it('fills a URL button ending in a variable from the parameters after the body, and keeps the tag', () => {
    const message = toPlatformMessage(
      { body: 'Your parcel, {{1}}', buttons: [{ text: 'Follow', type: 'url', url: 'https://t.example/p/{{attributes.parcel}}' }], tag: 'POST_PURCHASE_UPDATE' },
      ['Bo', 'P123'],
      { bodyCount: 1, buttonIndexes: [0] },
    );
    expect(message).toEqual({
      type: 'buttons',
      buttons: { text: 'Your parcel, Bo', buttons: [{ type: 'url', title: 'Follow', url: 'https://t.example/p/P123' }] },
      tag: 'POST_PURCHASE_UPDATE',
    });
  });

  it('is a plain text without buttons, and leaves an unfilled placeholder visible rather than guessing', () => {
    expect(toPlatformMessage({ body: 'Hello {{1}} and {{2}}', buttons: [] }, ['you'])).toEqual({ type: 'text', text: { body: 'Hello you and {{2}}' } });
  });
});

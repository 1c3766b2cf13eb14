import { describe, expect, it } from '@jest/globals';
import { requirementsOf, sendProblems, variablesOf } from './template-requirements.util';

const banner = [
  { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::x'] } },
  { type: 'BODY', text: 'Hi {{1}}, your code {{2}} expires {{2}}.' },
  { type: 'FOOTER', text: 'Reply STOP' },
  {
    type: 'BUTTONS',
    buttons: [
      { type: 'QUICK_REPLY', text: 'Stop' },
      { type: 'URL', text: 'Shop', url: 'https://shop.example.com/s/{{1}}' },
      { type: 'URL', text: 'Home', url: 'https://shop.example.com' },
      { type: 'COPY_CODE', example: 'SAVE10' },
    ],
  },
];

describe('template requirements', () => {
  it('counts positional variables up to the highest, names named ones once each in order', () => {
    expect(variablesOf('Hi {{1}} and {{3}}', 'positional')).toEqual({ count: 3, names: [] });
    expect(variablesOf('Hi {{ first_name }}, {{order}} for {{first_name}}', 'named')).toEqual({ count: 2, names: ['first_name', 'order'] });
    expect(variablesOf('No variables', 'positional').count).toBe(0);
  });

  it('reads the header, body and dynamic buttons from the provider’s components', () => {
    expect(requirementsOf(banner, 'POSITIONAL')).toEqual({
      parameterFormat: 'positional',
      header: { kind: 'media', format: 'image' },
      bodyVariables: 2,
      bodyNames: [],
      buttons: [
        { index: 1, type: 'url' },
        { index: 3, type: 'copy_code' },
      ],
    });
    expect(requirementsOf([{ type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' }, { type: 'BODY', text: 'Hi' }], 'positional').header).toEqual({
      kind: 'text',
      variables: 1,
    });
    expect(requirementsOf([{ type: 'HEADER', format: 'TEXT', text: 'Hello' }, 'junk', null], 'positional').header).toEqual({ kind: 'none' });
  });

  it('accepts a send that gives exactly what the template needs', () => {
    const req = requirementsOf(banner, 'positional');
    expect(
      sendProblems(req, {
        components: [
          { type: 'header', parameters: [{ type: 'image' }] },
          { type: 'body', parameters: [{ type: 'text' }, { type: 'text' }] },
          { type: 'button', subType: 'quick_reply', index: 0, parameters: [{ type: 'payload' }] },
          { type: 'button', subType: 'url', index: 1, parameters: [{ type: 'text' }] },
          { type: 'button', subType: 'url', index: 3, parameters: [{ type: 'text' }] },
        ],
      }),
    ).toEqual([]);
    expect(sendProblems(requirementsOf([{ type: 'BODY', text: 'Hi {{1}}' }], 'positional'), { params: ['Asha'] })).toEqual([]);
  });

  it('names each thing a send gets wrong', () => {
    const req = requirementsOf(banner, 'positional');
    expect(sendProblems(req, { params: ['Asha'] })).toEqual([
      'the body takes 2 parameters, 1 was given',
      'the template has an image header: give a header component with an image link',
      'button 1 (a URL ending in a variable) needs a parameter',
      'button 3 (a coupon code) needs a parameter',
    ]);
    expect(
      sendProblems(requirementsOf([{ type: 'BODY', text: 'Hi' }, { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Go', url: 'https://x.example' }] }], 'positional'), {
        components: [
          { type: 'header', parameters: [{ type: 'text' }] },
          { type: 'button', subType: 'url', index: 0, parameters: [{ type: 'text' }] },
        ],
      }),
    ).toEqual(['the template has no header variable, but a header parameter was given', 'button 0 has a fixed URL and takes no parameter']);
  });

  it('checks named parameters by name', () => {
    const req = requirementsOf([{ type: 'BODY', text: 'Hi {{first_name}}, order {{order_id}}' }], 'named');
    expect(sendProblems(req, { components: [{ type: 'body', parameters: [{ type: 'text', parameterName: 'first_name' }, { type: 'text', parameterName: 'order' }] }] })).toEqual([
      "the body's named parameters order_id are missing (give each a parameterName)",
    ]);
    expect(sendProblems(req, { params: ['a'] })).toEqual(['the body takes 2 parameters (first_name, order_id), 1 was given']);
    expect(sendProblems(req, { params: ['a', 'b'] })).toEqual(["the template's variables are named (first_name, order_id): give them as body components with a parameterName each"]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { HeraldError } from '@herald/common';
import { parseMessageFor } from '@herald/channels';
import { toErrorResponse } from '../../http/error-response.util';
import { toGraphError } from './cloud-api-error.util';
import { toNativeMessage } from './cloud-api-request.util';

const graph = (error: unknown) => toGraphError(toErrorResponse(error, undefined), 'trace-1');
const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
};
/** Herald's own parser for WhatsApp content, throwing as POST /v1/messages does (its first issue in the message). */
function parseSendMessage(body: Record<string, unknown>): void {
  const parsed = parseMessageFor('whatsapp', body);
  if (!parsed.ok) throw new HeraldError('invalid', 'validation_failed', `Invalid message: ${parsed.errors[0]!.field} ${parsed.errors[0]!.issue}.`, parsed.errors.map((e) => ({ ...e })));
}
const base = { messaging_product: 'whatsapp', to: '+16505551234' };

describe(toGraphError.name, () => {
  it("answers a missing or wrong key as Graph's 190 with 401", () => {
    const answer = graph(new HeraldError('unauthorized', 'api_key_invalid', 'The API key is unknown or has been revoked.'));
    expect(answer).toEqual({
      status: 401,
      body: { error: { message: 'Invalid OAuth access token: The API key is unknown or has been revoked.', type: 'OAuthException', code: 190, fbtrace_id: 'trace-1' } },
    });
  });

  it("answers the native parser's refusals with Meta's codes, naming the field as the Cloud API spells it", () => {
    const missing = graph(thrown(() => parseSendMessage(toNativeMessage({ ...base, type: 'text', text: {} }).body)));
    expect(missing).toEqual({
      status: 400,
      body: { error: { message: '(#131008) Required parameter is missing', type: 'OAuthException', code: 131008, error_data: { messaging_product: 'whatsapp', details: 'text.body is required.' }, fbtrace_id: 'trace-1' } },
    });
    const invalid = graph(thrown(() => parseSendMessage(toNativeMessage({ ...base, type: 'text', text: { body: 'x', preview_url: 'yes' } }).body)));
    expect(invalid.body.error).toMatchObject({ code: 131009, error_data: { details: 'text.preview_url must be true or false.' } });
    const unknown = graph(thrown(() => parseSendMessage(toNativeMessage({ ...base, type: 'text', text: { body: 'x', colour: 'red' } }).body)));
    expect(unknown.body.error).toMatchObject({ code: 100, message: '(#100) Invalid parameter', error_data: { details: expect.stringContaining('text.colour is not a known field (known: body, preview_url)') } });
    const subType = graph(
      thrown(() => parseSendMessage(toNativeMessage({ ...base, type: 'template', template: { name: 'a', language: { code: 'en' }, components: [{ type: 'button', sub_type: 'copy_code', index: 0, parameters: [{ type: 'payload', payload: 'x' }] }] } }).body)),
    );
    expect(subType.body.error.error_data?.details).toContain('template.components[0].sub_type must be quick_reply or url');
  });

  it("answers the translator's refusals: 131051 for a type Herald does not carry, 100 for a parameter", () => {
    const reaction = graph(thrown(() => toNativeMessage({ ...base, type: 'reaction', reaction: { message_id: 'x', emoji: 'x' } })));
    expect(reaction).toMatchObject({ status: 400, body: { error: { code: 131051, message: '(#131051) Unsupported message type', error_data: { details: expect.stringContaining('type reaction is not carried by Herald') } } } });
    const product = graph(thrown(() => toNativeMessage({ to: '+1' })));
    expect(product.body.error).toMatchObject({ code: 100, error_data: { details: 'messaging_product is required.' } });
  });

  it("answers the sending checks with Meta's codes: 132001 (404), 132000, 132015, 131047, 131050, and an unknown phone number id as subcode 33", () => {
    const template = graph(new HeraldError('invalid', 'template_not_found', 'No template', [{ field: 'template.name', issue: 'names no template of this account in this language' }]));
    expect(template).toMatchObject({ status: 404, body: { error: { code: 132001, error_data: { details: 'template.name names no template of this account in this language.' } } } });
    expect(graph(new HeraldError('invalid', 'template_parameters', 'x', [{ field: 'template', issue: 'body takes 2 parameters' }])).body.error.code).toBe(132000);
    expect(graph(new HeraldError('conflict', 'template_not_approved', 'x', [{ field: 'template.name', issue: 'is PAUSED' }])).body.error.code).toBe(132015);
    const window = graph(new HeraldError('conflict', 'outside_service_window', "+1's customer-service window closed."));
    expect(window).toMatchObject({ status: 400, body: { error: { code: 131047, error_data: { details: "+1's customer-service window closed." } } } });
    expect(graph(new HeraldError('conflict', 'contact_opted_out', 'opted out')).body.error.code).toBe(131050);
    const phone = graph(new HeraldError('not_found', 'phone_number_not_found', "Object with ID '1' does not exist."));
    expect(phone).toMatchObject({ status: 400, body: { error: { code: 100, error_subcode: 33, type: 'GraphMethodException', message: "Unsupported post request. Object with ID '1' does not exist." } } });
  });

  it('answers an unexpected failure as 131000 with 500, and an outage as 2 with 503', () => {
    expect(graph(new Error('boom'))).toMatchObject({ status: 500, body: { error: { code: 131000 } } });
    expect(graph(new HeraldError('unavailable', 'db', 'down'))).toMatchObject({ status: 503, body: { error: { code: 2 } } });
  });
});

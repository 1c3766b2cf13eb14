// What Meta's Send API refuses in a body before looking at the user: each case answered as a Graph error.
import { describe, expect, it } from '@jest/globals';
import { checkPageSend } from './page-send-request.util';
import type { PagePlatform } from './page-registry.service';

/* eslint-disable @typescript-eslint/no-explicit-any -- errors are read as the loose JSON a client sees */
function refusal(platform: PagePlatform, body: Record<string, unknown>): Record<string, any> {
  const checked = checkPageSend(platform, body);
  if (checked.ok) throw new Error('the body was accepted');
  return (JSON.parse(checked.error.body) as { error: Record<string, any> }).error;
}

const base = (message: unknown, extra: Record<string, unknown> = {}) => ({
  recipient: { id: '24012345678901234' },
  messaging_type: 'RESPONSE',
  message,
  ...extra,
});

const generic = (elements: number) => ({
  attachment: {
    type: 'template',
    payload: {
      template_type: 'generic',
      elements: Array.from({ length: elements }, (_, i) => ({
        title: `Card ${i}`,
        subtitle: 'Sub',
        image_url: 'https://example.com/a.png',
        buttons: [
          { type: 'web_url', url: 'https://example.com', title: 'Open' },
          { type: 'postback', title: 'Pick', payload: `PICK_${i}` },
        ],
      })),
    },
  },
});

describe(checkPageSend.name, () => {
  it('accepts text, media by URL, templates and quick replies, flagging audio and video', () => {
    expect(checkPageSend('messenger', base({ text: 'Hello' }))).toMatchObject({
      ok: true,
      send: { kind: 'text', audioVideo: false },
    });
    expect(
      checkPageSend(
        'messenger',
        base({ attachment: { type: 'video', payload: { url: 'https://example.com/v.mp4', is_reusable: true } } }),
      ),
    ).toMatchObject({
      ok: true,
      send: { kind: 'media', audioVideo: true },
    });
    expect(checkPageSend('messenger', base(generic(10)))).toMatchObject({ ok: true, send: { kind: 'template' } });
    expect(
      checkPageSend(
        'instagram',
        base({ text: 'Pick one', quick_replies: [{ content_type: 'text', title: 'Yes', payload: 'Y' }] }),
      ),
    ).toMatchObject({ ok: true });
    expect(checkPageSend('messenger', { recipient: { id: '1' }, sender_action: 'typing_on' })).toMatchObject({
      ok: true,
      send: { kind: 'senderAction', messagingType: undefined },
    });
  });

  it('refuses a missing recipient, message or messaging_type with 100', () => {
    expect(refusal('messenger', { messaging_type: 'RESPONSE', message: { text: 'x' } })).toMatchObject({
      code: 100,
      type: 'OAuthException',
      message: '(#100) The parameter recipient is required',
      fbtrace_id: expect.any(String),
    });
    expect(refusal('messenger', { recipient: { id: '1' }, messaging_type: 'RESPONSE' }).message).toBe(
      '(#100) Must send either message or sender action',
    );
    expect(refusal('messenger', { recipient: { id: '1' }, message: { text: 'x' } }).message).toBe(
      '(#100) The parameter messaging_type is required',
    );
    expect(refusal('messenger', base({ text: 'x' }, { messaging_type: 'PROMO' })).message).toContain(
      'messaging_type must be one of',
    );
  });

  it('takes each platform’s tags only, and requires a tag with MESSAGE_TAG', () => {
    const tagged = (tag?: string) => base({ text: 'x' }, { messaging_type: 'MESSAGE_TAG', ...(tag ? { tag } : {}) });
    expect(checkPageSend('messenger', tagged('POST_PURCHASE_UPDATE'))).toMatchObject({
      ok: true,
      send: { tag: 'POST_PURCHASE_UPDATE' },
    });
    expect(checkPageSend('instagram', tagged('HUMAN_AGENT'))).toMatchObject({ ok: true, send: { tag: 'HUMAN_AGENT' } });
    expect(refusal('instagram', tagged('ACCOUNT_UPDATE')).message).toContain('not available for the Instagram Messaging API');
    expect(refusal('messenger', tagged('PROMOTION')).message).toContain('param tag must be one of');
    expect(refusal('messenger', tagged()).message).toContain('tag is required');
  });

  it('limits text to 2000 characters on Messenger and 1000 bytes on Instagram, and refuses empty messages with 2018034', () => {
    expect(checkPageSend('messenger', base({ text: 'é'.repeat(2000) })).ok).toBe(true);
    expect(refusal('messenger', base({ text: 'a'.repeat(2001) })).message).toContain('less than or equal to 2000');
    // 600 characters of two bytes each: under 1000 characters, over 1000 bytes.
    expect(refusal('instagram', base({ text: 'é'.repeat(600) })).message).toContain('1000 bytes');
    expect(checkPageSend('instagram', base({ text: 'a'.repeat(1000) })).ok).toBe(true);
    expect(refusal('messenger', base({ text: '  ' }))).toMatchObject({ code: 100, error_subcode: 2018034 });
    expect(refusal('messenger', base({}))).toMatchObject({ error_subcode: 2018034 });
    expect(
      refusal('messenger', base({ text: 'x', attachment: { type: 'image', payload: { url: 'https://e.com/a.png' } } })).message,
    ).toContain('not both');
  });

  it('allows 13 quick replies, each with a title of at most 20 characters; Instagram takes text ones only', () => {
    const replies = (n: number, title = 'Yes') =>
      Array.from({ length: n }, (_, i) => ({ content_type: 'text', title, payload: `P${i}` }));
    expect(checkPageSend('messenger', base({ text: 'x', quick_replies: replies(13) })).ok).toBe(true);
    expect(refusal('messenger', base({ text: 'x', quick_replies: replies(14) })).message).toContain('at most 13');
    expect(refusal('messenger', base({ text: 'x', quick_replies: replies(1, 'x'.repeat(21)) })).message).toContain('[title]');
    expect(checkPageSend('messenger', base({ text: 'x', quick_replies: [{ content_type: 'user_email' }] })).ok).toBe(true);
    expect(refusal('instagram', base({ text: 'x', quick_replies: [{ content_type: 'user_email' }] })).message).toContain(
      'content_type',
    );
  });

  it('takes image, video, audio and file on Messenger; no file on Instagram; media by http(s) URL or attachment_id', () => {
    const media = (type: string, payload: Record<string, unknown> = { url: 'https://example.com/x' }) =>
      base({ attachment: { type, payload } });
    for (const type of ['image', 'video', 'audio', 'file']) expect(checkPageSend('messenger', media(type)).ok).toBe(true);
    expect(refusal('instagram', media('file')).message).toContain('{image, video, audio, template}');
    expect(refusal('messenger', media('sticker')).message).toContain('attachment][type]');
    expect(refusal('messenger', media('image', { url: 'ftp://example.com/a.png' })).message).toContain('[url]');
    expect(checkPageSend('messenger', media('image', { attachment_id: '1857777774821032' })).ok).toBe(true);
  });

  it('checks templates: generic up to 10 elements (titles ≤ 80, ≤ 3 buttons), button on Messenger only', () => {
    expect(refusal('messenger', base(generic(11))).message).toContain('at most 10 items');
    const long = generic(1);
    (long.attachment.payload.elements[0] as Record<string, unknown>).title = 'x'.repeat(81);
    expect(refusal('messenger', base(long)).message).toContain('[elements][0][title]');
    const buttons = generic(1);
    buttons.attachment.payload.elements[0]!.buttons.push(
      { type: 'postback', title: 'B', payload: 'B' },
      { type: 'postback', title: 'C', payload: 'C' },
    );
    expect(refusal('messenger', base(buttons)).message).toContain('[elements][0][buttons] must be an array of 0 to 3 buttons');
    const buttonTemplate = {
      attachment: {
        type: 'template',
        payload: { template_type: 'button', text: 'Choose', buttons: [{ type: 'postback', title: 'Go', payload: 'GO' }] },
      },
    };
    expect(checkPageSend('messenger', base(buttonTemplate)).ok).toBe(true);
    expect(refusal('instagram', base(buttonTemplate)).message).toContain('not supported by the Instagram Messaging API');
    expect(
      refusal('messenger', base({ attachment: { type: 'template', payload: { template_type: 'receipt' } } })).message,
    ).toContain('template_type');
  });
});

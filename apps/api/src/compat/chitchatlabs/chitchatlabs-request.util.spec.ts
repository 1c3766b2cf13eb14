import { describe, expect, it } from '@jest/globals';
import { chitChatLabsField, toNativeBlast, toNativeSingle } from './chitchatlabs-request.util';

describe("ChitChatLabs' single message as a native one", () => {
  it("reads its document's example: the number without '+', the template with its image header and body params, the tag", () => {
    expect(
      toNativeSingle({
        to: { mobile: '919739978284', name: 'Partha' },
        fb_template: 'habit_run_confirmation_message',
        language: 'en',
        file: { type: 'image', link: 'https://chitchatlabs.github.io/image-service/CCLABS_TENANT/test.png' },
        params: ['Partha', 'Habit Run November Edition', '24th Nov'],
        tag: 'test_tag',
      }),
    ).toEqual({
      to: { number: '+919739978284', name: 'Partha' },
      type: 'template',
      template: {
        name: 'habit_run_confirmation_message',
        language: 'en',
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { link: 'https://chitchatlabs.github.io/image-service/CCLABS_TENANT/test.png' } }] },
          { type: 'body', parameters: [{ type: 'text', text: 'Partha' }, { type: 'text', text: 'Habit Run November Edition' }, { type: 'text', text: '24th Nov' }] },
        ],
      },
      tags: ['test_tag'],
    });
  });

  it('takes a template without file, params or tag, and names the field of what is wrong', () => {
    expect(toNativeSingle({ to: { mobile: '+44 7400 123456' }, fb_template: 'hello', language: 'en_US' })).toEqual({
      to: { number: '+44 7400 123456' },
      type: 'template',
      template: { name: 'hello', language: 'en_US' },
    });
    const field = (body: unknown) => {
      try {
        toNativeSingle(body);
      } catch (error) {
        return (error as { details: Array<{ field: string }> }).details[0]!.field;
      }
      return undefined;
    };
    expect(field({ to: { mobile: '91' }, language: 'en' })).toBe('fb_template');
    expect(field({ to: {}, fb_template: 't', language: 'en' })).toBe('to.mobile');
    expect(field({ to: { mobile: '91' }, fb_template: 't', language: 'en', file: { type: 'audio', link: 'x' } })).toBe('file');
    expect(field({ to: { mobile: '91' }, fb_template: 't', language: 'en', params: [1] })).toBe('params');
    expect(field({ to: { mobile: '91' }, fb_template: 't', language: 'en', templat: 'x' })).toBe('templat');
  });
});

describe("ChitChatLabs' blast as a native one", () => {
  const example = {
    searchSpec: { name: 'Partha' },
    fb_template: 'habit_run_confirmation_message',
    language: 'en',
    file: { type: 'image', link: 'https://chitchatlabs.github.io/image-service/CCLABS_TENANT/test.png' },
    params: ['{{name}}', 'Habit Run November Edition', '24th Nov'],
    tag: 'test_tag_bulk',
  };
  const fieldOf = (f: () => unknown) => {
    try {
      f();
    } catch (error) {
      return (error as { details: Array<{ field: string }> }).details[0]!.field;
    }
    return undefined;
  };

  it("translates its document's example into Herald's blast, on the workspace's WhatsApp channel", () => {
    expect(toNativeBlast(example, 'ch_1')).toEqual({
      searchSpec: { name: 'Partha' },
      template: { name: 'habit_run_confirmation_message', language: 'en' },
      params: ['{{name}}', 'Habit Run November Edition', '24th Nov'],
      header: { type: 'image', link: 'https://chitchatlabs.github.io/image-service/CCLABS_TENANT/test.png' },
      tags: ['test_tag_bulk'],
      channelId: 'ch_1',
    });
  });

  it("names Herald's refusals with its own fields", () => {
    expect(['template.name', 'template.language', 'template', 'header', 'header.link', 'tags[0]', 'params[1]', 'searchSpec.x'].map(chitChatLabsField)).toEqual([
      'fb_template',
      'language',
      'fb_template',
      'file',
      'file.link',
      'tag',
      'params[1]',
      'searchSpec.x',
    ]);
  });

  it('refuses a field that is not ChitChatLabs\' (Herald\'s own blast fields included) rather than dropping or replacing it', () => {
    expect(fieldOf(() => toNativeBlast({ ...example, channelId: 'other' }, 'ch_1'))).toBe('channelId');
    expect(fieldOf(() => toNativeBlast({ ...example, scheduledFor: 1_900_000_000 }, 'ch_1'))).toBe('scheduledFor');
    expect(fieldOf(() => toNativeBlast([example], 'ch_1'))).toBe('body');
  });
});

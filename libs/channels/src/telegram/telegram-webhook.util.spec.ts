import { describe, expect, it } from '@jest/globals';
import { parseTelegramUpdate } from './telegram-webhook.util';

const BOT_ID = '7000000001';
const RECEIVED_AT = new Date('2026-11-21T10:00:05Z');

function parse(update: unknown) {
  return parseTelegramUpdate(update, BOT_ID, RECEIVED_AT);
}

/**
 * Sample updates from Telegram's own guide, "Marvin's Marvellous Guide to All Things Webhook",
 * core.telegram.org/bots/webhooks#testing-your-bot-with-updates (read in the MarshalX/telegram-crawler copy of the
 * page), verbatim except where noted.
 */
const SAMPLE_CHAT = {
  last_name: 'Test Lastname',
  id: 1111111,
  type: 'private',
  first_name: 'Test Firstname',
  username: 'Testusername',
};
const SAMPLE_FROM = { last_name: 'Test Lastname', id: 1111111, first_name: 'Test Firstname', username: 'Testusername' };
const sample = (fields: Record<string, unknown>) => ({
  update_id: 10000,
  message: { date: 1441645532, chat: SAMPLE_CHAT, message_id: 1365, from: SAMPLE_FROM, ...fields },
});

describe(parseTelegramUpdate.name, () => {
  it('reads a message with text (the guide\'s "Message with text")', () => {
    const parsed = parse(sample({ text: '/start' }));
    expect(parsed).toEqual({
      statuses: [],
      watermarks: [],
      unreachable: [],
      problems: [],
      inbound: [
        {
          providerMessageId: '1111111:1365',
          from: '1111111',
          phoneNumberId: BOT_ID,
          timestamp: new Date(1441645532 * 1_000),
          type: 'text',
          text: '/start',
          profileName: 'Test Firstname Test Lastname',
        },
      ],
    });
  });

  it("keeps a deep link's /start PAYLOAD as text", () => {
    expect(parse(sample({ text: '/start campaign_42' })).inbound[0]).toMatchObject({ type: 'text', text: '/start campaign_42' });
  });

  it("reads the guide's first sample, whose chat has no type, as the private chat a positive id is", () => {
    const { type: _type, ...untyped } = SAMPLE_CHAT;
    const parsed = parse({
      update_id: 10000,
      message: { date: 1441645532, chat: untyped, message_id: 1365, from: SAMPLE_FROM, text: '/start' },
    });
    expect(parsed.inbound).toHaveLength(1);
  });

  it('names the message replied to in the same chat (the guide\'s "Message with a reply")', () => {
    const parsed = parse(
      sample({
        text: '/start',
        reply_to_message: {
          date: 1441645000,
          chat: {
            last_name: 'Reply Lastname',
            type: 'private',
            id: 1111112,
            first_name: 'Reply Firstname',
            username: 'Testusername',
          },
          message_id: 1334,
          text: 'Original',
        },
      }),
    );
    // reply_to_message is always of the same chat (the Bot API); the sample's other chat id is not used.
    expect(parsed.inbound[0]?.contextMessageId).toBe('1111111:1334');
  });

  it('reads a voice message as audio with its file_id (the guide\'s "Voice message")', () => {
    const parsed = parse(
      sample({ voice: { file_id: 'AwADBAADbXXXXXXXXXXXGBdhD2l6_XX', duration: 5, mime_type: 'audio/ogg', file_size: 23000 } }),
    );
    expect(parsed.inbound[0]).toMatchObject({
      type: 'audio',
      media: { id: 'AwADBAADbXXXXXXXXXXXGBdhD2l6_XX', mimeType: 'audio/ogg', voice: true },
    });
  });

  it('reads a document with its name and type (the guide\'s "Message with a document")', () => {
    const parsed = parse(
      sample({
        document: {
          file_id: 'AwADBAADbXXXXXXXXXXXGBdhD2l6_XX',
          file_name: 'Testfile.pdf',
          mime_type: 'application/pdf',
          file_size: 536392,
        },
        caption: 'The report',
      }),
    );
    expect(parsed.inbound[0]).toMatchObject({
      type: 'document',
      media: {
        id: 'AwADBAADbXXXXXXXXXXXGBdhD2l6_XX',
        filename: 'Testfile.pdf',
        mimeType: 'application/pdf',
        caption: 'The report',
      },
    });
  });

  it('reads an audio file (the guide\'s "Message with audio")', () => {
    const parsed = parse(
      sample({
        audio: {
          file_id: 'AwADBAADbXXXXXXXXXXXGBdhD2l6_XX',
          duration: 243,
          mime_type: 'audio/mpeg',
          file_size: 3897500,
          title: 'Test music file',
        },
      }),
    );
    expect(parsed.inbound[0]).toMatchObject({
      type: 'audio',
      media: { id: 'AwADBAADbXXXXXXXXXXXGBdhD2l6_XX', mimeType: 'audio/mpeg' },
    });
    expect(parsed.inbound[0]?.media?.voice).toBeUndefined();
  });

  it('reads a photo as an image of its largest size', () => {
    // Message.photo is an array of PhotoSize, smallest first (core.telegram.org/bots/api#message, #photosize).
    const parsed = parse(
      sample({
        photo: [
          { file_id: 'AgACAgQAAxkBAAMC-small', file_unique_id: 'AQADs', width: 90, height: 67, file_size: 1234 },
          { file_id: 'AgACAgQAAxkBAAMC-large', file_unique_id: 'AQADl', width: 1280, height: 960, file_size: 98765 },
          { file_id: 'AgACAgQAAxkBAAMC-medium', file_unique_id: 'AQADm', width: 320, height: 240, file_size: 12345 },
        ],
        caption: 'Look',
      }),
    );
    expect(parsed.inbound[0]).toMatchObject({
      type: 'image',
      media: { id: 'AgACAgQAAxkBAAMC-large', mimeType: 'image/jpeg', caption: 'Look' },
    });
  });

  it('reads a location and a venue', () => {
    expect(parse(sample({ location: { latitude: 52.37, longitude: 4.89 } })).inbound[0]).toMatchObject({
      type: 'location',
      location: { latitude: 52.37, longitude: 4.89 },
    });
    const venue = parse(
      sample({
        location: { latitude: 52.37, longitude: 4.89 },
        venue: { location: { latitude: 52.37, longitude: 4.89 }, title: 'Dam', address: 'Dam 1, Amsterdam' },
      }),
    );
    expect(venue.inbound[0]?.location).toEqual({ latitude: 52.37, longitude: 4.89, name: 'Dam', address: 'Dam 1, Amsterdam' });
  });

  it("reads a press of an inline button, with the pressed button's text from the keyboard", () => {
    // Shaped after the Bot API's CallbackQuery, Message and InlineKeyboardMarkup (core.telegram.org/bots/api
    // #callbackquery): the message is the bot's own, carrying the keyboard it was sent with.
    const parsed = parse({
      update_id: 10001,
      callback_query: {
        id: '4382bfdwdsb323b2d9',
        from: SAMPLE_FROM,
        message: {
          message_id: 1366,
          from: { id: Number(BOT_ID), is_bot: true, first_name: 'Herald', username: 'herald_bot' },
          chat: SAMPLE_CHAT,
          date: 1441640000,
          text: 'Pick one',
          reply_markup: {
            inline_keyboard: [
              [{ text: 'Open the shop', url: 'https://example.com' }],
              [{ text: 'Yes, please', callback_data: 'YES' }],
              [{ text: 'No', callback_data: 'NO' }],
            ],
          },
        },
        chat_instance: '-1234567890123456789',
        data: 'YES',
      },
    });
    expect(parsed.problems).toEqual([]);
    expect(parsed.inbound).toEqual([
      {
        providerMessageId: 'cq:4382bfdwdsb323b2d9',
        from: '1111111',
        phoneNumberId: BOT_ID,
        // A CallbackQuery has no time; the message's date is when the bot sent it. The arrival time stands in.
        timestamp: RECEIVED_AT,
        type: 'button',
        button: { payload: 'YES', text: 'Yes, please' },
        callbackQueryId: '4382bfdwdsb323b2d9',
        contextMessageId: '1111111:1366',
        profileName: 'Test Firstname Test Lastname',
      },
    ]);
  });

  it('reads a press on a message too old to read (InaccessibleMessage, date 0) with the data as its text', () => {
    const parsed = parse({
      update_id: 10002,
      callback_query: {
        id: '77',
        from: SAMPLE_FROM,
        message: { chat: SAMPLE_CHAT, message_id: 12, date: 0 },
        chat_instance: '1',
        data: 'NO',
      },
    });
    expect(parsed.inbound[0]).toMatchObject({
      button: { payload: 'NO', text: 'NO' },
      contextMessageId: '1111111:12',
      from: '1111111',
    });
  });

  it('reads the guide\'s "Callback query" (inline mode, no message) from the user\'s id', () => {
    const parsed = parse({
      update_id: 10000,
      callback_query: {
        id: '4382bfdwdsb323b2d9',
        from: {
          last_name: 'Test Lastname',
          type: 'private',
          id: 1111111,
          first_name: 'Test Firstname',
          username: 'Testusername',
        },
        data: 'Data from button callback',
        inline_message_id: '1234csdbsk4839',
      },
    });
    expect(parsed.inbound).toHaveLength(1);
    expect(parsed.inbound[0]).toMatchObject({
      from: '1111111',
      button: { payload: 'Data from button callback', text: 'Data from button callback' },
      callbackQueryId: '4382bfdwdsb323b2d9',
    });
    expect(parsed.inbound[0]?.contextMessageId).toBeUndefined();
  });

  it('reads my_chat_member → kicked in a private chat as the user blocking the bot', () => {
    // ChatMemberUpdated (core.telegram.org/bots/api#chatmemberupdated): in a private chat it arrives only when the
    // user blocks (kicked) or unblocks (member) the bot; the member is the bot itself.
    const bot = { id: Number(BOT_ID), is_bot: true, first_name: 'Herald', username: 'herald_bot' };
    const blocked = parse({
      update_id: 10003,
      my_chat_member: {
        chat: SAMPLE_CHAT,
        from: SAMPLE_FROM,
        date: 1441646000,
        old_chat_member: { user: bot, status: 'member' },
        new_chat_member: { user: bot, status: 'kicked', until_date: 0 },
      },
    });
    expect(blocked.unreachable).toEqual([
      { recipientId: '1111111', at: new Date(1441646000 * 1_000), reason: 'blocked the bot' },
    ]);
    expect(blocked.inbound).toEqual([]);

    const unblocked = parse({
      update_id: 10004,
      my_chat_member: {
        chat: SAMPLE_CHAT,
        from: SAMPLE_FROM,
        date: 1441647000,
        old_chat_member: { user: bot, status: 'kicked', until_date: 0 },
        new_chat_member: { user: bot, status: 'member' },
      },
    });
    expect(unblocked.unreachable).toEqual([]);
    expect(unblocked.problems).toEqual([
      { path: 'my_chat_member.new_chat_member.status', issue: expect.stringContaining('unblocked') },
    ]);
  });

  it('skips edits, inline queries and group chats with a problem each', () => {
    // The guide's "Edited message" and "Inline query".
    const edited = parse({
      update_id: 10000,
      edited_message: {
        date: 1441645532,
        chat: SAMPLE_CHAT,
        message_id: 1365,
        from: SAMPLE_FROM,
        text: 'Edited text',
        edit_date: 1441646600,
      },
    });
    expect(edited.inbound).toEqual([]);
    expect(edited.problems).toEqual([{ path: 'edited_message', issue: 'edited_message updates are not handled' }]);

    const inline = parse({
      update_id: 10000,
      inline_query: { id: 134567890097, from: SAMPLE_FROM, query: 'inline query', offset: '' },
    });
    expect(inline.problems.map((p) => p.path)).toEqual(['inline_query']);

    const group = parse({
      update_id: 10000,
      message: {
        date: 1441645532,
        chat: { id: -4000000001, type: 'group', title: 'Friends' },
        message_id: 9,
        from: SAMPLE_FROM,
        text: 'hi',
      },
    });
    expect(group.inbound).toEqual([]);
    expect(group.problems).toEqual([{ path: 'message.chat.type', issue: expect.stringContaining('only private chats') }]);
  });

  it('never throws on malformed input and says what was wrong', () => {
    expect(parse(null).problems).toEqual([{ path: '', issue: 'is not a JSON object' }]);
    expect(parse('{"update_id":1}').problems).toHaveLength(1);
    expect(parse({ update_id: 1 }).problems).toEqual([{ path: '', issue: expect.stringContaining('no update') }]);
    expect(parse({ update_id: 1, message: 'hi' }).problems).toEqual([{ path: 'message', issue: 'is not an object' }]);
    expect(parse(sample({ text: 'x', message_id: 'abc' })).problems.map((p) => p.path)).toEqual(['message.message_id']);
    expect(parse(sample({ text: 'x', date: undefined })).problems.map((p) => p.path)).toEqual(['message.date']);
    expect(parse(sample({ photo: [{ width: 1 }] })).problems.map((p) => p.path)).toEqual(['message.photo']);
    expect(
      parse({
        update_id: 1,
        callback_query: { id: '5', from: SAMPLE_FROM, game_short_name: 'g', chat_instance: '1' },
      }).problems.map((p) => p.path),
    ).toEqual(['callback_query.data']);
    expect(parse({ update_id: 1, my_chat_member: { chat: SAMPLE_CHAT, date: 1 } }).problems.map((p) => p.path)).toEqual([
      'my_chat_member.new_chat_member.status',
    ]);
  });

  it('keeps a service message out of the inbox and a poll in it as unsupported', () => {
    expect(parse(sample({ pinned_message: { message_id: 1, date: 1, chat: SAMPLE_CHAT } })).inbound).toEqual([]);
    expect(parse(sample({ poll: { id: '1', question: 'Q?' } })).inbound[0]?.type).toBe('unsupported');
  });
});
describe('a date that is not a time', () => {
  it('skips and reports a message dated 1e308 (past year 9999) instead of carrying an invalid Date', () => {
    const parsed = parse({ update_id: 1, message: { date: 1e308, chat: SAMPLE_CHAT, message_id: 9, from: SAMPLE_FROM, text: 'hi' } });
    expect(parsed.inbound).toEqual([]);
    expect(parsed.problems).toEqual([{ path: 'message.date', issue: 'is missing or not a Unix time' }]);
  });
});


// Telegram's wording for what it refuses in a text, its markup and its keyboard.
import { describe, expect, it } from '@jest/globals';
import {
  captionProblem,
  documentUrlProblem,
  markupProblem,
  parseModeProblem,
  replyMarkupProblem,
  textProblem,
} from './telegram-request.util';

describe('texts and captions', () => {
  it('takes 1–4096 characters of text and 0–1024 of caption', () => {
    expect(textProblem('Hello', undefined)).toBeUndefined();
    expect(textProblem('', undefined)).toBe('Bad Request: message text is empty');
    expect(textProblem(undefined, undefined)).toBe('Bad Request: message text is empty');
    expect(textProblem('x'.repeat(4096), undefined)).toBeUndefined();
    expect(textProblem('x'.repeat(4097), undefined)).toBe('Bad Request: message is too long');
    expect(captionProblem('x'.repeat(1025), undefined)).toBe('Bad Request: message caption is too long');
    expect(captionProblem(undefined, undefined)).toBeUndefined();
  });

  it('knows MarkdownV2, HTML and Markdown, in any case', () => {
    for (const mode of ['MarkdownV2', 'HTML', 'markdown', undefined]) expect(parseModeProblem(mode)).toBeUndefined();
    expect(parseModeProblem('BBCode')).toBe('Bad Request: unsupported parse_mode');
  });
});

describe(markupProblem.name, () => {
  it('refuses MarkdownV2 with a reserved character left unescaped, as Telegram words it', () => {
    expect(markupProblem('Order *shipped*\\. Track [here](https://t.me/x)\\!', 'MarkdownV2')).toBeUndefined();
    expect(markupProblem('`a.b` and ```\ncode.\n```', 'MarkdownV2')).toBeUndefined();
    expect(markupProblem('Your order shipped.', 'MarkdownV2')).toBe(
      "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    );
    expect(markupProblem('*bold', 'MarkdownV2')).toBe(
      "Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 0",
    );
    expect(markupProblem('>quote\nline', 'MarkdownV2')).toBeUndefined();
  });

  it('takes Telegram’s HTML tags only, closed in order', () => {
    expect(markupProblem('<b>Hi</b> <a href="https://x.y">link</a> <span class="tg-spoiler">s</span>', 'HTML')).toBeUndefined();
    expect(markupProblem('<div>Hi</div>', 'HTML')).toBe(
      `Bad Request: can't parse entities: Unsupported start tag "div" at byte offset 0`,
    );
    expect(markupProblem('<b><i>Hi</b></i>', 'HTML')).toContain(
      'Unmatched end tag at byte offset 8, expected "</i>", found "</b>"',
    );
    expect(markupProblem('<b>Hi', 'HTML')).toContain('Can\'t find end tag corresponding to start tag "b"');
  });

  it('checks nothing without a parse mode', () => {
    expect(markupProblem('a.b *c', undefined)).toBeUndefined();
  });
});

describe(replyMarkupProblem.name, () => {
  const keyboard = (...buttons: Array<Record<string, unknown>>) => ({ inline_keyboard: [buttons] });

  it('takes buttons with exactly one action and callback_data of 1–64 bytes', () => {
    expect(
      replyMarkupProblem(keyboard({ text: 'Yes', callback_data: 'yes' }, { text: 'Open', url: 'https://example.com' })),
    ).toBeUndefined();
    expect(replyMarkupProblem(keyboard({ text: 'Plain' }))).toBe(
      "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
    );
    expect(replyMarkupProblem(keyboard({ text: 'Both', url: 'https://example.com', callback_data: 'x' }))).toContain(
      'exactly one of',
    );
    expect(replyMarkupProblem(keyboard({ text: 'Long', callback_data: 'é'.repeat(33) }))).toBe(
      'Bad Request: BUTTON_DATA_INVALID',
    );
    expect(replyMarkupProblem(keyboard({ text: 'Empty', callback_data: '' }))).toBe('Bad Request: BUTTON_DATA_INVALID');
    expect(replyMarkupProblem(keyboard({ text: 'Bad', url: 'javascript:alert(1)' }))).toContain('Wrong HTTP URL');
    expect(replyMarkupProblem(keyboard({ callback_data: 'x' }))).toContain('Field "text" must be of type String');
  });

  it('takes reply keyboards, their removal and forced replies; refuses other objects', () => {
    expect(replyMarkupProblem({ inline_keyboard: [{ text: 'x', callback_data: 'x' }] })).toContain('Array of Arrays');
    expect(replyMarkupProblem({ keyboard: [['Yes', { text: 'No' }]] })).toBeUndefined();
    expect(replyMarkupProblem({ remove_keyboard: true })).toBeUndefined();
    expect(replyMarkupProblem({ colour: 'red' })).toBe("Bad Request: can't parse reply keyboard markup JSON object");
    expect(replyMarkupProblem('not json')).toBe("Bad Request: can't parse reply keyboard markup JSON object");
  });
});

describe(documentUrlProblem.name, () => {
  it('lets sendDocument fetch only PDF, ZIP and GIF by URL (unknown extensions are given the benefit of the doubt)', () => {
    expect(documentUrlProblem('https://example.com/menu.pdf')).toBeUndefined();
    expect(documentUrlProblem('https://example.com/download?id=7')).toBeUndefined();
    expect(documentUrlProblem('https://example.com/menu.docx')).toBe('Bad Request: wrong type of the web page content');
  });
});

// Checks of Bot API parameters as Telegram words its refusals ("Bad Request: …"): texts and captions, parse_mode
// markup (MarkdownV2's reserved characters, HTML's tags), reply_markup (inline keyboards), media and places.
import { isHttpUrl, isObject, utf8Length } from './request-body.util';

export const TELEGRAM_LIMITS = {
  text: 4096,
  caption: 1024,
  callbackDataBytes: 64,
  callbackAnswerText: 200,
  inlineButtons: 100,
  secretToken: 256,
} as const;

/** A refusal: `Bad Request: …` with HTTP 400. */
export type Problem = string;

const PARSE_MODES = ['markdownv2', 'html', 'markdown'];

/** `parse_mode`, when present, must be one Telegram knows (case does not matter). */
export function parseModeProblem(mode: unknown): Problem | undefined {
  if (mode === undefined || mode === null || mode === '') return undefined;
  return typeof mode === 'string' && PARSE_MODES.includes(mode.toLowerCase()) ? undefined : 'Bad Request: unsupported parse_mode';
}

const byteOffset = (text: string, index: number) => utf8Length(text.slice(0, index));
const cantParse = (why: string) => `Bad Request: can't parse entities: ${why}`;

/** MarkdownV2: reserved characters escaped, entities closed, links well formed. */
function markdownV2Problem(text: string): Problem | undefined {
  const names: Record<string, string> = { '*': 'Bold', _: 'Italic', __: 'Underline', '~': 'Strikethrough', '||': 'Spoiler' };
  const open: Array<{ token: string; at: number }> = [];
  let linkOpenAt = -1;
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '`') {
      const fence = text.startsWith('```', i) ? '```' : '`';
      let j = i + fence.length;
      let closed = false;
      while (j < text.length) {
        if (text[j] === '\\') j += 2;
        else if (text.startsWith(fence, j)) {
          closed = true;
          break;
        } else j += 1;
      }
      if (!closed)
        return cantParse(`Can't find end of ${fence === '```' ? 'Pre' : 'Code'} entity at byte offset ${byteOffset(text, i)}`);
      i = j + fence.length;
      continue;
    }
    const two = text.slice(i, i + 2);
    const token = two === '__' || two === '||' ? two : c === '*' || c === '_' || c === '~' ? c : undefined;
    if (token) {
      const top = open[open.length - 1];
      if (top && top.token === token) open.pop();
      else open.push({ token, at: i });
      i += token.length;
      continue;
    }
    if (c === '[') {
      if (linkOpenAt !== -1) return cantParse(`Character '[' is reserved and must be escaped with the preceding '\\'`);
      linkOpenAt = i;
      i += 1;
      continue;
    }
    if (c === ']' && linkOpenAt !== -1 && text[i + 1] === '(') {
      let j = i + 2;
      while (j < text.length && text[j] !== ')') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) return cantParse(`Can't find end of a URL at byte offset ${byteOffset(text, i + 2)}`);
      linkOpenAt = -1;
      i = j + 1;
      continue;
    }
    if (c === '>' && (i === 0 || text[i - 1] === '\n')) {
      i += 1;
      continue;
    }
    if ('_*[]()~`>#+-=|{}.!'.includes(c))
      return cantParse(`Character '${c}' is reserved and must be escaped with the preceding '\\'`);
    i += 1;
  }
  if (linkOpenAt !== -1) return cantParse(`Can't find end of TextUrl entity at byte offset ${byteOffset(text, linkOpenAt)}`);
  const unclosed = open[0];
  if (unclosed)
    return cantParse(`Can't find end of ${names[unclosed.token]} entity at byte offset ${byteOffset(text, unclosed.at)}`);
  return undefined;
}

const HTML_TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'span',
  'tg-spoiler',
  'a',
  'code',
  'pre',
  'blockquote',
  'tg-emoji',
]);

/** HTML: only Telegram's tags, each closed in order. */
function htmlProblem(text: string): Problem | undefined {
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)?([^<>]*)>?/g;
  for (let match = tag.exec(text); match; match = tag.exec(text)) {
    const [whole, closing, rawName] = match;
    const at = byteOffset(text, match.index);
    if (!whole.endsWith('>') || rawName === undefined) return cantParse(`Unsupported start tag at byte offset ${at}`);
    const name = rawName.toLowerCase();
    if (!HTML_TAGS.has(name)) return cantParse(`Unsupported ${closing ? 'end' : 'start'} tag "${name}" at byte offset ${at}`);
    if (!closing) {
      stack.push(name);
      continue;
    }
    const expected = stack.pop();
    if (expected !== name) {
      return cantParse(
        expected === undefined
          ? `Unexpected end tag at byte offset ${at}`
          : `Unmatched end tag at byte offset ${at}, expected "</${expected}>", found "</${name}>"`,
      );
    }
  }
  const left = stack.pop();
  return left === undefined ? undefined : cantParse(`Can't find end tag corresponding to start tag "${left}"`);
}

/** Legacy Markdown: `*`, `_`, `` ` `` and `[` entities closed. */
function markdownProblem(text: string): Problem | undefined {
  let open: { c: string; at: number } | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (open) {
      if (c === (open.c === '[' ? ']' : open.c)) open = undefined;
      continue;
    }
    if (c === '\\') i += 1;
    else if ('*_`['.includes(c)) open = { c, at: i };
  }
  return open ? cantParse(`Can't find end of the entity starting at byte offset ${byteOffset(text, open.at)}`) : undefined;
}

/** Whether `text` parses under `mode` (undefined when it does, or no mode). */
export function markupProblem(text: string, mode: unknown): Problem | undefined {
  if (typeof mode !== 'string' || mode === '') return undefined;
  switch (mode.toLowerCase()) {
    case 'markdownv2':
      return markdownV2Problem(text);
    case 'html':
      return htmlProblem(text);
    case 'markdown':
      return markdownProblem(text);
    default:
      return undefined;
  }
}

const INLINE_ACTIONS = [
  'url',
  'callback_data',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'copy_text',
  'callback_game',
  'pay',
  'web_app',
];

const buttonProblem = (why: string) => `Bad Request: can't parse inline keyboard button: ${why}`;

/** `reply_markup`: an inline keyboard (checked in full), a reply keyboard, its removal, or a forced reply. */
export function replyMarkupProblem(markup: unknown): Problem | undefined {
  if (markup === undefined || markup === null) return undefined;
  if (!isObject(markup)) return "Bad Request: can't parse reply keyboard markup JSON object";
  if (markup.inline_keyboard !== undefined) {
    const rows = markup.inline_keyboard;
    if (!Array.isArray(rows) || rows.some((row) => !Array.isArray(row))) {
      return 'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays';
    }
    let count = 0;
    for (const row of rows as unknown[][]) {
      for (const button of row) {
        count += 1;
        if (!isObject(button)) return buttonProblem('InlineKeyboardButton must be an Object');
        if (typeof button.text !== 'string' || button.text.length === 0)
          return buttonProblem('Field "text" must be of type String');
        const actions = INLINE_ACTIONS.filter((field) => button[field] !== undefined);
        if (actions.length === 0) return buttonProblem('Text buttons are unallowed in the inline keyboard');
        if (actions.length > 1)
          return buttonProblem(`exactly one of ${INLINE_ACTIONS.join(', ')} must be used, got ${actions.join(' and ')}`);
        if (button.callback_data !== undefined) {
          const data = button.callback_data;
          if (typeof data !== 'string' || data.length === 0 || utf8Length(data) > TELEGRAM_LIMITS.callbackDataBytes)
            return 'Bad Request: BUTTON_DATA_INVALID';
        }
        if (
          button.url !== undefined &&
          !(isHttpUrl(button.url) || (typeof button.url === 'string' && /^tg:\/\/\S+$/.test(button.url)))
        ) {
          return `Bad Request: inline keyboard button URL '${String(button.url)}' is invalid: Wrong HTTP URL`;
        }
      }
    }
    if (count > TELEGRAM_LIMITS.inlineButtons) return 'Bad Request: reply markup is too long';
    return undefined;
  }
  if (markup.keyboard !== undefined) {
    const rows = markup.keyboard;
    const ok =
      Array.isArray(rows) &&
      rows.every(
        (row) => Array.isArray(row) && row.every((b) => typeof b === 'string' || (isObject(b) && typeof b.text === 'string')),
      );
    return ok ? undefined : 'Bad Request: field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays';
  }
  if (markup.remove_keyboard === true || markup.force_reply === true) return undefined;
  return "Bad Request: can't parse reply keyboard markup JSON object";
}

/** A text message's text: 1–4096 characters, well-formed markup. */
export function textProblem(text: unknown, parseMode: unknown): Problem | undefined {
  if (text === undefined || text === null || (typeof text === 'string' && text.trim().length === 0))
    return 'Bad Request: message text is empty';
  if (typeof text !== 'string') return 'Bad Request: message text is empty';
  if (text.length > TELEGRAM_LIMITS.text) return 'Bad Request: message is too long';
  return markupProblem(text, parseMode);
}

export function captionProblem(caption: unknown, parseMode: unknown): Problem | undefined {
  if (caption === undefined || caption === null || caption === '') return undefined;
  if (typeof caption !== 'string') return 'Bad Request: field "caption" must be of type String';
  if (caption.length > TELEGRAM_LIMITS.caption) return 'Bad Request: message caption is too long';
  return markupProblem(caption, parseMode);
}

/** A coordinate within its range, given as a number or numeric text. */
export function coordinate(value: unknown, limit: number): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && Math.abs(n) <= limit ? n : undefined;
}

/** Extensions `sendDocument` cannot take by URL: Telegram fetches only GIF, PDF and ZIP documents from a URL. */
export function documentUrlProblem(url: string): Problem | undefined {
  const path = new URL(url).pathname.toLowerCase();
  const match = /\.([a-z0-9]{1,8})$/.exec(path);
  if (!match) return undefined;
  return ['pdf', 'zip', 'gif'].includes(match[1] as string) ? undefined : 'Bad Request: wrong type of the web page content';
}

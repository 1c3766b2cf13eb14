// Telegram's Bot API: POST|GET /bot<token>/<method> answering {ok, result} or {ok:false, error_code, description,
// parameters?} like api.telegram.org, file downloads at /file/bot<token>/<path>, and the updates a bot's webhook
// receives (one Update per POST, X-Telegram-Bot-Api-Secret-Token). Also what /_sim does to a bot: a user's
// message, photo or button press, a block.
import { randomBytes } from 'node:crypto';
import { chooseFault } from '../fault-injection.util';
import type { Reply } from '../graph-api.service';
import { fnv1a } from '../random.util';
import type { Simulator } from '../simulator.service';
import { isHttpUrl, isObject, readParams, type Params } from './request-body.util';
import {
  BotState,
  TelegramBotRegistry,
  type ChatState,
  type TelegramBotRegistration,
  type TgFile,
  type TgMessage,
  type TgUser,
} from './telegram-bot-registry.service';
import {
  captionProblem,
  coordinate,
  documentUrlProblem,
  parseModeProblem,
  replyMarkupProblem,
  TELEGRAM_LIMITS,
  textProblem,
} from './telegram-request.util';

/** Updates Telegram leaves out unless `allowed_updates` names them. */
const OPT_IN_UPDATES = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);
/** Parameters sent as JSON text in forms and query strings. */
const JSON_PARAMS = [
  'reply_markup',
  'allowed_updates',
  'reply_parameters',
  'link_preview_options',
  'entities',
  'caption_entities',
];
const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;
/** A 1×1 PNG: what a user's photo holds unless the admin call gives bytes. */
const DEFAULT_PHOTO = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
const STALE_QUERY = 'Bad Request: query is too old and response timeout expired or query ID is invalid';

export interface AdminAnswer {
  status: number;
  value: unknown;
}

export type FileAnswer = { ok: true; bytes: Buffer; mimeType: string } | { ok: false; status: number; body: string };

type MediaKind = 'photo' | 'video' | 'document' | 'audio';
type Content = { ok: true; fields: Record<string, unknown> } | { ok: false; problem: string };

function chatIdOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^-?\d{1,16}$/.test(value.trim()) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n !== 0 ? n : undefined;
}

function integerOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^-?\d{1,16}$/.test(value.trim()) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) ? n : undefined;
}

function ok(result: unknown, description?: string): Reply {
  return {
    kind: 'json',
    status: 200,
    body: JSON.stringify({ ok: true, result, ...(description ? { description } : {}) }),
    delayMs: 0,
  };
}

function failure(code: number, description: string, parameters?: Record<string, unknown>): Reply {
  return {
    kind: 'json',
    status: code,
    body: JSON.stringify({ ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) }),
    delayMs: 0,
  };
}

const unauthorized = () => failure(401, 'Unauthorized');
const notFound = () => failure(404, 'Not Found');
const badRequest = (description: string) => failure(400, description);

export class TelegramApi {
  readonly registry = new TelegramBotRegistry();
  /**
   * Update, message and callback query ids: one counter each for the process, never reset, started from the
   * seconds since 2020 so a restarted simulator does not hand out ids a receiver has already seen.
   */
  private updateId: number;
  private messageId: number;
  private callbackId: number;
  private fileCounter = 0;

  constructor(private readonly sim: Simulator) {
    const base = Math.max(1, Math.floor((sim.now() - Date.UTC(2020, 0, 1)) / 1000));
    this.updateId = base;
    this.messageId = base;
    this.callbackId = base;
  }

  /** `path` is `/bot<token>/<method>`. */
  handle(path: string, query: URLSearchParams, raw: Buffer | undefined, contentType: string | undefined): Reply {
    const rest = path.slice('/bot'.length);
    const slash = rest.indexOf('/');
    const token = safeDecode(slash === -1 ? rest : rest.slice(0, slash));
    const method = slash === -1 ? '' : rest.slice(slash + 1);
    const bot = this.registry.withToken(token);
    if (!bot) return unauthorized();
    if (method.length === 0 || method.includes('/')) return notFound();
    const parsed = readParams(raw, contentType, query, JSON_PARAMS);
    const state = this.registry.state(bot.botId);
    if (!parsed.ok) {
      const why = {
        tooLarge: 'Bad Request: request is too large',
        badJson: "Bad Request: can't parse JSON",
        notObject: "Bad Request: can't parse JSON",
        multipart: 'Bad Request: the simulator takes JSON, urlencoded forms or query strings: send files by HTTP URL or file_id',
      };
      return this.refuse(state, badRequest(why[parsed.problem]));
    }
    const params = parsed.params;
    // Method names are case-insensitive at api.telegram.org.
    switch (method.toLowerCase()) {
      case 'getme':
        return ok(this.botUser(bot));
      case 'setwebhook':
        return this.setWebhook(state, params);
      case 'deletewebhook':
        return this.deleteWebhook(state, params);
      case 'getwebhookinfo':
        return this.webhookInfo(state);
      case 'getupdates':
        return this.getUpdates(state, params);
      case 'sendmessage':
        return this.send(bot, state, 'sendMessage', params, () => {
          const problem = parseModeProblem(params.parse_mode) ?? textProblem(params.text, params.parse_mode);
          return problem ? { ok: false, problem } : { ok: true, fields: { text: params.text } };
        });
      case 'sendphoto':
        return this.send(bot, state, 'sendPhoto', params, () => this.media(state, 'photo', params));
      case 'sendvideo':
        return this.send(bot, state, 'sendVideo', params, () => this.media(state, 'video', params));
      case 'senddocument':
        return this.send(bot, state, 'sendDocument', params, () => this.media(state, 'document', params));
      case 'sendaudio':
        return this.send(bot, state, 'sendAudio', params, () => this.media(state, 'audio', params));
      case 'sendlocation':
        return this.send(bot, state, 'sendLocation', params, () => place(params, false));
      case 'sendvenue':
        return this.send(bot, state, 'sendVenue', params, () => place(params, true));
      case 'sendchataction':
        return this.chatAction(state, params);
      case 'answercallbackquery':
        return this.answerCallbackQuery(state, params);
      case 'getfile':
        return this.getFile(state, params);
      default:
        return notFound();
    }
  }

  /** GET /file/bot<token>/<file_path>: the bytes of a file a user sent. */
  file(path: string): FileAnswer {
    const rest = path.slice('/file/bot'.length);
    const slash = rest.indexOf('/');
    const bot = this.registry.withToken(safeDecode(slash === -1 ? rest : rest.slice(0, slash)));
    if (!bot)
      return { ok: false, status: 401, body: JSON.stringify({ ok: false, error_code: 401, description: 'Unauthorized' }) };
    const file = slash === -1 ? undefined : this.registry.state(bot.botId).filesByPath.get(safeDecode(rest.slice(slash + 1)));
    if (!file?.bytes)
      return { ok: false, status: 404, body: JSON.stringify({ ok: false, error_code: 404, description: 'Not Found' }) };
    return { ok: true, bytes: file.bytes, mimeType: file.mimeType };
  }

  // ------------------------------------------------------------------------------------------ /_sim

  /**
   * POST /_sim/telegram-bots/:botId/updates `{chatId, firstName?, username?, text? | photo?: true | {data?,
   * caption?} | callbackData + messageId, replyTo?}`: a user's message (which starts the chat) or a press of a
   * button of a message the bot sent, posted as one Update.
   */
  userUpdate(botId: string, value: unknown): AdminAnswer {
    const bot = this.registry.get(botId);
    if (!bot) return { status: 404, value: { error: { message: `No Telegram bot ${botId} is registered.` } } };
    if (!isObject(value)) return adminBad('Send {"chatId", "text"? | "photo"? | "callbackData" + "messageId"}.');
    const problems: string[] = [];
    const chatId = chatIdOf(value.chatId);
    if (chatId === undefined || chatId < 0) problems.push("chatId: the user's id, a positive whole number");
    const { firstName, username, text, photo, callbackData, messageId, replyTo } = value;
    if (firstName !== undefined && (typeof firstName !== 'string' || firstName.length === 0 || firstName.length > 64))
      problems.push('firstName: 1–64 characters');
    if (username !== undefined && (typeof username !== 'string' || !/^[A-Za-z0-9_]{1,32}$/.test(username)))
      problems.push('username: 1–32 letters, digits or "_"');
    if (text !== undefined && (typeof text !== 'string' || text.length === 0 || text.length > TELEGRAM_LIMITS.text))
      problems.push('text: 1–4096 characters');
    if (
      photo !== undefined &&
      photo !== true &&
      !(isObject(photo) && (photo.data === undefined || typeof photo.data === 'string'))
    ) {
      problems.push('photo: true, or {"data"?: base64 bytes}');
    }
    if (callbackData !== undefined && (typeof callbackData !== 'string' || callbackData.length === 0))
      problems.push("callbackData: the pressed button's callback_data");
    if (callbackData !== undefined && integerOf(messageId) === undefined)
      problems.push('messageId: the message (sent by the bot) whose button was pressed');
    if (callbackData !== undefined && (text !== undefined || photo !== undefined))
      problems.push('callbackData: goes without text or photo');
    if (callbackData === undefined && text === undefined && photo === undefined)
      problems.push('give text, photo, or callbackData with messageId');
    if (replyTo !== undefined && integerOf(replyTo) === undefined) problems.push('replyTo: a message id of the chat');
    if (problems.length > 0 || chatId === undefined) return adminBad('The update was not sent.', problems);

    const state = this.registry.state(botId);
    if (callbackData !== undefined)
      return this.buttonPress(bot, state, chatId, callbackData as string, integerOf(messageId) as number);

    let bytes: Buffer | undefined;
    if (photo !== undefined) {
      bytes = isObject(photo) && typeof photo.data === 'string' ? Buffer.from(photo.data, 'base64') : DEFAULT_PHOTO;
      if (bytes.length === 0 || bytes.length > MAX_PHOTO_BYTES)
        return adminBad('photo.data must hold 1 byte to 10 MiB (base64).');
    }
    const chat = state.chatOf(chatId, firstName as string | undefined, username as string | undefined);
    const now = this.sim.now();
    const updates: number[] = [];
    if (chat.blocked) {
      // Writing again lifts the block, and Telegram tells the bot so.
      chat.blocked = false;
      updates.push(this.dispatch(state, { my_chat_member: this.memberChange(bot, chat, now, 'kicked', 'member') }));
    }
    const message: TgMessage = { message_id: this.nextMessageId(), from: chat.user, chat: chat.chat, date: seconds(now) };
    const replied = replyTo === undefined ? undefined : chat.messages.get(integerOf(replyTo) as number);
    if (replyTo !== undefined && !replied) return adminBad(`replyTo: chat ${chatId} has no message ${String(replyTo)}.`);
    if (replied) message.reply_to_message = replied;
    let file: TgFile | undefined;
    if (bytes) {
      file = this.newFile('photos', 'png', 'image/png', bytes);
      state.addFile(file);
      message.photo = [
        { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: bytes.length, width: 1, height: 1 },
      ];
      if (typeof text === 'string') message.caption = text;
    } else if (typeof text === 'string') {
      message.text = text;
      const command = /^\/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]+)?/.exec(text);
      if (command) message.entities = [{ offset: 0, length: command[0].length, type: 'bot_command' }];
    }
    state.remember(chat, message);
    const updateId = this.dispatch(state, { message });
    return {
      status: 202,
      value: {
        updateId,
        messageId: message.message_id,
        ...(file ? { fileId: file.file_id } : {}),
        updates: [...updates, updateId],
        message,
      },
    };
  }

  /** POST /_sim/telegram-bots/:botId/block (or /unblock) `{chatId}`: the user blocks (unblocks) the bot. */
  setBlocked(botId: string, value: unknown, blocked: boolean): AdminAnswer {
    const bot = this.registry.get(botId);
    if (!bot) return { status: 404, value: { error: { message: `No Telegram bot ${botId} is registered.` } } };
    const chatId = isObject(value) ? chatIdOf(value.chatId) : undefined;
    if (chatId === undefined) return adminBad('Send {"chatId": the user\'s id}.');
    const state = this.registry.state(botId);
    const chat = state.chat(chatId);
    if (!chat) return { status: 404, value: { error: { message: `Chat ${chatId} never wrote to bot ${botId}.` } } };
    if (chat.blocked === blocked) return { status: 200, value: { chatId, blocked, updateId: null } };
    chat.blocked = blocked;
    const change = blocked
      ? this.memberChange(bot, chat, this.sim.now(), 'member', 'kicked')
      : this.memberChange(bot, chat, this.sim.now(), 'kicked', 'member');
    return { status: 200, value: { chatId, blocked, updateId: this.dispatch(state, { my_chat_member: change }) } };
  }

  /** GET /_sim/telegram-bots/:botId/messages?limit=: the last accepted sends (≤ 1000), oldest first. */
  messages(botId: string, query: URLSearchParams): AdminAnswer {
    if (!this.registry.get(botId))
      return { status: 404, value: { error: { message: `No Telegram bot ${botId} is registered.` } } };
    const raw = query.get('limit');
    const limit = raw === null ? 1000 : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return adminBad('limit must be a whole number from 1 to 1000.');
    return { status: 200, value: { data: this.registry.state(botId).sends.last(limit) } };
  }

  view(bot: TelegramBotRegistration): Record<string, unknown> {
    const state = this.registry.state(bot.botId);
    const chats = [...state.chats.values()];
    return {
      ...bot,
      webhook: state.webhook && { ...state.webhook, allowedUpdates: state.allowedUpdates },
      pendingUpdates: state.pending.length,
      chats: chats.length,
      blockedChats: chats.filter((chat) => chat.blocked).map((chat) => chat.chat.id),
      openCallbackQueries: [...state.openCallbacks.keys()],
      answeredCallbackQueries: state.answeredCallbacks.last(1000),
      stats: state.counters,
    };
  }

  counts(): Record<string, number> {
    const totals = { bots: 0, sent: 0, rejected: 0, updates: 0, callbackQueriesAnswered: 0 };
    for (const bot of this.registry.list()) {
      const counters = this.registry.state(bot.botId).counters;
      totals.bots += 1;
      totals.sent += counters.sent;
      totals.rejected += counters.rejected;
      totals.updates += counters.updates;
      totals.callbackQueriesAnswered += counters.callbackQueriesAnswered;
    }
    return totals;
  }

  reset(all: boolean): void {
    this.registry.reset(all);
  }

  // ------------------------------------------------------------------------------------------ methods

  private setWebhook(state: BotState, params: Params): Reply {
    const url = params.url ?? '';
    if (typeof url !== 'string') return this.refuse(state, badRequest('Bad Request: bad webhook: url must be a string'));
    if (url === '') return this.deleteWebhook(state, params);
    // Telegram takes only HTTPS on ports 443, 80, 88 and 8443; the simulator takes any http(s) URL so a local
    // receiver works.
    if (!isHttpUrl(url))
      return this.refuse(state, badRequest('Bad Request: bad webhook: An HTTPS URL must be provided for webhook'));
    const secret = params.secret_token;
    if (secret !== undefined && secret !== '' && (typeof secret !== 'string' || !SECRET_TOKEN.test(secret))) {
      return this.refuse(state, badRequest('Bad Request: secret token contains unallowed characters'));
    }
    const maxConnections = params.max_connections === undefined ? 40 : integerOf(params.max_connections);
    if (maxConnections === undefined || maxConnections < 1 || maxConnections > 100) {
      return this.refuse(state, badRequest('Bad Request: bad webhook: max_connections must be from 1 to 100'));
    }
    const allowed = params.allowed_updates;
    if (allowed !== undefined && (!Array.isArray(allowed) || allowed.some((item) => typeof item !== 'string'))) {
      return this.refuse(state, badRequest("Bad Request: can't parse allowed updates"));
    }
    const next = { url, secretToken: typeof secret === 'string' && secret !== '' ? secret : null, maxConnections };
    const same = state.webhook !== null && state.webhook.url === next.url && state.webhook.secretToken === next.secretToken;
    state.webhook = next;
    // Telegram keeps the previous allowed_updates when the call names none.
    if (Array.isArray(allowed)) state.allowedUpdates = [...(allowed as string[])];
    if (params.drop_pending_updates === true || params.drop_pending_updates === 'true') state.pending.length = 0;
    // Updates that waited for a webhook go out now, oldest first.
    for (const update of state.pending.splice(0)) this.post(state, update);
    return ok(true, same ? 'Webhook is already set' : 'Webhook was set');
  }

  private deleteWebhook(state: BotState, params: Params): Reply {
    const had = state.webhook !== null;
    state.webhook = null;
    if (params.drop_pending_updates === true || params.drop_pending_updates === 'true') state.pending.length = 0;
    return ok(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
  }

  private webhookInfo(state: BotState): Reply {
    const hook = state.webhook;
    const info: Record<string, unknown> = {
      url: hook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: state.pending.length,
    };
    if (hook) {
      info.max_connections = hook.maxConnections;
      if (state.allowedUpdates.length > 0) info.allowed_updates = state.allowedUpdates;
    }
    return ok(info);
  }

  /** getUpdates, without long polling: answers at once. Refused while a webhook is set, as Telegram does. */
  private getUpdates(state: BotState, params: Params): Reply {
    if (state.webhook) {
      return this.refuse(
        state,
        failure(
          409,
          "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
        ),
      );
    }
    const offset = params.offset === undefined ? 0 : integerOf(params.offset);
    const limit = params.limit === undefined ? 100 : integerOf(params.limit);
    if (offset === undefined || limit === undefined)
      return this.refuse(state, badRequest('Bad Request: offset and limit must be integers'));
    if (Array.isArray(params.allowed_updates))
      state.allowedUpdates = params.allowed_updates.filter((item): item is string => typeof item === 'string');
    if (offset > 0) {
      // An offset confirms every update before it.
      while (state.pending.length > 0 && (state.pending[0]?.update_id as number) < offset) state.pending.shift();
    }
    const capped = Math.min(Math.max(limit, 1), 100);
    const result = offset < 0 ? state.pending.slice(offset).slice(0, capped) : state.pending.slice(0, capped);
    return ok(result);
  }

  /**
   * A send method: chat id, then the content, the markup and the reply, then who the chat is (403s), then flood
   * control (429). An accepted send answers the Message and is kept for GET /_sim/telegram-bots/:id/messages.
   */
  private send(bot: TelegramBotRegistration, state: BotState, method: string, params: Params, content: () => Content): Reply {
    const sim = this.sim;
    const now = sim.now();
    const fault = chooseFault(sim.config.faults, sim.random(), sim.burstOn(bot.botId, now));
    if (fault.delayMs > 0) sim.stats.fault('extraLatency');
    const late = (reply: Reply): Reply => (reply.kind === 'json' ? { ...reply, delayMs: fault.delayMs } : reply);
    switch (fault.kind) {
      case 'timeout':
        sim.stats.fault('timeout');
        return { kind: 'hold' };
      case 'serverError':
        sim.stats.fault('serverError');
        return late(this.refuse(state, failure(500, 'Internal Server Error')));
      case 'throttleBurst':
        sim.stats.fault('throttleBurst');
        return late(this.refuse(state, failure(429, 'Too Many Requests: retry after 1', { retry_after: 1 })));
      case 'none':
        break;
    }
    if (params.chat_id === undefined || params.chat_id === '')
      return late(this.refuse(state, badRequest('Bad Request: chat_id is empty')));
    const chatId = chatIdOf(params.chat_id);
    if (chatId === undefined) return late(this.refuse(state, badRequest('Bad Request: chat not found')));
    const built = content();
    if (!built.ok) return late(this.refuse(state, badRequest(built.problem)));
    const markupProblem = replyMarkupProblem(params.reply_markup);
    if (markupProblem) return late(this.refuse(state, badRequest(markupProblem)));

    const chat = state.chat(chatId);
    if (!chat) return late(this.refuse(state, failure(403, "Forbidden: bot can't initiate conversation with a user")));
    if (chat.blocked) return late(this.refuse(state, failure(403, 'Forbidden: bot was blocked by the user')));
    const replyToId = integerOf(
      isObject(params.reply_parameters) ? params.reply_parameters.message_id : params.reply_to_message_id,
    );
    const replied = replyToId === undefined ? undefined : chat.messages.get(replyToId);
    const lenient =
      params.allow_sending_without_reply === true ||
      (isObject(params.reply_parameters) && params.reply_parameters.allow_sending_without_reply === true);
    if (replyToId !== undefined && !replied && !lenient)
      return late(this.refuse(state, badRequest('Bad Request: message to be replied not found')));

    const limited = this.flood(state, chat, now);
    if (limited !== undefined) {
      return late(this.refuse(state, failure(429, `Too Many Requests: retry after ${limited}`, { retry_after: limited })));
    }

    const message: TgMessage = {
      message_id: this.nextMessageId(),
      from: this.botUser(bot),
      chat: chat.chat,
      date: seconds(now),
      ...built.fields,
    };
    if (replied) message.reply_to_message = replied;
    // A message carries its markup only when it is an inline keyboard.
    if (isObject(params.reply_markup) && params.reply_markup.inline_keyboard !== undefined)
      message.reply_markup = params.reply_markup;
    state.remember(chat, message);
    state.counters.sent += 1;
    state.sends.push({ method, chatId, messageId: message.message_id, at: new Date(now).toISOString(), params });
    return late(ok(message));
  }

  private chatAction(state: BotState, params: Params): Reply {
    const chatId = chatIdOf(params.chat_id);
    if (chatId === undefined)
      return this.refuse(
        state,
        badRequest(params.chat_id === undefined ? 'Bad Request: chat_id is empty' : 'Bad Request: chat not found'),
      );
    if (typeof params.action !== 'string' || params.action === '')
      return this.refuse(state, badRequest('Bad Request: wrong parameter action in request'));
    const chat = state.chat(chatId);
    if (!chat) return this.refuse(state, failure(403, "Forbidden: bot can't initiate conversation with a user"));
    if (chat.blocked) return this.refuse(state, failure(403, 'Forbidden: bot was blocked by the user'));
    return ok(true);
  }

  private answerCallbackQuery(state: BotState, params: Params): Reply {
    const id = params.callback_query_id;
    if (typeof id !== 'string' && typeof id !== 'number') return this.refuse(state, badRequest(STALE_QUERY));
    if (
      params.text !== undefined &&
      (typeof params.text !== 'string' || params.text.length > TELEGRAM_LIMITS.callbackAnswerText)
    ) {
      return this.refuse(state, badRequest('Bad Request: MESSAGE_TOO_LONG'));
    }
    if (!state.answer(String(id))) return this.refuse(state, badRequest(STALE_QUERY));
    return ok(true);
  }

  private getFile(state: BotState, params: Params): Reply {
    const file = typeof params.file_id === 'string' ? state.files.get(params.file_id) : undefined;
    if (!file) return this.refuse(state, badRequest('Bad Request: invalid file_id'));
    return ok({
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      ...(file.file_size !== undefined ? { file_size: file.file_size } : {}),
      file_path: file.file_path,
    });
  }

  // ------------------------------------------------------------------------------------------ internals

  /** Counts a refusal by its error_code. */
  private refuse(state: BotState, reply: Reply): Reply {
    if (reply.kind === 'json') state.rejected(reply.status);
    return reply;
  }

  /** The media of sendPhoto/Video/Document/Audio: an HTTP URL (never fetched) or a file_id this bot knows. */
  private media(state: BotState, kind: MediaKind, params: Params): Content {
    const problem = parseModeProblem(params.parse_mode) ?? captionProblem(params.caption, params.parse_mode);
    if (problem) return { ok: false, problem };
    const value = params[kind];
    if (value === undefined || value === null || value === '')
      return { ok: false, problem: `Bad Request: there is no ${kind} in the request` };
    if (typeof value !== 'string') return { ok: false, problem: 'Bad Request: wrong file identifier/HTTP URL specified' };
    let file = state.files.get(value);
    if (!file) {
      if (!isHttpUrl(value)) return { ok: false, problem: 'Bad Request: wrong file identifier/HTTP URL specified' };
      if (kind === 'document') {
        const wrongType = documentUrlProblem(value);
        if (wrongType) return { ok: false, problem: wrongType };
      }
      const ext = /\.([a-z0-9]{1,8})$/i.exec(new URL(value).pathname)?.[1]?.toLowerCase();
      const shape = {
        photo: { folder: 'photos', ext: 'jpg', mime: 'image/jpeg' },
        video: { folder: 'videos', ext: 'mp4', mime: 'video/mp4' },
        document: {
          folder: 'documents',
          ext: ext ?? 'pdf',
          mime: ext === 'zip' ? 'application/zip' : ext === 'gif' ? 'image/gif' : 'application/pdf',
        },
        audio: { folder: 'music', ext: 'mp3', mime: 'audio/mpeg' },
      }[kind];
      file = this.newFile(shape.folder, shape.ext, shape.mime);
      file.sourceName = new URL(value).pathname.split('/').pop() || `file.${shape.ext}`;
      state.addFile(file);
    }
    const ids = {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      ...(file.file_size !== undefined ? { file_size: file.file_size } : {}),
    };
    const fields: Record<string, unknown> = {};
    switch (kind) {
      case 'photo':
        fields.photo = [
          { ...ids, width: 90, height: 90 },
          { ...ids, width: 800, height: 800 },
        ];
        break;
      case 'video':
        fields.video = { ...ids, width: 640, height: 360, duration: 1, mime_type: file.mimeType };
        break;
      case 'document':
        fields.document = { ...ids, file_name: file.sourceName, mime_type: file.mimeType };
        break;
      case 'audio':
        fields.audio = { ...ids, duration: 1, mime_type: file.mimeType };
        break;
    }
    if (typeof params.caption === 'string' && params.caption !== '') fields.caption = params.caption;
    return { ok: true, fields };
  }

  /**
   * Flood control: the chat's bucket (`chatMessagesPerSecond`, bursts of `chatBurst`), then the bot's sliding second
   * (`botMessagesPerSecond`). Undefined when the send fits (and is counted), else the seconds to wait.
   */
  private flood(state: BotState, chat: ChatState, now: number): number | undefined {
    const limits = this.sim.config.telegram;
    const interval = 1000 / limits.chatMessagesPerSecond;
    const tat = Math.max(chat.tat, now);
    const excess = tat - now - (limits.chatBurst - 1) * interval;
    if (excess > 0) return Math.max(1, Math.ceil(excess / 1000));
    if (!state.windowOf(limits.botMessagesPerSecond).tryAcquire(now)) return 1;
    chat.tat = tat + interval;
    return undefined;
  }

  private buttonPress(
    bot: TelegramBotRegistration,
    state: BotState,
    chatId: number,
    data: string,
    messageId: number,
  ): AdminAnswer {
    const chat = state.chat(chatId);
    if (!chat) return { status: 404, value: { error: { message: `Chat ${chatId} never wrote to bot ${bot.botId}.` } } };
    if (chat.blocked)
      return { status: 409, value: { error: { message: `Chat ${chatId} blocked the bot: its buttons cannot be pressed.` } } };
    const message = chat.messages.get(messageId);
    if (!message || message.from.id !== Number(bot.botId)) {
      return { status: 404, value: { error: { message: `The bot sent no message ${messageId} to chat ${chatId}.` } } };
    }
    const markup = message.reply_markup;
    const rows = isObject(markup) && Array.isArray(markup.inline_keyboard) ? (markup.inline_keyboard as unknown[][]) : [];
    if (!rows.some((row) => row.some((button) => isObject(button) && button.callback_data === data))) {
      return adminBad(`Message ${messageId} has no inline button with callback_data ${JSON.stringify(data)}.`);
    }
    this.callbackId += 1;
    const id = `${bot.botId}${String(this.callbackId).padStart(10, '0')}`;
    state.openCallbacks.set(id, chatId);
    const callbackQuery = {
      id,
      from: chat.user,
      message,
      chat_instance: String(BigInt(fnv1a(`${bot.botId}:${chatId}`)) * 4294967296n + BigInt(fnv1a(`${chatId}:${bot.botId}`))),
      data,
    };
    const updateId = this.dispatch(state, { callback_query: callbackQuery });
    return { status: 202, value: { updateId, callbackQueryId: id, callbackQuery } };
  }

  private memberChange(
    bot: TelegramBotRegistration,
    chat: ChatState,
    now: number,
    from: 'member' | 'kicked',
    to: 'member' | 'kicked',
  ) {
    const member = (status: 'member' | 'kicked') => ({
      user: this.botUser(bot),
      status,
      ...(status === 'kicked' ? { until_date: 0 } : {}),
    });
    return { chat: chat.chat, from: chat.user, date: seconds(now), old_chat_member: member(from), new_chat_member: member(to) };
  }

  /** Numbers and sends (or keeps, with no webhook yet) one Update; returns its update_id. */
  private dispatch(state: BotState, body: Record<string, unknown>): number {
    this.updateId += 1;
    const update = { update_id: this.updateId, ...body };
    const type = Object.keys(body)[0] as string;
    const allowed = state.allowedUpdates.length === 0 ? !OPT_IN_UPDATES.has(type) : state.allowedUpdates.includes(type);
    // Telegram never stores an update of a type the bot did not ask for.
    if (!allowed) return this.updateId;
    state.counters.updates += 1;
    if (state.webhook) this.post(state, update);
    else state.queue(update);
    return this.updateId;
  }

  private post(state: BotState, update: Record<string, unknown>): void {
    const hook = state.webhook;
    if (!hook) return;
    this.sim.delivery.post({
      url: hook.url,
      appSecret: '',
      payload: update,
      kind: 'telegramUpdate',
      statuses: [],
      headers: hook.secretToken ? { 'x-telegram-bot-api-secret-token': hook.secretToken } : {},
    });
  }

  private botUser(
    bot: TelegramBotRegistration,
  ): TgUser & { can_join_groups: boolean; can_read_all_group_messages: boolean; supports_inline_queries: boolean } {
    return {
      id: Number(bot.botId),
      is_bot: true,
      first_name: bot.firstName,
      username: bot.username,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
    };
  }

  private nextMessageId(): number {
    this.messageId += 1;
    return this.messageId;
  }

  private newFile(folder: string, ext: string, mimeType: string, bytes?: Buffer): TgFile {
    this.fileCounter += 1;
    return {
      file_id: `AgACAgQAAxkBAAI${randomBytes(24).toString('base64url')}`,
      file_unique_id: `AQAD${randomBytes(9).toString('base64url')}`,
      ...(bytes ? { file_size: bytes.length, bytes } : {}),
      file_path: `${folder}/file_${this.fileCounter}.${ext}`,
      mimeType,
    };
  }
}

/** sendLocation (latitude, longitude) and sendVenue (also title, address). */
function place(params: Params, venue: boolean): Content {
  const latitude = coordinate(params.latitude, 90);
  const longitude = coordinate(params.longitude, 180);
  if (params.latitude === undefined || params.longitude === undefined)
    return { ok: false, problem: 'Bad Request: wrong latitude or longitude: both are required' };
  if (latitude === undefined || longitude === undefined)
    return { ok: false, problem: 'Bad Request: wrong latitude or longitude' };
  const location = { latitude, longitude };
  if (!venue) return { ok: true, fields: { location } };
  if (typeof params.title !== 'string' || params.title.trim() === '')
    return { ok: false, problem: 'Bad Request: venue title is empty' };
  if (typeof params.address !== 'string' || params.address.trim() === '')
    return { ok: false, problem: 'Bad Request: venue address is empty' };
  return { ok: true, fields: { location, venue: { location, title: params.title, address: params.address } } };
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function adminBad(message: string, problems?: string[]): AdminAnswer {
  return { status: 400, value: { error: problems ? { message, problems } : { message } } };
}

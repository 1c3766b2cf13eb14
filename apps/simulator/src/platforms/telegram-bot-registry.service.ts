// The Telegram bots the simulator answers for (PUT /_sim/telegram-bots/:botId) and each one's world: its webhook,
// the private chats that started it (or blocked it), the messages in them, files, callback queries, updates not
// yet delivered, its flood-control state and counters.
import { ThroughputWindow } from '../throughput-window.util';
import { isObject, RecentList } from './request-body.util';

export interface TelegramBotRegistration {
  /** The bot's user id: the part of the token before ":". */
  botId: string;
  token: string;
  username: string;
  firstName: string;
}

export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  username?: string;
  language_code?: string;
}

export interface TgChat {
  id: number;
  type: 'private';
  first_name: string;
  username?: string;
}

/** A Bot API Message (the fields the simulator fills). */
export interface TgMessage {
  message_id: number;
  from: TgUser;
  chat: TgChat;
  date: number;
  [field: string]: unknown;
}

export interface TgFile {
  file_id: string;
  file_unique_id: string;
  file_size?: number;
  file_path: string;
  /** Bytes of a file a user sent; files the bot sent by URL were never fetched and have none. */
  bytes?: Buffer;
  mimeType: string;
  /** The name a document sent by URL goes by (the URL's last path segment). */
  sourceName?: string;
}

export interface TgWebhook {
  url: string;
  secretToken: string | null;
  maxConnections: number;
}

export interface ChatState {
  chat: TgChat;
  user: TgUser;
  blocked: boolean;
  /** Messages of the chat by id (the newest MAX_CHAT_MESSAGES). */
  messages: Map<number, TgMessage>;
  /** Flood control: the chat's "theoretical arrival time" (GCRA), when its burst allowance is full again. */
  tat: number;
}

export interface KeptBotSend {
  method: string;
  chatId: number;
  messageId: number;
  at: string;
  params: Record<string, unknown>;
}

export interface BotCounters {
  sent: number;
  rejected: number;
  rejectedByCode: Record<string, number>;
  updates: number;
  callbackQueriesAnswered: number;
}

const MAX_CHAT_MESSAGES = 500;
const MAX_PENDING_UPDATES = 1000;
const MAX_FILES = 1000;
const MAX_ANSWERED_KEPT = 1000;
const MAX_KEPT_SENDS = 1000;

export class BotState {
  webhook: TgWebhook | null = null;
  /** `allowed_updates` as last set (setWebhook or getUpdates); empty = Telegram's default set. */
  allowedUpdates: string[] = [];
  readonly pending: Array<Record<string, unknown>> = [];
  readonly chats = new Map<number, ChatState>();
  readonly files = new Map<string, TgFile>();
  readonly filesByPath = new Map<string, TgFile>();
  /** Callback queries posted and not yet answered: id → chat. */
  readonly openCallbacks = new Map<string, number>();
  readonly answeredCallbacks = new RecentList<string>(MAX_ANSWERED_KEPT);
  private readonly answeredSet = new Set<string>();
  readonly sends = new RecentList<KeptBotSend>(MAX_KEPT_SENDS);
  counters: BotCounters = { sent: 0, rejected: 0, rejectedByCode: {}, updates: 0, callbackQueriesAnswered: 0 };
  private window: ThroughputWindow | undefined;

  windowOf(limit: number): ThroughputWindow {
    if (!this.window || this.window.limit !== limit) this.window = new ThroughputWindow(limit);
    return this.window;
  }

  chat(id: number): ChatState | undefined {
    return this.chats.get(id);
  }

  /** The chat of a user who wrote, made on first contact. */
  chatOf(id: number, firstName: string | undefined, username: string | undefined): ChatState {
    let state = this.chats.get(id);
    if (!state) {
      const name = firstName ?? `User ${id}`;
      const chat: TgChat = { id, type: 'private', first_name: name, ...(username ? { username } : {}) };
      const user: TgUser = { id, is_bot: false, first_name: name, ...(username ? { username } : {}), language_code: 'en' };
      state = { chat, user, blocked: false, messages: new Map(), tat: 0 };
      this.chats.set(id, state);
    }
    return state;
  }

  remember(state: ChatState, message: TgMessage): void {
    state.messages.set(message.message_id, message);
    if (state.messages.size > MAX_CHAT_MESSAGES) {
      const oldest = state.messages.keys().next().value;
      if (oldest !== undefined) state.messages.delete(oldest);
    }
  }

  addFile(file: TgFile): void {
    this.files.set(file.file_id, file);
    this.filesByPath.set(file.file_path, file);
    for (const [id, old] of this.files) {
      if (this.files.size <= MAX_FILES) break;
      this.files.delete(id);
      this.filesByPath.delete(old.file_path);
    }
  }

  queue(update: Record<string, unknown>): void {
    this.pending.push(update);
    if (this.pending.length > MAX_PENDING_UPDATES) this.pending.shift();
  }

  /** Marks a callback query answered; false when it is unknown or was answered already. */
  answer(id: string): boolean {
    if (!this.openCallbacks.has(id) || this.answeredSet.has(id)) return false;
    this.openCallbacks.delete(id);
    this.answeredSet.add(id);
    this.answeredCallbacks.push(id);
    if (this.answeredSet.size > MAX_ANSWERED_KEPT * 2) {
      this.answeredSet.clear();
      for (const kept of this.answeredCallbacks.last(MAX_ANSWERED_KEPT)) this.answeredSet.add(kept);
    }
    this.counters.callbackQueriesAnswered += 1;
    return true;
  }

  rejected(code: number): void {
    this.counters.rejected += 1;
    this.counters.rejectedByCode[String(code)] = (this.counters.rejectedByCode[String(code)] ?? 0) + 1;
  }
}

export class TelegramBotRegistry {
  private readonly bots = new Map<string, TelegramBotRegistration>();
  private readonly byToken = new Map<string, TelegramBotRegistration>();
  private readonly states = new Map<string, BotState>();

  upsert(bot: TelegramBotRegistration): 'created' | 'updated' {
    const previous = this.bots.get(bot.botId);
    if (previous) this.byToken.delete(previous.token);
    this.bots.set(bot.botId, bot);
    this.byToken.set(bot.token, bot);
    return previous ? 'updated' : 'created';
  }

  get(botId: string): TelegramBotRegistration | undefined {
    return this.bots.get(botId);
  }

  withToken(token: string): TelegramBotRegistration | undefined {
    return this.byToken.get(token);
  }

  list(): TelegramBotRegistration[] {
    return [...this.bots.values()];
  }

  delete(botId: string): boolean {
    const bot = this.bots.get(botId);
    if (!bot) return false;
    this.byToken.delete(bot.token);
    this.states.delete(botId);
    return this.bots.delete(botId);
  }

  state(botId: string): BotState {
    let state = this.states.get(botId);
    if (!state) {
      state = new BotState();
      this.states.set(botId, state);
    }
    return state;
  }

  /**
   * Forgets each bot's chats, files, callback queries, pending updates, sends and counters, keeping its webhook
   * (Herald sets it once, when the channel is made); with `all`, the bots too.
   */
  reset(all: boolean): void {
    if (all) {
      this.bots.clear();
      this.byToken.clear();
      this.states.clear();
      return;
    }
    for (const [botId, old] of this.states) {
      const fresh = new BotState();
      fresh.webhook = old.webhook;
      fresh.allowedUpdates = old.allowedUpdates;
      this.states.set(botId, fresh);
    }
  }
}

type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** Checks a PUT /_sim/telegram-bots/:botId body: `{token: "<botId>:<secret>", username, firstName?}`. */
export function parseBotRegistration(botId: string, value: unknown): Parsed<TelegramBotRegistration> {
  const problems: string[] = [];
  if (!/^\d{1,20}$/.test(botId)) problems.push('the bot id must be digits (the part of the token before ":")');
  if (!isObject(value)) return { ok: false, problems: [...problems, 'the body must be a JSON object'] };
  const known = ['token', 'username', 'firstName'];
  for (const key of Object.keys(value)) if (!known.includes(key)) problems.push(`${key}: unknown field (${known.join(', ')})`);
  const { token, username, firstName } = value;
  if (typeof token !== 'string' || !/^\d{1,20}:[A-Za-z0-9_-]{1,200}$/.test(token)) {
    problems.push('token: must look like "<botId>:<secret>" (secret: letters, digits, "_" or "-")');
  } else if (token.slice(0, token.indexOf(':')) !== botId) {
    problems.push(`token: must start with the bot id, "${botId}:"`);
  }
  if (typeof username !== 'string' || !/^[A-Za-z][A-Za-z0-9_]{3,31}$/.test(username))
    problems.push('username: 4–32 letters, digits or "_", starting with a letter');
  if (firstName !== undefined && (typeof firstName !== 'string' || firstName.length === 0 || firstName.length > 64))
    problems.push('firstName: 1–64 characters');
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      botId,
      token: token as string,
      username: username as string,
      firstName: (firstName as string | undefined) ?? (username as string),
    },
  };
}

import { Pool } from 'undici';
import type {
  ChannelProvider,
  ProviderError,
  SendOutcome,
  SendRequest,
  TemplateDefinition,
  TemplateOutcome,
  TemplateRef,
  TemplateState,
} from '../channel-provider.types';
import { invalidRequestError, isRecord, mapGraphFailure, transportError } from './graph-error.util';
import { toGraphMessage, toGraphTemplateDefinition, type GraphJson } from './graph-payload.util';
import { validateOutboundMessage } from './outbound-message.util';
import { templateStatus } from './webhook-payload.util';
import { WHATSAPP_ADAPTER_DEFAULTS, WHATSAPP_LIMITS } from './whatsapp.constants';
import type { WhatsAppCloudAdapterOptions, WhatsAppCredentials } from './whatsapp.types';

const E164 = /^\+[1-9]\d{6,14}$/;
const TEMPLATE_FIELDS = 'id,name,language,status,category,rejected_reason';
const MAX_RESPONSE_BYTES = 1024 * 1024;
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

type GraphAnswer = { readonly ok: true; readonly json: unknown } | { readonly ok: false; readonly error: ProviderError };

/**
 * WhatsApp Cloud API over HTTP: sends messages, creates templates and reads their status. One keep-alive
 * pool per Graph origin, shared by every channel (credentials come with each call). Never throws for
 * Graph or network failures: they come back as `{ok: false, error}` mapped by error code.
 */
export class WhatsAppCloudAdapter implements ChannelProvider<WhatsAppCredentials> {
  readonly channel = 'whatsapp' as const;
  private readonly pools = new Map<string, Pool>();
  /** Phone numbers this process has already looked up (see `prepare`). */
  private readonly prepared = new Map<string, Promise<void>>();
  private readonly connections: number;
  private readonly requestTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly keepAliveTimeoutMs: number;
  private readonly userAgent: string;

  constructor(options: WhatsAppCloudAdapterOptions = {}) {
    this.connections = options.connections ?? WHATSAPP_ADAPTER_DEFAULTS.connections;
    this.requestTimeoutMs = options.requestTimeoutMs ?? WHATSAPP_ADAPTER_DEFAULTS.requestTimeoutMs;
    this.connectTimeoutMs = options.connectTimeoutMs ?? WHATSAPP_ADAPTER_DEFAULTS.connectTimeoutMs;
    this.keepAliveTimeoutMs = options.keepAliveTimeoutMs ?? WHATSAPP_ADAPTER_DEFAULTS.keepAliveTimeoutMs;
    this.userAgent = options.userAgent ?? 'herald';
  }

  /**
   * Before the first send through a number in this process: one read of the number (`GET /{phoneNumberId}`),
   * which opens the connection and warms the HTTP client, so the first sends leave on time instead of some
   * milliseconds after their rate-limit slot. Its outcome does not matter; sends report their own.
   */
  async prepare(credentials: WhatsAppCredentials): Promise<void> {
    const key = `${credentials.graphBaseUrl}|${credentials.phoneNumberId}`;
    let done = this.prepared.get(key);
    if (!done) {
      done = this.call(credentials, 'GET', [credentials.phoneNumberId], { fields: 'id' }).then(() => undefined);
      this.prepared.set(key, done);
    }
    await done;
  }

  async send(credentials: WhatsAppCredentials, request: SendRequest): Promise<SendOutcome> {
    if (!E164.test(request.to)) {
      return { ok: false, error: invalidRequestError('invalid_recipient', `"${request.to}" is not an E.164 number with '+'.`) };
    }
    if (request.callbackData === '' || [...request.callbackData].length > WHATSAPP_LIMITS.callbackData) {
      return {
        ok: false,
        error: invalidRequestError(
          'invalid_callback_data',
          `callbackData must be 1 to ${WHATSAPP_LIMITS.callbackData} characters.`,
        ),
      };
    }
    const checked = validateOutboundMessage(request.message);
    if (!checked.ok) {
      const details = checked.errors.map((e) => `${e.field}: ${e.issue}`).join('; ');
      return { ok: false, error: invalidRequestError('invalid_message', details) };
    }
    const body = toGraphMessage(request.to, checked.message, request.callbackData);
    const answer = await this.call(credentials, 'POST', [credentials.phoneNumberId, 'messages'], undefined, body);
    if (!answer.ok) return answer;
    const json = isRecord(answer.json) ? answer.json : {};
    const messages = Array.isArray(json['messages']) ? json['messages'] : [];
    const contacts = Array.isArray(json['contacts']) ? json['contacts'] : [];
    const first: unknown = messages[0];
    const contact: unknown = contacts[0];
    const id = isRecord(first) && typeof first['id'] === 'string' ? first['id'] : undefined;
    if (id === undefined) return { ok: false, error: unexpectedAnswer('The send was answered without a message id.') };
    const waId = isRecord(contact) && typeof contact['wa_id'] === 'string' ? contact['wa_id'] : undefined;
    return { ok: true, providerMessageId: id, ...(waId === undefined ? {} : { recipientId: waId }) };
  }

  async createTemplate(credentials: WhatsAppCredentials, definition: TemplateDefinition): Promise<TemplateOutcome> {
    const answer = await this.call(
      credentials,
      'POST',
      [credentials.wabaId, 'message_templates'],
      undefined,
      toGraphTemplateDefinition(definition),
    );
    if (!answer.ok) return answer;
    const state = templateState(answer.json, { name: definition.name, language: definition.language });
    return state === undefined
      ? { ok: false, error: unexpectedAnswer('The template was answered without id and status.') }
      : { ok: true, template: state };
  }

  async getTemplate(credentials: WhatsAppCredentials, ref: TemplateRef): Promise<TemplateOutcome> {
    if ('id' in ref) {
      const answer = await this.call(credentials, 'GET', [ref.id], { fields: TEMPLATE_FIELDS });
      if (!answer.ok) return answer;
      const state = templateState(answer.json, {});
      return state === undefined
        ? { ok: false, error: unexpectedAnswer('The template was answered without id and status.') }
        : { ok: true, template: state };
    }
    // The listing's name filter is not an exact match: page through and pick the exact name (and language).
    let after: string | undefined;
    for (let page = 0; page < WHATSAPP_ADAPTER_DEFAULTS.templateLookupPages; page += 1) {
      const query: Record<string, string> = {
        name: ref.name,
        fields: TEMPLATE_FIELDS,
        limit: '100',
        ...(after === undefined ? {} : { after }),
      };
      const answer = await this.call(credentials, 'GET', [credentials.wabaId, 'message_templates'], query);
      if (!answer.ok) return answer;
      const json = isRecord(answer.json) ? answer.json : {};
      const data = Array.isArray(json['data']) ? json['data'] : [];
      for (const item of data) {
        const state = templateState(item, {});
        if (state !== undefined && state.name === ref.name && (ref.language === undefined || state.language === ref.language)) {
          return { ok: true, template: state };
        }
      }
      const paging = isRecord(json['paging']) ? json['paging'] : {};
      const cursors = isRecord(paging['cursors']) ? paging['cursors'] : {};
      after = typeof cursors['after'] === 'string' && typeof paging['next'] === 'string' ? cursors['after'] : undefined;
      if (after === undefined) break;
    }
    const which = ref.language === undefined ? `"${ref.name}"` : `"${ref.name}" (${ref.language})`;
    return {
      ok: false,
      error: {
        code: 'template_not_found',
        title: 'Template not found',
        details: `The WhatsApp Business Account has no template named ${which}.`,
        retriable: false,
        category: 'template_problem',
      },
    };
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.close()));
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, {
        connections: this.connections,
        keepAliveTimeout: this.keepAliveTimeoutMs,
        connectTimeout: this.connectTimeoutMs,
        headersTimeout: this.requestTimeoutMs,
        bodyTimeout: this.requestTimeoutMs,
        maxResponseSize: MAX_RESPONSE_BYTES,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  private async call(
    credentials: WhatsAppCredentials,
    method: 'GET' | 'POST',
    segments: readonly string[],
    query?: Record<string, string>,
    body?: GraphJson,
  ): Promise<GraphAnswer> {
    let base: URL;
    try {
      base = new URL(credentials.graphBaseUrl);
    } catch {
      return { ok: false, error: invalidRequestError('invalid_graph_base_url', `"${credentials.graphBaseUrl}" is not a URL.`) };
    }
    if (base.protocol !== 'https:' && base.protocol !== 'http:') {
      return {
        ok: false,
        error: invalidRequestError('invalid_graph_base_url', `"${credentials.graphBaseUrl}" is not an http(s) URL.`),
      };
    }
    const path =
      `${base.pathname.replace(/\/+$/, '')}/${segments.map(encodeURIComponent).join('/')}` +
      (query === undefined ? '' : `?${new URLSearchParams(query).toString()}`);
    const headers: Record<string, string> = {
      authorization: `Bearer ${credentials.accessToken}`,
      accept: 'application/json',
      'user-agent': this.userAgent,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await this.pool(base.origin).request({
        method,
        path,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
      const raw = await response.body.text();
      const json = parseJson(raw);
      if (response.statusCode >= 200 && response.statusCode < 300) return { ok: true, json };
      const retryAfter = response.headers['retry-after'];
      return {
        ok: false,
        error: mapGraphFailure({
          httpStatus: response.statusCode,
          body: json,
          ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
        }),
      };
    } catch (error) {
      return { ok: false, error: transportFailure(error) };
    }
  }
}

function templateState(value: unknown, known: { name?: string; language?: string }): TemplateState | undefined {
  if (!isRecord(value)) return undefined;
  const id = typeof value['id'] === 'string' || typeof value['id'] === 'number' ? String(value['id']) : undefined;
  const providerStatus = typeof value['status'] === 'string' ? value['status'] : undefined;
  if (id === undefined || providerStatus === undefined) return undefined;
  const name = typeof value['name'] === 'string' ? value['name'] : known.name;
  const language = typeof value['language'] === 'string' ? value['language'] : known.language;
  const category = typeof value['category'] === 'string' ? value['category'] : undefined;
  const reason =
    typeof value['rejected_reason'] === 'string' && value['rejected_reason'] !== 'NONE' ? value['rejected_reason'] : undefined;
  return {
    id,
    status: templateStatus(providerStatus),
    providerStatus,
    ...(name === undefined ? {} : { name }),
    ...(language === undefined ? {} : { language }),
    ...(category === undefined ? {} : { category }),
    ...(reason === undefined ? {} : { rejectedReason: reason }),
  };
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** Meta accepted the request but the answer is not what it documents: do not resend blindly. */
function unexpectedAnswer(details: string): ProviderError {
  return { code: 'unexpected_response', title: 'Unexpected answer', details, retriable: false, category: 'unknown' };
}

function transportFailure(error: unknown): ProviderError {
  const e = isRecord(error) || error instanceof Error ? (error as { name?: unknown; code?: unknown; message?: unknown }) : {};
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(error);
  if (name === 'TimeoutError' || TIMEOUT_CODES.has(code)) return transportError('timeout', message);
  return transportError('network', code === '' ? message : `${code}: ${message}`);
}

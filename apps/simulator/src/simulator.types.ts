import type { MessageType, TemplateCategory, TemplateStatus } from './simulator.constants';

/** A business phone number the simulator answers for, as registered through /_sim/phone-numbers. */
export interface PhoneNumberRegistration {
  phoneNumberId: string;
  wabaId: string;
  /** As Meta shows it in webhook metadata, e.g. "15550001234". */
  displayPhoneNumber: string;
  verifiedName: string;
  /** The Bearer token a send must carry. */
  accessToken: string;
  /** Signs every webhook POST (X-Hub-Signature-256). */
  appSecret: string;
  /** Where status, inbound and template webhooks go; none means no webhooks for this number. */
  webhookUrl: string | null;
  /** Throughput limit; null means the runtime default (`defaultMessagesPerSecond`). */
  messagesPerSecond: number | null;
}

export interface MsRange {
  min: number;
  max: number;
}

/** Behaviour that can change at run time (GET/PUT /_sim/config). */
export interface RuntimeConfig {
  /** Seed for the simulator's random choices; null draws from Math.random. */
  seed: number | null;
  /** Throughput per phone number when its registration names none (Meta's default is 80/s). */
  defaultMessagesPerSecond: number;
  statuses: {
    /** Delay of each step: accepted → sent, sent → delivered, delivered → read. */
    latencyMs: MsRange;
    /** Share of sent messages that get delivered. */
    deliveredProbability: number;
    /** Share of delivered messages that get read. */
    readProbability: number;
    notOnWhatsApp: {
      /** Recipients that always fail with 131026 (any format; compared by digits). */
      numbers: string[];
      /** Share of all other recipients that fail, chosen by a hash of the number (reruns agree). */
      share: number;
    };
    /** Chance that a status is posted a second time in a later POST. */
    duplicateProbability: number;
    /** Chance that a status is held back to a later POST, behind newer ones. */
    reorderProbability: number;
    /** Add `pricing` to sent/delivered/read statuses (per-message pricing, PMP). */
    includePricing: boolean;
  };
  webhooks: {
    /** Statuses per POST at most (Meta batches; it allows up to 1,000). */
    maxStatusesPerPost: number;
    /** Buffered statuses are posted at least this often. */
    flushIntervalMs: number;
    /** Attempts per POST before it is given up (1 = no retry). */
    maxAttempts: number;
    /** First retry after this long, doubling each time. */
    retryDelayMs: number;
    /** A POST that has not answered in this long counts as failed. */
    timeoutMs: number;
    /** Keep-alive connections per webhook origin. */
    connections: number;
  };
  templates: {
    /** A created template is reviewed after this long (0 = approved at once). */
    approvalDelayMs: number;
    /** Templates whose name matches this regular expression are rejected; null rejects none. */
    rejectNamePattern: string | null;
    /** Send message_template_status_update webhooks on review and status changes. */
    statusWebhooks: boolean;
  };
  faults: {
    /** Share of sends answered with a Meta-style 5xx (131000/HTTP 500 or 2/HTTP 503). */
    serverErrorShare: number;
    /** Share of sends held and never answered (not accepted). */
    timeoutShare: number;
    /** Share of answers delayed by `extraLatencyMs`. */
    extraLatencyShare: number;
    extraLatencyMs: MsRange;
    /** Periodic bursts of 130429: during the first `durationMs` of every `everyMs` (0 = off). */
    throttleBurst: { everyMs: number; durationMs: number };
  };
}

export type StatusName = 'sent' | 'delivered' | 'read' | 'failed';

/** One accepted message, as the status pipeline needs it. */
export interface AcceptedMessage {
  wamid: string;
  phoneNumberId: string;
  /** The recipient's wa_id (digits). */
  recipientId: string;
  callbackData: string | undefined;
  /** Pricing category: a template's category in lower case, else "service". */
  pricingCategory: string;
}

export interface WebhookError {
  code: number;
  title: string;
  message: string;
  error_data: { details: string };
  href: string;
}

/** A status item exactly as it appears in `value.statuses[]`. */
export interface StatusItem {
  id: string;
  status: StatusName;
  timestamp: string;
  recipient_id: string;
  biz_opaque_callback_data?: string;
  pricing?: { billable: boolean; pricing_model: string; type: string; category: string };
  errors?: WebhookError[];
}

export interface SendTemplateRef {
  name: string;
  languageCode: string;
  /** Positional body parameters given, or the names of named ones. */
  bodyParameters: { positional: number; named: string[] };
  headerParameters: number;
}

/** A send that passed validation. */
export interface ValidSend {
  input: string;
  waId: string;
  type: MessageType;
  callbackData: string | undefined;
  template: SendTemplateRef | undefined;
}

export interface StoredTemplate {
  id: string;
  wabaId: string;
  name: string;
  language: string;
  category: TemplateCategory;
  status: TemplateStatus;
  parameterFormat: 'POSITIONAL' | 'NAMED';
  components: unknown[];
  rejectedReason: string;
}

/** A Graph error ready to send: HTTP status and the JSON body. */
export interface GraphErrorResponse {
  httpStatus: number;
  code: number;
  body: string;
}

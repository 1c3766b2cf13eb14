import type {
  MessageType,
  MessagingLimitTier,
  TemplateCategory,
  TemplateQualityScore,
  TemplateStatus,
} from './simulator.constants';

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
  /** The business portfolio the number belongs to (its messaging limit is shared); defaults to the wabaId. */
  businessId: string;
  /**
   * This number's messaging limit (Meta's deprecated per-number `messaging_limit_tier`). The portfolio's limit
   * (`whatsapp_business_manager_messaging_limit`, enforced) is the highest of its numbers'.
   */
  messagingLimit: MessagingLimitTier;
  /** The WABA accepted the Marketing Messages API terms (any number of the WABA saying so onboards the WABA). */
  marketingMessagesOnboarded: boolean;
  /**
   * The Meta app the access token belongs to (`GET /app`, `POST /{appId}/uploads`). Absent: derived from the app
   * secret (see `appIdOf`), so numbers registered with one app secret share one app.
   */
  appId?: string;
}

/** Recipients picked for a rule: listed explicitly, or a share of all others chosen by a hash of the number. */
export interface RecipientPick {
  /** Any format; compared by digits. */
  numbers: string[];
  share: number;
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
    /** Recipients that fail with 131026; the share is chosen by a hash of the number (reruns agree). */
    notOnWhatsApp: RecipientPick;
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
  latency: {
    /** Every Graph API answer (sends, templates, object reads, errors) waits a draw from this range. */
    responseMs: MsRange;
  };
  /** Meta's pair rate limit per (business number, recipient): ~1 message per `perSeconds`, bursts of `burst`. */
  pairRate: { enabled: boolean; perSeconds: number; burst: number };
  serviceWindow: {
    /** Non-template messages to a user without an inbound message in the last 24 h fail with 131047. */
    enforce: boolean;
  };
  /** Meta's rules for MARKETING template sends, each by recipient. */
  marketing: {
    /** Per-user marketing limit: failed, 131049. */
    capped: RecipientPick;
    /** The user stopped marketing messages from the business: failed, 131050. */
    stopped: RecipientPick;
    /** The user is in a marketing experiment: failed, 130472. */
    experiment: RecipientPick;
  };
  quality: {
    /** Share of template sends answered "held_for_quality_assessment" and released after `heldMs`. */
    heldShare: number;
    heldMs: number;
  };
  /** Messenger and Instagram pages (their per-page limit is `messagesPerSecond` in each registration). */
  pages: {
    /** Audio and video sends per page per second (Meta: 10 calls/s, beside 300/s for the rest); over it → 613. */
    audioVideoPerSecond: number;
  };
  /** Telegram bots: the flood limits of the Bots FAQ, answered with 429 and `retry_after`. */
  telegram: {
    /** Sends per bot in any sliding second (Telegram: about 30). */
    botMessagesPerSecond: number;
    /** Sustained sends into one chat per second (Telegram: about 1). */
    chatMessagesPerSecond: number;
    /** Sends into one chat at once before `chatMessagesPerSecond` applies (Telegram tolerates short bursts). */
    chatBurst: number;
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
  /** Pricing category: a template's category in lower case ("marketing_lite" through /marketing_messages), else "service". */
  pricingCategory: string;
  /** `pricing.billable` (default true); false for free customer-service messages. */
  billable?: boolean;
  /** `pricing.type` (default "regular"); "free_customer_service" inside a customer-service window. */
  pricingType?: string;
  /** When set, the message's only status is `failed` with this error code. */
  failureCode?: number;
  /** Extra time before the first status (a send held for quality assessment). */
  holdMs?: number;
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
  /** Meta's template quality rating (`quality_score.score`); created templates start UNKNOWN. */
  qualityScore: TemplateQualityScore;
  /** When the quality score was last set (ms), shown as `quality_score.date`. */
  qualityScoreAt: number;
}

/** A Graph error ready to send: HTTP status and the JSON body. */
export interface GraphErrorResponse {
  httpStatus: number;
  code: number;
  body: string;
}

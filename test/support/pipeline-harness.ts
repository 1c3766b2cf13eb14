import { CallbackEndpointsModule, CallbacksModule } from '@herald/callbacks';
import { createHash, randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { CampaignsModule, CampaignsService, CampaignsWorkerModule } from '@herald/campaigns';
import {
  ChannelPlatforms,
  mapGraphError,
  type CredentialsCheck,
  type PlatformCallOutcome,
  type ProviderError,
  type SendingChannel,
  type ChannelProvider,
  type SendOutcome,
  type SendRequest,
  type TemplateCategory,
  type WhatsAppCredentials,
} from '@herald/channels';
import { ChannelsModule, ChannelsService } from '@herald/channels';
import { Clock } from '@herald/common';
import { ConfigModule } from '@herald/config';
import { AudiencesService, ContactsModule } from '@herald/contacts';
import { DatabaseModule } from '@herald/database';
import { MessagingModule, MessagingWorkerModule } from '@herald/messaging';
import { ProviderEventsWorkerModule, WebhookApplier, type AppliedBatch } from '@herald/provider-events';
import { QueuesModule } from '@herald/queues';
import { ENTITIES } from '@herald/schema';
import { CHANNEL_PROVIDER, SendingModule } from '@herald/sending';
import { WorkspacesModule, WorkspacesService } from '@herald/workspaces';
import { testWorkerConfig } from './test-env';

/** Time the code under test reads through `Clock`: set it instead of sleeping. Real time until set. */
export class SettableClock extends Clock {
  private at: DateTime | null = null;
  override now(): DateTime {
    return this.at ?? DateTime.utc();
  }
  set(iso: string | Date): void {
    this.at = typeof iso === 'string' ? DateTime.fromISO(iso, { zone: 'utc' }) : DateTime.fromJSDate(iso, { zone: 'utc' });
  }
  advance(ms: number): void {
    this.at = this.now().plus({ milliseconds: ms });
  }
  reset(): void {
    this.at = null;
  }
}

/** What the fake provider answers for one send: accepted (held or not), or a Graph error code, or no answer. */
export type FakeAnswer = 'accept' | 'held' | 'timeout' | { code: number; retryAfterMs?: number };

/**
 * A provider that answers in process: by recipient number as told (`answers`), accepting the rest. It records
 * every request it got, and reports templates' categories from `categories`.
 */
export class FakeProvider implements ChannelProvider<WhatsAppCredentials> {
  readonly channel = 'whatsapp' as const;
  readonly sent: SendRequest[] = [];
  readonly answers = new Map<string, FakeAnswer[]>();
  readonly categories = new Map<string, TemplateCategory>();
  messagingLimit: number | null = null;
  /** The business portfolio that owns each WABA (`owner_business_info`); a WABA not here names none. */
  readonly portfolios = new Map<string, string>();
  /**
   * Message ids are unique across harnesses too: the harnesses of a spec file, and the spec files of one jest worker,
   * share a database (uq_messages_provider_id).
   */
  private readonly tag = randomUUID().slice(0, 8);
  private seq = 0;

  /**
   * Runs before an acceptance is answered, with the id it will carry: a test applies a status webhook there to have
   * the provider's `sent` arrive before Herald records the send's own answer (the race of a busy worker).
   */
  beforeAccept: ((request: SendRequest, providerMessageId: string) => Promise<void>) | null = null;
  /** How long the first `prepare` of each number takes (a provider that far away answers its read that late). */
  prepareMs = 0;
  /** The numbers `prepare` was called for, in order, and when each first call answered (performance.now()). */
  readonly prepared: Array<{ phoneNumberId: string; at: number }> = [];
  private readonly preparing = new Map<string, Promise<void>>();

  async prepare(credentials: WhatsAppCredentials): Promise<void> {
    let done = this.preparing.get(credentials.phoneNumberId);
    if (!done) {
      done = new Promise<void>((resolve) => setTimeout(resolve, this.prepareMs)).then(() => {
        this.prepared.push({ phoneNumberId: credentials.phoneNumberId, at: performance.now() });
      });
      this.preparing.set(credentials.phoneNumberId, done);
    }
    await done;
  }

  /** The next answers for `to`, in order; after them, accept. */
  answer(to: string, ...answers: FakeAnswer[]): void {
    this.answers.set(to, answers);
  }

  sentTo(to: string): SendRequest[] {
    return this.sent.filter((r) => r.to === to);
  }

  async send(_credentials: WhatsAppCredentials, request: SendRequest): Promise<SendOutcome> {
    this.sent.push(request);
    const next = this.answers.get(request.to)?.shift() ?? 'accept';
    if (next === 'accept' || next === 'held') {
      const providerMessageId = `wamid.fake-${this.tag}-${++this.seq}`;
      await this.beforeAccept?.(request, providerMessageId);
      return { ok: true, providerMessageId, held: next === 'held' };
    }
    if (next === 'timeout') return { ok: false, error: { code: 'timeout', title: 'Request timed out', details: 'no answer', retriable: true, category: 'transient' } };
    return { ok: false, error: mapGraphError({ code: next.code, message: `fake ${next.code}` }, 400, next.retryAfterMs) };
  }

  async getTemplateCategory(_c: WhatsAppCredentials, name: string) {
    const category = this.categories.get(name);
    if (category === undefined) return { ok: false as const, error: { code: '132001', title: 'Template does not exist', details: name, retriable: false, category: 'template_problem' as const } };
    return { ok: true as const, templateId: `t-${name}`, category, status: 'APPROVED' as const };
  }

  async getMessagingLimit() {
    return { ok: true as const, limit: this.messagingLimit, raw: this.messagingLimit === null ? 'TIER_UNLIMITED' : `TIER_${this.messagingLimit}` };
  }

  async getMarketingMessagesOnboarding() {
    return { ok: true as const, onboarded: false, status: null };
  }

  async getBusinessPortfolio(credentials: WhatsAppCredentials) {
    const id = this.portfolios.get(credentials.wabaId);
    return { ok: true as const, business: id === undefined ? null : { id, name: `Portfolio ${id}` } };
  }

  async createTemplate(): Promise<never> {
    throw new Error('not used');
  }

  async getTemplate(): Promise<never> {
    throw new Error('not used');
  }

  async close(): Promise<void> {}
}

/**
 * Messenger, Instagram and Telegram in process: records every send (with the channel it went through), answers by
 * recipient as told (`answer`), accepting the rest with a platform-like id, and accepts any credentials.
 */
export class FakePlatforms {
  readonly sent: Array<{ channel: SendingChannel; request: SendRequest; at: number }> = [];
  readonly answered: string[] = [];
  private readonly answers = new Map<string, Array<'accept' | ProviderError>>();
  private readonly tag = randomUUID().slice(0, 8);
  private seq = 0;

  answer(to: string, ...answers: Array<'accept' | ProviderError>): void {
    this.answers.set(to, answers);
  }

  sentTo(to: string): SendRequest[] {
    return this.sent.filter((s) => s.request.to === to).map((s) => s.request);
  }

  async send(channel: SendingChannel, request: SendRequest): Promise<SendOutcome> {
    this.sent.push({ channel, request, at: Date.now() });
    const next = this.answers.get(request.to)?.shift() ?? 'accept';
    if (next !== 'accept') return { ok: false, error: next };
    const id = channel.type === 'telegram' ? `${request.to}:${++this.seq}` : `m_${this.tag}-${++this.seq}`;
    return { ok: true, providerMessageId: id, recipientId: request.to, sent: true };
  }

  async verify(channel: Pick<SendingChannel, 'phoneNumberId'>): Promise<CredentialsCheck> {
    return { ok: true, senderId: channel.phoneNumberId, name: 'Fake page', username: null };
  }

  async setWebhook(): Promise<PlatformCallOutcome> {
    return { ok: true };
  }

  async answerCallbackQuery(_channel: SendingChannel, id: string): Promise<PlatformCallOutcome> {
    this.answered.push(id);
    return { ok: true };
  }

  async downloadMedia(): Promise<undefined> {
    return undefined;
  }

  async onModuleDestroy(): Promise<void> {}
}

/**
 * The worker's send pipeline and its sources, in process, without queue processors: tests call the senders and
 * the fan-in directly, with a fake provider and a settable clock, against this run's Postgres and Redis.
 */
export interface PipelineHarness {
  readonly module: TestingModule;
  readonly provider: FakeProvider;
  readonly platforms: FakePlatforms;
  readonly clock: SettableClock;
  readonly db: DataSource;
  get<T>(type: abstract new (...args: never[]) => T): T;
  /** A workspace and a channel on it (secrets sealed as usual; the fake provider ignores them). */
  workspace(
    name: string,
    channel?: { messagesPerSecond?: number; messagingTier?: '250' | '2000' | 'unlimited'; wabaId?: string },
  ): Promise<{ workspaceId: string; channelId: string }>;
  /**
   * A status webhook as Meta posts it for the channel's number (statuses by provider id, our id as callback data
   * when given), stored and applied by the fan-in as a worker would. The applier drains every event waiting, so
   * events other spec files left in the shared table count in what it returns too.
   */
  applyStatuses(channelId: string, statuses: readonly WebhookStatus[]): Promise<AppliedBatch>;
  /**
   * A campaign "Hello {{name}}!" in the workspace, its template approved, and an audience `audienceId` of these
   * numbers (each named Friend) to run it for; returns the campaign's id.
   */
  approvedCampaign(workspaceId: string, title: string, numbers: readonly string[], audienceId: string): Promise<string>;
  /** Stores a WhatsApp status webhook of `channelId`, as the API stores one, without applying it; returns its event id. */
  storeStatuses(channelId: string, statuses: readonly WebhookStatus[]): Promise<string>;
  /**
   * A Messenger, Instagram or Telegram channel in the workspace (the fake platforms accept its credentials); Meta's
   * of the app whose secret is `appSecret` (the same for all unless given).
   */
  platformChannel(workspaceId: string, kind: 'messenger' | 'instagram' | 'telegram', messagesPerSecond?: number, appSecret?: string): Promise<string>;
  /** A webhook body as the platform posts it for the channel, stored and applied by the fan-in as a worker would. */
  applyWebhook(channelId: string, body: unknown): Promise<AppliedBatch>;
  close(): Promise<void>;
}

/** One status of a status webhook: `at` in unix seconds, `to` E.164. */
export interface WebhookStatus {
  id: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  at: number;
  to: string;
  errors?: unknown[];
  callback?: string;
}

/** `env`: settings of the worker's configuration beside the test defaults (e.g. SEND_UNCONFIRMED_AFTER_SECONDS). */
export async function startPipeline(redisPrefix: string, env: Record<string, string> = {}): Promise<PipelineHarness> {
  const config = testWorkerConfig({ ...env, REDIS_PREFIX: redisPrefix });
  const provider = new FakeProvider();
  const platforms = new FakePlatforms();
  const clock = new SettableClock();

  @Module({
    imports: [
      ConfigModule.forWorker(config),
      DatabaseModule.forRoot(ENTITIES, 'herald-pipeline-spec'),
      QueuesModule.forRoot(),
      CallbacksModule,
      CallbackEndpointsModule,
      WorkspacesModule,
      ContactsModule,
      ChannelsModule,
      SendingModule,
      MessagingModule,
      MessagingWorkerModule,
      CampaignsModule,
      CampaignsWorkerModule,
      ProviderEventsWorkerModule,
    ],
  })
  class PipelineSpecModule {}

  const module = await Test.createTestingModule({ imports: [PipelineSpecModule] })
    .overrideProvider(CHANNEL_PROVIDER)
    .useValue(provider)
    .overrideProvider(ChannelPlatforms)
    .useValue(platforms)
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  await module.init();
  const get = <T>(type: abstract new (...args: never[]) => T): T => module.get(type as never, { strict: false });
  const storeStatuses = async (channelId: string, statuses: readonly WebhookStatus[]): Promise<string> => {
    const channel = await get(ChannelsService).forSending(channelId);
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: channel!.wabaId,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550101000', phone_number_id: channel!.phoneNumberId },
                statuses: statuses.map((s) => ({
                  id: s.id,
                  status: s.status,
                  timestamp: String(s.at),
                  recipient_id: s.to.slice(1),
                  ...(s.errors ? { errors: s.errors } : {}),
                  ...(s.callback ? { biz_opaque_callback_data: s.callback } : {}),
                })),
              },
            },
          ],
        },
      ],
    };
    const db = get(DataSource);
    const [event] = (await db.query('INSERT INTO webhook_events (channel_id, body) VALUES ($1, $2::jsonb) RETURNING id', [channelId, JSON.stringify(body)])) as Array<{ id: string }>;
    return event!.id;
  };
  let n = 0;
  return {
    module,
    provider,
    platforms,
    clock,
    db: get(DataSource),
    get,
    async workspace(name, channel = {}) {
      const { id: workspaceId } = await get(WorkspacesService).createWorkspace(name);
      n += 1;
      const created = await get(ChannelsService).create(
        workspaceId,
        {
          type: 'whatsapp',
          name,
          // Apart per harness (two in one spec file share its database), and within the column's 64 characters
          // however long the prefix: a digest of it, not the prefix itself.
          phoneNumberId: `${createHash('sha256').update(redisPrefix).digest('hex').slice(0, 16)}-${n}-${Date.now()}`,
          displayPhoneNumber: `+1 555 010 ${String(1000 + n)}`,
          wabaId: channel.wabaId ?? `waba-${n}`,
          accessToken: 'token',
          appSecret: 'secret',
          verifyToken: 'verify',
          graphBaseUrl: 'http://127.0.0.1:9',
          messagesPerSecond: channel.messagesPerSecond ?? 1_000,
          messagingTier: channel.messagingTier ?? 'unlimited',
        },
        { graphVersion: 'v26.0' },
      );
      return { workspaceId, channelId: created.id };
    },
    async applyStatuses(channelId, statuses) {
      return get(WebhookApplier).apply(await storeStatuses(channelId, statuses), []);
    },
    async approvedCampaign(workspaceId, title, numbers, audienceId) {
      await get(AudiencesService).create(workspaceId, { id: audienceId, name: title, contacts: numbers.map((number) => ({ number, name: 'Friend' })) });
      const { campaignId } = await get(CampaignsService).create(workspaceId, { title, message: 'Hello {{name}}!' });
      await get(DataSource).query(`UPDATE campaigns SET template_status = 'APPROVED' WHERE id = $1`, [campaignId]);
      return campaignId;
    },
    storeStatuses,
    async platformChannel(workspaceId, kind, messagesPerSecond = 1_000, appSecret = 'secret-fake') {
      n += 1;
      const senderId = `${900_000_000 + n}${Date.now() % 100_000}`;
      const created = await get(ChannelsService).createPlatform(
        workspaceId,
        kind === 'telegram'
          ? { type: 'telegram', name: `Bot ${n}`, botToken: `${senderId}:AAH-fake-token-for-the-pipeline-spec`, apiBaseUrl: 'http://127.0.0.1:9', messagesPerSecond }
          : { type: kind, name: `Page ${n}`, senderId, accessToken: 'token-fake', appSecret, verifyToken: 'verify-fake', graphBaseUrl: 'http://127.0.0.1:9', messagesPerSecond },
        { graphVersion: 'v23.0', publicUrl: 'http://127.0.0.1:3000' },
      );
      return created.id;
    },
    async applyWebhook(channelId, body) {
      const db = get(DataSource);
      const [event] = (await db.query('INSERT INTO webhook_events (channel_id, body) VALUES ($1, $2::jsonb) RETURNING id', [channelId, JSON.stringify(body)])) as Array<{ id: string }>;
      return get(WebhookApplier).apply(event!.id, ['STOP']);
    },
    close: () => module.close(),
  };
}

import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { HeraldError, isUuid } from '@herald/common';
import { SecretsConfig } from '@herald/config';
import { JobName, JobQueue } from '@herald/queues';
import { ChannelRepository, type ChannelFields, type ChannelRow, type ProviderState } from './channel.repository';
import {
  DEFAULT_RATE_BY_KIND,
  type CreateMetaMessagingChannel,
  type CreateTelegramChannel,
  DEFAULT_MESSAGES_PER_SECOND,
  DEFAULT_MESSAGING_TIER,
  type ChannelSecrets,
  type ChannelView,
  type CreateChannel,
  type SendingChannel,
  type UpdateChannel,
} from './channel.types';
import { ChannelPlatforms } from './channel-platforms.service';
import { openSecret, sealSecret } from './secret-box.util';

/** How long a worker or the webhook route reuses a channel it read (and its opened secrets). */
const CACHE_MS = 5_000;

function notFound(id: string): HeraldError {
  return new HeraldError('not_found', 'channel_not_found', `No channel with id "${id}" exists in this workspace.`);
}

export function toChannelView(row: ChannelRow): ChannelView {
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    phoneNumberId: row.phone_number_id,
    senderId: row.phone_number_id,
    displayPhoneNumber: row.display_phone_number,
    wabaId: row.waba_id,
    graphBaseUrl: row.graph_base_url,
    messagesPerSecond: row.messages_per_second,
    messagingTier: row.messaging_tier,
    isDefault: row.is_default,
    status: row.status,
    statusReason: row.status_reason,
    marketingMessages: row.marketing_messages,
    businessPortfolioId: row.business_portfolio_id,
    limitsReadAt: row.limits_read_at,
    webhookPath: `/webhooks/${row.type}/${row.id}`,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Sender numbers of a workspace. Secrets are sealed with SECRETS_KEY before they reach Postgres. */
@Injectable()
export class ChannelsService {
  private readonly logger = new Logger(ChannelsService.name);
  private readonly cache = new Map<string, { at: number; channel: SendingChannel }>();

  constructor(
    private readonly channels: ChannelRepository,
    private readonly config: SecretsConfig,
    private readonly queue: JobQueue,
    private readonly platforms: ChannelPlatforms,
  ) {}

  /**
   * Adds a Messenger Page, an Instagram account or a Telegram bot. The credentials are checked against the
   * platform first (who they belong to: a token for another Page is refused); a Telegram bot's webhook is then
   * registered with `setWebhook` and its secret token, in the same transaction as the row, so a channel exists
   * only when the platform will post to it.
   */
  async createPlatform(
    workspaceId: string,
    input: CreateMetaMessagingChannel | CreateTelegramChannel,
    defaults: { graphVersion: string; publicUrl: string },
  ): Promise<ChannelView> {
    const telegram = input.type === 'telegram';
    const secrets: ChannelSecrets = telegram
      ? { accessToken: input.botToken, appSecret: '', verifyToken: input.webhookSecret ?? randomBytes(32).toString('base64url') }
      : { accessToken: input.accessToken, appSecret: input.appSecret, verifyToken: input.verifyToken };
    const graphBaseUrl = trimSlash(
      telegram
        ? (input.apiBaseUrl ?? 'https://api.telegram.org')
        : (input.graphBaseUrl ?? `https://graph.${input.type === 'instagram' && input.login !== 'facebook' ? 'instagram' : 'facebook'}.com/${defaults.graphVersion}`),
    );
    const senderId = telegram ? input.botToken.split(':')[0]! : input.senderId;
    const field = telegram ? 'botToken' : 'accessToken';
    const checked = await this.platforms.verify({ type: input.type, graphBaseUrl, phoneNumberId: senderId, secrets });
    if (!checked.ok) {
      const unreachable = checked.error.category === 'transient' || checked.error.code === 'timeout' || checked.error.code === 'network_error';
      throw unreachable
        ? new HeraldError('unavailable', 'platform_unavailable', `${input.type} could not be reached to check the credentials: ${checked.error.details}`)
        : new HeraldError('invalid', 'invalid_credentials', `${input.type} refused the credentials: ${checked.error.details}`, [{ field, issue: checked.error.details }]);
    }
    if (checked.senderId !== senderId) {
      throw new HeraldError('invalid', 'invalid_credentials', `The ${field} belongs to ${checked.senderId}, not ${senderId}.`, [{ field, issue: `belongs to ${checked.senderId}` }]);
    }
    const fields: ChannelFields = {
      name: input.name,
      phoneNumberId: senderId,
      displayPhoneNumber: (checked.username ? `@${checked.username}` : (checked.name ?? input.name)).slice(0, 200),
      wabaId: '',
      graphBaseUrl,
      messagesPerSecond: input.messagesPerSecond ?? DEFAULT_RATE_BY_KIND[input.type],
      messagingTier: 'unlimited',
      secrets: this.seal(secrets),
    };
    const row = await this.channels.transaction(async (manager) => {
      await this.channels.lockSenderId(manager, workspaceId, senderId);
      if (await this.channels.findByPhoneNumberId(workspaceId, senderId, manager)) {
        throw new HeraldError('conflict', 'channel_exists', `A channel for ${input.type} id "${senderId}" already exists in this workspace.`);
      }
      const row = await this.channels.insert(workspaceId, input.type, fields, manager);
      if (telegram) {
        const url = `${defaults.publicUrl}/webhooks/telegram/${row.id}`;
        const set = await this.platforms.setWebhook({ graphBaseUrl, secrets }, url);
        if (!set.ok) throw new HeraldError('unavailable', 'webhook_not_set', `Telegram did not take the webhook ${url}: ${set.error.details}`);
      }
      return row;
    });
    return toChannelView(row);
  }

  async create(workspaceId: string, input: CreateChannel, defaults: { graphVersion: string }): Promise<ChannelView> {
    const fields: ChannelFields = {
      name: input.name,
      phoneNumberId: input.phoneNumberId,
      displayPhoneNumber: input.displayPhoneNumber,
      wabaId: input.wabaId,
      graphBaseUrl: trimSlash(input.graphBaseUrl ?? `https://graph.facebook.com/${defaults.graphVersion}`),
      messagesPerSecond: input.messagesPerSecond ?? DEFAULT_MESSAGES_PER_SECOND,
      messagingTier: input.messagingTier ?? DEFAULT_MESSAGING_TIER,
      secrets: this.seal({ accessToken: input.accessToken, appSecret: input.appSecret, verifyToken: input.verifyToken }),
    };
    const row = await this.channels.transaction(async (manager) => {
      await this.channels.lockSenderId(manager, workspaceId, input.phoneNumberId);
      if (await this.channels.findByPhoneNumberId(workspaceId, input.phoneNumberId, manager)) {
        throw new HeraldError('conflict', 'channel_exists', `A channel for phone number id "${input.phoneNumberId}" already exists in this workspace.`);
      }
      return this.channels.insert(workspaceId, input.type, fields, manager);
    });
    // The typed-in tier stands until a worker has read the real one from the provider (and every 15 minutes after).
    await this.queue.add(JobName.ReadChannelLimits, { channelId: row.id }, { jobId: `limits-${row.id}` }).catch((error: Error) => {
      this.logger.warn(`channel ${row.id}: limits will be read on the next round (${error.message})`);
    });
    // Its account's templates, read once now (then hourly, and as webhooks name new ones).
    await this.queue.add(JobName.SyncTemplates, { channelId: row.id }, { jobId: `templates-${row.id}` }).catch((error: Error) => {
      this.logger.warn(`channel ${row.id}: templates will be read on the next round (${error.message})`);
    });
    return toChannelView(row);
  }

  async list(workspaceId: string): Promise<ChannelView[]> {
    return (await this.channels.list(workspaceId)).map(toChannelView);
  }

  async get(workspaceId: string, id: string): Promise<ChannelView> {
    return toChannelView(await this.row(workspaceId, id));
  }

  /** Changes settings or secrets. A paused channel is active again once its token or account settings change. */
  async update(workspaceId: string, id: string, input: UpdateChannel): Promise<ChannelView> {
    await this.channels.transaction(async (manager) => {
      const row = isUuid(id) ? await this.channels.find(workspaceId, id, manager) : undefined;
      if (!row) throw notFound(id);
      if (input.phoneNumberId !== undefined && input.phoneNumberId !== row.phone_number_id) {
        await this.channels.lockSenderId(manager, workspaceId, input.phoneNumberId);
        const other = await this.channels.findByPhoneNumberId(workspaceId, input.phoneNumberId, manager);
        if (other) throw new HeraldError('conflict', 'channel_exists', `A channel for phone number id "${input.phoneNumberId}" already exists in this workspace.`);
      }
      const secretsChange = input.accessToken !== undefined || input.appSecret !== undefined || input.verifyToken !== undefined;
      const secrets = secretsChange
        ? this.seal({ ...this.open(row.secrets), ...definedOnly({ accessToken: input.accessToken, appSecret: input.appSecret, verifyToken: input.verifyToken }) })
        : undefined;
      await this.channels.update(
        workspaceId,
        id,
        {
          name: input.name,
          phoneNumberId: input.phoneNumberId,
          displayPhoneNumber: input.displayPhoneNumber,
          wabaId: input.wabaId,
          graphBaseUrl: input.graphBaseUrl === undefined ? undefined : trimSlash(input.graphBaseUrl),
          messagesPerSecond: input.messagesPerSecond,
          messagingTier: input.messagingTier,
          secrets,
        },
        row.status === 'paused' && (secretsChange || input.phoneNumberId !== undefined || input.wabaId !== undefined || input.graphBaseUrl !== undefined),
        manager,
      );
      if (input.isDefault === true) await this.channels.makeDefault(workspaceId, id, manager);
    });
    this.cache.delete(id);
    return this.get(workspaceId, id);
  }

  async remove(workspaceId: string, id: string): Promise<void> {
    const removed = isUuid(id) && (await this.channels.transaction((manager) => this.channels.softDelete(workspaceId, id, manager)));
    if (!removed) throw notFound(id);
    this.cache.delete(id);
  }

  /**
   * The channel a message goes out on: the one named, else the workspace's default. 404 for a channel of
   * another workspace, 409 when the workspace has none yet.
   */
  async resolve(workspaceId: string, id: string | undefined): Promise<ChannelView> {
    if (id !== undefined) return this.get(workspaceId, id);
    const row = await this.channels.findDefault(workspaceId);
    if (!row) throw new HeraldError('conflict', 'no_channel', 'This workspace has no channel yet: create one with POST /v1/channels first.');
    return toChannelView(row);
  }

  /**
   * The channel a webhook posted to `channel`'s URL means when it speaks for another sender `senderId` of the same
   * platform: Meta posts every Page (or account) of an app to the app's one callback URL. Only a channel whose app
   * secret is `channel`'s (the one that verified the POST's signature) is the app's; none, or more than one such
   * (the same Page in two workspaces), is undefined: the events are not applied to a guess.
   */
  async sibling(channel: SendingChannel, senderId: string): Promise<SendingChannel | undefined> {
    if (channel.secrets.appSecret === '') return undefined;
    const found: SendingChannel[] = [];
    for (const id of await this.channels.idsOfSender(channel.type, senderId)) {
      const other = await this.forSending(id);
      if (other && other.id !== channel.id && other.secrets.appSecret === channel.secrets.appSecret) found.push(other);
    }
    return found.length === 1 ? found[0] : undefined;
  }

  /**
   * For workers and webhooks: a live channel with its secrets opened, cached for a few seconds; `fresh` reads it
   * from Postgres anyway (e.g. before acting on a cached `paused`).
   */
  async forSending(id: string, fresh = false): Promise<SendingChannel | undefined> {
    const hit = this.cache.get(id);
    if (hit && !fresh && Date.now() - hit.at < CACHE_MS) return hit.channel;
    const row = isUuid(id) ? await this.channels.findById(id) : undefined;
    if (!row) {
      this.cache.delete(id);
      return undefined;
    }
    const channel: SendingChannel = {
      id: row.id,
      workspaceId: row.workspace_id,
      type: row.type,
      phoneNumberId: row.phone_number_id,
      wabaId: row.waba_id,
      graphBaseUrl: row.graph_base_url,
      messagesPerSecond: row.messages_per_second,
      messagingTier: row.messaging_tier,
      status: row.status,
      statusReason: row.status_reason,
      marketingMessages: row.marketing_messages,
      businessPortfolioId: row.business_portfolio_id,
      secrets: this.open(row.secrets),
    };
    this.cache.set(id, { at: Date.now(), channel });
    return channel;
  }

  /**
   * The platform (type) of each channel, in one read; null for one deleted: the in-doubt rule weighs a lone send on
   * its platform's webhooks (StatusReceivers.receipts).
   */
  async platformsOf(ids: readonly string[]): Promise<Array<{ id: string; platform: string | null }>> {
    const types = new Map((await this.channels.typesOf(ids)).map((r) => [r.id, r.type]));
    return ids.map((id) => ({ id, platform: types.get(id) ?? null }));
  }

  /** Records what the provider says of the number (its messaging tier, its marketing route, its business portfolio). */
  async setProviderState(id: string, state: ProviderState): Promise<void> {
    await this.channels.setProviderState(id, state);
    this.cache.delete(id);
  }

  /** Live WhatsApp channels whose provider state (tier, marketing route, portfolio) is older than `seconds`. */
  needingProviderRead(seconds: number): Promise<string[]> {
    return this.channels.needingProviderRead(seconds);
  }

  /** Every live WhatsApp channel's id (for periodic reads of its account's templates). */
  activeIds(): Promise<string[]> {
    return this.channels.activeIds();
  }

  /** Stops a channel after the provider said its token or account no longer works. */
  async pause(id: string, reason: string): Promise<void> {
    await this.channels.pause(id, reason);
    this.cache.delete(id);
  }

  private async row(workspaceId: string, id: string): Promise<ChannelRow> {
    const row = isUuid(id) ? await this.channels.find(workspaceId, id) : undefined;
    if (!row) throw notFound(id);
    return row;
  }

  private seal(secrets: ChannelSecrets): Buffer {
    return sealSecret(JSON.stringify(secrets), this.config.secretsKey);
  }

  private open(sealed: Buffer): ChannelSecrets {
    return JSON.parse(openSecret(sealed, this.config.secretsKey)) as ChannelSecrets;
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

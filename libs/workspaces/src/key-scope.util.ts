import { AsyncLocalStorage } from 'node:async_hooks';
import { HeraldError } from '@herald/common';

/** What the send path needs to know of the API key acting in a request. */
export interface ActingKey {
  readonly keyId: string;
  /** The channels it may send from; null: every channel of its workspace. */
  readonly allowedChannelIds: readonly string[] | null;
}

interface KeyScopeHolder {
  key?: ActingKey;
}

/**
 * The API key of the request being handled, for the checks deep in the send path (POST /v1/messages, blasts, campaign
 * runs) that every surface shares: a vendor's controller calls the same services as the native one, so the key's
 * channel restriction is enforced where a send is accepted without each surface having to pass it along. Outside a
 * request (workers, the CLI) there is no acting key and nothing is restricted: a send was checked when it was accepted.
 */
const storage = new AsyncLocalStorage<KeyScopeHolder>();

/**
 * Starts a fresh scope for the current request and returns its holder. It must run before the caller's first
 * `await` (the access guard calls it first thing), so the request's later continuations — the handler and the
 * services it calls — see the holder the guard fills in once the key is known (the pattern of nestjs-cls's ClsGuard).
 */
export function enterKeyScope(): KeyScopeHolder {
  const holder: KeyScopeHolder = {};
  storage.enterWith(holder);
  return holder;
}

/** The key acting in the current request, if any. */
export function actingKey(): ActingKey | undefined {
  return storage.getStore()?.key;
}

/** Whether a key with this restriction may send from the channel. */
export function keyMaySendFrom(allowedChannelIds: readonly string[] | null, channelId: string): boolean {
  return allowedChannelIds === null || allowedChannelIds.includes(channelId);
}

/**
 * Refuses (403 `key_not_allowed`, naming the channel) a send from a channel the acting key is not allowed to use.
 * Called by each library where it accepts a send, once the channel is resolved.
 */
export function assertKeyMaySendFrom(channel: { readonly id: string; readonly displayPhoneNumber?: string; readonly name?: string }): void {
  const key = actingKey();
  if (!key || keyMaySendFrom(key.allowedChannelIds, channel.id)) return;
  const named = [channel.name, channel.displayPhoneNumber].filter((s) => s !== undefined && s !== '').join(', ');
  throw new HeraldError(
    'forbidden',
    'key_not_allowed',
    `This API key may not send from channel ${channel.id}${named ? ` (${named})` : ''}: it is restricted to ${key.allowedChannelIds!.length === 0 ? 'no channel' : `channel${key.allowedChannelIds!.length > 1 ? 's' : ''} ${key.allowedChannelIds!.join(', ')}`}.`,
    [{ field: 'channel', issue: `${channel.id} is not allowed for this API key` }],
  );
}

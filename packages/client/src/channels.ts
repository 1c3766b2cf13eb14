import { done, ok } from './errors';
import type { Channel, CreateChannel, HeraldApi } from './types';

/** Channels: the WhatsApp numbers (and Messenger, Instagram, Telegram accounts) a workspace sends from. */
export class Channels {
  constructor(private readonly api: HeraldApi) {}

  create(body: CreateChannel): Promise<Channel> {
    return ok(this.api.POST('/v1/channels', { body }));
  }

  list() {
    return ok(this.api.GET('/v1/channels'));
  }

  get(id: string): Promise<Channel> {
    return ok(this.api.GET('/v1/channels/{id}', { params: { path: { id } } }));
  }

  remove(id: string): Promise<void> {
    return done(this.api.DELETE('/v1/channels/{id}', { params: { path: { id } } }));
  }
}

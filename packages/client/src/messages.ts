import { ok } from './errors';
import { paginate } from './paging';
import type { HeraldApi, Message, MessageAccepted, MessagesAccepted, MessagesQuery, SendMessage } from './types';

/** Single messages (text, template, media, interactive, location…) and every send, campaign recipients included. */
export class Messages {
  constructor(private readonly api: HeraldApi) {}

  /**
   * Queues a message (or, with `to` as an array, one per recipient: then each message and each number refused).
   * The body is typed by its `type`: `{ type: 'text', text: { body } }`, `{ type: 'template', template: {…} }`, …
   */
  send(body: SendMessage): Promise<MessageAccepted | MessagesAccepted> {
    return ok(this.api.POST('/v1/messages', { body }));
  }

  get(id: string): Promise<Message> {
    return ok(this.api.GET('/v1/messages/{id}', { params: { path: { id } } }));
  }

  /** Cancels a message that has not gone out yet. */
  cancel(id: string): Promise<Message> {
    return ok(this.api.POST('/v1/messages/{id}/cancel', { params: { path: { id } } }));
  }

  /** One page of sends, newest first, filtered by campaign, run, status, tag, template, number or time. */
  list(query: MessagesQuery = {}) {
    return ok(this.api.GET('/v1/messages', { params: { query } }));
  }

  /** Every send the filter finds, page after page as the loop goes. */
  all(query: Omit<MessagesQuery, 'cursor'> = {}): AsyncGenerator<Message, void, undefined> {
    return paginate((cursor) => this.list({ ...query, ...(cursor === undefined ? {} : { cursor }) }));
  }
}

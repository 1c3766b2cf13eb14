import { done, ok } from './errors';
import { paginate } from './paging';
import type { Contact, HeraldApi, OptOut, PatchContact, Query, SearchContacts, UpsertContact } from './types';

type ListQuery = Query<'/v1/contacts', 'get'>;

/** Contacts, by phone number (`+919739978284`; the API also takes a local number the workspace can place). */
export class Contacts {
  constructor(private readonly api: HeraldApi) {}

  /** Creates the contact, or updates the one with the same number. */
  upsert(body: UpsertContact): Promise<Contact> {
    return ok(this.api.POST('/v1/contacts', { body }));
  }

  get(number: string): Promise<Contact> {
    return ok(this.api.GET('/v1/contacts/{number}', { params: { path: { number } } }));
  }

  /** Changes some fields; attributes are merged (a key set to null is removed). */
  update(number: string, body: PatchContact): Promise<Contact> {
    return ok(this.api.PATCH('/v1/contacts/{number}', { params: { path: { number } }, body }));
  }

  remove(number: string): Promise<void> {
    return done(this.api.DELETE('/v1/contacts/{number}', { params: { path: { number } } }));
  }

  /** One page; `nextCursor` leads to the next. */
  list(query: ListQuery = {}) {
    return ok(this.api.GET('/v1/contacts', { params: { query } }));
  }

  /** Every contact, page after page as the loop goes. */
  all(query: Omit<ListQuery, 'cursor'> = {}): AsyncGenerator<Contact, void, undefined> {
    return paginate((cursor) => this.list({ ...query, ...(cursor === undefined ? {} : { cursor }) }));
  }

  search(body: SearchContacts) {
    return ok(this.api.POST('/v1/contacts/search', { body }));
  }

  /** Opts the contact out of marketing sends (the default scope), or of every send with `{ scope: 'all' }`. */
  optOut(number: string, body: OptOut = {}): Promise<Contact> {
    return ok(this.api.POST('/v1/contacts/{number}/opt-out', { params: { path: { number } }, body }));
  }

  optIn(number: string): Promise<Contact> {
    return ok(this.api.POST('/v1/contacts/{number}/opt-in', { params: { path: { number } } }));
  }
}

import { done, ok } from './errors';
import { paginate } from './paging';
import type { AddContacts, Audience, Contact, CreateAudience, HeraldApi, Query } from './types';

type MembersQuery = Query<'/v1/audiences/{id}/contacts', 'get'>;

/** Audiences: named sets of contacts a campaign runs for. A CSV goes in through `herald.imports.upload`. */
export class Audiences {
  constructor(private readonly api: HeraldApi) {}

  create(body: CreateAudience) {
    return ok(this.api.POST('/v1/audiences', { body }));
  }

  list() {
    return ok(this.api.GET('/v1/audiences'));
  }

  get(id: string): Promise<Audience> {
    return ok(this.api.GET('/v1/audiences/{id}', { params: { path: { id } } }));
  }

  remove(id: string): Promise<void> {
    return done(this.api.DELETE('/v1/audiences/{id}', { params: { path: { id } } }));
  }

  addContacts(id: string, body: AddContacts) {
    return ok(this.api.POST('/v1/audiences/{id}/contacts', { params: { path: { id } }, body }));
  }

  removeContact(id: string, number: string): Promise<void> {
    return done(this.api.DELETE('/v1/audiences/{id}/contacts/{number}', { params: { path: { id, number } } }));
  }

  /** One page of the audience's contacts. */
  members(id: string, query: MembersQuery = {}) {
    return ok(this.api.GET('/v1/audiences/{id}/contacts', { params: { path: { id }, query } }));
  }

  /** Every contact of the audience, page after page as the loop goes. */
  allMembers(id: string, query: Omit<MembersQuery, 'cursor'> = {}): AsyncGenerator<Contact, void, undefined> {
    return paginate((cursor) => this.members(id, { ...query, ...(cursor === undefined ? {} : { cursor }) }));
  }
}

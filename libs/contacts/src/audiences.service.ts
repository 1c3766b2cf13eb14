import { Injectable } from '@nestjs/common';
import { HeraldError } from '@herald/common';
import { AudienceRepository } from './audience.repository';
import { ALL_AUDIENCE_ID, AUDIENCE_ID, MAX_ENTRIES_PER_REQUEST, type AudienceView, type MembershipResult } from './audience.types';
import { ContactRepository, toView as contactView } from './contact.repository';
import { parseContactEntries } from './contact-entries.util';
import { DEFAULT_PAGE_SIZE, assertPageLimit, decodeCursor, encodeCursor } from './contact-input.util';
import type { ContactPage } from './contact.types';
import { ContactsService } from './contacts.service';
import { randomBytes } from 'node:crypto';

export interface CreateAudience {
  readonly id?: string;
  readonly name: string;
  readonly description?: string | null;
  readonly contacts?: readonly unknown[];
}

function invalid(field: string, issue: string, message: string): HeraldError {
  return new HeraldError('invalid', 'validation_failed', message, [{ field, issue }]);
}

function notFound(id: string): HeraldError {
  return new HeraldError('not_found', 'audience_not_found', `No audience with id "${id}" exists in this workspace.`);
}

/** Audiences: named groups of contacts. The reserved id `all` stands for every contact of the workspace. */
@Injectable()
export class AudiencesService {
  constructor(
    private readonly audiences: AudienceRepository,
    private readonly contactRows: ContactRepository,
    private readonly contacts: ContactsService,
  ) {}

  async create(workspaceId: string, input: CreateAudience): Promise<AudienceView & MembershipResult> {
    const id = input.id ?? `aud_${randomBytes(8).toString('hex')}`;
    if (!AUDIENCE_ID.test(id)) throw invalid('id', 'may hold only letters, digits, - and _ (1-64)', `"${id}" is not a valid audience id.`);
    if (id === ALL_AUDIENCE_ID) {
      throw new HeraldError('conflict', 'audience_exists', 'The id "all" is reserved: it means every contact of the workspace.');
    }
    this.checkEntryCount(input.contacts);
    const parsed = parseContactEntries(input.contacts ?? []);
    const result = await this.audiences.transaction(async (manager) => {
      const pk = await this.audiences.insert(workspaceId, { id, name: input.name, description: input.description ?? null }, manager);
      if (pk === undefined) throw new HeraldError('conflict', 'audience_exists', `An audience with id "${id}" already exists.`);
      const rows = await this.contactRows.upsertMany(workspaceId, parsed.records, manager);
      return this.audiences.addMembers(pk, rows.map((r) => r.id), manager);
    });
    const audience = (await this.audiences.find(workspaceId, id))!;
    return { ...this.public(audience), added: result, alreadyMembers: 0, invalid: parsed.invalid };
  }

  /** Adds contacts (created or updated as needed); valid entries are kept even when others are invalid. */
  async addContacts(workspaceId: string, id: string, entries: readonly unknown[]): Promise<MembershipResult> {
    this.checkEntryCount(entries);
    const parsed = parseContactEntries(entries);
    if (id === ALL_AUDIENCE_ID) {
      const rows = await this.contactRows.upsertMany(workspaceId, parsed.records);
      const added = rows.filter((r) => r.created).length;
      return { added, alreadyMembers: rows.length - added, invalid: parsed.invalid };
    }
    const pk = await this.audiences.pkOf(workspaceId, id);
    if (pk === undefined) throw notFound(id);
    const added = await this.audiences.transaction(async (manager) => {
      const rows = await this.contactRows.upsertMany(workspaceId, parsed.records, manager);
      return this.audiences.addMembers(pk, rows.map((r) => r.id), manager);
    });
    return { added, alreadyMembers: parsed.records.length - added, invalid: parsed.invalid };
  }

  async list(workspaceId: string): Promise<AudienceView[]> {
    return (await this.audiences.list(workspaceId)).map((a) => this.public(a));
  }

  async get(workspaceId: string, id: string): Promise<AudienceView> {
    if (id === ALL_AUDIENCE_ID) {
      return {
        id,
        name: 'All contacts',
        description: 'Every contact of the workspace.',
        size: await this.audiences.countContacts(workspaceId),
        createdAt: null,
        updatedAt: null,
      };
    }
    const audience = await this.audiences.find(workspaceId, id);
    if (!audience) throw notFound(id);
    return this.public(audience);
  }

  async members(workspaceId: string, id: string, limit = DEFAULT_PAGE_SIZE, cursor?: string): Promise<ContactPage> {
    if (id === ALL_AUDIENCE_ID) return this.contacts.list(workspaceId, limit, cursor);
    const pk = await this.audiences.pkOf(workspaceId, id);
    if (pk === undefined) throw notFound(id);
    assertPageLimit(limit);
    const rows = await this.contactRows.page(workspaceId, decodeCursor(cursor), limit + 1, {
      sql: 'EXISTS (SELECT 1 FROM audience_members m WHERE m.contact_id = c.id AND m.audience_pk = $3)',
      params: [pk],
    });
    const data = rows.slice(0, limit);
    return { data: data.map(contactView), nextCursor: rows.length > limit ? encodeCursor(data[data.length - 1]!.id) : null };
  }

  async removeContact(workspaceId: string, id: string, rawNumber: string): Promise<void> {
    if (id === ALL_AUDIENCE_ID) {
      throw new HeraldError('conflict', 'audience_all_is_virtual', 'Contacts leave "all" only by being deleted: DELETE /v1/contacts/:number.');
    }
    const number = this.contacts.normalize(rawNumber);
    const pk = await this.audiences.pkOf(workspaceId, id);
    if (pk === undefined) throw notFound(id);
    if (!(await this.audiences.removeMember(pk, workspaceId, number))) {
      throw new HeraldError('not_found', 'audience_member_not_found', `${number} is not a member of audience "${id}".`);
    }
  }

  async delete(workspaceId: string, id: string): Promise<void> {
    if (id === ALL_AUDIENCE_ID) throw new HeraldError('conflict', 'audience_all_is_virtual', 'The audience "all" cannot be deleted.');
    if (!(await this.audiences.delete(workspaceId, id))) throw notFound(id);
  }

  private checkEntryCount(entries: readonly unknown[] | undefined): void {
    if (entries && entries.length > MAX_ENTRIES_PER_REQUEST) {
      throw invalid(
        'contacts',
        `must hold at most ${MAX_ENTRIES_PER_REQUEST} entries`,
        `At most ${MAX_ENTRIES_PER_REQUEST} contacts per request; import larger lists as CSV.`,
      );
    }
  }

  private public(a: AudienceView & { pk?: string }): AudienceView {
    const { pk: _pk, ...view } = a;
    return view;
  }
}

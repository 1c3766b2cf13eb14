import { Injectable } from '@nestjs/common';
import { HeraldError, type ErrorDetail } from '@herald/common';
import { MAX_ENTRIES_PER_REQUEST } from './audience.types';
import { ContactRepository } from './contact.repository';
import { parseContactEntries, type ContactRecord } from './contact-entries.util';
import { DEFAULT_PAGE_SIZE, assertPageLimit, decodeCursor, encodeCursor } from './contact-input.util';
import { ContactsService } from './contacts.service';
import { VariableGroupRepository } from './variable-group.repository';
import {
  FIELD_NAME,
  MAX_FIELDS,
  RESERVED_FIELDS,
  VARIABLE_GROUP_ID,
  type ValuePage,
  type ValueRow,
  type ValuesResult,
  type VariableGroupView,
} from './variable-group.types';
import type { EntityManager } from 'typeorm';

export interface CreateVariableGroup {
  readonly id: string;
  readonly name: string;
  readonly description?: string | null;
  readonly fields: readonly string[];
  readonly values?: readonly unknown[];
}

function invalid(details: ErrorDetail[], message: string): HeraldError {
  return new HeraldError('invalid', 'validation_failed', message, details);
}

function notFound(id: string): HeraldError {
  return new HeraldError('not_found', 'variable_group_not_found', `No variable group with id "${id}" exists in this workspace.`);
}

/** Field names a group may declare: letters, digits and underscore, distinct, not reserved. */
export function fieldProblems(fields: readonly unknown[]): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  if (fields.length === 0) problems.push({ field: 'fields', issue: 'must name at least one field' });
  if (fields.length > MAX_FIELDS) problems.push({ field: 'fields', issue: `may name at most ${MAX_FIELDS} fields` });
  const seen = new Set<string>();
  fields.forEach((f, i) => {
    if (typeof f !== 'string' || !FIELD_NAME.test(f)) problems.push({ field: `fields[${i}]`, issue: 'may hold only letters, digits and _ (1-64)' });
    else if (RESERVED_FIELDS.includes(f.toLowerCase())) problems.push({ field: `fields[${i}]`, issue: `"${f}" is reserved` });
    else if (seen.has(f)) problems.push({ field: `fields[${i}]`, issue: `"${f}" is named twice` });
    else seen.add(f);
  });
  return problems;
}

/** Variable groups: per-contact values campaigns refer to as {group.field}. */
@Injectable()
export class VariableGroupsService {
  constructor(
    private readonly groups: VariableGroupRepository,
    private readonly contactRows: ContactRepository,
    private readonly contacts: ContactsService,
  ) {}

  /**
   * A group other capabilities fill (a campaign's input-button replies), created inside the caller's transaction.
   * Returns its primary key; 409 when the id is taken.
   */
  async createOwnedGroup(
    manager: EntityManager,
    workspaceId: string,
    g: { id: string; name: string; description: string; fields: string[] },
  ): Promise<string> {
    const pk = await this.groups.insert(workspaceId, g, manager);
    if (pk === undefined) throw new HeraldError('conflict', 'variable_group_exists', `A variable group with id "${g.id}" already exists.`);
    return pk;
  }

  /** Replies to input buttons: one field's value per (group, contact), merged into the groups' rows. */
  mergeFields(manager: EntityManager, rows: ReadonlyArray<{ groupPk: string; contactId: string; field: string; value: string }>): Promise<void> {
    return this.groups.mergeFields(manager, rows);
  }

  async create(workspaceId: string, input: CreateVariableGroup): Promise<VariableGroupView & ValuesResult> {
    const problems = fieldProblems(input.fields);
    if (!VARIABLE_GROUP_ID.test(input.id)) problems.unshift({ field: 'id', issue: 'may hold only letters, digits, - and _ (1-64)' });
    if (problems.length > 0) throw invalid(problems, `The request has invalid fields: ${[...new Set(problems.map((p) => p.field))].join(', ')}.`);
    this.checkEntryCount(input.values);
    const parsed = parseContactEntries(input.values ?? [], { fields: input.fields });
    const counts = await this.groups.transaction(async (manager) => {
      const pk = await this.groups.insert(
        workspaceId,
        { id: input.id, name: input.name, description: input.description ?? null, fields: [...input.fields] },
        manager,
      );
      if (pk === undefined) throw new HeraldError('conflict', 'variable_group_exists', `A variable group with id "${input.id}" already exists.`);
      return this.store(workspaceId, pk, parsed.records, manager);
    });
    const group = (await this.groups.find(workspaceId, input.id))!;
    return { ...this.public(group), ...counts, invalid: parsed.invalid };
  }

  /** Upserts value rows; a number that is not a contact yet becomes one. Bad rows never stop good ones. */
  async upsertValues(workspaceId: string, id: string, entries: readonly unknown[]): Promise<ValuesResult> {
    this.checkEntryCount(entries);
    const group = await this.groups.find(workspaceId, id);
    if (!group) throw notFound(id);
    const parsed = parseContactEntries(entries, { fields: group.fields });
    const counts = await this.groups.transaction((manager) => this.store(workspaceId, group.pk, parsed.records, manager));
    return { ...counts, invalid: parsed.invalid };
  }

  async list(workspaceId: string): Promise<VariableGroupView[]> {
    return (await this.groups.list(workspaceId)).map((g) => this.public(g));
  }

  async get(workspaceId: string, id: string): Promise<VariableGroupView> {
    const group = await this.groups.find(workspaceId, id);
    if (!group) throw notFound(id);
    return this.public(group);
  }

  async values(workspaceId: string, id: string, limit = DEFAULT_PAGE_SIZE, cursor?: string, rawNumber?: string): Promise<ValuePage> {
    const group = await this.groups.find(workspaceId, id);
    if (!group) throw notFound(id);
    assertPageLimit(limit);
    const number = rawNumber === undefined ? undefined : this.contacts.normalize(rawNumber);
    const rows = await this.groups.values(group.pk, decodeCursor(cursor), limit + 1, number);
    const data = rows.slice(0, limit);
    return {
      data: data.map((r): ValueRow => ({ ...r.values, number: r.number })),
      nextCursor: rows.length > limit ? encodeCursor(data[data.length - 1]!.contact_id) : null,
    };
  }

  async delete(workspaceId: string, id: string): Promise<void> {
    if (!(await this.groups.delete(workspaceId, id))) throw notFound(id);
  }

  private async store(workspaceId: string, groupPk: string, records: readonly ContactRecord[], manager: EntityManager) {
    // Values are the group's, not contact attributes: contacts are only made to exist here.
    const contacts = await this.contactRows.upsertMany(
      workspaceId,
      records.map((r) => ({ ...r, values: {} })),
      manager,
    );
    const idOf = new Map(contacts.map((c) => [c.number, c.id]));
    return this.groups.upsertValues(
      groupPk,
      records.map((r) => ({ contactId: idOf.get(r.number)!, values: r.values })),
      manager,
    );
  }

  private checkEntryCount(entries: readonly unknown[] | undefined): void {
    if (entries && entries.length > MAX_ENTRIES_PER_REQUEST) {
      throw invalid(
        [{ field: 'values', issue: `must hold at most ${MAX_ENTRIES_PER_REQUEST} rows` }],
        `At most ${MAX_ENTRIES_PER_REQUEST} rows per request; import larger files as CSV.`,
      );
    }
  }

  private public(g: VariableGroupView & { pk?: string }): VariableGroupView {
    const { pk: _pk, ...view } = g;
    return view;
  }
}

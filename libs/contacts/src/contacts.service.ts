import { Injectable } from '@nestjs/common';
import { CallbackOutbox, type CallbackEventInput } from '@herald/callbacks';
import { Clock, HeraldError } from '@herald/common';
import type { EntityManager } from 'typeorm';
import type { OptOutScope, OptOutSource } from './contact.entity';
import { ContactIdentitiesRepository, type IdentityRow } from './contact-identities.repository';
import { ContactRepository, toView, type ContactRow } from './contact.repository';
import { compileSearchSpec, type CompiledSearch } from './contact-search.util';
import {
  DEFAULT_PAGE_SIZE,
  assertAttributes,
  assertPageLimit,
  decodeCursor,
  encodeCursor,
  splitAttributePatch,
} from './contact-input.util';
import type { ContactIdentityView, ContactInput, ContactPage, ContactPatch, ContactSendState, ContactView } from './contact.types';
import { timezoneOf } from './contact-entries.util';
import { isValidCountryCode, isValidTimezone, normalizePhoneNumber } from './phone-number.util';

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './contact-input.util';

function invalid(field: string, issue: string, message: string): HeraldError {
  return new HeraldError('invalid', 'validation_failed', message, [{ field, issue }]);
}

/** Contacts of a workspace: upsert by number, read, page, search, patch, delete, opt out and in. */
@Injectable()
export class ContactsService {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly clock: Clock,
    private readonly outbox: CallbackOutbox,
    private readonly identities: ContactIdentitiesRepository,
  ) {}

  /**
   * A contact named in a route: by its number (E.164, or digits a country prefix makes one), or by its id as
   * `id:<id>` — the only way to name a contact known by a channel identity alone, which has no number.
   */
  async resolve(workspaceId: string, ref: string): Promise<ContactView> {
    const byId = /^id:([0-9]{1,18})$/.exec(ref);
    return byId ? this.getById(workspaceId, byId[1]!) : this.get(workspaceId, ref);
  }

  /** The contact's identities on channels that address people by id (Messenger, Instagram, Telegram). */
  async identitiesOf(workspaceId: string, contactId: string): Promise<ContactIdentityView[]> {
    return (await this.identities.forContact(workspaceId, contactId)).map(toIdentityView);
  }

  /**
   * Sets the contact's identity on a channel (the caller checked the channel is the workspace's and addresses
   * people by id). 409 when another contact has that identity there.
   */
  async setIdentity(workspaceId: string, contactId: string, channelId: string, identity: string): Promise<ContactIdentityView> {
    const { row, takenBy } = await this.identities.set(workspaceId, channelId, contactId, identity);
    if (takenBy !== undefined) {
      throw new HeraldError('conflict', 'identity_taken', `Contact ${takenBy} already has identity "${identity}" on this channel; remove it there first.`);
    }
    return toIdentityView(row!);
  }

  async removeIdentity(workspaceId: string, contactId: string, channelId: string): Promise<void> {
    if (!(await this.identities.remove(workspaceId, channelId, contactId))) {
      throw new HeraldError('not_found', 'identity_not_found', 'The contact has no identity on this channel.');
    }
  }

  /** The contact with this identity on a channel (a send addressed to a PSID or chat id), if Herald knows it. */
  contactOfIdentity(workspaceId: string, channelId: string, identity: string): Promise<string | undefined> {
    return this.identities.contactOf(workspaceId, channelId, identity);
  }

  /**
   * Contacts for users who wrote to a channel that addresses them by id, made (without a number) where unknown;
   * a user who writes is reachable there again. Returns identity → contact id.
   */
  async ensureIdentities(
    manager: EntityManager,
    workspaceId: string,
    channelId: string,
    entries: ReadonlyArray<{ identity: string; name: string | null; at: Date }>,
  ): Promise<Map<string, string>> {
    const ids = await this.identities.ensure(manager, workspaceId, channelId, entries);
    await this.identities.reachable(manager, channelId, entries);
    return ids;
  }

  /**
   * The contact a send names by its channel identity (a PSID, chat id), made without a number when Herald does not
   * know the identity yet: the platform answers whether the user can be reached.
   */
  async contactForIdentity(workspaceId: string, channelId: string, identity: string): Promise<string> {
    const known = await this.identities.contactOf(workspaceId, channelId, identity);
    if (known !== undefined) return known;
    const made = await this.contacts.transaction((manager) => this.identities.ensure(manager, workspaceId, channelId, [{ identity, name: null }], 'api'));
    return made.get(identity)!;
  }

  /** The contacts Herald knows by these identities on a channel (identity → contact id); unknown ones are left out. */
  contactsOfIdentities(manager: EntityManager, channelId: string, identities: readonly string[]): Promise<Map<string, string>> {
    return this.identities.known(manager, channelId, identities);
  }

  /** The platform said these contacts (or these identities) cannot be reached on the channel. */
  markUnreachable(channelId: string, by: { contactIds?: readonly string[]; identities?: readonly string[] }, reason: string, manager?: EntityManager): Promise<void> {
    return this.identities.markUnreachable(channelId, by, reason, manager);
  }

  /** A platform's events said these users blocked the channel, each at its time (one statement). */
  markBlocked(manager: EntityManager, channelId: string, blocks: ReadonlyArray<{ identity: string; reason: string; at: Date }>): Promise<void> {
    return this.identities.markBlocked(manager, channelId, blocks);
  }

  /** The E.164 form of a number given by a caller, or a 400 saying why it is not one. */
  normalize(raw: string, field = 'number'): string {
    return this.parseNumber(raw, field).number;
  }

  private parseNumber(raw: string, field: string, defaultCountry?: string): { number: string; country: string | undefined } {
    if (defaultCountry !== undefined && !isValidCountryCode(defaultCountry)) {
      throw invalid(
        'defaultCountry',
        'must be an ISO 3166 two-letter country code',
        `"${defaultCountry}" is not a country code.`,
      );
    }
    const result = normalizePhoneNumber(raw, defaultCountry);
    if (!result.ok) throw invalid(field, result.reason, `"${raw}" is not a usable phone number: ${result.reason}.`);
    return result;
  }

  async upsert(workspaceId: string, input: ContactInput): Promise<{ contact: ContactView; created: boolean }> {
    const { number, country } = this.parseNumber(input.number, 'number', input.defaultCountry);
    if (input.timezone !== undefined && !isValidTimezone(input.timezone)) {
      throw invalid('timezone', 'must be an IANA time zone such as Asia/Kolkata', `"${input.timezone}" is not a time zone.`);
    }
    const attributes = input.attributes === undefined ? {} : assertAttributes(input.attributes);
    const { row, created } = await this.contacts.upsert(workspaceId, {
      number,
      name: input.name,
      attributes,
      timezone: input.timezone ?? timezoneOf(country),
      timezoneGiven: input.timezone !== undefined,
    });
    return { contact: toView(row), created };
  }

  async get(workspaceId: string, rawNumber: string): Promise<ContactView> {
    const number = this.normalize(rawNumber);
    const row = await this.contacts.findByNumber(workspaceId, number);
    if (!row) throw this.notFound(number);
    return toView(row);
  }

  async list(workspaceId: string, limit = DEFAULT_PAGE_SIZE, cursor?: string): Promise<ContactPage> {
    return this.page(workspaceId, limit, cursor);
  }

  /** Contacts matching a searchSpec (see contact-search.util), a page at a time. */
  async search(workspaceId: string, searchSpec: unknown, limit = DEFAULT_PAGE_SIZE, cursor?: string): Promise<ContactPage> {
    return this.page(workspaceId, limit, cursor, this.searchCondition(searchSpec, 'c', 3));
  }

  /**
   * A searchSpec as a SQL condition on the contacts table aliased `alias` (values as $firstParam, $firstParam+1, …),
   * for another library's set-based statement that reads contacts (a blast's fan-out joins it instead of asking for
   * pages of ids). 400 naming the key when the spec is not one.
   */
  searchCondition(searchSpec: unknown, alias: string, firstParam: number): CompiledSearch {
    return compileSearchSpec(searchSpec, {
      alias,
      firstParam,
      normalizeNumber: (raw) => {
        const result = normalizePhoneNumber(raw);
        return result.ok ? result.number : undefined;
      },
    });
  }

  async patch(workspaceId: string, rawNumber: string, patch: ContactPatch): Promise<ContactView> {
    const number = this.normalize(rawNumber);
    if (patch.timezone !== undefined && !isValidTimezone(patch.timezone)) {
      throw invalid('timezone', 'must be an IANA time zone such as Asia/Kolkata', `"${patch.timezone}" is not a time zone.`);
    }
    const { set, remove } = patch.attributes === undefined ? { set: {}, remove: [] } : splitAttributePatch(patch.attributes);
    const row = await this.contacts.patch(workspaceId, number, { name: patch.name, set, remove, timezone: patch.timezone });
    if (!row) throw this.notFound(number);
    return toView(row);
  }

  async delete(workspaceId: string, rawNumber: string): Promise<void> {
    const number = this.normalize(rawNumber);
    if (!(await this.contacts.delete(workspaceId, number))) throw this.notFound(number);
  }

  async setOptedOut(
    workspaceId: string,
    rawNumber: string,
    optedOut: boolean,
    source: OptOutSource = 'api',
    scope: OptOutScope = 'marketing',
  ): Promise<ContactView> {
    const number = this.normalize(rawNumber);
    const at = this.clock.now().toJSDate();
    const row = await this.contacts.transaction(async (manager) => {
      const row = await this.contacts.setOptedOut(workspaceId, number, optedOut, source, at, scope, manager);
      // Newly opted out, or now of everything instead of marketing only: the event commits with the change.
      if (row?.widened) await this.optOutEvents(manager, [{ ...row, workspace_id: workspaceId }], at);
      return row;
    });
    if (!row) throw this.notFound(number);
    return toView(row);
  }

  /** \`contact.opted_out\` events of contacts just opted out, in \`manager\`'s transaction, for the workspaces that listen. */
  private async optOutEvents(manager: EntityManager, rows: ReadonlyArray<ContactRow & { workspace_id: string }>, at?: Date): Promise<void> {
    if (rows.length === 0) return;
    const listening = await this.outbox.subscribed(new Set(rows.map((r) => r.workspace_id)), 'contact.opted_out', manager);
    const events: CallbackEventInput[] = rows
      .filter((r) => listening.has(r.workspace_id))
      .map((r) => ({
        workspaceId: r.workspace_id,
        type: 'contact.opted_out',
        // When it changed (a widened opt-out keeps its first time in `at`).
        occurredAt: at ?? r.opted_out_at ?? this.clock.now().toJSDate(),
        data: { contactId: r.id, number: r.number, scope: r.opt_out_scope, source: r.opt_out_source, at: r.opted_out_at },
      }));
    await this.outbox.record(manager, events);
  }

  private async page(
    workspaceId: string,
    limit: number,
    cursor: string | undefined,
    where?: { sql: string; params: unknown[] },
  ): Promise<ContactPage> {
    assertPageLimit(limit);
    const rows = await this.contacts.page(workspaceId, decodeCursor(cursor), limit + 1, where);
    const more = rows.length > limit;
    const data = rows.slice(0, limit);
    return { data: data.map(toView), nextCursor: more ? encodeCursor(data[data.length - 1]!.id) : null };
  }

  private notFound(number: string): HeraldError {
    return new HeraldError('not_found', 'contact_not_found', `No contact with number ${number} exists in this workspace.`);
  }

  async getById(workspaceId: string, id: string): Promise<ContactView> {
    const row = /^[0-9]{1,18}$/.test(id) ? await this.contacts.findById(workspaceId, id) : undefined;
    if (!row) throw new HeraldError('not_found', 'contact_not_found', `No contact with id "${id}" exists in this workspace.`);
    return toView(row);
  }

  /**
   * Contacts for numbers the provider reported (inbound senders: wa_ids without '+'), created where missing.
   * Returns E.164 number → contact id; numbers that do not normalise are left out.
   */
  async ensureNumbers(workspaceId: string, entries: ReadonlyArray<{ number: string; name?: string | null }>): Promise<Map<string, string>> {
    const valid = entries.flatMap((e) => {
      const parsed = normalizePhoneNumber(e.number);
      return parsed.ok ? [{ number: parsed.number, name: e.name?.slice(0, 200) ?? null, timezone: timezoneOf(parsed.country) }] : [];
    });
    return this.contacts.ensureNumbers(workspaceId, valid);
  }

  /** Opts contacts out of marketing (a STOP keyword, the provider's 131050); returns how many were newly opted out. */
  async optOutIds(ids: readonly string[], source: OptOutSource): Promise<number> {
    if (ids.length === 0) return 0;
    return this.contacts.transaction(async (manager) => {
      const rows = await this.contacts.optOutIds(ids, source, manager);
      await this.optOutEvents(manager, rows);
      return rows.length;
    });
  }

  /** For the send checks: each contact's opt-out scope (null: not opted out), number state and service window. */
  async sendStates(channelId: string, ids: readonly string[]): Promise<Map<string, ContactSendState>> {
    const rows = await this.contacts.sendStates(channelId, ids);
    return new Map(
      rows.map((r) => [
        r.id,
        {
          timezone: r.timezone,
          optOutScope: r.opt_out_scope,
          notOnWhatsApp: r.not_on_whatsapp,
          lastInboundAt: r.last_inbound_at,
          identity: r.identity,
          unreachable: r.unreachable_reason === null ? null : { at: r.unreachable_at!, reason: r.unreachable_reason },
        },
      ]),
    );
  }

  /** Inbound messages opened (or refreshed) these contacts' service windows with these channels. */
  noteInbound(manager: EntityManager, rows: ReadonlyArray<{ channelId: string; contactId: string; at: Date }>): Promise<void> {
    return this.contacts.noteInbound(manager, rows);
  }

  markNotOnWhatsApp(ids: readonly string[]): Promise<void> {
    return this.contacts.markNotOnWhatsApp(ids);
  }
}

function toIdentityView(row: IdentityRow): ContactIdentityView {
  return {
    channelId: row.channel_id,
    identity: row.identity,
    source: row.source,
    unreachableAt: row.unreachable_at,
    unreachableReason: row.unreachable_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** How a contact came to be opted out (or back in). */
export type OptOutSource = 'api' | 'import' | 'inbound' | 'provider';
/**
 * What an opt-out covers: `marketing` (a STOP keyword, Meta's 131050; utility and authentication sends still
 * reach the contact) or `all` (asked for explicitly through the API: nothing reaches the contact).
 */
export const OPT_OUT_SCOPES = ['marketing', 'all'] as const;
export type OptOutScope = (typeof OPT_OUT_SCOPES)[number];

/**
 * A person a workspace can message, identified by an E.164 number that is unique per workspace. The
 * internal bigint id keeps memberships and per-recipient rows narrow at millions of contacts, and gives
 * keyset pagination a stable order.
 *
 * No foreign key to `workspaces` on purpose (docs/adr/0002): imports write a million contacts at a time and the
 * per-row FK check cost a fifth of the import. Every path that writes contacts starts from a row that keeps its
 * own foreign key to the workspace: the API key, the import, the channel.
 */
@Entity({ name: 'contacts' })
@Index('uq_contacts_workspace_number', ['workspaceId', 'number'], { unique: true })
@Index('idx_contacts_workspace_id', ['workspaceId', 'id'])
// GIN index for attribute filters (`attributes @> …`); created by the migration, not by TypeORM.
@Index('idx_contacts_attributes', { synchronize: false })
export class Contact {
  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  /**
   * E.164, e.g. +919739978284. Null for a contact known only by its identity on a channel that does not address
   * people by number (a Messenger PSID, a Telegram chat id: `contact_identities`).
   */
  @Column('varchar', { length: 16, nullable: true })
  number!: string | null;

  @Column('varchar', { length: 200, nullable: true })
  name!: string | null;

  @Column('jsonb', { default: () => "'{}'" })
  attributes!: Record<string, string | number | boolean>;

  /** IANA zone; derived from the number's country when not given. */
  @Column('varchar', { length: 64 })
  timezone!: string;

  @Column('boolean', { name: 'opted_out', default: false })
  optedOut!: boolean;

  @Column('timestamptz', { name: 'opted_out_at', nullable: true })
  optedOutAt!: Date | null;

  @Column('varchar', { name: 'opt_out_source', length: 32, nullable: true })
  optOutSource!: OptOutSource | null;

  @Column('varchar', { name: 'opt_out_scope', length: 16, nullable: true })
  optOutScope!: OptOutScope | null;

  /** When the provider said this number cannot receive WhatsApp messages (error 131026). */
  @Column('timestamptz', { name: 'not_on_whatsapp_at', nullable: true })
  notOnWhatsAppAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

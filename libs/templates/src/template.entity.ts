import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * A message template of a WhatsApp Business Account, as the provider last reported it (sync, status, quality and
 * category webhooks). One row per account, name and language; the numbers (channels) of one account share them.
 * The provider is the truth: a template deleted there is deleted here at the next sync.
 */
@Entity({ name: 'templates' })
@Index('uq_templates_waba_name_language', ['workspaceId', 'wabaId', 'name', 'language'], { unique: true })
@Index('idx_templates_provider_id', ['providerTemplateId'])
export class TemplateRecord {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('varchar', { name: 'waba_id', length: 64 })
  wabaId!: string;

  @Column('varchar', { name: 'provider_template_id', length: 64 })
  providerTemplateId!: string;

  @Column('varchar', { length: 512 })
  name!: string;

  @Column('varchar', { length: 16 })
  language!: string;

  /** MARKETING, UTILITY or AUTHENTICATION, as the provider gives it (it may change after approval). */
  @Column('varchar', { length: 32 })
  category!: string;

  /** Herald's reading of the provider's status (APPROVED, PENDING, REJECTED, PAUSED, DISABLED, …, UNKNOWN). */
  @Column('varchar', { length: 32 })
  status!: string;

  @Column('varchar', { name: 'provider_status', length: 64 })
  providerStatus!: string;

  /** GREEN, YELLOW, RED or UNKNOWN when the provider reports it. */
  @Column('varchar', { name: 'quality_score', length: 16, nullable: true })
  qualityScore!: string | null;

  /** Why it was rejected, paused or disabled, when the provider says. */
  @Column('text', { nullable: true })
  reason!: string | null;

  @Column('varchar', { name: 'parameter_format', length: 16, default: 'positional' })
  parameterFormat!: string;

  /** The components exactly as the provider reports them. */
  @Column('jsonb', { default: () => "'[]'" })
  components!: unknown[];

  @Column('timestamptz', { name: 'synced_at' })
  syncedAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** When each account's templates were last read whole from the provider, and how that went. */
@Entity({ name: 'template_syncs' })
export class TemplateSync {
  @PrimaryColumn('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @PrimaryColumn('varchar', { name: 'waba_id', length: 64 })
  wabaId!: string;

  @Column('timestamptz', { name: 'synced_at', nullable: true })
  syncedAt!: Date | null;

  @Column('timestamptz', { name: 'attempted_at' })
  attemptedAt!: Date;

  @Column('text', { nullable: true })
  error!: string | null;

  @Column('int', { default: 0 })
  templates!: number;
}

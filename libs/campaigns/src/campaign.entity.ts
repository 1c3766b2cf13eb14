import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { WorkspaceOwned } from '@herald/workspaces';
import type { CampaignButton, CampaignVariable } from './campaign-message.util';
import type { SendWindow } from '@herald/sending';
import type { TemplateParams } from './recipient-params.util';

export const CAMPAIGN_TEMPLATE_TYPES = ['MARKETING', 'UTILITY'] as const;
export type CampaignTemplateType = (typeof CAMPAIGN_TEMPLATE_TYPES)[number];
/** A campaign's category: the type it registered its template with, or the category of a template the business had. */
export type CampaignCategory = CampaignTemplateType | 'AUTHENTICATION';

/** `campaign`: made with POST /v1/campaigns; `blast`: one run of a template, made with POST /v1/blasts. */
export const CAMPAIGN_KINDS = ['campaign', 'blast'] as const;
export type CampaignKind = (typeof CAMPAIGN_KINDS)[number];
/**
 * `registered`: Herald registers the campaign's message as a template; `existing`: a template the business already had;
 * `none`: a Messenger, Instagram or Telegram channel, which has no templates: the message goes out as text or buttons
 * (template status `NOT_REQUIRED`).
 */
export const TEMPLATE_SOURCES = ['registered', 'existing', 'none'] as const;
export type TemplateSource = (typeof TEMPLATE_SOURCES)[number];

/**
 * A message with variables and buttons, registered as a WhatsApp template on its channel. The template's
 * review state is tracked here (`template_status`); runs wait for APPROVED.
 */
@Entity({ name: 'campaigns' })
@Index('idx_campaigns_workspace_created', ['workspaceId', 'createdAt', 'id'])
@Index('idx_campaigns_template_pending', ['templateStatus'], { where: `template_status = 'PENDING' AND deleted_at IS NULL` })
@Index('uq_campaigns_request_id', ['workspaceId', 'requestId'], { unique: true, where: 'request_id IS NOT NULL' })
export class Campaign extends WorkspaceOwned {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'channel_id' })
  channelId!: string;

  @Column('varchar', { length: 200 })
  title!: string;

  /** As written, with `{group.field}` and `{{name}}` placeholders. */
  @Column('text')
  message!: string;

  /** The template body: placeholders replaced by `{{1}}`, `{{2}}`… */
  @Column('text')
  body!: string;

  /** The placeholders, in the order of their positional parameters. */
  @Column('jsonb')
  variables!: CampaignVariable[];

  @Column('text', { name: 'img_url', nullable: true })
  imgUrl!: string | null;

  @Column('jsonb', { default: () => "'[]'" })
  buttons!: CampaignButton[];

  @Column('varchar', { name: 'template_type', length: 16 })
  templateType!: CampaignCategory;

  @Column('varchar', { length: 16, default: 'campaign' })
  kind!: CampaignKind;

  @Column('varchar', { name: 'template_source', length: 16, default: 'registered' })
  templateSource!: TemplateSource;

  /**
   * Parameters besides the message's placeholders: an existing template's body parameters as written, its media
   * header, and buttons taking a per-recipient parameter. Null: none (the message's placeholders only).
   */
  @Column('jsonb', { name: 'template_params', nullable: true })
  templateParams!: TemplateParams | null;

  @Column('varchar', { name: 'language_code', length: 16 })
  languageCode!: string;

  @Column('jsonb', { name: 'send_window', nullable: true })
  sendWindow!: SendWindow | null;

  /** Whether its runs track their links unless a run says otherwise; null: the workspace's setting. */
  @Column('boolean', { name: 'track_links', nullable: true })
  trackLinks!: boolean | null;

  /** UTM parameters of its runs' tracked links unless a run gives its own; null: the workspace's. */
  @Column('jsonb', { name: 'link_utm', nullable: true })
  linkUtm!: Record<string, string> | null;

  @Column('varchar', { name: 'template_name', length: 512 })
  templateName!: string;

  /** The provider's template id, once submitted. */
  @Column('varchar', { name: 'template_id', length: 128, nullable: true })
  templateId!: string | null;

  /** PENDING until the provider decides; then APPROVED or REJECTED (or another provider state). */
  @Column('varchar', { name: 'template_status', length: 24 })
  templateStatus!: string;

  @Column('text', { name: 'template_reason', nullable: true })
  templateReason!: string | null;

  /** Messenger and Instagram: the message tag its sends carry (lets a non-promotional message out after the 24-hour window). */
  @Column('varchar', { name: 'messaging_tag', length: 32, nullable: true })
  messagingTag!: string | null;

  /** The variable group replies to this campaign's input buttons are kept in (when it has any). */
  @Column('bigint', { name: 'input_group_pk', nullable: true })
  inputGroupPk!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column('timestamptz', { name: 'deleted_at', nullable: true })
  deletedAt!: Date | null;

  /** The caller's idempotency key of the create (one per workspace): the same key again answers this campaign. */
  @Column('varchar', { name: 'request_id', length: 128, nullable: true })
  requestId!: string | null;
}

import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A link in a sent message, replaced by `<base URL>/l/<code>`: `GET /l/<code>` redirects to `destination` and
 * records the click against the send. The code is the key and the only thing a recipient sees: 72 random bits
 * (link-code.util), so codes cannot be guessed or walked.
 *
 * No foreign keys, on purpose: links are written in bulk on the send path (one statement per chunk of a run), and
 * a per-row foreign-key check cost a fifth of a bulk insert elsewhere (docs/adr/0002). The send a link belongs to
 * (`send_ref`: a message id or `r:<recipient id>`) keeps its own key to the workspace, and the lookup is by code.
 */
@Entity({ name: 'tracked_links' })
export class TrackedLink {
  @PrimaryColumn('text')
  code!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  /** The final URL, UTM parameters applied, normalised by the URL parser (ASCII only: safe as a Location header). */
  @Column('text')
  destination!: string;

  /** The send the link went out in: a message's id, or `r:<campaign recipient id>`. */
  @Column('text', { name: 'send_ref' })
  sendRef!: string;

  /** The campaign run of the send, if it is one. */
  @Column('uuid', { name: 'run_id', nullable: true })
  runId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

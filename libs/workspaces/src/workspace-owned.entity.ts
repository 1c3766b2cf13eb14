import { Column, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Workspace } from './workspace.entity';

/** Columns of every row that belongs to a workspace: its id, and a FK that goes with the workspace. */
export abstract class WorkspaceOwned {
  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @ManyToOne(() => Workspace, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_id' })
  workspace?: Relation<Workspace>;
}

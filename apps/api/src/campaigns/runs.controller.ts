import { Controller, Param, Sse, type MessageEvent } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { RunProgressHub } from '@herald/campaigns';
import { ApiErrors } from '../http/api-errors.decorator';
import { WorkspaceId } from '../http/workspace-id.decorator';
import { MAX_PENDING_EVENT_CHARS, runEventStream } from './run-events.util';
import { ApiRunEvents } from './run-progress.dto';

/** Runs by their id alone (a campaign's or a blast's): what a run id in hand is enough for, e.g. the CLI's `runs watch`. */
@ApiTags('campaigns')
@ApiBearerAuth('api-key')
@ApiSecurity('x-api-key')
@Controller('v1/runs')
export class RunsController {
  constructor(private readonly progress: RunProgressHub) {}

  @Sse(':runId/events', { maxPendingDataLength: MAX_PENDING_EVENT_CHARS })
  @ApiOperation({
    summary:
      "Follow any run of the workspace by its id alone (a campaign's or a blast's), live: the same Server-Sent Events as GET /v1/campaigns/{id}/runs/{runId}/events.",
  })
  @ApiParam({ name: 'runId', example: '7d1e2f3a-4b5c-4d6e-8f70-112233445566' })
  @ApiRunEvents()
  @ApiErrors(401, 404)
  async events(@WorkspaceId() workspaceId: string, @Param('runId') runId: string): Promise<Observable<MessageEvent>> {
    return runEventStream(this.progress, await this.progress.current(workspaceId, { runId }));
  }
}

import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HeraldError } from '@herald/common';
import { Public } from '../http/access.decorator';
import { ApiErrors } from '../http/api-errors.decorator';
import { ReadinessService } from './readiness.service';

class LivenessDto {
  @ApiProperty({ example: 'ok', enum: ['ok'] })
  status!: 'ok';
}

class ComponentDto {
  @ApiProperty({ example: 'up', enum: ['up'] })
  status!: 'up';

  @ApiProperty({ example: 2 })
  latencyMs!: number;
}

class ReadinessChecksDto {
  @ApiProperty({ type: ComponentDto })
  postgres!: ComponentDto;

  @ApiProperty({ type: ComponentDto })
  redis!: ComponentDto;
}

class ReadinessDto {
  @ApiProperty({ example: 'ready', enum: ['ready'] })
  status!: 'ready';

  @ApiProperty({ type: ReadinessChecksDto, example: { postgres: { status: 'up', latencyMs: 2 }, redis: { status: 'up', latencyMs: 1 } } })
  checks!: Record<string, ComponentDto>;
}

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the process answers HTTP.' })
  @ApiResponse({ status: 200, type: LivenessDto })
  live(): LivenessDto {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: Postgres and Redis both answer; 503 naming whatever is down.' })
  @ApiResponse({ status: 200, type: ReadinessDto })
  @ApiErrors(503)
  async ready(): Promise<ReadinessDto> {
    const checks = await this.readiness.check();
    const down = checks.filter((c) => !c.up);
    if (down.length > 0) {
      throw new HeraldError(
        'unavailable',
        'not_ready',
        `Not ready: ${down.map((c) => `${c.component} is down (${c.issue})`).join('; ')}.`,
        down.map((c) => ({ field: c.component, issue: c.issue ?? 'down' })),
      );
    }
    return {
      status: 'ready',
      checks: Object.fromEntries(checks.map((c) => [c.component, { status: 'up', latencyMs: c.latencyMs }])),
    };
  }
}

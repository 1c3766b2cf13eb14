import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../http/access.decorator';
import { MetricsService } from './metrics.service';

@ApiTags('operations')
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics: HTTP latency histogram, queue depth by state and jobs processed per queue, process stats.' })
  @ApiProduces('text/plain')
  @ApiResponse({
    status: 200,
    description: 'Prometheus text exposition format.',
    schema: {
      type: 'string',
      example: [
        'herald_queue_jobs{queue="messages",state="waiting"} 12',
        'herald_queue_jobs_processed_total{queue="messages",result="completed"} 48210',
        'herald_queue_jobs_processed_total{queue="messages",result="failed"} 3',
        'herald_queue_jobs_last_minute{queue="messages",result="completed"} 1187',
      ].join('\n'),
    },
  })
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

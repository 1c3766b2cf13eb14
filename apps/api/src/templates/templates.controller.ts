import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { TemplateButtonDefinition } from '@herald/channels';
import { TemplatesService, type CreateTemplateInput, type SyncResult, type TemplatePage, type TemplateView } from '@herald/templates';
import { ApiErrors } from '../http/api-errors.decorator';
import { WorkspaceId } from '../http/workspace-id.decorator';
import { CreateTemplateDto, SyncAnswerDto, TemplateDto, TemplateOneQueryDto, TemplatePageDto, TemplateQueryDto, TemplateSyncDto } from './template.dto';

const NAME_PARAM = { name: 'name', example: 'order_shipped' };

@ApiTags('templates')
@ApiBearerAuth('api-key')
@ApiSecurity('x-api-key')
@Controller('v1/templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @ApiOperation({
    summary:
      "The workspace's message templates as the provider reports them (kept in step by sync and webhooks): status, quality, category, components and the parameters a send needs.",
  })
  @ApiResponse({ status: 200, type: TemplatePageDto })
  @ApiErrors(400, 401, 404)
  list(@WorkspaceId() workspaceId: string, @Query() query: TemplateQueryDto): Promise<TemplatePage> {
    return this.templates.list(workspaceId, query);
  }

  @Post('sync')
  @HttpCode(200)
  @ApiOperation({ summary: "Reads the templates of every account of the workspace (or one channel's) from the provider now." })
  @ApiResponse({ status: 200, type: SyncAnswerDto })
  @ApiErrors(400, 401, 404)
  async sync(@WorkspaceId() workspaceId: string, @Body() dto: TemplateSyncDto): Promise<{ accounts: SyncResult[] }> {
    return { accounts: await this.templates.sync(workspaceId, dto.channelId) };
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Submits a template for review. A media header given as a URL is fetched and uploaded through the Resumable Upload API, so the provider gets a real header handle.',
  })
  @ApiResponse({ status: 201, type: TemplateDto })
  @ApiErrors(400, 401, 404, 409, 415, 503)
  create(@WorkspaceId() workspaceId: string, @Body() dto: CreateTemplateDto): Promise<TemplateView> {
    return this.templates.create(workspaceId, toInput(dto));
  }

  @Get(':name')
  @ApiOperation({ summary: 'One template by name: every language it has, or one with ?language=.' })
  @ApiParam(NAME_PARAM)
  @ApiResponse({ status: 200, type: [TemplateDto] })
  @ApiErrors(400, 401, 404)
  get(@WorkspaceId() workspaceId: string, @Param('name') name: string, @Query() query: TemplateOneQueryDto): Promise<TemplateView[]> {
    return this.templates.get(workspaceId, name, query);
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Deletes the template (every language) at the provider and here.' })
  @ApiParam(NAME_PARAM)
  @ApiResponse({ status: 204, description: 'Deleted at the provider and here.' })
  @ApiErrors(400, 401, 404, 503)
  async remove(@WorkspaceId() workspaceId: string, @Param('name') name: string, @Query() query: TemplateOneQueryDto): Promise<void> {
    await this.templates.remove(workspaceId, name, query.channelId === undefined ? {} : { channelId: query.channelId });
  }
}

/** The validated body as the service's typed input (each header and button in its own shape). */
function toInput(dto: CreateTemplateDto): CreateTemplateInput {
  const h = dto.header;
  const header: CreateTemplateInput['header'] =
    h === undefined ? undefined : h.format === 'text' ? { format: 'text', text: h.text!, ...(h.example ? { example: h.example } : {}) } : { format: h.format, url: h.url! };
  const buttons = dto.buttons?.map((b): TemplateButtonDefinition => {
    if (b.type === 'url') return { type: 'url', text: b.text, url: b.url!, ...(b.example ? { example: b.example } : {}) };
    if (b.type === 'phone_number') return { type: 'phone_number', text: b.text, phoneNumber: b.phoneNumber! };
    return { type: 'quick_reply', text: b.text };
  });
  return {
    name: dto.name,
    language: dto.language,
    category: dto.category,
    body: { text: dto.body.text, ...(dto.body.examples ? { examples: dto.body.examples } : {}) },
    ...(dto.channelId ? { channelId: dto.channelId } : {}),
    ...(dto.parameterFormat ? { parameterFormat: dto.parameterFormat } : {}),
    ...(header ? { header } : {}),
    ...(dto.footer ? { footer: { text: dto.footer.text } } : {}),
    ...(buttons ? { buttons } : {}),
  };
}

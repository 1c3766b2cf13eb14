import { applyDecorators, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiSecurity, ApiTags, type RequestBodyObject } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ImportsService, type ImportRequest } from '@herald/contacts';
import { HeraldError } from '@herald/common';
import { ApiErrors } from '../http/api-errors.decorator';
import { Accepts } from '../http/content-type.decorator';
import { WorkspaceId } from '../http/workspace-id.decorator';
import { AudienceImportQueryDto, ImportAcceptedDto, ImportDto, VariableGroupImportQueryDto } from './import.dto';
import { ImportUploads } from './import-uploads.service';

const CSV_EXAMPLE = 'number,name,city\n+919739978284,Asha,Pune\n+447400123456,Tom,Leeds\n';
const ENCODING_FIELD = "The file's encoding when not UTF-8 and without a byte order mark, e.g. windows-1252; before the file part, or in the query.";
const CSV_FILE = { type: 'string', format: 'binary', description: 'The CSV: a header row naming a number column.' };

/**
 * A CSV upload's body, told per media type: a multipart form with the file (and the query's fields, which the form may
 * carry instead), or the CSV itself as the raw text/csv body. Given through the operation because @ApiBody gives
 * every media type one schema.
 */
function csvRequestBody(fields: Record<string, string>): RequestBodyObject {
  const formFields = Object.fromEntries(Object.entries(fields).map(([name, description]) => [name, { type: 'string', description }]));
  return {
    required: true,
    content: {
      'multipart/form-data': { schema: { type: 'object', required: ['file'], properties: { file: CSV_FILE, ...formFields } }, example: { file: CSV_EXAMPLE } },
      'text/csv': { schema: { type: 'string' }, example: CSV_EXAMPLE },
    },
  };
}

/** A CSV upload route: multipart or text/csv body, answering 202 with the import id. */
const CsvUpload = (): MethodDecorator =>
  applyDecorators(
    HttpCode(202),
    Accepts('multipart/form-data', 'text/csv'),
    ApiResponse({ status: 202, type: ImportAcceptedDto }),
    ApiErrors(400, 401, 404, 413, 415),
  );

/** CSV uploads: stored as they stream in, applied by a worker; poll GET /v1/imports/:id. */
@ApiTags('imports')
@ApiBearerAuth('api-key')
@ApiSecurity('x-api-key')
@Controller('v1')
export class ImportsController {
  constructor(
    private readonly imports: ImportsService,
    private readonly uploads: ImportUploads,
  ) {}

  @Post('audiences/:id/contacts/import')
  @CsvUpload()
  @ApiOperation({
    summary:
      'Import contacts into an audience from CSV (multipart "file", or a raw text/csv body); "name" creates a missing audience. Answers 202 with the import id.',
    requestBody: csvRequestBody({ name: 'Creates the audience with this name when it does not exist.', defaultCountry: 'Country for numbers written without a country code.', encoding: ENCODING_FIELD }),
  })
  @ApiParam({ name: 'id', example: 'spring-leads' })
  async importContacts(
    @WorkspaceId() workspaceId: string,
    @Param('id') audienceId: string,
    @Query() query: AudienceImportQueryDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ImportAcceptedDto> {
    const build = (f: Record<string, string>): ImportRequest => ({
      kind: 'audience_contacts',
      audienceId,
      audienceName: f.name,
      defaultCountry: f.defaultCountry?.toUpperCase(),
    });
    return { importId: await this.uploads.receive(workspaceId, 'audience_contacts', req, res, { ...query }, build) };
  }

  @Post('variable-groups/import')
  @CsvUpload()
  @ApiOperation({
    summary:
      'Import a variable group from CSV: the number column keys each row, the other columns are the fields. Fields id, name (creates), audienceId. Answers 202.',
    requestBody: csvRequestBody({
      id: 'The group id (required; in the form or the query).',
      name: 'Creates the group with this name when it does not exist.',
      description: "The group's description.",
      audienceId: "Also add the group's contacts to this audience (created if missing).",
      defaultCountry: 'Country for numbers written without a country code.',
      encoding: ENCODING_FIELD,
    }),
  })
  async importVariableGroup(
    @WorkspaceId() workspaceId: string,
    @Query() query: VariableGroupImportQueryDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ImportAcceptedDto> {
    const build = (f: Record<string, string>): ImportRequest => {
      if (!f.id) {
        throw new HeraldError('invalid', 'validation_failed', 'The variable group id is missing: send it as the "id" field.', [
          { field: 'id', issue: 'is required' },
        ]);
      }
      return {
        kind: 'variable_group_values',
        groupId: f.id,
        groupName: f.name,
        groupDescription: f.description,
        audienceId: f.audienceId,
        defaultCountry: f.defaultCountry?.toUpperCase(),
      };
    };
    return { importId: await this.uploads.receive(workspaceId, 'variable_group_values', req, res, { ...query }, build) };
  }

  @Get('imports/:id')
  @ApiOperation({ summary: "An import's status and counts, with the first 1,000 invalid rows; while it runs and after." })
  @ApiParam({ name: 'id', example: '3f0c1f0e-8a61-4f64-9c43-6f1f9c1e2a77' })
  @ApiResponse({ status: 200, type: ImportDto })
  @ApiErrors(401, 404)
  get(@WorkspaceId() workspaceId: string, @Param('id') id: string): Promise<ImportDto> {
    return this.imports.get(workspaceId, id);
  }
}

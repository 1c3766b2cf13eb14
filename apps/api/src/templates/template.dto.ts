import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsObject,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { TEMPLATE_CATEGORIES, type TemplateCategoryName } from '@herald/templates';
import { IsOptionalNotNull } from '../http/optional.decorator';
import { PageLimitQueryDto } from '../http/log-page-query.dto';

const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };
/** Meta: lowercase letters, digits and underscores, up to 512 characters. */
const NAME = /^[a-z0-9_]{1,512}$/;
/** Meta's language codes: `en`, `en_US`, `pt_BR`, `zh_CN`… */
const LANGUAGE = /^[a-z]{2,3}(_[A-Z]{2})?$/;

export class TemplateHeaderDto {
  @ApiProperty({ enum: ['text', 'image', 'video', 'document'], example: 'image' })
  @IsIn(['text', 'image', 'video', 'document'])
  format!: 'text' | 'image' | 'video' | 'document';

  @ApiPropertyOptional({ example: 'Your order {{1}}', description: "For format text: up to 60 characters, at most one variable." })
  @ValidateIf((h: TemplateHeaderDto) => h.format === 'text')
  @IsString()
  @MinLength(1)
  @MaxLength(60)
  text?: string;

  @ApiPropertyOptional({ example: '#1234', description: "For a text header with a variable: the example value." })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(60)
  example?: string;

  @ApiPropertyOptional({
    example: 'https://example.com/banner.jpg',
    description: 'For image, video and document: a public URL Herald fetches and uploads to the provider (image jpeg/png ≤ 5 MB, video mp4 ≤ 16 MB, document pdf ≤ 100 MB).',
  })
  @ValidateIf((h: TemplateHeaderDto) => h.format !== 'text')
  @IsDefined({ message: 'url is required for an image, video or document header' })
  @IsUrl(URL_OPTIONS, { message: 'url must be an http(s) URL' })
  @MaxLength(2000)
  url?: string;
}

export class TemplateBodyDto {
  @ApiProperty({ example: 'Hi {{1}}, your order {{2}} is on its way.', description: 'Up to 1,024 characters; variables {{1}}… or {{name}}.' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  text!: string;

  @ApiPropertyOptional({ example: ['Asha', '#1234'], description: 'An example value for each variable, in order.' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(1024, { each: true })
  examples?: string[];
}

export class TemplateFooterDto {
  @ApiProperty({ example: 'Reply STOP to opt out' })
  @IsString()
  @MinLength(1)
  @MaxLength(60)
  text!: string;
}

export class TemplateButtonDto {
  @ApiProperty({ enum: ['quick_reply', 'url', 'phone_number'] })
  @IsIn(['quick_reply', 'url', 'phone_number'])
  type!: 'quick_reply' | 'url' | 'phone_number';

  @ApiProperty({ example: 'Track order' })
  @IsString()
  @MinLength(1)
  @MaxLength(25)
  text!: string;

  @ApiPropertyOptional({ example: 'https://shop.example.com/track/{{1}}', description: 'For url buttons; may end in one variable.' })
  @ValidateIf((b: TemplateButtonDto) => b.type === 'url')
  @IsString()
  @Matches(/^https?:\/\/\S+$/, { message: 'url must be an http(s) URL' })
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({ example: 'https://shop.example.com/track/1234', description: 'For a url ending in a variable: the URL with it filled in.' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(2000)
  example?: string;

  @ApiPropertyOptional({ example: '+15550100123', description: 'For phone_number buttons.' })
  @ValidateIf((b: TemplateButtonDto) => b.type === 'phone_number')
  @Matches(/^\+?[0-9 ()-]{5,20}$/, { message: 'phoneNumber must be a phone number' })
  phoneNumber?: string;
}

export class CreateTemplateDto {
  @ApiPropertyOptional({ description: "The channel whose account gets the template; default: the workspace's default channel." })
  @IsOptionalNotNull()
  @IsUUID()
  channelId?: string;

  @ApiProperty({ example: 'order_shipped', description: 'Lowercase letters, digits and underscores.' })
  @Matches(NAME, { message: 'name must be lowercase letters, digits and underscores (up to 512)' })
  name!: string;

  @ApiProperty({ example: 'en_US' })
  @Matches(LANGUAGE, { message: 'language must be a language code such as en or en_US' })
  language!: string;

  @ApiProperty({ enum: TEMPLATE_CATEGORIES })
  @IsIn(TEMPLATE_CATEGORIES)
  category!: TemplateCategoryName;

  @ApiPropertyOptional({ enum: ['positional', 'named'], default: 'positional' })
  @IsOptionalNotNull()
  @IsIn(['positional', 'named'])
  parameterFormat?: 'positional' | 'named';

  @ApiPropertyOptional({ type: TemplateHeaderDto })
  @IsOptionalNotNull()
  @IsObject({ message: 'header must be an object' })
  @ValidateNested()
  @Type(() => TemplateHeaderDto)
  header?: TemplateHeaderDto;

  @ApiProperty({ type: TemplateBodyDto })
  @IsObject({ message: 'body must be an object' })
  @ValidateNested()
  @Type(() => TemplateBodyDto)
  body!: TemplateBodyDto;

  @ApiPropertyOptional({ type: TemplateFooterDto })
  @IsOptionalNotNull()
  @IsObject({ message: 'footer must be an object' })
  @ValidateNested()
  @Type(() => TemplateFooterDto)
  footer?: TemplateFooterDto;

  @ApiPropertyOptional({ type: [TemplateButtonDto] })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(10)
  @IsObject({ each: true, message: 'each button must be an object' })
  @ValidateNested({ each: true })
  @Type(() => TemplateButtonDto)
  buttons?: TemplateButtonDto[];
}

export class TemplateQueryDto extends PageLimitQueryDto {
  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsUUID()
  channelId?: string;

  @ApiPropertyOptional({ example: 'APPROVED' })
  @IsOptionalNotNull()
  @Matches(/^[A-Za-z_]{1,32}$/, { message: 'status must be a template status such as APPROVED' })
  status?: string;

  @ApiPropertyOptional({ example: 'MARKETING' })
  @IsOptionalNotNull()
  @Matches(/^[A-Za-z_]{1,32}$/, { message: 'category must be MARKETING, UTILITY or AUTHENTICATION' })
  category?: string;

  @ApiPropertyOptional({ example: 'order_shipped' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(512)
  name?: string;

  @ApiPropertyOptional({ example: 'en_US' })
  @IsOptionalNotNull()
  @Matches(LANGUAGE, { message: 'language must be a language code such as en or en_US' })
  language?: string;

  /** A template list's cursor carries the last row's name and language (names run to 512 characters). */
  @ApiPropertyOptional({ description: 'nextCursor from the previous page.' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(2000)
  cursor?: string;
}

export class TemplateOneQueryDto {
  @ApiPropertyOptional({ example: 'en_US', description: 'One language; without it, every language of the template.' })
  @IsOptionalNotNull()
  @Matches(LANGUAGE, { message: 'language must be a language code such as en or en_US' })
  language?: string;

  @ApiPropertyOptional({ description: "Only this channel's account." })
  @IsOptionalNotNull()
  @IsUUID()
  channelId?: string;
}

export class TemplateSyncDto {
  @ApiPropertyOptional({ description: "Only this channel's account; default: every account of the workspace." })
  @IsOptionalNotNull()
  @IsUUID()
  channelId?: string;
}

export class TemplateHeaderNeedDto {
  @ApiProperty({ example: 'media', enum: ['none', 'text', 'media', 'location'] })
  kind!: 'none' | 'text' | 'media' | 'location';

  @ApiPropertyOptional({ example: 1, description: 'kind text: how many variables the header text has.' })
  variables?: number;

  @ApiPropertyOptional({ example: 'image', enum: ['image', 'video', 'document'], description: 'kind media: what the header shows.' })
  format?: 'image' | 'video' | 'document';
}

export class TemplateBodyNeedDto {
  @ApiProperty({ example: 1, description: 'How many body variables.' })
  count!: number;

  @ApiPropertyOptional({ example: ['first_name'], type: [String], description: 'Named variables: their names in order of first appearance.' })
  names?: string[];
}

export class TemplateButtonNeedDto {
  @ApiProperty({ example: 0, description: "The button's position in the template, from 0." })
  index!: number;

  @ApiProperty({ example: 'url', enum: ['url', 'copy_code', 'otp'], description: 'url: a URL ending in a variable; copy_code: a coupon code; otp: the one-time code.' })
  type!: 'url' | 'copy_code' | 'otp';
}

export class TemplateParametersDto {
  @ApiProperty({ type: TemplateHeaderNeedDto, example: { kind: 'media', format: 'image' }, description: 'none, text {variables}, media {format} or location.' })
  header!: TemplateHeaderNeedDto;

  @ApiProperty({ type: TemplateBodyNeedDto, example: { count: 1 }, description: 'How many body variables; for named variables also their names.' })
  body!: TemplateBodyNeedDto;

  @ApiProperty({ type: [TemplateButtonNeedDto], example: [{ index: 0, type: 'url' }], description: 'Buttons that take a parameter: url, copy_code or otp.' })
  buttons!: TemplateButtonNeedDto[];
}

export class TemplateDto {
  @ApiProperty({ example: '5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a10' }) id!: string;
  @ApiProperty({ example: '1234567890123456', description: "The provider's id of the template." }) providerTemplateId!: string;
  @ApiProperty({ example: '102290129340398' }) wabaId!: string;
  @ApiProperty({ example: ['5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a11'], description: "The workspace's channels of that account." }) channelIds!: string[];
  @ApiProperty({ example: 'spring_banner' }) name!: string;
  @ApiProperty({ example: 'en_US' }) language!: string;
  @ApiProperty({ example: 'MARKETING' }) category!: string;
  @ApiProperty({ example: 'APPROVED', description: 'APPROVED, PENDING, REJECTED, PAUSED, DISABLED, … or UNKNOWN.' }) status!: string;
  @ApiProperty({ example: 'APPROVED' }) providerStatus!: string;
  @ApiProperty({ example: 'GREEN', nullable: true, type: String }) qualityScore!: string | null;
  @ApiProperty({ example: null, nullable: true, type: String, description: 'Why it was rejected, paused or disabled.' }) reason!: string | null;
  @ApiProperty({ example: 'positional', enum: ['positional', 'named'] }) parameterFormat!: 'positional' | 'named';
  @ApiProperty({ example: [{ type: 'BODY', text: 'Hi {{1}}, spring is here.' }], description: 'As the provider reports them.' }) components!: unknown[];
  @ApiProperty({ type: TemplateParametersDto }) parameters!: TemplateParametersDto;
  @ApiProperty({ example: '2026-12-03T10:00:00.000Z' }) syncedAt!: string;
  @ApiProperty({ example: '2026-12-03T10:00:00.000Z' }) updatedAt!: string;
}

export class TemplatePageDto {
  @ApiProperty({ type: [TemplateDto] }) data!: TemplateDto[];
  @ApiProperty({ example: null, nullable: true, type: String }) nextCursor!: string | null;
}

export class SyncResultDto {
  @ApiProperty({ example: '102290129340398' }) wabaId!: string;
  @ApiProperty({ example: true }) ok!: boolean;
  @ApiProperty({ example: 12 }) templates!: number;
  @ApiProperty({ example: 0, description: 'Templates no longer at the provider, removed here.' }) removed!: number;
  @ApiPropertyOptional({ example: '190 Invalid OAuth access token' }) error?: string;
}

export class SyncAnswerDto {
  @ApiProperty({ type: [SyncResultDto] }) accounts!: SyncResultDto[];
}

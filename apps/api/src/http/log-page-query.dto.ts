import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsOptionalNotNull } from './optional.decorator';

/** `limit` of a page of a list: 1–200, default 50. */
export class PageLimitQueryDto {
  @ApiPropertyOptional({ example: 50, minimum: 1, maximum: 200, default: 50 })
  @IsOptionalNotNull()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

/** `limit` and `cursor` of a log read newest first (callback deliveries, set-aside webhook events). */
export class LogPageQueryDto extends PageLimitQueryDto {
  @ApiPropertyOptional({ description: 'nextCursor from the previous page.' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(100)
  cursor?: string;
}

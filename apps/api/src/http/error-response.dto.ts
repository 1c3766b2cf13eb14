import { ApiProperty } from '@nestjs/swagger';

class ErrorDetailDto {
  @ApiProperty({ example: 'name', required: false })
  field?: string;

  @ApiProperty({ example: 'name must be shorter than or equal to 200 characters' })
  issue!: string;
}

class ErrorDto {
  @ApiProperty({ example: 'validation_failed', description: 'Stable snake_case code; clients may key on it.' })
  code!: string;

  @ApiProperty({ example: 'The request has invalid fields: name.' })
  message!: string;

  @ApiProperty({ type: [ErrorDetailDto] })
  details!: ErrorDetailDto[];
}

/** Swagger model of Herald's one error shape. */
export class ErrorResponseDto {
  @ApiProperty({ type: ErrorDto })
  error!: ErrorDto;
}

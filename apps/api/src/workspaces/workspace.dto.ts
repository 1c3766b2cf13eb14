import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';

export class CreateWorkspaceDto {
  @ApiProperty({ example: 'Acme Retail', minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  // eslint-disable-next-line no-control-regex
  @Matches(/^[^\u0000-\u001f\u007f]*$/, { message: 'name must not contain control characters' })
  name!: string;
}

export class CreatedWorkspaceDto {
  @ApiProperty({ example: '0b5f3a2e-8a4f-4a8e-9a57-5d1c0e2f7b11' })
  id!: string;

  @ApiProperty({ example: 'Acme Retail' })
  name!: string;

  @ApiProperty({ example: 'hrld_Q2hhbmdlTWVQbGVhc2VUaGlzSXNOb3RBUmVhbEtleTEyMw', description: 'Shown once; store it now.' })
  apiKey!: string;
}

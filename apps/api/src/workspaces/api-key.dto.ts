import { ApiProperty } from '@nestjs/swagger';

export class ApiKeyDto {
  @ApiProperty({ example: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f' })
  id!: string;

  @ApiProperty({ example: 'hrld_Q2hhbm', description: 'The first characters of the key, to tell keys apart.' })
  prefix!: string;

  @ApiProperty({ example: '2026-11-21T08:00:00.000Z' })
  createdAt!: Date;

  @ApiProperty({ example: '2026-11-21T09:30:00.000Z', nullable: true, type: String })
  lastUsedAt!: Date | null;
}

export class CreatedApiKeyDto {
  @ApiProperty({ example: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f' })
  id!: string;

  @ApiProperty({ example: 'hrld_Q2hhbm' })
  prefix!: string;

  @ApiProperty({ example: '2026-11-21T08:00:00.000Z' })
  createdAt!: Date;

  @ApiProperty({ example: 'hrld_Q2hhbmdlTWVQbGVhc2VUaGlzSXNOb3RBUmVhbEtleTEyMw', description: 'Shown once; store it now.' })
  apiKey!: string;
}

import { ApiProperty } from '@nestjs/swagger';

/** One entry of a bulk request that was refused, while the valid ones were kept. */
export class InvalidEntryDto {
  @ApiProperty({ example: 3, description: 'Position of the entry in the request (from 0).' })
  index!: number;

  @ApiProperty({ example: 'call me', nullable: true, type: String })
  number!: string | null;

  @ApiProperty({ example: 'contains letters' })
  reason!: string;
}

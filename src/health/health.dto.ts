import { ApiProperty } from '@nestjs/swagger';

export class HealthReportDto {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down', 'degraded'], example: 'ok' })
  status!: string;

  @ApiProperty({
    description: 'Each part that answered, with what it reported',
    example: { database: { status: 'up', kind: 'pglite' }, state_store: { status: 'up', kind: 'redis' } },
  })
  info?: Record<string, unknown>;

  @ApiProperty({ description: 'Each part that failed', example: {} })
  error?: Record<string, unknown>;

  @ApiProperty({ example: { database: { status: 'up', kind: 'pglite' }, state_store: { status: 'up', kind: 'redis' } } })
  details!: Record<string, unknown>;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Every error answer: `{ error, details }` (plus `retry_after` on 429). Documented once for Swagger. */
export class ErrorBodyDto {
  @ApiProperty({ example: 'Invalid request: prompt' })
  error!: string;

  @ApiPropertyOptional({ example: { prompt: ['prompt must be shorter than or equal to 20000 characters'] } })
  details?: unknown;

  @ApiPropertyOptional({ example: 12, description: 'Seconds to wait; also sent as the Retry-After header' })
  retry_after?: number;
}

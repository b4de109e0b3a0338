import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { JobRow } from './jobs.repository';

export class JobDto {
  @ApiProperty({ example: 'job_3f2a9c1d4b5e6f708a9b' }) id!: string;
  @ApiProperty({ example: 'bots.verify_all' }) kind!: string;
  @ApiProperty({ enum: ['queued', 'running', 'delayed', 'succeeded', 'failed', 'cancelled'], example: 'running' }) status!: string;
  @ApiProperty({ example: 45, minimum: 0, maximum: 100 }) progress!: number;
  @ApiPropertyOptional({ type: Object, nullable: true, example: { done: 9, total: 20, verified: 7, failed: 2 } }) info!: Record<
    string,
    unknown
  > | null;
  @ApiPropertyOptional({ type: Object, nullable: true, example: null, description: 'What the job returned, once succeeded' })
  result!: unknown;
  @ApiPropertyOptional({
    type: Object,
    nullable: true,
    example: null,
    description: '{ error, details } once failed (or of the last failed attempt)',
  })
  error!: Record<string, unknown> | null;
  @ApiProperty({ example: 1, description: 'Attempts started so far' }) attempts!: number;
  @ApiProperty({ example: 3 }) max_attempts!: number;
  @ApiProperty({ example: '/api/jobs/job_3f2a9c1d4b5e6f708a9b/events' }) events_url!: string;
  @ApiProperty({ example: '2026-11-25T09:30:00.000Z' }) created_at!: string;
  @ApiProperty({ example: '2026-11-25T09:30:04.000Z' }) updated_at!: string;
  @ApiProperty({ type: String, nullable: true, example: null }) finished_at!: string | null;
}

export function jobJson(row: JobRow): JobDto {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    progress: row.progress,
    info: row.info ?? null,
    result: row.result ?? null,
    error: row.error ?? null,
    attempts: row.attempts,
    max_attempts: row.maxAttempts,
    events_url: `/api/jobs/${row.id}/events`,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    finished_at: row.finishedAt?.toISOString() ?? null,
  };
}

/** A 202 for work queued as a job (`Prefer: respond-async`): where to read and follow it. */
export class JobAcceptedDto {
  @ApiProperty({ example: 'queued', enum: ['queued'] }) status!: 'queued';
  @ApiProperty({ example: 'job_3f2a9c1d4b5e6f708a9b' }) job_id!: string;
  @ApiProperty({ example: 'strategy.generate_with_auto_fix' }) kind!: string;
  @ApiProperty({ example: '/api/jobs/job_3f2a9c1d4b5e6f708a9b', description: 'Also the Location header' }) job_url!: string;
  @ApiProperty({ example: '/api/jobs/job_3f2a9c1d4b5e6f708a9b/events' }) events_url!: string;
  @ApiProperty({ example: "Queued; follow events_url for progress; the response body is the job's result" }) message!: string;
}

export function acceptedJson(row: JobRow, message: string): JobAcceptedDto {
  return {
    status: 'queued',
    job_id: row.id,
    kind: row.kind,
    job_url: `/api/jobs/${row.id}`,
    events_url: `/api/jobs/${row.id}/events`,
    message,
  };
}

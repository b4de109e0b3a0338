import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode } from '../common/domain-error';
import { JobRuntime } from './job-runtime';
import { JobRow, JobsRepository } from './jobs.repository';
import type { EnqueueOptions } from './job-queue';

export const newJobId = () => `job_${randomUUID().replace(/-/g, '').slice(0, 20)}`;

/** Validates the payload with its kind's definition and stores the job row (the part both queues share). */
export async function storeJob(
  runtime: JobRuntime,
  repo: JobsRepository,
  kind: string,
  payload: unknown,
  options: EnqueueOptions,
): Promise<JobRow> {
  const definition = runtime.definition(kind);
  if (!definition) throw new DomainError(ErrorCode.ValidationFailed, 'Invalid request: kind', { kind: [`unknown job kind ${kind}`] });
  const command = definition.validate(payload);
  return repo.create({
    id: options.jobId ?? newJobId(),
    kind,
    ownerId: options.ownerId,
    maxAttempts: runtime.maxAttempts(kind),
    payload: command,
    runAt: runtime.now(),
  });
}

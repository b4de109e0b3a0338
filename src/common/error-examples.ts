import type { OpenAPIObject } from '@nestjs/swagger';

/** What each error status looks like on the wire, for the Swagger examples (one per status, not one for all). */
const EXAMPLES: Record<string, unknown> = {
  '400': { error: 'Invalid request: name', details: { name: ['name should not be empty'] } },
  '401': { detail: 'Authentication credentials were not provided.' },
  '403': { detail: 'You do not have permission to perform this action.' },
  '404': { detail: 'Not found.' },
  '405': { detail: 'Method "DELETE" not allowed.' },
  '409': { error: 'Conflict', details: 'A strategy with this name already exists' },
  '413': { error: 'Request body too large', details: { limit_bytes: 1048576 } },
  '422': { error: 'Idempotency-Key reused with another request body' },
  '429': {
    error: 'All Gemini keys are busy',
    details: 'every key is cooling; 3 attempt(s) made for model gemini-2.5-flash',
    retry_after: 12,
  },
  '502': { error: 'Gemini failed to answer', details: { reason: 'server_error' } },
  '503': { error: 'No Gemini keys are configured', details: 'Set GEMINI_API_KEY, GEMINI_API_KEYS or GEMINI_KEY_<id>', retry_after: 30 },
  '504': { error: 'Gemini did not answer in time', details: { attempts: 2 }, retry_after: 5 },
};

type Responses = Record<string, { content?: Record<string, { schema?: { $ref?: string }; example?: unknown; examples?: unknown }> }>;

/**
 * Gives every documented error response that uses the shared error body an example of its own status, unless
 * the endpoint documented one itself. The shared DTO alone would show one example (a 400's) under every status.
 */
export function withErrorExamples(doc: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item as Record<string, { responses?: Responses }>)) {
      for (const [status, response] of Object.entries(op?.responses ?? {})) {
        const json = response.content?.['application/json'];
        const example = EXAMPLES[status];
        if (!json || example === undefined || json.example !== undefined || json.examples !== undefined) continue;
        if (!json.schema?.$ref?.endsWith('/ErrorBodyDto')) continue;
        json.example = example;
      }
    }
  }
  return doc;
}

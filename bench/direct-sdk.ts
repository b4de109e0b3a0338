/**
 * The baseline: the Gemini SDK called directly, as an app without key rotation would. This is bench code;
 * in src/ only src/gemini/ may import the SDK (CI checks it).
 */
import { GenerativeModel, GoogleGenerativeAI } from '@google/generative-ai';

const models = new Map<string, GenerativeModel>();

/** One `generateContent` with `secret` against `baseUrl`; throws the SDK's error as is. */
export async function directGenerate(secret: string, baseUrl: string, model: string, prompt: string): Promise<string> {
  const id = `${secret}\u0000${baseUrl}\u0000${model}`;
  let m = models.get(id);
  if (!m) {
    m = new GoogleGenerativeAI(secret).getGenerativeModel({ model }, { baseUrl });
    models.set(id, m);
  }
  const res = await m.generateContent(prompt);
  return res.response.text();
}

/** HTTP status of an SDK error (0 when it never got an answer). */
export function sdkErrorStatus(e: unknown): number {
  const status = (e as { status?: number }).status;
  return typeof status === 'number' ? status : 0;
}

/**
 * The floor under the service's added latency: the least a Node.js process can do to pass one prompt on to
 * Gemini and answer. No framework, no auth, no validation, no key choice: read the JSON body, make one call
 * to the fake with a fixed key, answer `{ text }`. Started by bench/http-path.ts as its own process, like the
 * service, in one of three ways of making the upstream call:
 *   http  — node:http with a keep-alive agent (the cheapest client Node has)
 *   fetch — the global fetch (undici), which the Gemini SDK uses underneath
 *   sdk   — @google/generative-ai's generateContent, as the service does
 *
 *   tsx bench/floor-proxy.ts <port> <fakeUrl> <secret> <model> <http|fetch|sdk>
 */
import http from 'node:http';
import { GoogleGenerativeAI } from '@google/generative-ai';

type Answer = { candidates: Array<{ content: { parts: Array<{ text: string }> } }> };

const [, , port, fakeUrl, secret, model, mode] = process.argv;
const agent = new http.Agent({ keepAlive: true });
const upstream = new URL(`${fakeUrl}/v1beta/models/${model}:generateContent`);
const requestBody = (prompt: string) => JSON.stringify({ contents: [{ role: 'user', parts: [{ text: prompt }] }] });
const textOf = (answer: Answer) => answer.candidates[0].content.parts[0].text;

function viaHttp(prompt: string): Promise<string> {
  const payload = requestBody(prompt);
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', 'x-goog-api-key': secret, 'content-length': Buffer.byteLength(payload) };
    const req = http.request(
      { host: upstream.hostname, port: upstream.port, path: upstream.pathname, method: 'POST', agent, headers },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve(textOf(JSON.parse(text) as Answer)));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function viaFetch(prompt: string): Promise<string> {
  const res = await fetch(upstream, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': secret },
    body: requestBody(prompt),
  });
  return textOf((await res.json()) as Answer);
}

async function viaSdk(prompt: string): Promise<string> {
  const m = new GoogleGenerativeAI(secret).getGenerativeModel({ model }, { baseUrl: fakeUrl });
  const r = await m.generateContent({ contents: [{ role: 'user', parts: [{ text: prompt }] }] });
  return r.response.text();
}

const call = ({ http: viaHttp, fetch: viaFetch, sdk: viaSdk } as Record<string, (prompt: string) => Promise<string>>)[mode];
if (!call) throw new Error(`mode must be http, fetch or sdk, not ${mode}`);

function promptOf(body: string): string | undefined {
  try {
    const prompt = (JSON.parse(body) as { prompt?: unknown }).prompt;
    return typeof prompt === 'string' ? prompt : undefined;
  } catch {
    return undefined;
  }
}

http
  .createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      // A GET (the bench's readiness poll) or a body that is not `{ prompt }` gets a plain answer, no upstream call.
      const prompt = req.method === 'POST' ? promptOf(body) : undefined;
      if (prompt === undefined) {
        res.writeHead(req.method === 'POST' ? 400 : 200, { 'content-type': 'text/plain' });
        res.end(req.method === 'POST' ? 'expected {"prompt": "..."}' : 'ready');
        return;
      }
      call(prompt).then(
        (text) => {
          const out = JSON.stringify({ text });
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
          res.end(out);
        },
        (e) => {
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: e instanceof Error ? e.message : 'upstream call failed' }));
        },
      );
    });
  })
  .listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));

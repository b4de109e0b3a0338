/**
 * A seeded generator of malformed requests from an OpenAPI document: for every operation it takes a plausible
 * request (path, query and body from the documented schema) and breaks one thing about it — a wrong type, a
 * huge string, deep nesting, a NUL character, a `__proto__` key, `1e400`, an odd id or path segment, a wrong
 * content type or broken JSON. Same seed, same requests.
 */

export interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, Schema> };
}

interface OpenApiOperation {
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: Schema }>;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  security?: unknown[];
}

export interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  example?: unknown;
  format?: string;
}

export interface MalformedRequest {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Concrete URL, path and query included. */
  url: string;
  /** Already serialised body, and its content type. */
  body?: { text: string; contentType: string };
  /** What was broken, for the failure message. */
  variant: string;
  /** The templated path of the operation. */
  operation: string;
}

/** mulberry32: small, fast, good enough for picking test cases. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_SEGMENTS = [
  '0',
  '-1',
  '2147483648',
  '99999999999999999999',
  '1e3',
  '1.5',
  '%00',
  'a%00b',
  'abc',
  '%E0%A4%A',
  '..%2F..%2Fetc',
  'x'.repeat(3000),
  '%20',
  'null',
  '__proto__',
];
const ODD_QUERY_VALUES = ['%00', 'a%00', '1e400', '-1', '99999999999999999999', 'x'.repeat(5000), '', 'true', '%E0%A4%A', '[]', '{}'];

function deep(depth: number, leaf: unknown = 1): string {
  return '{"a":'.repeat(depth) + JSON.stringify(leaf) + '}'.repeat(depth);
}

function deepArray(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

export class MalformedRequestGenerator {
  private readonly random: () => number;

  constructor(
    private readonly doc: OpenApiDoc,
    seed: number,
  ) {
    this.random = seededRandom(seed);
  }

  /** `perOperation` malformed requests for every operation of the document. */
  generate(perOperation: number): MalformedRequest[] {
    const out: MalformedRequest[] = [];
    for (const [path, item] of Object.entries(this.doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        for (let i = 0; i < perOperation; i++) out.push(this.one(method as MalformedRequest['method'], path, op));
      }
    }
    return out;
  }

  private one(method: MalformedRequest['method'], path: string, op: OpenApiOperation): MalformedRequest {
    const bodySchema = this.resolve(op.requestBody?.content?.['application/json']?.schema);
    const hasBody = method !== 'get' && method !== 'delete';
    const queryParams = (op.parameters ?? []).filter((p) => p.in === 'query');
    const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path');
    const targets: Array<'path' | 'query' | 'body' | 'raw'> = [];
    if (pathParams.length || /\{/.test(path)) targets.push('path', 'path');
    if (queryParams.length) targets.push('query', 'query');
    if (hasBody) targets.push('body', 'body', 'body', 'raw');
    if (!targets.length) targets.push('query');
    const target = this.pick(targets);

    let segmentVariant = '';
    const url = path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
      if (target === 'path' && !segmentVariant) {
        const odd = this.pick(ODD_SEGMENTS);
        segmentVariant = `path ${name}=${odd.slice(0, 40)}`;
        return odd;
      }
      return name.includes('session') ? 'chat_0123456789abcdef' : '1';
    });
    let query = '';
    let variant = segmentVariant;
    if (target === 'query') {
      const name = queryParams.length ? this.pick(queryParams).name : this.pick(['page', 'search', 'id', '__proto__[x]']);
      const how = this.pick(['odd', 'array', 'nested', 'proto']);
      const value = this.pick(ODD_QUERY_VALUES);
      query =
        how === 'array'
          ? `${name}=${value}&${name}=2`
          : how === 'nested'
            ? `${name}[a][b]=${value}`
            : how === 'proto'
              ? `__proto__[${name}]=1&${name}=${value}`
              : `${name}=${value}`;
      variant = `query ${how} ${name}=${value.slice(0, 40)}`;
    }
    const req: MalformedRequest = { method, url: query ? `${url}?${query}` : url, variant, operation: `${method.toUpperCase()} ${path}` };
    if (hasBody) {
      const valid = this.plausible(bodySchema, 0);
      if (target === 'body') {
        const { body, what } = this.breakBody(valid, bodySchema);
        req.body = { text: body, contentType: 'application/json' };
        req.variant = `body ${what}`;
      } else if (target === 'raw') {
        const { body, what } = this.rawBody(valid);
        req.body = body;
        req.variant = `raw ${what}`;
      } else {
        req.body = { text: JSON.stringify(valid), contentType: 'application/json' };
      }
    }
    return req;
  }

  /** One field (or the whole body) made wrong. */
  private breakBody(valid: unknown, schema: Schema | undefined): { body: string; what: string } {
    const fields = schema?.properties ? Object.keys(schema.properties) : [];
    const obj = valid && typeof valid === 'object' && !Array.isArray(valid) ? { ...(valid as Record<string, unknown>) } : {};
    const field = fields.length ? this.pick(fields) : 'name';
    const kind = this.pick([
      'type',
      'type',
      'huge',
      'nul',
      'nul',
      'deep',
      'deep-array',
      'proto',
      'constructor',
      'inf',
      'null',
      'unknown',
      'emoji',
      'negative',
      'bigint',
    ]);
    switch (kind) {
      case 'type': {
        const wrong = this.pick<unknown>([12345, 'text', true, [1, 'a'], { a: 1 }, -0.5, []]);
        return { body: JSON.stringify({ ...obj, [field]: wrong }), what: `${field}=${JSON.stringify(wrong)}` };
      }
      case 'huge':
        return { body: JSON.stringify({ ...obj, [field]: 'x'.repeat(this.pick([70_000, 300_000])) }), what: `${field}=huge string` };
      case 'nul':
        return { body: JSON.stringify({ ...obj, [field]: this.pick(['a\u0000b', '\u0000', 'ok\u0000']) }), what: `${field} with NUL` };
      case 'deep':
        return { body: `{"${field}":${deep(this.pick([100, 2_000, 10_000]))}}`, what: `${field} nested deep` };
      case 'deep-array':
        return { body: `{"${field}":${deepArray(this.pick([500, 10_000]))}}`, what: `${field} arrays nested deep` };
      case 'proto':
        return {
          body: JSON.stringify(obj).replace(/^\{/, `{"__proto__":{"isStaff":true,"admin":true},`).replace(',}', '}'),
          what: '__proto__ key',
        };
      case 'constructor':
        return { body: JSON.stringify({ ...obj, constructor: { prototype: { polluted: true } } }), what: 'constructor.prototype key' };
      case 'inf':
        return { body: JSON.stringify({ ...obj, [field]: 0 }).replace(`"${field}":0`, `"${field}":1e400`), what: `${field}=1e400` };
      case 'null':
        return { body: JSON.stringify({ ...obj, [field]: null }), what: `${field}=null` };
      case 'unknown':
        return { body: JSON.stringify({ ...obj, ['zz_' + field]: 1 }), what: 'unknown field' };
      case 'emoji':
        return { body: JSON.stringify({ ...obj, [field]: '\ud83d\ude00\ud800 lone surrogate' }), what: `${field} lone surrogate` };
      case 'negative':
        return { body: JSON.stringify({ ...obj, [field]: -1e308 }), what: `${field}=-1e308` };
      default:
        return {
          body: JSON.stringify({ ...obj, [field]: 2 ** 53 + 1 }).replace(String(2 ** 53 + 2), '99999999999999999999999'),
          what: `${field}=huge integer`,
        };
    }
  }

  /** The body as a whole is wrong: not JSON, not an object, or not JSON at all by its content type. */
  private rawBody(valid: unknown): { body: { text: string; contentType: string }; what: string } {
    const json = JSON.stringify(valid ?? {});
    const cases: Array<[string, string, string]> = [
      ['{"a":', 'application/json', 'truncated JSON'],
      ['[1,2,3]', 'application/json', 'array body'],
      ['"text"', 'application/json', 'string body'],
      ['null', 'application/json', 'null body'],
      ['', 'application/json', 'empty body'],
      [deep(10_000), 'application/json', 'body nested 10,000 deep'],
      [json, 'text/plain', 'text/plain'],
      ['<a>1</a>', 'application/xml', 'xml'],
      ['a=1&a[b]=2&__proto__[x]=1', 'application/x-www-form-urlencoded', 'form with __proto__'],
      [json, 'application/json; charset=utf-7', 'unsupported charset'],
      ['\u0000\u0001\u0002', 'application/octet-stream', 'binary'],
      [json.replace(/^\{/, '{"a":1,"a":2,'), 'application/json', 'duplicate keys'],
    ];
    const [text, contentType, what] = this.pick(cases);
    return { body: { text: text.replace(',}', '}'), contentType }, what };
  }

  /** A value matching the schema, from its examples where it has them. */
  private plausible(schema: Schema | undefined, depth: number): unknown {
    if (!schema || depth > 4) return undefined;
    schema = this.resolve(schema);
    if (!schema) return undefined;
    if (schema.example !== undefined) return schema.example;
    if (schema.enum?.length) return schema.enum[0];
    const union = schema.allOf ?? schema.oneOf ?? schema.anyOf;
    if (union?.length) return this.plausible(union[0], depth + 1);
    switch (schema.type) {
      case 'string':
        return schema.format === 'date-time' ? '2026-01-01T00:00:00Z' : 'sample';
      case 'integer':
        return 1;
      case 'number':
        return 1.5;
      case 'boolean':
        return true;
      case 'array':
        return [this.plausible(schema.items, depth + 1)].filter((v) => v !== undefined);
      default: {
        if (!schema.properties) return {};
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(schema.properties)) {
          const value = this.plausible(v, depth + 1);
          if (value !== undefined) out[k] = value;
        }
        return out;
      }
    }
  }

  private resolve(schema: Schema | undefined): Schema | undefined {
    if (!schema?.$ref) return schema;
    const name = schema.$ref.split('/').pop()!;
    return this.doc.components?.schemas?.[name];
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }
}

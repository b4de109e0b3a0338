import request from 'supertest';
import { createTestApp, TestApp } from './support/app';

describe('Swagger for operators', () => {
  let t: TestApp;
  let doc: Record<string, any>;
  beforeAll(async () => {
    t = await createTestApp();
    doc = (await request(t.app.getHttpServer()).get('/docs-json').expect(200)).body;
  }, 120000);
  afterAll(() => t.close());

  it('gives the admin token and the user JWT separate security schemes', () => {
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['admin-token', 'bearer']);
    for (const path of ['/api/keys/health', '/api/keys/usage', '/api/keys/events'])
      expect(doc.paths[path].get.security).toEqual([{ 'admin-token': [] }]);
    expect(doc.paths['/api/keys/reload'].post.security).toEqual([{ 'admin-token': [] }]);
    expect(doc.paths['/api/auth/user/me'].get.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/api/auth/usage'].get.security).toEqual([{ bearer: [] }]);
  });

  it('documents every status of the key admin endpoints', () => {
    expect(Object.keys(doc.paths['/api/keys/{id}/disable'].post.responses).sort()).toEqual(['200', '400', '401', '403', '404']);
    expect(Object.keys(doc.paths['/api/keys/{id}/enable'].post.responses).sort()).toEqual(['200', '400', '401', '403', '404']);
    expect(Object.keys(doc.paths['/api/keys/health'].get.responses).sort()).toEqual(['200', '401', '403']);
  });

  it('prefills no template id that would not exist in any request body (create-strategy examples validate on an empty database)', () => {
    const schemas = doc.components.schemas as Record<string, { properties?: Record<string, { example?: unknown }> }>;
    const bodies = new Set<string>();
    for (const ops of Object.values(doc.paths as Record<string, Record<string, any>>)) {
      for (const op of Object.values(ops)) {
        const ref: string | undefined = op?.requestBody?.content?.['application/json']?.schema?.$ref;
        if (ref) bodies.add(ref.split('/').pop()!);
      }
    }
    const examples = [...bodies].flatMap((name) =>
      Object.entries(schemas[name]?.properties ?? {})
        .filter(([prop]) => prop === 'template' || prop === 'template_id')
        .map(([prop, p]) => [name, prop, p.example] as const),
    );
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const [name, prop, example] of examples) expect([name, prop, example]).toEqual([name, prop, null]);
  });

  it('shows each error status with an example of its own, not the same 400 body everywhere', () => {
    const byStatus = new Map<string, Set<string>>();
    for (const ops of Object.values(doc.paths as Record<string, Record<string, any>>)) {
      for (const op of Object.values(ops)) {
        for (const [status, response] of Object.entries((op?.responses ?? {}) as Record<string, any>)) {
          const json = response?.content?.['application/json'];
          if (Number(status) < 400 || !json?.schema?.$ref?.endsWith('/ErrorBodyDto')) continue;
          expect([status, json.example ?? json.examples]).not.toEqual([status, undefined]);
          if (json.example) byStatus.set(status, (byStatus.get(status) ?? new Set()).add(JSON.stringify(json.example)));
        }
      }
    }
    expect([...byStatus.keys()]).toEqual(expect.arrayContaining(['400', '401', '404', '429']));
    const notFound = [...byStatus.get('404')!].join();
    const tooMany = [...byStatus.get('429')!].join();
    expect(notFound).not.toContain('prompt must be shorter');
    expect(tooMany).toContain('retry_after');
  });
});

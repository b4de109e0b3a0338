import request from 'supertest';
import { IndicatorsController } from '../../src/bots/indicators.controller';
import { INDICATORS } from '../../src/bots/sdk/indicators';
import { createTestApp, TestApp } from '../support/app';

describe('GET /api/strategies/strategies/available_indicators/', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp({}, { controllers: [IndicatorsController] });
  });
  afterAll(() => t.close());

  it('lists every indicator without authentication', async () => {
    const res = await http().get('/api/strategies/strategies/available_indicators/').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.count).toBe(res.body.indicators.length);
    expect(res.body.count).toBe(INDICATORS.length);
    expect(Object.keys(res.body).sort()).toEqual(['count', 'indicators']);
  });

  it('gives each indicator exactly name, display_name, description, parameters, example and usage', async () => {
    const res = await http().get('/api/strategies/strategies/available_indicators/').expect(200);
    for (const entry of res.body.indicators) {
      expect(Object.keys(entry).sort()).toEqual(['description', 'display_name', 'example', 'name', 'parameters', 'usage']);
      for (const p of entry.parameters) expect(Object.keys(p).sort()).toEqual(['default', 'description', 'name', 'type']);
    }
  });

  it('shows sma with a period parameter and its default', async () => {
    const res = await http().get('/api/strategies/strategies/available_indicators/').expect(200);
    const sma = res.body.indicators.find((i: { name: string }) => i.name === 'sma');
    expect(sma.parameters).toContainEqual({ name: 'period', type: 'int', default: 20, description: expect.any(String) });
  });

  it('answers the same without the trailing slash (Express routing is not strict)', async () => {
    const withSlash = await http().get('/api/strategies/strategies/available_indicators/').expect(200);
    const without = await http().get('/api/strategies/strategies/available_indicators').expect(200);
    expect(without.body).toEqual(withSlash.body);
  });

  it('is documented in Swagger under "strategies" with an example response', async () => {
    const doc = (await http().get('/docs-json').expect(200)).body;
    const op = doc.paths['/api/strategies/strategies/available_indicators']?.get;
    expect(op.tags).toEqual(['strategies']);
    expect(op.security ?? []).toEqual([]);
    expect(op.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/IndicatorCatalogDto');
    const info = doc.components.schemas.IndicatorInfoDto.properties;
    expect(info.name.example).toBe('sma');
    expect(info.parameters.example[0]).toMatchObject({ name: 'period', default: 20 });
  });
});

import { apiIndex, routerRoot } from './api-index';

describe(routerRoot.name, () => {
  it('lists each viewset of an app with its absolute URL, in registration order', () => {
    expect(routerRoot('auth', 'http://h:8000')).toEqual({
      profiles: 'http://h:8000/api/auth/profiles/',
      'ai-contexts': 'http://h:8000/api/auth/ai-contexts/',
      'chat-sessions': 'http://h:8000/api/auth/chat-sessions/',
    });
  });

  it('is empty for an app this service does not route', () => {
    expect(routerRoot('production', 'http://h')).toEqual({});
  });
});

describe(apiIndex.name, () => {
  it("carries Django's navigation and the given time", () => {
    const doc = apiIndex(new Date('2026-12-01T09:00:00Z'));
    expect(doc).toMatchObject({ message: 'AlgoAgent API', version: '1.0.0', timestamp: '2026-12-01T09:00:00.000Z' });
    expect((doc.health_checks as Record<string, string>).auth_api).toBe('/api/auth/health/');
  });
});

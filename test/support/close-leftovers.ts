import { openApps } from './app';

// Runs after the test file's own afterAll hooks (a setup file's hooks wrap the suites'): whatever app is
// still open — a test failed before its close(), or a suite forgot one — is closed here.
afterAll(async () => {
  for (const close of [...openApps]) await close();
});

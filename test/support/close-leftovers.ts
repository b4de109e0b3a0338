import { appsOpenedByTests, testScope } from './app';

// The first beforeEach and the last afterEach of every test (a setup file's hooks wrap the suites' own):
// whatever app the test (or its beforeEach) opened and did not close is closed here.
beforeEach(() => {
  testScope.active = true;
});

afterEach(async () => {
  testScope.active = false;
  for (const close of [...appsOpenedByTests]) await close();
});

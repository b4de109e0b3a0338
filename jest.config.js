/** Jest 30 + @swc/jest. NestJS 12 ships ESM, which Jest cannot require on Node 20, so @nestjs is transformed too. */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
};

module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs)/)'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', swc] },
  testTimeout: 60000,
  setupFilesAfterEnv: ['<rootDir>/test/support/close-leftovers.ts'],
};

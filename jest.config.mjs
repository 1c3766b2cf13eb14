const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2023',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
    },
    module: { type: 'es6' },
    swcrc: false,
  },
];
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^@herald/client$': '<rootDir>/packages/client/src', '^@herald/([a-z-]+)$': '<rootDir>/libs/$1/src' },
  // Three tiers: unit specs beside the code, in-process integration specs (a service driven directly with a fake
  // provider and a settable clock, against real Postgres and Redis), and whole-process e2e specs.
  testMatch: ['<rootDir>/{apps,libs,packages}/**/*.spec.ts', '<rootDir>/test/**/*.int-spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  testTimeout: 30_000,
  // Two spec files at a time, on every machine (the CI box has 2 cores; jest would otherwise run cores − 1). Each
  // jest worker is a lane with a database and a Redis key prefix of its own (global-setup.mjs makes them, lane-env.ts
  // points each spec file at its worker's): some specs wait for a table to empty (webhook_events) and the workers
  // they start reconcile every running campaign run they find, so two files on one database would see each other's
  // rows.
  maxWorkers: 2,
  setupFiles: ['<rootDir>/test/support/lane-env.ts'],
};

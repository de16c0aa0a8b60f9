/**
 * Two projects: `unit` needs no Temporal server (seconds, no tool bootstrap: `npm run test:unit`);
 * `server` starts real Temporal servers, so its files run serially (`--runInBand`), one environment
 * per file. `npm test` runs both.
 */
const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};

/** Test files that start no Temporal server (and no worker against one). */
const unitTests = [
  '<rootDir>/test/unit/**/*.test.ts',
  '<rootDir>/test/simulator/**/*.test.ts',
  '<rootDir>/test/deploy/compose.test.ts',
  '<rootDir>/test/workflows/replay.test.ts',
];

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 120_000,
  slowTestThreshold: 30,
  projects: [
    { ...shared, displayName: 'unit', testMatch: unitTests },
    {
      ...shared,
      displayName: 'server',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...unitTests.map(globToPathPattern)],
    },
  ],
};

/** `<rootDir>/test/unit/**\/*.test.ts` → a regex on the path, for testPathIgnorePatterns. */
function globToPathPattern(glob) {
  return glob.replace('<rootDir>', '').replace(/\./g, '\\.').replace('/**/*', '/.*').concat('$');
}

// ESM jest: helia, multiformats and kubo-rpc-client are ESM-only (see ../shared/DEPENDENCIES.md).
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  setupFiles: ['<rootDir>/tests/support/polyfills.ts'],
  // Suites start real chains, databases and IPFS nodes: allow for start-up, this is not a speed limit.
  testTimeout: 120_000,
  maxWorkers: 2,
};

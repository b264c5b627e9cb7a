// Shared jest settings: TypeScript through SWC (type checking is `npm run typecheck`'s job),
// workspace packages resolved to their sources so tests never need a build.
const path = require('node:path');

/** @param {string} packageDir */
module.exports = function jestConfig(packageDir) {
  return {
    rootDir: packageDir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
    transform: {
      '^.+\\.ts$': [
        '@swc/jest',
        {
          jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
          module: { type: 'commonjs' },
          sourceMaps: 'inline',
        },
      ],
      // ESM-only dependencies the gateway loads with require(esm) (Node >= 20.19), which jest's
      // own module system does not do: turned into CommonJS like our sources.
      '^.+\\.m?js$': ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
    },
    transformIgnorePatterns: ['/node_modules/(?!(@tus|srvx)/)'],
    moduleNameMapper: {
      '^@ingestkit/(upload-gateway|ingest-worker|webhook-receiver|purge-service)$': path.join(__dirname, 'services/$1/src'),
      '^@ingestkit/deploy$': path.join(__dirname, 'deploy/src'),
      '^@ingestkit/([a-z-]+)$': path.join(__dirname, 'packages/$1/src'),
    },
    testTimeout: 30_000,
    // CI must never hang on a leaked handle; locally jest reports it instead.
    forceExit: process.env.CI === 'true',
  };
};

#!/usr/bin/env node
// Bundles the client with esbuild: ESM and CommonJS for Node, ESM for browsers, and the CLI.
// @ingestkit/contracts is bundled from its TypeScript sources (ES modules, so unused code such
// as the server's id minting, the only user of node:crypto there, is tree-shaken away); zod,
// commander and cli-progress stay dependencies. See README.md, "How it is built".
'use strict';

const path = require('node:path');

const root = __dirname;
const contractsSource = path.join(root, '../contracts/src/index.ts');
const external = ['zod', 'commander', 'cli-progress'];

/** The message of the stub that stands for node:crypto in the browser build; the test asserts it is gone. */
const BROWSER_CRYPTO_STUB = 'node:crypto is not available in the browser build of @ingestkit/client';

/** Resolves node:crypto (imported by contracts' server-only helpers) to a stub that throws, for the browser. */
const browserCryptoStub = {
  name: 'browser-crypto-stub',
  setup(build) {
    build.onResolve({ filter: /^(node:)?crypto$/ }, () => ({ path: 'crypto', namespace: 'crypto-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'crypto-stub' }, () => ({
      contents: `const fail = () => { throw new Error(${JSON.stringify(BROWSER_CRYPTO_STUB)}); };
export const createHash = fail; export const randomBytes = fail;`,
      loader: 'js',
    }));
  },
};

/** esbuild options of each output (the test bundles `browser` itself). */
function buildOptions() {
  const common = {
    bundle: true,
    target: 'es2022',
    alias: { '@ingestkit/contracts': contractsSource },
    sourcemap: true,
    logLevel: 'warning',
  };
  return {
    esm: {
      ...common,
      entryPoints: [path.join(root, 'src/index.ts')],
      platform: 'node',
      format: 'esm',
      external,
      outfile: path.join(root, 'dist/index.mjs'),
    },
    cjs: {
      ...common,
      entryPoints: [path.join(root, 'src/index.ts')],
      platform: 'node',
      format: 'cjs',
      external,
      outfile: path.join(root, 'dist/index.cjs'),
    },
    browser: {
      ...common,
      entryPoints: [path.join(root, 'src/browser.ts')],
      platform: 'browser',
      format: 'esm',
      external: ['zod'],
      plugins: [browserCryptoStub],
      outfile: path.join(root, 'dist/browser.mjs'),
    },
    cli: {
      ...common,
      entryPoints: [path.join(root, 'src/cli/main.ts')],
      platform: 'node',
      format: 'cjs',
      external,
      banner: { js: '#!/usr/bin/env node' },
      outfile: path.join(root, 'dist/cli.cjs'),
    },
  };
}

module.exports = { buildOptions, BROWSER_CRYPTO_STUB };

if (require.main === module) {
  const esbuild = require('esbuild');
  Promise.all(Object.values(buildOptions()).map((options) => esbuild.build(options))).catch((err) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  });
}

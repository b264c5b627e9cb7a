// Proves the browser entry bundles for browsers with no Node built-in left in it.
import { builtinModules } from 'node:module';
import { build } from 'esbuild';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildOptions, BROWSER_CRYPTO_STUB } = require('../build.js') as {
  buildOptions: () => Record<'browser', Parameters<typeof build>[0]>;
  BROWSER_CRYPTO_STUB: string;
};

it('bundles src/browser.ts for platform=browser without importing any Node built-in', async () => {
  const options = buildOptions().browser;
  const result = await build({
    ...options,
    external: [],
    write: false,
    metafile: true,
    sourcemap: false,
    outfile: 'browser.mjs',
  });
  const code = result.outputFiles[0]!.text;
  const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
  const imported = Object.values(result.metafile.outputs).flatMap((output) => output.imports.map((i) => i.path));
  expect(imported.filter((path) => builtins.has(path))).toEqual([]);
  expect(Object.keys(result.metafile.inputs).filter((path) => builtins.has(path))).toEqual([]);
  // The stub standing in for contracts' server-only use of node:crypto was tree-shaken away.
  expect(code).not.toContain(BROWSER_CRYPTO_STUB);
  expect(code).toMatch(/export\s*\{[^}]*createClient/);
  expect(code).toContain('webhook-signature');
});

#!/usr/bin/env node
// Fails on an import cycle between workspace packages, on a package that imports a service,
// on a service that imports another service, and on an `@ingestkit/*` import that the
// importing package does not declare (undeclared imports would hide cycles from this check).
'use strict';

const { readdirSync, readFileSync, existsSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..');
const workspaces = ['packages', 'services'].flatMap((dir) =>
  readdirSync(join(root, dir))
    .map((name) => join(root, dir, name))
    .filter((path) => existsSync(join(path, 'package.json'))),
);
// e2e/, chaos/ and security/ test the services together: they may depend on them, and nothing may depend on them.
workspaces.push(join(root, 'e2e'), join(root, 'chaos'), join(root, 'security'));
// deploy/ holds the operations artefacts and the metrics catalog; it is checked like a package.
workspaces.push(join(root, 'deploy'));

const graph = new Map();
const kinds = new Map();
const problems = [];

for (const dir of workspaces) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const declared = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((name) => name.startsWith('@ingestkit/'));
  graph.set(pkg.name, declared);
  const place = relative(root, dir);
  kinds.set(
    pkg.name,
    place.startsWith('services') ? 'service' : ['e2e', 'chaos', 'security'].includes(place) ? 'e2e' : 'package',
  );
  for (const file of sourceFiles(dir)) {
    for (const [, imported] of readFileSync(file, 'utf8').matchAll(
      /from '(@ingestkit\/[a-z-]+)'|require\('(@ingestkit\/[a-z-]+)'\)/g,
    )) {
      if (imported && imported !== pkg.name && !declared.includes(imported)) {
        problems.push(`${relative(root, file)} imports ${imported}, which ${pkg.name} does not declare`);
      }
    }
  }
}

for (const [name, deps] of graph) {
  for (const dep of deps) {
    if (kinds.get(dep) === 'e2e') problems.push(`${name} depends on ${dep}: nothing may depend on the e2e tests`);
    if (kinds.get(dep) === 'service' && kinds.get(name) !== 'e2e')
      problems.push(`${name} depends on the service ${dep}: services talk through queues`);
  }
}

const state = new Map();
function visit(name, path) {
  if (state.get(name) === 'done') return;
  if (state.get(name) === 'visiting') {
    problems.push(`import cycle: ${[...path.slice(path.indexOf(name)), name].join(' → ')}`);
    return;
  }
  state.set(name, 'visiting');
  for (const dep of graph.get(name) ?? []) visit(dep, [...path, name]);
  state.set(name, 'done');
}
for (const name of graph.keys()) visit(name, []);

function sourceFiles(dir) {
  const out = [];
  for (const sub of ['src', 'test']) {
    const start = join(dir, sub);
    if (!existsSync(start)) continue;
    const stack = [start];
    while (stack.length > 0) {
      const current = stack.pop();
      for (const entry of readdirSync(current)) {
        const path = join(current, entry);
        if (statSync(path).isDirectory()) stack.push(path);
        else if (/\.(ts|js)$/.test(entry)) out.push(path);
      }
    }
  }
  return out;
}

if (problems.length > 0) {
  process.stderr.write(`Dependency check failed:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`Dependency check: ${graph.size} workspaces, no cycles, layering respected.\n`);

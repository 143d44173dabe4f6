#!/usr/bin/env node
// Runs the named suites (test/<suite>/**/*.test.ts) with node:test through tsx. Node 20 does not find
// .ts test files by itself, so they are listed here; a run in which no test ran fails.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
let db = process.env.XIETONG_TEST_DB ?? 'pglite';
const suites = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--db') db = args[++i];
  else suites.push(args[i]);
}
if (!['pglite', 'postgres'].includes(db)) {
  console.error(`run-tests: --db must be pglite or postgres, got ${db}`);
  process.exit(2);
}
if (suites.length === 0) suites.push('unit', 'integration', 'browser');

function collect(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? collect(path.join(dir, e.name)) : e.name.endsWith('.test.ts') ? [path.join(dir, e.name)] : []))
    .sort();
}
const files = suites.flatMap((s) => collect(path.join(root, 'test', s)));
if (files.length === 0) {
  console.error(`run-tests: no test files in ${suites.join(', ')}`);
  process.exit(1);
}
if (suites.includes('browser')) {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'ensure-web.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

console.log(`run-tests: ${files.length} files (${suites.join(', ')}) on ${db}`);
const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  cwd: root,
  env: { ...process.env, XIETONG_TEST_DB: db, NODE_ENV: 'test' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let tail = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  tail += chunk.toString();
});
child.on('close', (code) => {
  const num = (label) => Number([...tail.matchAll(new RegExp(`ℹ ${label} (\\d+)`, "g"))].at(-1)?.[1] ?? 0);
  const tests = num('tests');
  const passed = num('pass');
  const failed = num('fail') + num('cancelled');
  const skipped = num('skipped') + num('todo');
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
  if (tests === 0) {
    console.error('run-tests: no test ran');
    process.exit(1);
  }
  process.exit(code === 0 && failed === 0 ? 0 : 1);
});

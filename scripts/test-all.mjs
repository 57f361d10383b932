#!/usr/bin/env node
// The one test command (`npm test`): lint, type-check, build, engine and unit tests (vitest),
// then the end-to-end tests in Chromium (Playwright). Prints one closing line with the totals.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const reports = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-reports-'));
const node = process.execPath;
const bin = (pkg, file) => path.join('node_modules', pkg, file);

const steps = [
  { name: 'lint', args: [bin('eslint', 'bin/eslint.js'), '.'] },
  { name: 'typecheck (node)', args: [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.node.json'] },
  { name: 'typecheck (electron main + preload)', args: [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.electron.json'] },
  { name: 'typecheck (renderer)', args: [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.web.json'] },
  { name: 'build', args: [bin('electron-vite', 'bin/electron-vite.js'), 'build', '--logLevel', 'warn'] },
  {
    name: 'engine and unit tests (vitest)',
    args: [bin('vitest', 'vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${path.join(reports, 'vitest.json')}`],
  },
  {
    name: 'end-to-end tests (Playwright, Chromium)',
    args: [bin('@playwright/test', 'cli.js'), 'test', '--reporter=list,json'],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: path.join(reports, 'playwright.json') },
  },
];

const started = Date.now();
const failedSteps = [];
for (const step of steps) {
  const t0 = Date.now();
  process.stdout.write(`\n=== ${step.name}\n`);
  const r = spawnSync(node, step.args, { stdio: 'inherit', env: { ...process.env, ...step.env } });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) {
    failedSteps.push(step.name);
    process.stdout.write(`=== ${step.name}: FAILED (${secs}s)\n`);
    // Nothing after a failed build can be trusted.
    if (step.name === 'build') break;
  } else {
    process.stdout.write(`=== ${step.name}: ok (${secs}s)\n`);
  }
}

let passed = 0;
let failed = 0;
let skipped = 0;
let flaky = 0;
const vitest = readJson(path.join(reports, 'vitest.json'));
if (vitest) {
  passed += vitest.numPassedTests ?? 0;
  failed += vitest.numFailedTests ?? 0;
  skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0);
}
const pw = readJson(path.join(reports, 'playwright.json'));
if (pw?.stats) {
  passed += (pw.stats.expected ?? 0) + (pw.stats.flaky ?? 0);
  flaky = pw.stats.flaky ?? 0;
  failed += pw.stats.unexpected ?? 0;
  skipped += pw.stats.skipped ?? 0;
  for (const s of collectSkips(pw.suites ?? [])) process.stdout.write(`skipped: ${s}\n`);
  for (const s of collectFlaky(pw.suites ?? [])) process.stdout.write(`FLAKY: ${s} — failed, then passed when run again; its first run's output is above\n`);
}
fs.rmSync(reports, { recursive: true, force: true });

process.stdout.write(`\nTotal time ${((Date.now() - started) / 1000).toFixed(0)}s.`);
if (failedSteps.length) process.stdout.write(` Failed steps: ${failedSteps.join(', ')}.`);
process.stdout.write('\n');
if (flaky > 0) process.stdout.write(`flaky: ${flaky} end-to-end test(s) failed once, then passed (named above)\n`);
process.stdout.write(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exit(failedSteps.length > 0 || failed > 0 ? 1 : 0);

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Names and stated reasons of skipped Playwright tests, so a skip is never silent. */
function collectSkips(suites) {
  const out = [];
  const walk = (s) => {
    for (const spec of s.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status === 'skipped') {
          const reason = (t.annotations ?? []).find((a) => a.type === 'skip')?.description ?? 'no reason given';
          out.push(`${spec.title} — ${reason}`);
        }
      }
    }
    for (const child of s.suites ?? []) walk(child);
  };
  suites.forEach(walk);
  return out;
}

/** Playwright tests that failed and then passed on their retry: named, never counted silently. */
function collectFlaky(suites) {
  const out = [];
  const walk = (s) => {
    for (const spec of s.specs ?? []) {
      for (const t of spec.tests ?? []) if (t.status === 'flaky') out.push(`${spec.file}: ${spec.title}`);
    }
    for (const child of s.suites ?? []) walk(child);
  };
  suites.forEach(walk);
  return out;
}

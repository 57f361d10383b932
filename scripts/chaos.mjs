#!/usr/bin/env node
// The long chaos loop: `npm run chaos [-- ROUNDS [SEED]]` (default 500 rounds, a random seed).
// The engine is SIGKILLed at random moments that many times, then ptyd a tenth as often;
// CI runs the same tests with 50 and 3 rounds.
import { spawnSync } from 'node:child_process';

const rounds = Number(process.argv[2] ?? 500);
const seed = process.argv[3] ?? String(Math.floor(Math.random() * 1e9));
if (!Number.isInteger(rounds) || rounds < 1) {
  process.stderr.write('usage: npm run chaos -- [ROUNDS] [SEED]\n');
  process.exit(2);
}
process.stdout.write(`chaos: ${rounds} engine kills and ${Math.max(3, Math.ceil(rounds / 10))} ptyd kills, seed ${seed}\n`);
const r = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'test/chaos-engine.test.ts', 'test/chaos-ptyd.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, CHAOS_ROUNDS: String(rounds), CHAOS_SEED: seed, CHAOS_PTYD_ROUNDS: String(Math.max(3, Math.ceil(rounds / 10))) },
});
process.exit(r.status ?? 1);

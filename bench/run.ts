/**
 * Benchmarks, each against a baseline measured in the same run:
 *   1. the review listing (committed + uncommitted changes) vs raw `git diff --numstat` + `git status`;
 *   2. terminal throughput through ptyd (mirror, seq numbers, flow control, socket) vs a raw node-pty read;
 *   3. the plan scheduler's decision time per event on 1,000 tasks and 5,000 edges vs a bare readiness pass.
 * ptyd's memory with 50 idle and 50 busy sessions, and reattaching them, is bench/ptyd-sessions.ts
 * (npm run bench runs both; measured on a fresh ptyd, not one whose heap a flood has grown).
 * Run: npm run bench   (results also go to bench/results/latest.json)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pty from 'node-pty';
import { listChanges, readSide, snapshotWorktree } from '../src/engine/git/diff';
import { connectOrStartPtyd, ptydPaths } from '../src/engine/ptyd/launcher';
import { FLOW_ACK_EVERY } from '../src/shared/terminal';
import { benchScheduler } from './scheduler';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-bench-'));
const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });

async function time(fn: () => Promise<unknown> | unknown, runs = 5): Promise<number> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

async function benchDiff(): Promise<Record<string, number>> {
  const repo = path.join(tmp, 'repo');
  fs.mkdirSync(repo);
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'config', 'user.email', 'b@example.com');
  git(repo, 'config', 'user.name', 'Bench');
  for (let i = 0; i < 3000; i++) {
    fs.mkdirSync(path.join(repo, `dir${i % 50}`), { recursive: true });
    fs.writeFileSync(path.join(repo, `dir${i % 50}`, `file${i}.ts`), `export const v${i} = ${i};\n`.repeat(40));
  }
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'base');
  const wt = path.join(tmp, 'wt');
  git(repo, 'worktree', 'add', '-q', '-b', 'task', wt, 'main');
  for (let i = 0; i < 500; i++) fs.appendFileSync(path.join(wt, `dir${i % 50}`, `file${i}.ts`), `export const extra${i} = true;\n`);
  git(wt, 'commit', '-qam', 'agent work');
  for (let i = 500; i < 600; i++) fs.appendFileSync(path.join(wt, `dir${i % 50}`, `file${i}.ts`), `// uncommitted ${i}\n`);
  for (let i = 0; i < 50; i++) fs.writeFileSync(path.join(wt, `new${i}.txt`), 'new\n');

  const ours = await time(async () => {
    const committed = await listChanges(repo, 'main', 'task');
    const tree = await snapshotWorktree(wt);
    const uncommitted = await listChanges(wt, 'HEAD', tree);
    if (committed.length !== 500 || uncommitted.length !== 150) throw new Error(`unexpected counts ${committed.length}/${uncommitted.length}`);
  });
  const raw = await time(() => {
    git(repo, 'diff', '--numstat', '-M', 'main', 'task');
    git(wt, 'diff', '--numstat', 'HEAD');
    git(wt, 'status', '--porcelain', '--untracked-files=all');
  });
  return { files_in_repo: 3000, committed_changes: 500, uncommitted_changes: 150, switchyard_ms: round(ours), raw_git_ms: round(raw), ratio: round(ours / raw) };
}

/** Listing a 1,000-file change and opening its first file, as the review view does. */
async function benchReviewOpen(): Promise<Record<string, number>> {
  const repo = path.join(tmp, 'review-repo');
  fs.mkdirSync(repo);
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'config', 'user.email', 'b@example.com');
  git(repo, 'config', 'user.name', 'Bench');
  fs.writeFileSync(path.join(repo, 'README.md'), 'x\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'base');
  git(repo, 'checkout', '-qb', 'task');
  for (let i = 0; i < 1000; i++) fs.writeFileSync(path.join(repo, `f${String(i).padStart(4, '0')}.ts`), `export const v${i} = ${i};\n`.repeat(30));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'a thousand files');
  const ours = await time(async () => {
    const files = await listChanges(repo, 'main', 'task');
    const first = files[0]!;
    await Promise.all([readSide(repo, 'main', first.path), readSide(repo, 'task', first.path)]);
  });
  const raw = await time(() => {
    const first = git(repo, 'diff', '--name-status', 'main', 'task').split('\n')[0]!.split('\t')[1]!;
    git(repo, 'show', `task:${first}`);
  });
  return { files: 1000, switchyard_ms: round(ours), raw_git_ms: round(raw), ratio: round(ours / raw) };
}

const FLOOD_BYTES = 40 * 1024 * 1024;
const FLOOD_ARGS = ['-c', `head -c ${FLOOD_BYTES} /dev/zero | tr '\\0' 'x' | fold -w 120`];

function rawPtyRead(): Promise<{ bytes: number; ms: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let bytes = 0;
    const p = pty.spawn('/bin/sh', FLOOD_ARGS, { cols: 120, rows: 40, cwd: tmp, env: process.env as Record<string, string>, encoding: null });
    p.onData((d) => (bytes += (d as unknown as Buffer).length));
    p.onExit(() => setTimeout(() => resolve({ bytes, ms: performance.now() - t0 }), 50));
  });
}

async function ptydRead(): Promise<{ bytes: number; delivered: number; ms: number }> {
  const dataDir = path.join(tmp, 'data');
  const client = await connectOrStartPtyd(ptydPaths(dataDir), { command: process.execPath, args: ['--import', 'tsx', path.join(ROOT, 'src', 'ptyd', 'main.ts')] });
  try {
    const t0 = performance.now();
    let bytes = 0;
    const done = new Promise<void>((resolve) => {
      client.on('exit', (s) => s === 'flood' && resolve());
    });
    await client.spawn({ session: 'flood', file: '/bin/sh', args: FLOOD_ARGS, cwd: tmp, env: process.env as Record<string, string>, cols: 120, rows: 40 });
    let unacked = 0;
    const sub = client.attach('flood', (msg, payload) => {
      if (msg.t !== 'data' && msg.t !== 'snapshot') return;
      bytes += payload.length;
      unacked += payload.length;
      if (unacked >= FLOW_ACK_EVERY) {
        client.terminal({ t: 'ack', sub, bytes: unacked });
        unacked = 0;
      }
    });
    await done;
    const ms = performance.now() - t0;
    const info = (await client.list()).find((s) => s.session === 'flood')!;
    return { bytes: info.seq, delivered: bytes, ms };
  } finally {
    await client.shutdown().catch(() => {});
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

const diff = await benchDiff();
const reviewOpen = await benchReviewOpen();
const raw = await rawPtyRead();
const viaPtyd = await ptydRead();
const scheduler = await benchScheduler();
const rawMBs = raw.bytes / 1e6 / (raw.ms / 1000);
const ptydMBs = viaPtyd.bytes / 1e6 / (viaPtyd.ms / 1000);
const results = {
  date: new Date().toISOString(),
  machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
  review_listing: diff,
  review_list_and_open_first_of_1000: reviewOpen,
  terminal_throughput: {
    bytes: viaPtyd.bytes,
    // Live bytes plus catch-up snapshots, as the subscriber received them.
    delivered_to_subscriber: viaPtyd.delivered,
    raw_pty_MBps: round(rawMBs),
    through_ptyd_MBps: round(ptydMBs),
    ratio_of_raw: round(ptydMBs / rawMBs),
  },
  plan_scheduler: scheduler,
};
console.log(JSON.stringify(results, null, 2));
fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'latest.json'), JSON.stringify(results, null, 2));
fs.rmSync(tmp, { recursive: true, force: true });

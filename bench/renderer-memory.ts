/**
 * Renderer memory with 20 open tasks, in Chromium against a real `switchyard serve`.
 * Baseline (same run): the board with the 20 tasks and no terminal shown. Then: after showing
 * every task's terminal once (hidden terminals must be disposed), with one terminal shown, and
 * with the 9-pane grid. Needs a build (npm run build) and /usr/bin/chromium.
 * Run: npm run bench:renderer
 */
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import WebSocket from 'ws';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TASKS = 20;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-rbench-'));
const repo = path.join(tmp, 'repo');
fs.mkdirSync(repo);
const git = (...args: string[]): string => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
git('init', '-q', '-b', 'main');
git('config', 'user.email', 'b@example.com');
git('config', 'user.name', 'Bench');
fs.writeFileSync(path.join(repo, 'README.md'), '# bench\n');
git('add', '-A');
git('commit', '-qm', 'init');
const script = path.join(tmp, 'script.json');
// Each agent prints a screenful with colour, then waits, as a busy agent's terminal looks.
fs.writeFileSync(script, JSON.stringify({ steps: [{ flood: { lines: 400, line: '\u001b[32m✔\u001b[0m compiled module {run} with some output' } }, { hang: true }] }));

const dataDir = path.join(tmp, 'data');
const ready = path.join(tmp, 'ready.json');
const server = spawn(process.execPath, [path.join(ROOT, 'out/main/serve.js'), '--port', '0', '--data-dir', dataDir, '--ready-file', ready], { stdio: 'ignore' });

async function rpc(url: string, method: string, input: unknown): Promise<unknown> {
  const u = new URL(url);
  const token = new URLSearchParams(u.hash.slice(1)).get('token');
  const ws = new WebSocket(`ws://${u.host}/api?token=${token}`);
  await new Promise((r) => ws.once('open', r));
  const res = await new Promise<{ ok: boolean; output?: unknown; error?: { message: string } }>((resolve) => {
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as { kind: string; id: number; ok: boolean; output?: unknown; error?: { message: string } };
      if (m.kind === 'rpc' && m.id === 1) resolve(m);
    });
    ws.send(JSON.stringify({ kind: 'rpc', id: 1, method, input }));
  });
  ws.close();
  if (!res.ok) throw new Error(res.error?.message);
  return res.output;
}

async function heapMB(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  await cdp.detach();
  return Math.round((usedSize / 1e6) * 10) / 10;
}

try {
  const deadline = Date.now() + 20_000;
  while (!fs.existsSync(ready)) {
    if (Date.now() > deadline) throw new Error('serve did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const { url } = JSON.parse(fs.readFileSync(ready, 'utf8')) as { url: string };
  const project = (await rpc(url, 'projects.open', { path: repo })) as { id: string };
  for (let i = 0; i < TASKS; i++) {
    const command = `"${process.execPath}" "${path.join(ROOT, 'fixtures/scripted-agent/scripted-agent.mjs')}" --script "${script}" {prompt}`;
    await rpc(url, 'tasks.create', { projectId: project.id, title: `Bench task ${i + 1}`, prompt: 'p', agent: { profile: 'custom', command }, startNow: true });
  }
  const browser = await chromium.launch({
    executablePath: process.env.SWITCHYARD_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--enable-precise-memory-info'],
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(url);
  await page.locator('.column-running .column-count', { hasText: String(TASKS) }).waitFor();
  const board = await heapMB(page);

  // Show every task's terminal in turn, through the palette as a user would.
  const show = async (i: number): Promise<void> => {
    const title = `Bench task ${i + 1}`;
    await page.keyboard.press('Control+k');
    await page.getByLabel('Command').fill(title);
    await page.locator('[cmdk-item][data-selected="true"]', { hasText: new RegExp(`^${title}$`) }).waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.panel-title', { hasText: new RegExp(`^${title}$`) }).waitFor();
    await page.locator('.terminal-host .xterm-rows', { hasText: 'compiled module' }).waitFor();
  };
  // The first terminal pays for loading xterm.js and the panel; that is not per terminal.
  await show(0);
  await page.getByRole('button', { name: 'Close task (Esc)' }).click();
  const afterFirst = await heapMB(page);
  for (let i = 0; i < TASKS; i++) await show(i);
  const oneShown = await heapMB(page);
  await page.getByRole('button', { name: 'Close task (Esc)' }).click();
  const afterAll = await heapMB(page);

  await page.getByRole('tab', { name: 'Terminals' }).click();
  await page.locator('.grid-toolbar').getByRole('button', { name: '9', exact: true }).click();
  await page.locator('.grid-pane .xterm-rows', { hasText: 'compiled module' }).nth(8).waitFor();
  const grid9 = await heapMB(page);
  await browser.close();

  const results = {
    date: new Date().toISOString(),
    tasks: TASKS,
    heap_mb: {
      board_baseline: board,
      after_one_terminal_shown_and_hidden: afterFirst,
      one_terminal_shown: oneShown,
      after_showing_all_20_then_hiding: afterAll,
      grid_9_terminals: grid9,
    },
    // What 19 more terminals, shown and hidden, leave behind: near zero if hidden ones are disposed.
    retained_by_hidden_terminals_mb: Math.round((afterAll - afterFirst) * 10) / 10,
    per_visible_terminal_mb: Math.round(((grid9 - afterFirst) / 9) * 10) / 10,
  };
  console.log(JSON.stringify(results, null, 2));
  fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'renderer-memory.json'), JSON.stringify(results, null, 2));
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  const pid = path.join(dataDir, 'run', 'ptyd.pid');
  if (fs.existsSync(pid)) process.kill(Number(fs.readFileSync(pid, 'utf8')), 'SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
}

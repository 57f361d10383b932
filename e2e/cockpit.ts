/** A real cockpit for each test: a temporary repository, data folder and `switchyard serve`. */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type Page } from '@playwright/test';
import { UNEXPECTED_ERROR_MARK } from '../src/shared/errors';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ARTIFACTS = path.join(ROOT, 'e2e', 'artifacts');
const SCRIPTED_AGENT = path.join(ROOT, 'fixtures', 'scripted-agent', 'scripted-agent.mjs');

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

export interface Cockpit {
  url: string;
  repo: string;
  dataDir: string;
  /** The custom-agent command line that runs the scripted agent fixture with these steps. */
  agentCommand(steps: unknown[]): string;
  open(page: Page): Promise<void>;
  /** Stops `switchyard serve` and starts it again on the same port and data folder. */
  restartServer(): Promise<void>;
}

export const test = base.extend<{ cockpit: Cockpit; serverEnv: Record<string, string> }>({
  /** Extra environment for `switchyard serve` (`test.use({ serverEnv: … })`). */
  serverEnv: [{}, { option: true }],
  cockpit: async ({ serverEnv }, use, testInfo) => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-e2e-'));
    // A path with a space and unicode, as real users have.
    const repo = path.join(tmp, 'my repo ü');
    fs.mkdirSync(path.join(repo, 'src'), { recursive: true });
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'config', 'user.email', 'dev@example.com');
    git(repo, 'config', 'user.name', 'Dev');
    fs.writeFileSync(path.join(repo, 'src', 'greet.ts'), "export function greet(name: string) {\n  return 'Hello, ' + name;\n}\n");
    fs.writeFileSync(path.join(repo, 'README.md'), '# Demo project\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'initial');

    const dataDir = path.join(tmp, 'data');
    const readyFile = path.join(tmp, 'ready.json');
    let server: ChildProcess;
    // Everything every server of this test printed, shown when the test fails.
    let serverOutput = '';
    // What the pages said (console errors, crashes, WebSocket ends), shown when the test fails.
    const pageLog: string[] = [];
    const started = Date.now();
    const note = (line: string): void => {
      pageLog.push(`+${((Date.now() - started) / 1000).toFixed(1)}s ${line}`);
    };
    const startServer = async (port: number): Promise<string> => {
      fs.rmSync(readyFile, { force: true });
      server = spawn(process.execPath, [path.join(ROOT, 'out', 'main', 'serve.js'), '--port', String(port), '--data-dir', dataDir, '--ready-file', readyFile], {
        stdio: ['ignore', 'pipe', 'pipe'],
        // A login shell killed mid-`pyenv rehash` by an earlier test's clean-up must not stall later ones.
        env: { ...process.env, PYENV_REHASH_TIMEOUT: '1', ...serverEnv },
      });
      let output = '';
      const keep = (c: Buffer): void => {
        output += c;
        serverOutput += c;
      };
      server.stdout?.on('data', keep);
      server.stderr?.on('data', keep);
      const exited = new Promise<void>((resolve) =>
        // 'close', not 'exit': its last words (an error) may still be in the pipes at its exit.
        server.once('close', (code, signal) => {
          serverOutput += `[switchyard serve exited: ${signal ?? code}]\n`;
          note(`switchyard serve exited: ${signal ?? code}`);
          resolve();
        }),
      );
      serverExited = exited;
      const deadline = Date.now() + 20_000;
      while (!fs.existsSync(readyFile)) {
        if (Date.now() > deadline || server.exitCode !== null || server.signalCode !== null) throw new Error(`switchyard serve did not start:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return (JSON.parse(fs.readFileSync(readyFile, 'utf8')) as { url: string }).url;
    };
    let serverExited: Promise<void> = Promise.resolve();
    /** SIGTERM, and SIGKILL if it has not gone in 10 s; resolves once its output is all in. */
    const stopServer = async (): Promise<void> => {
      if (server.exitCode === null && server.signalCode === null) {
        server.kill('SIGTERM');
        const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
        await serverExited;
        clearTimeout(timer);
      }
      await serverExited;
    };
    const url = await startServer(0);
    const port = Number(new URL(url).port);
    let scripts = 0;
    await use({
      url,
      repo,
      dataDir,
      agentCommand(steps) {
        const file = path.join(tmp, `script-${++scripts}.json`);
        fs.writeFileSync(file, JSON.stringify({ steps }));
        return `"${process.execPath}" "${SCRIPTED_AGENT}" --script "${file}" {prompt}`;
      },
      async restartServer() {
        await stopServer();
        await startServer(port);
      },
      async open(page) {
        page.on('console', (m) => {
          if (m.type() === 'error' || m.type() === 'warning') note(`console ${m.type()}: ${m.text()}`);
        });
        page.on('pageerror', (e) => note(`page error: ${e.stack ?? e.message}`));
        page.on('crash', () => note('page crashed'));
        page.on('websocket', (ws) => {
          note(`WebSocket opened`);
          ws.on('socketerror', (e) => note(`WebSocket error: ${e}`));
          ws.on('close', () => note('WebSocket closed'));
        });
        await page.goto(url);
        await page.getByLabel('Repository path').fill(repo);
        await page.getByRole('button', { name: 'Open', exact: true }).click();
        await expect(page.getByRole('button', { name: /New task/ })).toBeEnabled();
      },
    });
    await stopServer();
    // An error the engine did not expect fails the test, even one it survived.
    const unexpected = serverOutput.includes(UNEXPECTED_ERROR_MARK);
    if (testInfo.status !== testInfo.expectedStatus || unexpected) {
      const ptydLog = path.join(dataDir, 'logs', 'ptyd.log');
      const ptydOutput = fs.existsSync(ptydLog) ? fs.readFileSync(ptydLog, 'utf8').slice(-20_000) : '(no ptyd log)';
      await testInfo.attach('switchyard serve output', { body: serverOutput || '(nothing)', contentType: 'text/plain' });
      await testInfo.attach('ptyd log', { body: ptydOutput, contentType: 'text/plain' });
      await testInfo.attach('page log', { body: pageLog.join('\n') || '(nothing)', contentType: 'text/plain' });
      process.stderr.write(
        `--- switchyard serve output (${testInfo.title}) ---\n${serverOutput || '(nothing)'}\n--- ptyd log ---\n${ptydOutput}\n--- page log ---\n${pageLog.join('\n') || '(nothing)'}\n---\n`,
      );
    }
    await stopPtyd(dataDir);
    fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 5 });
    if (unexpected) throw new Error(`switchyard serve logged an unexpected error:\n${serverOutput}`);
  },
});

export { expect };

/**
 * Stops the terminal daemon of a test's data folder, if its pid file still names it: a pid
 * outlives its process and is reused (pid_max may be 32768), so the pid alone could name any
 * process, the browser included.
 */
export async function stopPtyd(dataDir: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(dataDir, 'run', 'ptyd.pid'), 'utf8'));
    const command =
      process.platform === 'linux' ? fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8') : execFileSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8' });
    if (!command.includes(dataDir)) return;
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // no pid file, or the daemon is already gone
  }
  // It writes its last log lines as it goes: wait, so the folder can be removed after.
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function createTask(page: Page, t: { title: string; prompt: string; command: string }): Promise<void> {
  await page.keyboard.press('n');
  await page.getByLabel('Title').fill(t.title);
  await page.getByLabel('Prompt').fill(t.prompt);
  await page.getByLabel('Agent').selectOption('custom');
  await page.getByLabel('Command').fill(t.command);
  await page.getByRole('button', { name: 'Create and start' }).click();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

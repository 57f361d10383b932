/**
 * What the raw-PTY runs of the real CLIs share (the proof test and the screen recorder): the
 * scripted conversation's words, how to leave each TUI, a fresh repository, and the checks for
 * what a CLI left behind. Free of vitest, so scripts can use it too.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { AgentCli } from './agent-homes';
import type { PtyRun } from './pty-screen';

export const PROMPT_WRITE = 'Write hello.txt';
export const PROMPT_SHELL = 'Now run the command';
export const CONTENT = 'hello from the mock\n';
export const FINAL_WRITE = 'All done: hello.txt is written.';
export const FINAL_SHELL = 'Shell finished: made-by-shell.txt exists.';

/** The keys that leave each TUI cleanly. */
export const EXIT_KEYS: Record<AgentCli, string[]> = {
  claude: ['/exit', '\r'],
  codex: ['\x03', '\x03'],
  gemini: ['/quit', '\r'],
  opencode: ['\x03'],
};

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Types a line into the TUI's composer and submits it (Enter apart: a burst ending in Enter reads as a paste). */
export async function submit(run: PtyRun, text: string): Promise<void> {
  run.write(text);
  await sleep(500);
  run.write('\r');
}

export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function fileHas(file: string, content: string): boolean {
  try {
    return fs.readFileSync(file, 'utf8') === content;
  } catch {
    return false;
  }
}

/** Processes (other than this one) whose environment names `home` as HOME: the CLI's leftovers. */
export function processesWithHome(home: string): number[] {
  if (process.platform !== 'linux') return [];
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`HOME=${home}`)) out.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

/** A fresh repository with one commit, at `<dir>/repo`. */
export function makeAgentRepo(dir: string): string {
  const repo = path.join(dir, 'repo');
  fs.mkdirSync(repo, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'dev@example.com');
  git('config', 'user.name', 'Dev');
  git('config', 'commit.gpgsign', 'false');
  fs.writeFileSync(path.join(repo, 'README.md'), '# demo\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'initial');
  return repo;
}

/** A dialog a CLI shows on the way, how to recognise it on screen, and the keys that answer it. */
export interface Dialog {
  name: string;
  match: RegExp;
  keys: string[];
  /** For the recorder: saved as `waits-…-<save>-…` the first time it shows. */
  save?: string;
}

export interface DriveOptions {
  /** `done` must hold this long with no dialog up (a TUI may draw its composer before a dialog). */
  settleMs?: number;
  timeoutMs?: number;
  /** Whether a dialog is up on this screen (default: its pattern matches). */
  shows?: (d: Dialog, screen: string) => boolean;
  /** A dialog has been up for two polls running, before it is answered; 'stop' ends the drive there. */
  onUp?: (d: Dialog, screen: string) => Promise<'answer' | 'stop'> | 'answer' | 'stop';
  onAnswered?: (d: Dialog) => void;
}

/**
 * Answers dialogs as they come until `done` has held for `settleMs` with none up. A dialog is
 * answered once it has been on screen for two polls running, and not again until its answer
 * shows (a slow CLI would take a second answer as typing).
 */
export async function driveDialogs(run: PtyRun, cli: AgentCli, dialogs: Dialog[], done: () => boolean, what: string, opts: DriveOptions = {}): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const shows = opts.shows ?? ((d: Dialog, screen: string) => d.match.test(screen));
  const deadline = Date.now() + timeoutMs;
  const answered = new Map<string, number>();
  let pending: { dialog: Dialog; since: number } | null = null;
  let doneSince: number | null = null;
  for (;;) {
    if (run.exit) throw new Error(`${cli} exited (${JSON.stringify(run.exit)}) while waiting for ${what}. Screen:\n${run.screen()}`);
    if (Date.now() > deadline) throw new Error(`${cli}: ${what} did not happen in ${timeoutMs} ms. Screen:\n${run.screen()}`);
    const screen = run.screen();
    const dialog = dialogs.find((d) => shows(d, screen));
    if (!dialog) {
      pending = null;
      if (!done()) doneSince = null;
      else if (doneSince === null) doneSince = Date.now();
      if (doneSince !== null && Date.now() - doneSince >= (opts.settleMs ?? 0)) return;
    } else if (!pending || pending.dialog !== dialog) {
      doneSince = null;
      pending = { dialog, since: Date.now() };
    } else if (Date.now() - pending.since >= 400) {
      if ((await opts.onUp?.(dialog, screen)) === 'stop') return;
      const times = (answered.get(dialog.name) ?? 0) + 1;
      answered.set(dialog.name, times);
      if (times > 4) throw new Error(`${cli}: answered the ${dialog.name} dialog ${times - 1} times and it is still there. Screen:\n${screen}`);
      const before = run.screen();
      for (const key of dialog.keys) {
        run.write(key);
        await sleep(200);
      }
      opts.onAnswered?.(dialog);
      pending = null;
      doneSince = null;
      const changeBy = Date.now() + 5000;
      while (run.screen() === before && Date.now() < changeBy) await sleep(100);
      await sleep(1000);
      continue;
    }
    await sleep(200);
  }
}

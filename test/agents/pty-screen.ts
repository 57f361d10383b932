/**
 * A real CLI in a real PTY, with a headless xterm mirror of its screen, as ptyd runs agents:
 * the terminal's answers to the CLI's queries (cursor position, device attributes, colours)
 * come from the mirror, like ptyd's. Free of vitest, so exploration scripts can use it too.
 */
import * as pty from 'node-pty';
import xtermHeadless from '@xterm/headless';
import { answerQueries } from '../../src/ptyd/terminal-queries';
import { TERMINAL_PALETTES, type ThemeName } from '../../src/shared/terminal-colors';

const { Terminal } = xtermHeadless;

export interface PtyExit {
  exitCode: number;
  signal: number | null;
}

export interface PtyRunOptions {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  cols?: number;
  rows?: number;
  /** The palette the colour queries (OSC 10/11) are answered from, as ptyd does for the app's theme. Default dark. */
  theme?: ThemeName;
}

export class PtyRun {
  readonly proc: pty.IPty;
  private readonly mirror: InstanceType<typeof Terminal>;
  readonly startedAt = Date.now();
  /** Set once the CLI has exited and the mirror has parsed its last output. */
  exit: PtyExit | null = null;
  private readonly exited: Promise<PtyExit>;
  /** Every byte the CLI printed, as text. */
  output = '';
  lastOutputAt = Date.now();

  constructor(opts: PtyRunOptions) {
    const cols = opts.cols ?? 120;
    const rows = opts.rows ?? 40;
    this.mirror = new Terminal({ cols, rows, scrollback: 5000, allowProposedApi: true });
    this.proc = pty.spawn(opts.file, opts.args, { name: 'xterm-256color', cols, rows, cwd: opts.cwd, env: opts.env });
    answerQueries(this.mirror, {
      reply: (data) => {
        if (!this.exit) this.proc.write(data);
      },
      palette: () => TERMINAL_PALETTES[opts.theme ?? 'dark'],
      onNotification: () => {},
    });
    this.proc.onData((data) => {
      this.output += data;
      this.lastOutputAt = Date.now();
      this.mirror.write(data);
    });
    this.exited = new Promise((resolve) => {
      this.proc.onExit(({ exitCode, signal }) => {
        this.mirror.write('', () => {
          this.exit = { exitCode, signal: signal ?? null };
          resolve(this.exit);
        });
      });
    });
  }

  /** The visible rows as plain text, trailing blanks trimmed. */
  screen(): string {
    const buf = this.mirror.buffer.active;
    const lines: string[] = [];
    for (let row = 0; row < this.mirror.rows; row++) lines.push(buf.getLine(buf.viewportY + row)?.translateToString(true) ?? '');
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines.join('\n');
  }

  /**
   * The terminal's cursor on the visible screen (row 0 is the top row), as ptyd's `text` op
   * reports it, with the cells of its row left of it as text (blanks kept).
   */
  cursor(): { row: number; col: number; before: string } {
    const buf = this.mirror.buffer.active;
    const before = buf.getLine(buf.viewportY + buf.cursorY)?.translateToString(false, 0, buf.cursorX) ?? '';
    return { row: buf.cursorY, col: buf.cursorX, before };
  }

  /** Everything the mirror holds (scrollback and screen) as plain text. */
  transcript(): string {
    const buf = this.mirror.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buf.length; i++) lines.push(buf.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n').trimEnd();
  }

  write(data: string): void {
    this.proc.write(data);
  }

  /** Waits until the screen matches; rejects with the screen when it does not in time. */
  async waitForScreen(pattern: RegExp, what: string, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = this.screen();
      if (pattern.test(s)) return s;
      if (this.exit) throw new Error(`${what}: the CLI exited (${JSON.stringify(this.exit)}) first. Screen:\n${s}`);
      if (Date.now() > deadline) throw new Error(`${what}: not on screen after ${timeoutMs} ms. Screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Waits until the CLI has printed nothing for `quietMs`. */
  async waitForQuiet(quietMs: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() - this.lastOutputAt < quietMs) {
      if (Date.now() > deadline) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  waitForExit(timeoutMs = 60_000): Promise<PtyExit> {
    return Promise.race([
      this.exited,
      new Promise<PtyExit>((_, reject) => setTimeout(() => reject(new Error(`no exit after ${timeoutMs} ms. Screen:\n${this.screen()}`)), timeoutMs).unref()),
    ]);
  }

  /** Ends the CLI and its process group, if it is still running. */
  kill(): void {
    if (this.exit) return;
    try {
      process.kill(-this.proc.pid, 'SIGKILL');
    } catch {
      try {
        this.proc.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  dispose(): void {
    this.kill();
    this.mirror.dispose();
  }
}

/**
 * Records the screens of the real agent CLIs (Claude Code, Codex, Gemini CLI, OpenCode) that the
 * needs-input heuristic (src/engine/supervision/needs-input.ts) must judge, into
 * test/fixtures/screens/, where test/needs-input.test.ts checks them:
 *
 * - `waits-<cli>-<version>-<what>-<cols>-<theme>.txt`: the CLI waits for the user: its
 *   folder-trust dialog (`trust`), its sign-in or key dialogs (`api-key`, `sign-in`, `auth`,
 *   `auth-key-entry`, Codex's `model-upgrade`), its permission dialogs for a file write and a
 *   shell command (`write-…`, `shell-…`), and its idle input box after a finished turn (`idle`);
 * - `busy-…`: it works: the model thinks over the prompt (`thinking`), over the written file
 *   (`working-after-write`) or over the command's result (`working-after-shell`), or the
 *   approved command runs (`running-command`). A half-streamed answer is not among them: the
 *   mock sends each answer at once after its pause.
 *
 * Each CLI runs in a real PTY (test/agents/pty-screen.ts) with a throwaway home
 * (test/agents/agent-homes.ts) against the loopback mock model server (fixtures/mock-model),
 * at 100 and 160 columns, with the terminal's colour queries (OSC 10/11) answered from the dark
 * and from the light palette, as ptyd answers them for the app's theme. A screen is saved as the
 * visible rows, right-trimmed, with `{cursor}` where the terminal's cursor is (ptyd's `text` op).
 *
 * Screens that are neither (see UNCLEAR) go to --unclear-dir, not into the fixtures.
 *
 *   node --import tsx scripts/record-agent-screens.ts [--cli claude,codex] [--cols 100,160]
 *     [--theme dark,light] [--scenario interactive,auth] [--out DIR] [--unclear-dir DIR]
 *
 * SWITCHYARD_AGENT_BIN names the folder holding the CLIs; without it the pinned ones are
 * installed (scripts/install-agents.mjs). One CLI runs at a time: about 15 minutes in all.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startMockModelServer, type MockModelServer, type MockScript } from '../fixtures/mock-model/server';
import { startRefusingProxy } from '../fixtures/mock-model/refusing-proxy';
import { AGENT_CLIS, agentHome, type AgentCli, type AgentRecipe } from '../test/agents/agent-homes';
import { PtyRun } from '../test/agents/pty-screen';
import { CONTENT, EXIT_KEYS, FINAL_SHELL, FINAL_WRITE, PROMPT_SHELL, PROMPT_WRITE, driveDialogs, fileHas, makeAgentRepo, processesWithHome, sleep, submit, type Dialog } from '../test/agents/cli-runs';
import type { ThemeName } from '../src/shared/terminal-colors';

const ROOT = path.join(import.meta.dirname, '..');
const ROWS = 40;

const { values: flags } = parseArgs({
  options: {
    cli: { type: 'string', default: AGENT_CLIS.join(',') },
    cols: { type: 'string', default: '100,160' },
    theme: { type: 'string', default: 'dark,light' },
    scenario: { type: 'string' },
    out: { type: 'string', default: path.join(ROOT, 'test', 'fixtures', 'screens') },
    'unclear-dir': { type: 'string', default: path.join(os.tmpdir(), 'agent-screens-unclear') },
  },
});
const list = (s: string | undefined): string[] | null => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : null);

/** Long enough to see the CLI run it. */
const SHELL = 'sleep 4 && touch made-by-shell.txt';

/**
 * Each delayed turn is a "working" screen: the model thinks over the prompt (turn 0), over the
 * written file (turn 1) and over the command's result (turn 3).
 */
function script(): MockScript {
  return {
    turns: [
      { writeFile: { path: 'hello.txt', content: CONTENT }, say: 'Writing hello.txt.', delayMs: 3000 },
      { final: FINAL_WRITE, delayMs: 3000 },
      { shell: SHELL, say: 'Running a command.' },
      { final: FINAL_SHELL, delayMs: 3000 },
    ],
  };
}

/** The screens captured while the mock thinks: by the script turn asked for. */
const THINKING: Record<number, string> = { 0: 'thinking', 1: 'working-after-write', 3: 'working-after-shell' };

type Kind = 'waits' | 'busy';

/**
 * Screens a CLI draws that show neither waiting nor working, kept out of the fixtures. Codex
 * shows no busy indicator while it waits for the model after an apply_patch result: its
 * screen is the idle composer's.
 */
const UNCLEAR: Partial<Record<AgentCli, string[]>> = { codex: ['working-after-write'] };

const TRUST: Record<AgentCli, Dialog | null> = {
  // "❯ No, exit" is preselected: Enter alone would quit.
  claude: { name: 'trust', match: /Accessing workspace:[\s\S]*Yes, I trust this folder/, keys: ['\x1b[B', '\r'], save: 'trust' },
  codex: { name: 'trust', match: /Trust this folder\?[\s\S]*Trust and continue/, keys: ['\r'], save: 'trust' },
  // Accepting restarts the CLI.
  gemini: { name: 'trust', match: /Do you trust the files in this folder\?[\s\S]*Trust folder/, keys: ['1'], save: 'trust' },
  opencode: null,
};

/** The tool permission dialogs of a turn, in order of precedence. */
const TOOL_DIALOGS: Record<AgentCli, Dialog[]> = {
  claude: [
    { name: 'write', match: /Do you want to create hello\.txt\?/, keys: ['1'], save: 'write-permission' },
    { name: 'shell', match: /Bash command[\s\S]*Do you want to proceed\?/, keys: ['1'], save: 'shell-permission' },
  ],
  codex: [
    { name: 'write', match: /Would you like to make the following edits\?/, keys: ['y'], save: 'write-approval' },
    { name: 'shell', match: /Would you like to run the following command\?/, keys: ['y'], save: 'shell-approval' },
  ],
  gemini: [
    { name: 'write', match: /Apply this change\?[\s\S]*Allow once/, keys: ['1'], save: 'write-approval' },
    { name: 'shell', match: /Allow execution of[\s\S]*Allow once/, keys: ['1'], save: 'shell-approval' },
  ],
  opencode: [
    { name: 'write', match: /Permission required[\s\S]*Edit hello\.txt[\s\S]*Allow once/, keys: ['\r'], save: 'write-permission' },
    { name: 'shell', match: /Permission required[\s\S]*Shell command[\s\S]*Allow once/, keys: ['\r'], save: 'shell-permission' },
  ],
};

/** The TUI is up and waits for a prompt. */
const READY: Record<AgentCli, RegExp> = {
  claude: /(auto|manual) mode on/,
  codex: /Ask Codex to do anything/,
  gemini: /Type your message or @path\/to\/file/,
  opencode: /ctrl\+p commands/,
};

/**
 * What shows under a dialog once it is answered: the TUI's main screen, or Gemini CLI's restart
 * (it restarts after its trust dialog and draws below what is left of the dialog).
 */
const AFTER: Record<AgentCli, RegExp> = {
  ...READY,
  gemini: /is restarting|Shift\+Tab to accept edits|Type your message or @path\/to\/file|workspace \(\/directory\)/,
};

/** One run of a CLI: what to change in its recipe, and what to do with it. */
interface Scenario {
  name: string;
  /** Changes the recipe's home, environment or arguments before the start. */
  prepare?(recipe: AgentRecipe): void;
  /** Dialogs before the TUI is ready. */
  startup: Dialog[];
  /** Runs the write turn and the shell turn once the TUI is ready; else ends when it is. */
  turns: boolean;
  /** Ends once this dialog is saved (one the run cannot get past). */
  endAfter?: string;
}

/** Claude Code follows the terminal's background (the recipe pins "dark"), so the light palette counts. */
function claudeFollowsTerminal(recipe: AgentRecipe): void {
  fs.writeFileSync(path.join(recipe.home, '.claude.json'), `${JSON.stringify({ hasCompletedOnboarding: true, theme: 'auto' }, null, 2)}\n`);
}

/** Every run asks before writes and commands (the recipes' `askPermissions`). */
const SCENARIOS: Record<AgentCli, Scenario[]> = {
  claude: [
    { name: 'interactive', prepare: claudeFollowsTerminal, startup: [TRUST.claude!], turns: true },
    {
      // A plain API key in place of the bearer token: the TUI asks whether to use it ("No (recommended)" preselected).
      name: 'auth',
      prepare(recipe) {
        claudeFollowsTerminal(recipe);
        delete recipe.env['ANTHROPIC_AUTH_TOKEN'];
        recipe.env['ANTHROPIC_API_KEY'] = 'sk-ant-mock-0123456789abcdef';
      },
      startup: [
        { ...TRUST.claude!, save: undefined },
        { name: 'api-key', match: /Detected a custom API key[\s\S]*Do you want to use this API key\?/, keys: ['\x1b[A', '\r'], save: 'api-key' },
      ],
      turns: false,
    },
  ],
  codex: [
    {
      name: 'interactive',
      prepare(recipe) {
        // A read-only sandbox: apply_patch asks too (the default workspace-write sandbox lets it write).
        recipe.args = ['-c', 'sandbox_mode="read-only"'];
      },
      startup: [TRUST.codex!],
      turns: true,
    },
    {
      // No provider of its own and no saved login: the sign-in screen.
      name: 'auth',
      prepare(recipe) {
        const file = path.join(recipe.env['CODEX_HOME']!, 'config.toml');
        fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^model_provider = .*\n/m, ''));
        delete recipe.env['MOCK_MODEL_API_KEY'];
      },
      startup: [
        { ...TRUST.codex!, save: undefined },
        { name: 'sign-in', match: /Sign in with ChatGPT/, keys: [], save: 'sign-in' },
      ],
      turns: false,
      endAfter: 'sign-in',
    },
    {
      // No record of the model-migration notice: the upgrade offer.
      name: 'model-upgrade',
      prepare(recipe) {
        const file = path.join(recipe.env['CODEX_HOME']!, 'config.toml');
        fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/\[notice\.model_migrations\]\n[^\n]*\n/, ''));
      },
      startup: [{ ...TRUST.codex!, save: undefined }, { name: 'model-upgrade', match: /Meet GPT-[\s\S]*Use existing model/, keys: ['\x1b[B', '\r'], save: 'model-upgrade' }],
      turns: false,
    },
  ],
  gemini: [
    { name: 'interactive', startup: [TRUST.gemini!], turns: true },
    {
      // No auth type chosen in settings.json: the sign-in dialog, then the key entry ("2. Use Gemini API Key" preselected).
      name: 'auth',
      prepare(recipe) {
        const file = path.join(recipe.home, '.gemini', 'settings.json');
        const settings = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
        delete settings['security'];
        fs.writeFileSync(file, JSON.stringify(settings));
        recipe.env['GEMINI_CLI_TRUST_WORKSPACE'] = 'true';
      },
      startup: [
        { name: 'auth', match: /How would you like to authenticate for this project\?/, keys: ['\r'], save: 'auth' },
        { name: 'auth-key-entry', match: /Enter Gemini API Key[\s\S]*Press Enter to submit/, keys: ['\r'], save: 'auth-key-entry' },
      ],
      turns: false,
    },
  ],
  opencode: [{ name: 'interactive', startup: [], turns: true }],
};


/** The visible screen as ptyd's `text` op sees it: rows right-trimmed, `{cursor}` at the cursor. */
function snapshot(run: PtyRun): string {
  const rows = run.screen().split('\n');
  const cursor = run.cursor();
  while (rows.length <= cursor.row) rows.push('');
  const row = rows[cursor.row]!;
  const out = rows.map((r) => r.trimEnd());
  // `before` is the row's text left of the cursor, blanks included (they place the cursor past the text).
  out[cursor.row] = `${cursor.before}{cursor}${row.slice(cursor.before.length)}`.trimEnd();
  return `${out.join('\n')}\n`;
}

/** Where the CLIs are: SWITCHYARD_AGENT_BIN, or the pinned ones, installed if need be. */
function agentBin(): string {
  const bin = process.env['SWITCHYARD_AGENT_BIN'];
  if (bin) return bin;
  return execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'install-agents.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

/** What one run of a scenario saw. */
interface Capture {
  what: string;
  kind: Kind;
  text: string;
}

interface RunInput {
  cli: AgentCli;
  bin: string;
  cols: number;
  theme: ThemeName;
  scenario: Scenario;
}

class Recorder {
  readonly captures: Capture[] = [];
  constructor(
    private readonly run: PtyRun,
    private readonly cli: AgentCli,
  ) {}

  save(what: string, kind: Kind, text = snapshot(this.run)): void {
    if (this.captures.some((c) => c.what === what)) return;
    this.captures.push({ what, kind, text });
  }

  /** Whether the dialog is up: on screen, and not above what comes once it is answered. */
  private shows(d: Dialog, screen: string): boolean {
    const m = d.match.exec(screen);
    return m !== null && !AFTER[this.cli].test(screen.slice(m.index + m[0].length));
  }

  /**
   * Answers dialogs as they come (saving the first screen of each, once it is quiet) until
   * `done` has held for `settleMs` with none on screen, or `endAfter` is saved.
   */
  drive(dialogs: Dialog[], done: () => boolean, what: string, opts: { settleMs?: number; timeoutMs?: number; endAfter?: string; onAnswered?: (d: Dialog) => void } = {}): Promise<void> {
    const saved = new Set<string>();
    return driveDialogs(this.run, this.cli, dialogs, done, what, {
      settleMs: opts.settleMs,
      timeoutMs: opts.timeoutMs,
      shows: (d, screen) => this.shows(d, screen),
      onAnswered: opts.onAnswered,
      onUp: async (dialog) => {
        // Saved as the user would find it: settled.
        if (dialog.save && !saved.has(dialog.name)) {
          saved.add(dialog.name);
          await this.run.waitForQuiet(1000, 5000);
          if (this.shows(dialog, this.run.screen())) this.save(dialog.save, 'waits');
        }
        return opts.endAfter === dialog.name ? 'stop' : 'answer';
      },
    });
  }

}

async function runScenario(input: RunInput): Promise<Capture[]> {
  const { cli, cols, theme, scenario } = input;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sy-record-${cli}-`));
  const mock: MockModelServer = await startMockModelServer({ script: script() });
  const proxy = await startRefusingProxy();
  const recipe = agentHome(cli, { mockUrl: mock.url, proxyUrl: proxy.url, dir: path.join(dir, 'home'), askPermissions: true });
  recipe.file = path.join(input.bin, cli);
  const repo = makeAgentRepo(dir);
  scenario.prepare?.(recipe);
  const run = new PtyRun({ file: recipe.file, args: recipe.args, cwd: repo, env: recipe.env, cols, rows: ROWS, theme });
  const rec = new Recorder(run, cli);
  const timers: NodeJS.Timeout[] = [];
  const scheduled = new Set<string>();
  const later = (what: string, ms: number) => {
    if (scheduled.has(what)) return;
    scheduled.add(what);
    timers.push(setTimeout(() => rec.save(what, 'busy'), ms));
  };
  const watcher = setInterval(() => {
    for (const r of mock.requests) {
      const what = r.kind === 'turn' && r.turn !== undefined ? THINKING[r.turn] : undefined;
      // Halfway through the model's pause: the CLI has drawn its working state by now.
      if (what) later(what, 1500);
    }
  }, 100);
  try {
    await rec.drive(scenario.startup, () => READY[cli].test(run.screen()), 'the TUI to be ready', { settleMs: 2500, endAfter: scenario.endAfter });
    if (scenario.turns) {
      const tools = TOOL_DIALOGS[cli];
      const onAnswered = (d: Dialog) => {
        // The command sleeps 4 s once approved: the CLI shows it running.
        if (d.name === 'shell') later('running-command', 2000);
      };
      await submit(run, PROMPT_WRITE);
      const hello = path.join(repo, 'hello.txt');
      await rec.drive(tools, () => run.screen().includes(FINAL_WRITE) && fileHas(hello, CONTENT), 'the file and the first answer', { onAnswered });
      await run.waitForQuiet(1000, 5000);
      await submit(run, PROMPT_SHELL);
      const made = path.join(repo, 'made-by-shell.txt');
      await rec.drive(tools, () => run.screen().includes(FINAL_SHELL) && fs.existsSync(made), 'the command and the second answer', { onAnswered });
      await run.waitForQuiet(1500, 8000);
      rec.save('idle', 'waits');
    }
    await sleep(1600);
    return rec.captures;
  } finally {
    clearInterval(watcher);
    for (const t of timers) clearTimeout(t);
    if (!run.exit) {
      for (const key of EXIT_KEYS[cli]) {
        run.write(key);
        await sleep(400);
      }
      await run.waitForExit(10_000).catch(() => null);
    }
    run.dispose();
    for (const pid of processesWithHome(recipe.home)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await mock.close();
    await proxy.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The CLI's version, as it prints it. */
function versionOf(cli: AgentCli, bin: string): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `sy-record-version-`));
  try {
    const recipe = agentHome(cli, { mockUrl: 'http://127.0.0.1:9', proxyUrl: 'http://127.0.0.1:9', dir: home });
    const out = execFileSync(path.join(bin, cli), ['--version'], { env: recipe.env, encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'ignore'] });
    const m = /\d+\.\d+\.\d+/.exec(out);
    if (!m) throw new Error(`${cli} --version printed no version: ${out}`);
    return m[0];
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const bin = agentBin();
  const clis = (list(flags.cli) ?? [...AGENT_CLIS]) as AgentCli[];
  const widths = (list(flags.cols) ?? []).map(Number);
  const themes = (list(flags.theme) ?? []) as ThemeName[];
  const only = list(flags.scenario);
  const out = flags.out!;
  const unclearDir = flags['unclear-dir']!;
  fs.mkdirSync(out, { recursive: true });
  const failures: string[] = [];
  for (const cli of clis) {
    if (!AGENT_CLIS.includes(cli)) throw new Error(`unknown CLI ${cli}`);
    const version = versionOf(cli, bin);
    console.log(`${cli} ${version}`);
    for (const cols of widths) {
      for (const theme of themes) {
        const written = new Set<string>();
        let complete = !only;
        for (const scenario of SCENARIOS[cli]) {
          if (only && !only.includes(scenario.name)) continue;
          const started = Date.now();
          try {
            const captures = await runScenario({ cli, bin, cols, theme, scenario });
            const names: string[] = [];
            for (const c of captures) {
              const unclear = UNCLEAR[cli]?.includes(c.what);
              const name = unclear ? `${cli}-${version}-${c.what}-${cols}-${theme}.txt` : `${c.kind}-${cli}-${version}-${c.what}-${cols}-${theme}.txt`;
              const folder = unclear ? unclearDir : out;
              fs.mkdirSync(folder, { recursive: true });
              fs.writeFileSync(path.join(folder, name), c.text);
              written.add(name);
              names.push(unclear ? `(unclear) ${c.what}` : `${c.kind} ${c.what}`);
            }
            console.log(`  ${cols} ${theme} ${scenario.name}: ${names.join(', ')} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
          } catch (e) {
            complete = false;
            const message = `${cli} ${cols} ${theme} ${scenario.name}: ${(e as Error).message}`;
            failures.push(message);
            console.error(`  FAILED ${message}`);
          }
        }
        // A complete recording replaces the last one: screens it no longer saw go.
        if (complete) {
          const mine = new RegExp(`^(waits|busy)-${cli}-${version.replace(/\./g, '\\.')}-.+-${cols}-${theme}\\.txt$`);
          for (const f of fs.readdirSync(out)) if (mine.test(f) && !written.has(f)) fs.rmSync(path.join(out, f));
        }
      }
    }
  }
  if (failures.length > 0) {
    console.error(`\n${failures.length} run(s) failed.`);
    process.exit(1);
  }
}

await main();

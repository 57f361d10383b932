/**
 * Repository config at work: trust, setup before the agent, teardown before removal, files
 * copied into new worktrees, and each task's ports.
 *
 * Where the config comes from: the committed `.switchyard/config.yaml` of the task's BASE
 * branch (`git show <base>:.switchyard/config.yaml`), never the worktree's copy. It is what the
 * worktree is created from, so it is the same content at creation; it can be read (and a broken
 * file refused) before anything is created; and an agent editing its worktree cannot change
 * which commands run, teardown included. Uncommitted edits in the main checkout do not count:
 * commit them. `projects.config` shows the same committed content (of the current branch, or
 * the branch asked for), so what the user reviews and trusts is exactly what runs.
 *
 * Trust: commands run only when the sha256 of that exact content is trusted for the project
 * (as direnv and VS Code's workspace trust do); any change asks again. Copying files (`copy:`)
 * runs without trust: it moves the user's own files from their own checkout into a worktree
 * Switchyard made, runs nothing, and every path is kept inside both (no "..", no symlink out).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { RepoConfigView } from '../../shared/contract';
import { SwitchyardError } from '../../shared/errors';
import type { Project, Task } from '../../shared/task';
import type { EngineContext } from '../context';
import { git } from '../git/exec';
import { currentBranch } from '../git/repository';
import { newId } from '../ids';
import { isInside } from '../paths';
import { canTransition } from '../tasks/lifecycle';
import { SessionWaiter } from '../tasks/session-waiter';
import { CONFIG_PATH, DEFAULT_PORT_COUNT, EMPTY_CONFIG, hashConfig, parseRepoConfig, type RepoConfig } from './config';
import { DEFAULT_PORT_RANGE, ensureTaskPorts, portEnv, taskPorts, type PortRange } from './ports';

export interface LoadedConfig {
  present: boolean;
  content: string | null;
  hash: string | null;
  config: RepoConfig;
}

/** setup_status on a task: null before any setup; `pending` states run again at the next start. */
type SetupStatus = 'running' | 'ok' | 'failed' | 'skipped';
const SETUP_PENDING: readonly (SetupStatus | null)[] = ['running', 'failed', 'skipped'];

export const UNTRUSTED_MESSAGE = `setup skipped: ${CONFIG_PATH} is not trusted — review and trust it`;

export class RepoSetup {
  /** Setup and teardown sessions being waited for. */
  private readonly waiter = new SessionWaiter();

  constructor(
    private readonly ctx: EngineContext,
    private readonly portRange: PortRange = DEFAULT_PORT_RANGE,
  ) {}

  // ---- reading and trusting the config ----

  /** The committed config at `ref`; throws a clear invalid-input error if it is broken. */
  async load(projectPath: string, ref: string): Promise<LoadedConfig> {
    const r = await git(['show', `${ref}:${CONFIG_PATH}`], { cwd: projectPath, okCodes: [128] });
    if (r.code !== 0) return { present: false, content: null, hash: null, config: EMPTY_CONFIG };
    const content = r.stdout;
    return { present: true, content, hash: hashConfig(content), config: parseRepoConfig(content, `${CONFIG_PATH} (on ${ref})`) };
  }

  isTrusted(projectId: string, hash: string): boolean {
    return this.ctx.store.db.prepare('SELECT 1 AS one FROM config_trust WHERE project_id = ? AND hash = ?').get(projectId, hash) !== undefined;
  }

  async view(projectId: string, branch?: string): Promise<RepoConfigView> {
    const project = this.ctx.store.project(projectId);
    const ref = branch ?? (await currentBranch(project.path)) ?? 'HEAD';
    const shown = path.join(project.path, CONFIG_PATH);
    const r = await git(['show', `${ref}:${CONFIG_PATH}`], { cwd: project.path, okCodes: [128] });
    if (r.code !== 0) return { present: false, path: shown, ref, content: null, hash: null, trusted: false, hasCommands: false, error: null };
    const hash = hashConfig(r.stdout);
    let error: string | null = null;
    let hasCommands = false;
    try {
      const c = parseRepoConfig(r.stdout, `${CONFIG_PATH} (on ${ref})`);
      hasCommands = c.setup.length + c.teardown.length > 0 || c.verify !== null || c.reviewer !== null;
    } catch (err) {
      error = (err as Error).message;
    }
    return { present: true, path: shown, ref, content: r.stdout, hash, trusted: this.isTrusted(projectId, hash), hasCommands, error };
  }

  /** Trusts exactly the content the user reviewed: refused if the file has changed since. */
  async trust(projectId: string, hash: string, branch?: string): Promise<RepoConfigView> {
    const now = await this.view(projectId, branch);
    if (!now.present || now.hash !== hash) {
      throw new SwitchyardError('bad-state', `${CONFIG_PATH} has changed since you reviewed it; review it again before trusting it`);
    }
    this.ctx.store.db
      .prepare('INSERT INTO config_trust (project_id, hash, trusted_at) VALUES (?, ?, ?) ON CONFLICT(project_id, hash) DO NOTHING')
      .run(projectId, hash, Date.now());
    return { ...now, trusted: true };
  }

  // ---- at task start ----

  setupPending(taskId: string): boolean {
    return SETUP_PENDING.includes(this.setupStatus(taskId));
  }

  private setupStatus(taskId: string): SetupStatus | null {
    const r = this.ctx.store.db.prepare('SELECT setup_status FROM tasks WHERE id = ?').get(taskId) as { setup_status: SetupStatus | null } | undefined;
    return r?.setup_status ?? null;
  }

  private setSetupStatus(taskId: string, status: SetupStatus): void {
    this.ctx.store.db.prepare('UPDATE tasks SET setup_status = ? WHERE id = ?').run(status, taskId);
  }

  /** The task's ports, allocated on first use. */
  async ensurePorts(taskId: string, count = DEFAULT_PORT_COUNT): Promise<void> {
    const before = taskPorts(this.ctx.store.db, taskId);
    if (before) return;
    const p = await ensureTaskPorts(this.ctx.store.db, taskId, count, this.portRange);
    this.ctx.store.addNote(taskId, `ports ${p.base}–${p.base + p.count - 1} (SWITCHYARD_PORT=${p.base})`);
  }

  /** SWITCHYARD_PORT and SWITCHYARD_PORT_COUNT for the task's processes (empty before allocation). */
  portEnv(taskId: string): Record<string, string> {
    return portEnv(taskPorts(this.ctx.store.db, taskId));
  }

  /**
   * Prepares a worktree before its agent starts: copies files (on a fresh worktree), then runs
   * setup if the config is trusted. Returns null when the agent may start, else why not (the
   * task has been marked failed with that reason).
   */
  async prepare(task: Task, project: Project, loaded: LoadedConfig, fresh: boolean): Promise<string | null> {
    const worktree = task.worktreePath!;
    await this.ensurePorts(task.id, loaded.config.ports);
    if (fresh && loaded.config.copy.length > 0) {
      try {
        for (const note of copyIntoWorktree(project.path, worktree, loaded.config.copy)) this.ctx.store.addNote(task.id, note);
      } catch (err) {
        return this.fail(task.id, `setup failed: ${(err as Error).message}`, null);
      }
    }
    const { setup } = loaded.config;
    if (setup.length === 0) {
      this.setSetupStatus(task.id, 'ok');
      return null;
    }
    if (!loaded.hash || !this.isTrusted(project.id, loaded.hash)) {
      this.setSetupStatus(task.id, 'skipped');
      this.ctx.store.addNote(task.id, UNTRUSTED_MESSAGE);
      const t = this.ctx.store.task(task.id);
      this.ctx.taskChanged(this.ctx.store.patchTask(task.id, { flags: { ...t.flags, message: UNTRUSTED_MESSAGE } }));
      return null;
    }
    this.setSetupStatus(task.id, 'running');
    this.ctx.store.addNote(task.id, `running setup from ${CONFIG_PATH} (${setup.length} command${setup.length === 1 ? '' : 's'})`);
    const outcome = await this.runCommands(task, 'Setup', setup);
    if (outcome) return this.fail(task.id, `setup failed (${outcome.why})`, outcome.log);
    this.setSetupStatus(task.id, 'ok');
    // A message from an earlier untrusted start no longer applies.
    const t = this.ctx.store.task(task.id);
    if (t.flags.message === UNTRUSTED_MESSAGE) this.ctx.taskChanged(this.ctx.store.patchTask(task.id, { flags: { ...t.flags, message: null } }));
    return null;
  }

  private fail(taskId: string, reason: string, log: string | null): string {
    this.setSetupStatus(taskId, 'failed');
    const { store } = this.ctx;
    if (log) store.addNote(taskId, `setup log (last lines):\n${log}`);
    // A task whose setup fails again is already failed: the event log says so.
    if (canTransition(store.task(taskId).state, 'failed')) this.ctx.taskChanged(store.transition(taskId, 'failed', reason));
    else {
      store.addNote(taskId, reason);
      this.ctx.taskChanged(store.task(taskId));
    }
    return reason;
  }

  /**
   * Readies a throwaway checkout (a merge candidate) the way a new worktree is readied: files
   * copied from the main checkout, then the trusted setup commands, as terminals of `task`.
   * Returns null when it is ready, else why not. Untrusted setup is skipped, as for a task.
   */
  async prepareCheckout(task: Task, dir: string, ref: string): Promise<string | null> {
    const project = this.ctx.store.project(task.projectId);
    let loaded: LoadedConfig;
    try {
      loaded = await this.load(project.path, ref);
    } catch (err) {
      return (err as Error).message;
    }
    try {
      copyIntoWorktree(project.path, dir, loaded.config.copy);
    } catch (err) {
      return `copying files failed: ${(err as Error).message}`;
    }
    if (loaded.config.setup.length === 0 || !loaded.hash || !this.isTrusted(project.id, loaded.hash)) return null;
    const outcome = await this.runCommands(task, 'Candidate setup', loaded.config.setup, dir);
    return outcome ? `setup failed (${outcome.why})${outcome.log ? `\n${outcome.log}` : ''}` : null;
  }

  // ---- at clean-up ----

  /**
   * Runs the trusted teardown commands in the worktree before it is removed. A failing (or
   * untrusted) teardown is reported in the event log but does not block removal: the user has
   * already decided the worktree goes, what would be lost was checked and confirmed, and a
   * broken script must not pin a worktree forever. Its output goes to the event log, since the
   * terminals close with the worktree.
   */
  async teardown(taskId: string): Promise<void> {
    const { store } = this.ctx;
    const task = store.task(taskId);
    if (!task.worktreePath || task.cleanedUp || !fs.existsSync(task.worktreePath)) return;
    const project = store.project(task.projectId);
    let loaded: LoadedConfig;
    try {
      loaded = await this.load(project.path, task.baseBranch);
    } catch (err) {
      store.addNote(taskId, `teardown skipped: ${(err as Error).message}`);
      return;
    }
    if (loaded.config.teardown.length === 0) return;
    if (!loaded.hash || !this.isTrusted(project.id, loaded.hash)) {
      store.addNote(taskId, `teardown skipped: ${CONFIG_PATH} is not trusted — review and trust it`);
      return;
    }
    const outcome = await this.runCommands(task, 'Teardown', loaded.config.teardown);
    if (outcome) store.addNote(taskId, `teardown failed (${outcome.why}); the worktree is removed anyway${outcome.log ? `\n${outcome.log}` : ''}`);
    else store.addNote(taskId, 'teardown finished');
  }

  // ---- running commands as terminals of the task ----

  /** ptyd reported an exit: true if it was one of ours. */
  onExit(session: string, exitCode: number | null, signal: number | null): boolean {
    return this.waiter.onExit(session, exitCode, signal);
  }

  /**
   * Runs each command in turn as a ptyd session in the worktree, recorded as a terminal of the
   * task ("Setup", or "Setup 2/3"), so its output is visible as it happens and stays readable
   * afterwards. Returns null when all succeed, else why and the last lines of the screen.
   */
  private async runCommands(task: Task, title: 'Setup' | 'Teardown' | 'Candidate setup', commands: string[][], cwd = task.worktreePath!): Promise<{ why: string; log: string | null } | null> {
    const ptyd = this.ctx.requirePtyd();
    const env = { ...this.commandEnv(task), SWITCHYARD_WORKTREE: cwd };
    for (let i = 0; i < commands.length; i++) {
      const argv = commands[i]!;
      const session = `${task.id}-${title === 'Teardown' ? 'td' : 'su'}${newId(5)}`;
      const name = commands.length === 1 ? title : `${title} ${i + 1}/${commands.length}`;
      const exited = this.waiter.wait(session, ptyd);
      try {
        await ptyd.spawn({ session, file: argv[0]!, args: argv.slice(1), cwd, env, cols: this.ctx.options.cols ?? 120, rows: this.ctx.options.rows ?? 32 });
      } catch (err) {
        this.waiter.forget(session);
        return { why: `could not run ${JSON.stringify(argv[0])}: ${(err as Error).message}`, log: null };
      }
      this.ctx.store.addTerminal({ sessionId: session, taskId: task.id, kind: 'setup', title: name });
      this.ctx.emit({ type: 'terminal', taskId: task.id, session, state: 'started', exitCode: null, signal: null });
      const exit = await exited;
      this.ctx.emit({ type: 'terminal', taskId: task.id, session, state: 'exited', exitCode: exit.exitCode, signal: exit.signal });
      const code = exit.exitCode ?? (exit.signal ? 128 + exit.signal : null);
      if (code !== 0) {
        const lines = await ptyd
          .text(session)
          .then((t) => t.lines)
          .catch(() => [] as string[]);
        while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
        const why = exit.signal ? `killed by signal ${exit.signal}` : `exit ${code}`;
        return { why: commands.length === 1 ? why : `${why} from command ${i + 1}`, log: lines.slice(-30).join('\n') || null };
      }
    }
    return null;
  }

  /** The user's environment (as agents get it), the task's identity and its ports; no notify token. */
  commandEnv(task: Task): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v === undefined || k.startsWith('ELECTRON_') || k === 'SWITCHYARD_TOKEN') continue;
      env[k] = v;
    }
    return {
      ...env,
      ...this.ctx.options.agentEnv,
      TERM: 'xterm-256color',
      COLORTERM: 'truecolor',
      SWITCHYARD_TASK_ID: task.id,
      SWITCHYARD_WORKTREE: task.worktreePath!,
      ...this.portEnv(task.id),
    };
  }
}

/**
 * Copies `paths` (files or folders) from the main checkout into the worktree. Every source and
 * destination must stay inside its root after resolving symlinks; a symlink inside a copied
 * folder is refused rather than followed. A path missing from the checkout is skipped with a note.
 */
export function copyIntoWorktree(repo: string, worktree: string, paths: string[]): string[] {
  const notes: string[] = [];
  for (const rel of paths) {
    const src = path.resolve(repo, rel);
    const dest = path.resolve(worktree, rel);
    if (!isInside(repo, src) || src === path.resolve(repo)) throw new Error(`copy: "${rel}" leads outside the repository`);
    if (!isInside(worktree, dest) || dest === path.resolve(worktree)) throw new Error(`copy: "${rel}" leads outside the worktree`);
    if (!fs.existsSync(src)) {
      notes.push(`copy: ${rel} does not exist in ${repo}; skipped`);
      continue;
    }
    copyEntry(src, dest, rel);
    notes.push(`copied ${rel} into the worktree`);
  }
  return notes;
}

/** A destination that is (or sits under) a symlink could write anywhere: refuse it. */
function safeDestination(dest: string, rel: string): void {
  let existing = dest;
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  let st: fs.Stats | null = null;
  try {
    st = fs.lstatSync(dest);
  } catch {
    // nothing there yet
  }
  // lstat, not exists: a dangling link would be written through just the same.
  if (st?.isSymbolicLink()) throw new Error(`copy: "${rel}" is a symlink in the worktree; refusing to write through it`);
  const real = fs.realpathSync(existing);
  if (real !== existing && path.relative(real, existing) !== '') {
    // The nearest existing folder resolves elsewhere: a link on the way.
    throw new Error(`copy: "${rel}" would be written through a symlink in the worktree`);
  }
}

function copyEntry(src: string, dest: string, rel: string): void {
  safeDestination(dest, rel);
  const st = fs.lstatSync(src);
  if (st.isSymbolicLink()) {
    // A symlink at the top was resolved by isInside; inside a folder, refuse rather than follow.
    const real = fs.realpathSync(src);
    if (fs.statSync(real).isDirectory()) throw new Error(`copy: "${rel}" is a symlink to a folder; name the folder itself`);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(real, dest);
    return;
  }
  if (st.isDirectory()) {
    fs.mkdirSync(dest, { recursive: true });
    for (const name of fs.readdirSync(src)) {
      const child = path.join(src, name);
      if (fs.lstatSync(child).isSymbolicLink()) throw new Error(`copy: "${rel}/${name}" is a symlink; copy refuses to follow links inside folders`);
      copyEntry(child, path.join(dest, name), `${rel}/${name}`);
    }
    return;
  }
  if (!st.isFile()) throw new Error(`copy: "${rel}" is not a file or folder`);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.copyFileSync(src, dest);
}

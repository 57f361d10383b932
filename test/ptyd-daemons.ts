/** Real ptyd daemons for the ptyd tests: started from source with test-sized settings, stopped after each test. */
import crypto from 'node:crypto';
import { PtydClient, type PtydConnectOptions } from '../src/engine/ptyd/client';
import { connectOrStartPtyd, ptydPaths, type PtydPaths } from '../src/engine/ptyd/launcher';
import type { SpawnRequest } from '../src/shared/ptyd-protocol';
import { HERMETIC_SHELL_ENV, PTYD_FROM_SOURCE, onCleanup, processAlive, tempDir, waitFor } from './helpers';

export interface TestPtyd {
  client: PtydClient;
  paths: PtydPaths;
  pid: number;
  /** A scratch folder for the sessions' working directories. */
  work: string;
}

export interface TestPtydOptions {
  /** Extra argv for ptyd, such as `--exit-retention-ms 500`. */
  args?: string[];
  connect?: PtydConnectOptions;
  /** Where a ptyd died, to start a new one on its socket (default: a fresh data folder). */
  paths?: PtydPaths;
}

/** Starts a ptyd through the launcher, as the engine does, and stops it after the test. */
export async function startTestPtyd(opts: TestPtydOptions = {}): Promise<TestPtyd> {
  const paths = opts.paths ?? ptydPaths(tempDir('sy-ptyd-'));
  const client = await connectOrStartPtyd(paths, { ...PTYD_FROM_SOURCE, args: [...PTYD_FROM_SOURCE.args, ...(opts.args ?? [])] }, { connect: opts.connect });
  const pid = client.ptydPid;
  onCleanup(async () => {
    client.close();
    await stopProcess(pid);
  });
  return { client, paths, pid, work: tempDir('sy-work-') };
}

/** A second connection to a test's ptyd, closed after the test. */
export async function connectAgain(paths: PtydPaths, connect?: PtydConnectOptions): Promise<PtydClient> {
  const client = await PtydClient.connect(paths.socketPath, connect);
  onCleanup(() => client.close());
  return client;
}

/** SIGTERM, a wait, then SIGKILL: a process (a ptyd, an agent) that must not outlive the test. */
export async function stopProcess(pid: number): Promise<void> {
  if (!processAlive(pid)) return;
  try {
    process.kill(pid, 'SIGCONT');
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  await waitFor(() => !processAlive(pid), `process ${pid} to stop`, 5_000).catch(() => {
    if (processAlive(pid)) process.kill(pid, 'SIGKILL');
  });
}

export function newSessionId(): string {
  return `t-${crypto.randomBytes(8).toString('hex')}`;
}

/** A session running `argv` in `cwd`, 80×24, with this process's environment. */
export function sessionSpec(cwd: string, argv: string[], extra: Partial<SpawnRequest> = {}): SpawnRequest {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  Object.assign(env, HERMETIC_SHELL_ENV);
  return { session: newSessionId(), file: argv[0]!, args: argv.slice(1), cwd, env, cols: 80, rows: 24, ...extra };
}

/** Waits until the session has exited and returns its listing. */
export async function exited(client: PtydClient, session: string) {
  return waitFor(async () => (await client.list()).find((s) => s.session === session && !s.alive), `session ${session} to exit`);
}

export const screenHas = (client: PtydClient, session: string, text: string) => async () => (await client.screen(session)).data.includes(text);

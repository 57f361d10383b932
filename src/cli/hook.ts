/**
 * `switchyard hook <event>`: what Switchyard wires into an agent's own hooks at launch
 * (engine/agents/hook-wiring.ts). It reports the event on the task it runs in, with the
 * agent's session id from the hook's payload, and is silent: it prints nothing on stdout and
 * always exits 0, because agents read a hook's output and exit code as instructions (Claude
 * Code's Stop hook would keep the agent going on exit code 2). What went wrong goes to stderr.
 */
import fs from 'node:fs';
import { NOTIFY_PROTOCOL_VERSION, TASK_ENV, type NotifyKind } from '../shared/notify-protocol';
import { parseHookPayload } from './hook-payload';
import { sendNotify } from './notify-client';

export const HOOK_EVENTS: readonly NotifyKind[] = ['needs-input', 'turn-end', 'working', 'done'];

/** How long to wait for a payload on stdin that never ends (a hook run with the terminal as stdin). */
const STDIN_WAIT_MS = 1000;
const STDIN_MAX = 1024 * 1024;

export async function runHook(args: string[], env: NodeJS.ProcessEnv, stdin: NodeJS.ReadStream): Promise<number> {
  const [event, ...rest] = args;
  if (!event || !(HOOK_EVENTS as readonly string[]).includes(event)) {
    process.stderr.write(`switchyard hook: the event is one of ${HOOK_EVENTS.join(', ')}\n`);
    return 0;
  }
  const taskId = env[TASK_ENV.taskId];
  const token = env[TASK_ENV.token];
  const socket = env[TASK_ENV.socket];
  if (!taskId || !token || !socket) return 0; // not inside a task: nothing to report on
  traceStart(env, event);
  // Codex hands its JSON as the last argument; the others on stdin.
  const fromArgs = rest.length > 0 ? rest[rest.length - 1]! : null;
  const payload = parseHookPayload(fromArgs ?? (await readStdin(stdin)));
  try {
    const res = await sendNotify(socket, {
      v: NOTIFY_PROTOCOL_VERSION,
      op: 'notify',
      taskId,
      token,
      kind: event as NotifyKind,
      message: payload.message,
      source: 'hook',
      agentSession: payload.agentSession,
    });
    if (!res.ok) process.stderr.write(`switchyard hook: ${res.error}\n`);
  } catch (err) {
    process.stderr.write(`switchyard hook: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  return 0;
}

/**
 * SWITCHYARD_HOOK_TRACE names a file that gets one line per hook run, with when its process
 * started: how the time from a hook firing to the card's flag is measured.
 */
function traceStart(env: NodeJS.ProcessEnv, event: string): void {
  const file = env.SWITCHYARD_HOOK_TRACE;
  if (!file) return;
  try {
    fs.appendFileSync(file, `${JSON.stringify({ event, startedAt: Math.round(performance.timeOrigin) })}\n`);
  } catch {
    // A trace is never worth failing a hook.
  }
}

function readStdin(stdin: NodeJS.ReadStream): Promise<string | null> {
  if (stdin.isTTY) return Promise.resolve(null);
  return new Promise((resolve) => {
    let text = '';
    const done = (): void => {
      clearTimeout(timer);
      stdin.destroy();
      resolve(text || null);
    };
    const timer = setTimeout(done, STDIN_WAIT_MS);
    stdin.setEncoding('utf8');
    stdin.on('data', (chunk: string) => {
      if (text.length < STDIN_MAX) text += chunk;
    });
    stdin.once('end', done);
    stdin.once('error', done);
  });
}

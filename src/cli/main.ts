/**
 * The `switchyard` command agents find on their PATH inside a task (built to out/main/cli.js).
 * It reports on the agent's own task, and nothing else:
 *   switchyard notify needs-input [message]   the agent waits for the user
 *   switchyard notify done [message]          the agent is done (its exit still decides the state)
 *   switchyard notify "any message"           a line for the task's card and history
 *   switchyard hook <event>                   from the agent's own hooks, which Switchyard wires at launch
 * It authenticates with the task's notify token from its environment.
 *
 * It also drives plans and tasks from scripts (commands.ts): switchyard plan …, switchyard task ….
 */
import { NOTIFY_PROTOCOL_VERSION, TASK_ENV, type NotifyRequest } from '../shared/notify-protocol';
import { parseNotifyArgs } from './notify-args';
import { NotifyUnreachable, sendNotify } from './notify-client';
import { COMMANDS_USAGE, runCommand } from './commands';
import { runHook } from './hook';

const USAGE = `usage: switchyard notify [--quiet | --json] needs-input [message]
       switchyard notify [--quiet | --json] done [message]
       switchyard notify [--quiet | --json] "any message"

Reports on the Switchyard task this agent runs in: that it waits for your input, that it is
done, or a message for the task's card and history. It works inside a task's terminal, where
${TASK_ENV.taskId}, ${TASK_ENV.token} and ${TASK_ENV.socket} are set.

--quiet prints nothing on success (for hooks whose stdout must stay empty, like Gemini CLI's);
--json prints the outcome as one JSON line.

Wire an agent's hooks to it, for example:
  Claude Code  .claude/settings.json: "hooks": {"Notification": [{"hooks": [{"type": "command",
               "command": "switchyard notify needs-input"}]}], "Stop": [{"hooks": [{"type":
               "command", "command": "switchyard notify done"}]}]}
  Codex        ~/.codex/config.toml: notify = ["switchyard", "notify", "done"]
  Gemini CLI   .gemini/settings.json: the same "hooks" as Claude Code, with "AfterAgent" for
               "Stop", and "switchyard notify --quiet …"
`;

/** Exit codes: 0 reported, 1 refused or failed, 2 bad usage, 3 not inside a task, 4 engine not running. */
const EXIT = { ok: 0, failed: 1, usage: 2, noTask: 3, unreachable: 4 } as const;

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command === 'plan' || command === 'task' || command === 'demo') {
    return runCommand(command, args, { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }).catch((err: Error & { usage?: boolean; code?: string }) => {
      // A misspelt option is a usage error too.
      const usage = err.usage === true || (typeof err.code === 'string' && err.code.startsWith('ERR_PARSE_ARGS'));
      process.stderr.write(`switchyard: ${err.message}\n`);
      // Scripts reading --json get the error as JSON on stdout as well.
      if (args.includes('--json')) process.stdout.write(`${JSON.stringify({ error: { code: usage ? 'usage' : (err.code ?? 'failed'), message: err.message } })}\n`);
      return usage ? EXIT.usage : EXIT.failed;
    });
  }
  // From an agent's own hooks, wired by Switchyard at launch: silent, and always exit code 0.
  if (command === 'hook') return runHook(args, env, process.stdin);
  if (command !== 'notify') {
    process.stderr.write(`switchyard: unknown command "${command}"\n\n${USAGE}\n${COMMANDS_USAGE}`);
    return EXIT.usage;
  }
  if (args[0] === '--help' || args[0] === '-h') {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  // Leading options: --quiet, and --json (the outcome as one JSON line, for scripts).
  let rest = args;
  let quiet = false;
  let json = false;
  while (rest[0] === '--quiet' || rest[0] === '-q' || rest[0] === '--json') {
    if (rest[0] === '--json') json = true;
    else quiet = true;
    rest = rest.slice(1);
  }
  const parsed = parseNotifyArgs(rest);
  if (!parsed) {
    process.stderr.write(`switchyard: say what to report\n\n${USAGE}`);
    return EXIT.usage;
  }
  const taskId = env[TASK_ENV.taskId];
  const token = env[TASK_ENV.token];
  const socket = env[TASK_ENV.socket];
  if (!taskId || !token || !socket) {
    const missing = [!taskId && TASK_ENV.taskId, !token && TASK_ENV.token, !socket && TASK_ENV.socket].filter(Boolean).join(', ');
    process.stderr.write(`switchyard: not inside a Switchyard task (${missing} not set)\n`);
    return EXIT.noTask;
  }
  const req: NotifyRequest = { v: NOTIFY_PROTOCOL_VERSION, op: 'notify', taskId, token, kind: parsed.kind, message: parsed.message };
  try {
    const res = await sendNotify(socket, req);
    if (res.ok) {
      if (json) process.stdout.write(`${JSON.stringify({ ok: true, summary: res.summary })}\n`);
      else if (!quiet) process.stdout.write(`switchyard: ${res.summary}\n`);
      return EXIT.ok;
    }
    if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: res.error })}\n`);
    process.stderr.write(`switchyard: ${res.error}\n`);
    return EXIT.failed;
  } catch (err) {
    process.stderr.write(`switchyard: ${err instanceof Error ? err.message : String(err)}\n`);
    return err instanceof NotifyUnreachable ? EXIT.unreachable : EXIT.failed;
  }
}

main(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`switchyard: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);

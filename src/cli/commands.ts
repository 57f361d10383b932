/**
 * `switchyard plan …` and `switchyard task …`: scripting and unattended runs against the
 * engine (a running `switchyard serve`, or a headless one started on demand). Every command
 * takes --json for machine-readable output.
 *
 *   switchyard plan import FILE [--project DIR]   import a plan (JSON or YAML); prints its id
 *   switchyard plan list [--project DIR]
 *   switchyard plan start ID [--auto-merge]       start (or resume) dispatching
 *   switchyard plan pause ID | stop ID
 *   switchyard plan status ID                     the DAG, with each task's state
 *   switchyard plan export ID [--yaml|--json]
 *   switchyard plan update ID FILE --version N     replace its definition (compare-and-set)
 *   switchyard plan finish ID --merge|--pr         merge the integration branch into the base, or open a PR
 *   switchyard task list [--project DIR]
 *   switchyard task merge ID                      a plan task through the merge train; others into their base
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { MergeResult, Method, Output, PlanView, TrainResult } from '../shared/contract';
import type { Plan } from '../shared/plan';
import type { Project, Task } from '../shared/task';
import { defaultDataDir } from '../engine/paths';
import { EngineClient } from './engine-client';
import { parse as parseYaml } from 'yaml';

export const COMMANDS_USAGE = `usage: switchyard plan import FILE [--project DIR]
       switchyard plan list [--project DIR]
       switchyard plan start ID [--auto-merge | --no-auto-merge]
       switchyard plan pause ID
       switchyard plan stop ID
       switchyard plan status ID
       switchyard plan export ID [--yaml | --json]
       switchyard plan update ID FILE --version N
       switchyard plan finish ID --merge | --pr
       switchyard task list [--project DIR]
       switchyard task merge ID
       switchyard demo                          a sample repository and plan, run by the demo agent

Options for all: --json (machine-readable output), --data-dir DIR (default: your user data
folder, or $SWITCHYARD_DATA_DIR). --project defaults to the repository you are in.
With no engine running for the data folder, one is started in the background
(switchyard serve --headless), and keeps running plans after the command exits.
`;

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const MARK: Record<Task['state'], string> = {
  queued: '○',
  blocked: '◌',
  running: '●',
  verifying: '◐',
  interrupted: '!',
  review: '◆',
  failed: '✗',
  merging: '↣',
  done: '✓',
  cancelled: '–',
};

export async function runCommand(group: 'plan' | 'task' | 'demo', argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      yaml: { type: 'boolean' },
      project: { type: 'string' },
      'data-dir': { type: 'string' },
      'auto-merge': { type: 'boolean' },
      'no-auto-merge': { type: 'boolean' },
      version: { type: 'string' },
      merge: { type: 'boolean' },
      pr: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (group === 'demo') positionals.unshift('run');
  const [action, arg, second] = positionals;
  if (values.help || !action) {
    io.out(COMMANDS_USAGE);
    return values.help ? 0 : 2;
  }
  const dataDir = values['data-dir'] ? path.resolve(values['data-dir']) : defaultDataDir();
  const json = values.json === true;
  const print = (human: string, data: unknown): void => io.out(json ? `${JSON.stringify(data, null, 2)}\n` : human.endsWith('\n') ? human : `${human}\n`);
  const need = (what: string): string => {
    if (!arg) throw Object.assign(new Error(`say which ${what}: switchyard ${group} ${action} <${what}>`), { usage: true });
    return arg;
  };
  // Connected on first use, so a usage error never starts an engine.
  const conn: { client: EngineClient | null } = { client: null };
  const client = {
    call: async <M extends Method>(method: M, input: unknown): Promise<Output<M>> => {
      conn.client ??= await EngineClient.connect(dataDir, (line) => io.err(`${line}\n`));
      return conn.client.call(method, input);
    },
  };
  try {
    const project = async (): Promise<Project> => client.call('projects.open', { path: path.resolve(values.project ?? process.cwd()) });
    switch (`${group} ${action}`) {
      case 'plan import': {
        const file = path.resolve(need('file'));
        const text = fs.readFileSync(file, 'utf8');
        const view = await client.call('plans.import', { projectId: (await project()).id, text, file: path.basename(file) });
        print(`Imported plan ${view.plan.id}: "${view.plan.name}", ${view.tasks.length} tasks, integration branch ${view.plan.integrationBranch}.\nStart it with: switchyard plan start ${view.plan.id}`, view);
        return 0;
      }
      case 'plan list': {
        const plans = await client.call('plans.list', { projectId: values.project ? (await project()).id : undefined });
        print(plans.length === 0 ? 'No plans. Import one with: switchyard plan import FILE' : plans.map(planLine).join('\n'), plans);
        return 0;
      }
      case 'plan start': {
        const autoMerge = values['auto-merge'] ? true : values['no-auto-merge'] ? false : undefined;
        const plan = await client.call('plans.start', { planId: need('plan id'), autoMerge });
        print(`Started: ${planLine(plan)}`, plan);
        return 0;
      }
      case 'plan pause': {
        const plan = await client.call('plans.pause', { planId: need('plan id') });
        print(`Paused (running tasks finish; nothing new starts): ${planLine(plan)}`, plan);
        return 0;
      }
      case 'plan stop': {
        const plan = await client.call('plans.stop', { planId: need('plan id') });
        print(`Stopped: ${planLine(plan)}`, plan);
        return 0;
      }
      case 'plan status': {
        const view = await client.call('plans.get', { planId: need('plan id') });
        print(formatStatus(view), view);
        return 0;
      }
      case 'plan export': {
        const text = await client.call('plans.export', { planId: need('plan id'), format: values.yaml ? 'yaml' : json ? 'json' : 'yaml' });
        io.out(text);
        return 0;
      }
      case 'plan update': {
        const planId = need('plan id');
        const version = Number(values.version);
        if (!second || !Number.isInteger(version) || version < 1) {
          throw Object.assign(new Error('say the file and the version you edited: switchyard plan update ID FILE --version N (see plan status --json)'), { usage: true });
        }
        const file = path.resolve(second);
        const text = fs.readFileSync(file, 'utf8');
        const plan: unknown = text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text);
        const view = await client.call('plans.update', { planId, version, plan });
        print(`Updated: ${planLine(view.plan)} (now version ${view.plan.version})`, view);
        return 0;
      }
      case 'plan finish': {
        const planId = need('plan id');
        if (values.merge === values.pr) throw Object.assign(new Error('say how: --merge (into the base branch) or --pr (a pull request)'), { usage: true });
        const r = await client.call('plans.finish', { planId, how: values.pr ? 'pull-request' : 'merge' });
        if ('pullRequest' in r) print(`Pull request: ${r.pullRequest.url}`, r);
        else print(describeMerge(r.merge), r);
        return 'pullRequest' in r || r.merge.status === 'merged' ? 0 : 1;
      }
      case 'demo run': {
        const demo = await client.call('demo.create', {});
        if (json) {
          print('', demo);
          return 0;
        }
        io.out(`The demo: a sample repository at ${demo.repo}, and a six-task plan run by the demo agent (a scripted fixture, not a model).\nWatch it in the cockpit (switchyard start), or here:\n\n`);
        // Follow it here until it is done, a line per change.
        let last = '';
        for (;;) {
          const view = await client.call('plans.get', { planId: demo.planId });
          const text = formatStatus(view);
          if (text !== last) io.out(`${text}\n\n`);
          last = text;
          if (view.plan.status === 'done') return 0;
          if (view.plan.status === 'stopped') return 1;
          // A task that failed or was stopped holds the plan up: say so rather than wait forever.
          const stuck = view.tasks.filter((t) => t.state === 'failed' || t.state === 'cancelled');
          if (stuck.length > 0) {
            io.err(`switchyard: the demo stopped making progress: ${stuck.map((t) => `#${t.plan!.key} is ${t.state} (${t.stateReason ?? ''})`).join('; ')}\n`);
            return 1;
          }
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
      case 'task list': {
        const tasks = await client.call('tasks.list', { projectId: values.project ? (await project()).id : undefined });
        print(tasks.length === 0 ? 'No tasks.' : tasks.map((t) => `${MARK[t.state]} ${t.id}  ${t.state.padEnd(11)} ${t.title}${t.plan ? `  (#${t.plan.key})` : ''}`).join('\n'), tasks);
        return 0;
      }
      case 'task merge': {
        const taskId = need('task id');
        const task = (await client.call('tasks.list', {})).find((t) => t.id === taskId);
        if (!task) throw new Error(`no task ${taskId}`);
        if (task.plan) {
          const r: TrainResult = await client.call('plans.mergeTask', { taskId });
          print(describeTrain(r), r);
          return r.status === 'merged' ? 0 : 1;
        }
        const r: MergeResult = await client.call('tasks.merge', { taskId, commitUncommitted: false });
        print(describeMerge(r), r);
        return r.status === 'merged' ? 0 : 1;
      }
      default:
        io.err(`switchyard: unknown command "${group} ${action}"\n\n${COMMANDS_USAGE}`);
        return 2;
    }
  } finally {
    conn.client?.close();
  }
}

function planLine(p: Plan): string {
  return `${p.id}  ${p.status.padEnd(8)} ${p.name}  (${p.integrationBranch} ← ${p.baseBranch}, ${p.concurrency} at once${p.autoMerge ? ', auto-merge on' : ''})`;
}

/** The plan's DAG in plan order: each task with its state, its parents and why it waits. */
export function formatStatus(view: PlanView): string {
  const lines = [`Plan "${view.plan.name}" — ${view.plan.status}${view.plan.autoMerge ? ', auto-merge on' : ''}`, `  ${view.plan.integrationBranch} ← ${view.plan.baseBranch}, ${view.plan.concurrency} at once`];
  const width = Math.max(...view.tasks.map((t) => t.plan!.key.length), 2);
  for (const t of view.tasks) {
    const after = t.plan!.parents.length > 0 ? `  after ${t.plan!.parents.map((k) => `#${k}`).join(', ')}` : '';
    const waiting = t.plan!.waiting ? `  — ${t.plan!.waiting}` : '';
    lines.push(`  ${MARK[t.state]} #${t.plan!.key.padEnd(width)} ${t.state.padEnd(11)} ${t.title}${after}${waiting}`);
  }
  const done = view.tasks.filter((t) => t.state === 'done').length;
  lines.push(`  ${done} of ${view.tasks.length} merged`);
  return lines.join('\n');
}

function describeTrain(r: TrainResult): string {
  switch (r.status) {
    case 'merged':
      return `Merged (${r.commit.slice(0, 10)}).`;
    case 'conflict':
      return `Not merged: conflicts in ${r.files.join(', ')}. The task is back in review.`;
    case 'candidate-failed':
      return `Not merged: the plan's verify failed on the merge candidate.\n${r.tail}`;
    case 'refused':
      return `Not merged: ${r.reason}`;
  }
}

function describeMerge(r: MergeResult): string {
  switch (r.status) {
    case 'merged':
      return `Merged into ${r.baseBranch} (${r.commit.slice(0, 10)}).`;
    case 'needs-commit':
      return `Not merged: the worktree has uncommitted changes (${r.files.map((f) => f.path).join(', ')}). Merge from the cockpit to commit them first.`;
    case 'conflict':
      return `Not merged: conflicts in ${r.files.join(', ')}.`;
    case 'refused':
      return `Not merged: ${r.reason}`;
  }
}

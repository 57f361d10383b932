/**
 * The demo: a small repository in a temporary folder and a six-task plan run by a demo agent —
 * the scripted agent fixture, a real program following a script, not a model, and labelled so.
 * It shows, in about a minute: a diamond dependency, two tasks whose scopes overlap (run one
 * after the other), one task that fails verify once and fixes itself, parallel terminals, and
 * the merge train with auto-merge on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatCommandLine } from '../../shared/command-line';
import { SwitchyardError } from '../../shared/errors';
import type { PlanFile } from '../../shared/plan';
import { git } from '../git/exec';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const DEMO_AGENT_NAME = 'switchyard-demo-agent.mjs';

/** The scripted agent fixture, looked for upwards from this module (source or built). */
function findFixture(): string {
  for (let dir = HERE, i = 0; i < 5; i++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'fixtures', 'scripted-agent', 'scripted-agent.mjs');
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new SwitchyardError('not-found', 'the demo agent (fixtures/scripted-agent) is not in this installation');
}

const CHECK = `// The demo's verify command: every module parses, and the calculator exports its function.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
for (const f of ['src/util.js', 'src/math/add.js', 'src/math/mul.js', 'src/calc.js']) {
  if (fs.existsSync(f)) execFileSync(process.execPath, ['--check', f], { stdio: 'inherit' });
}
if (fs.existsSync('src/calc.js') && !fs.readFileSync('src/calc.js', 'utf8').includes('export function calc')) {
  console.error('check failed: src/calc.js must export calc()');
  process.exit(1);
}
console.log('all checks passed');
`;

type Step = Record<string, unknown>;
const say = (text: string): Step => ({ print: text });
const pause = (ms: number): Step => ({ sleep: ms });
const write = (file: string, content: string): Step => ({ write: { path: file, content } });

/** Each task's script: it talks, takes its time, writes its files and commits. */
const SCRIPTS: Record<string, Step[]> = {
  base: [say('Reading the project…'), pause(1500), write('src/util.js', 'export const round = (n) => Math.round(n * 100) / 100;\n'), say('Added src/util.js'), { commit: 'Add rounding helper' }],
  add: [say('Writing add()…'), pause(2500), write('src/math/add.js', "import { round } from '../util.js';\nexport const add = (a, b) => round(a + b);\n"), { commit: 'Add add()' }],
  mul: [say('Writing mul()…'), pause(2500), write('src/math/mul.js', "import { round } from '../util.js';\nexport const mul = (a, b) => round(a * b);\n"), { commit: 'Add mul()' }],
  calc: [
    say('Wiring the calculator…'),
    pause(2000),
    // The first try forgets the export; verify fails, and the fix round puts it right.
    { if: { notPrompt: 'verify command' }, steps: [write('src/calc.js', "import { add } from './math/add.js';\nimport { mul } from './math/mul.js';\nfunction calc(op, a, b) { return op === '+' ? add(a, b) : mul(a, b); }\n"), say('Done, I think.')] },
    { if: { prompt: 'verify command' }, steps: [say('Verify says calc() is not exported; fixing.'), pause(1000), write('src/calc.js', "import { add } from './math/add.js';\nimport { mul } from './math/mul.js';\nexport function calc(op, a, b) { return op === '+' ? add(a, b) : mul(a, b); }\n"), say('Exported calc().')] },
    { commit: 'Wire the calculator' },
  ],
  docs: [say('Writing the docs…'), pause(3000), write('docs/usage.md', '# Usage\n\n`calc("+", 1, 2)` is 3.\n'), { commit: 'Add usage docs' }],
  readme: [say('Updating the README…'), pause(1500), write('README.md', '# Calculator\n\nA tiny calculator, built by a Switchyard demo plan. See docs/usage.md.\n'), { commit: 'Update the README' }],
};

function demoPlan(agentFor: (key: string) => { profile: 'custom'; command: string }, verify: string): PlanFile {
  const t = (id: string, title: string, prompt: string, depends_on: string[], files_scope?: string[]) => ({ id, title, prompt, depends_on, agent: agentFor(id), ...(files_scope ? { files_scope } : {}) });
  return {
    version: 1,
    name: 'Demo: a tiny calculator',
    goal: 'Build a small calculator in six tasks, to watch Switchyard run a plan.',
    base: 'main',
    concurrency: 3,
    verify,
    auto_merge: true,
    tasks: [
      t('base', 'Set up the project', 'Add a rounding helper in src/util.js.', [], ['src/util.js']),
      t('add', 'Add add()', 'Write src/math/add.js.', ['base'], ['src/math/**']),
      t('mul', 'Add mul()', 'Write src/math/mul.js.', ['base'], ['src/math/**']),
      t('calc', 'Wire the calculator', 'Write src/calc.js using add() and mul(), and export calc().', ['add', 'mul'], ['src/calc.js']),
      t('docs', 'Write the docs', 'Document how to use the calculator.', [], ['docs/**']),
      t('readme', 'Update the README', 'Point the README at the docs.', ['docs', 'calc'], ['README.md']),
    ],
  };
}

/** Makes the demo repository and the demo agent's scripts; returns the repository and the plan to import. */
export async function prepareDemo(root = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-demo-'))): Promise<{ repo: string; plan: PlanFile }> {
  const repo = path.join(root, 'calculator');
  fs.mkdirSync(repo, { recursive: true });
  const run = (...args: string[]) => git(args, { cwd: repo });
  await run('init', '-q', '-b', 'main');
  await run('config', 'user.name', 'Switchyard demo');
  await run('config', 'user.email', 'demo@switchyard.invalid');
  // A signing setup of the user's must not stop the demo's commits.
  await run('config', 'commit.gpgsign', 'false');
  fs.writeFileSync(path.join(repo, 'README.md'), '# Calculator\n');
  fs.writeFileSync(path.join(repo, 'check.mjs'), CHECK);
  fs.writeFileSync(path.join(repo, 'package.json'), JSON.stringify({ name: 'calculator', type: 'module', private: true }, null, 2) + '\n');
  await run('add', '-A');
  await run('commit', '-q', '-m', 'A calculator to build');
  // The demo agent: the scripted agent fixture under a name that says what it is.
  const agent = path.join(root, DEMO_AGENT_NAME);
  fs.copyFileSync(findFixture(), agent);
  // Node for the agent and the verify command: this process's own (Electron's, as plain Node,
  // in the desktop app), so the demo needs no node on PATH.
  const node = path.join(root, 'demo-node');
  fs.writeFileSync(node, `#!/bin/sh\nELECTRON_RUN_AS_NODE=1 exec ${formatCommandLine([process.execPath])} "$@"\n`, { mode: 0o755 });
  const scripts = path.join(root, 'scripts');
  fs.mkdirSync(scripts);
  const agentFor = (key: string) => {
    const file = path.join(scripts, `${key}.json`);
    fs.writeFileSync(file, JSON.stringify({ steps: [...SCRIPTS[key]!, { exit: 0 }] }));
    return { profile: 'custom' as const, command: `${formatCommandLine([node, agent, '--script', file])} -- {prompt}` };
  };
  return { repo, plan: demoPlan(agentFor, formatCommandLine([node, 'check.mjs'])) };
}

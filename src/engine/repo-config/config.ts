/**
 * `.switchyard/config.yaml`: per-repository setup and teardown commands, files to copy into
 * each new worktree, and how many ports a task gets. Parsed with `yaml`, checked with zod;
 * every error names the file and the field.
 *
 *   setup:                      # run in each new worktree before the agent starts
 *     - npm ci                  # a command line: words and quotes, NO shell
 *     - [node, scripts/seed.js] # or an argv array
 *     - [sh, -c, "make deps && make db"]   # a shell only when you ask for one, explicitly
 *   teardown:                   # run in the worktree before it is removed
 *     - [docker, compose, down]
 *   copy:                       # files or folders copied from the main checkout (e.g. not committed)
 *     - .env
 *   ports: 20                   # ports per task (default 10), from SWITCHYARD_PORT on
 *   verify:                     # the verify gate (or just `verify: npm test`)
 *     command: npm test
 *     timeout: 600              # seconds (default 1200)
 *     max_fix_iterations: 2     # agent sent back to fix a failure at most this often (0: never)
 *   reviewer: codex             # a profile id, or {command: "…"}: reviews after verify passes
 *   acceptance_criteria: "…"    # what "done" means, for the reviewer
 *   supervision:
 *     stuck_after: 600          # seconds with no output and no file changes
 *     on_stuck: nudge           # notify | nudge | restart | stop
 *     budget: 7200              # seconds of agent running time per task
 *     on_over_budget: stop
 *     retries: 1                # automatic restarts per task
 *
 * Commands never go through a shell: pipes, `&&`, redirects and `$VAR` expansion need an
 * explicit `[sh, -c, "…"]`. Other keys (owned by other features) are left alone.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { parseCommandLine } from '../../shared/command-line';
import { SwitchyardError } from '../../shared/errors';
import { SUPERVISION_POLICIES, type SupervisionPolicy } from '../../shared/checks';
import { agentSpecSchema, profileIdSchema, type AgentSpec } from '../../shared/agents';

export const CONFIG_PATH = '.switchyard/config.yaml';
export const DEFAULT_PORT_COUNT = 10;
export const MAX_PORT_COUNT = 1000;

/** A relative path that stays inside the repository (checked again for symlinks when copying). */
const relPath = z
  .string()
  .min(1, 'an empty path')
  .max(4096)
  .refine((p) => !p.includes('\0'), 'a path cannot hold a NUL byte')
  .refine((p) => !path.isAbsolute(p) && !/^[A-Za-z]:[\\/]/.test(p), 'must be relative to the repository root')
  .refine((p) => !p.split(/[\\/]+/).includes('..'), 'must not leave the repository (no "..")')
  .refine((p) => {
    const n = path.posix.normalize(p.replace(/\\/g, '/'));
    return n !== '.' && n !== './' && n.split('/')[0] !== '.git';
  }, 'must name a file or folder inside the repository, not the repository itself or .git');

const command = z.union([
  z.string().trim().min(1, 'an empty command'),
  z.array(z.string().max(100_000)).min(1, 'an empty argv array').max(10_000),
]);

const seconds = z.number().int().min(1).max(30 * 24 * 3600);
const policy = z.enum(SUPERVISION_POLICIES);

const schema = z.looseObject({
  setup: z.array(command).max(100).default([]),
  teardown: z.array(command).max(100).default([]),
  copy: z.array(relPath).max(1000).default([]),
  ports: z.number().int().min(1).max(MAX_PORT_COUNT).optional(),
  verify: z
    .union([
      command,
      z.strictObject({ command, timeout: seconds.optional(), max_fix_iterations: z.number().int().min(0).max(20).optional() }),
    ])
    .optional(),
  reviewer: z.union([profileIdSchema, agentSpecSchema]).optional(),
  acceptance_criteria: z.string().max(20_000).optional(),
  supervision: z
    .strictObject({
      stuck_after: seconds.optional(),
      on_stuck: policy.optional(),
      budget: seconds.optional(),
      on_over_budget: policy.optional(),
      retries: z.number().int().min(0).max(20).optional(),
    })
    .optional(),
});

export interface RepoConfig {
  /** Each command as an argv array, run without a shell. */
  setup: string[][];
  teardown: string[][];
  copy: string[];
  ports: number;
  /** The verify gate's command (argv, no shell), its timeout, and fix rounds. */
  verify: { argv: string[]; timeoutSec: number | null; maxFixIterations: number | null } | null;
  reviewer: AgentSpec | null;
  acceptanceCriteria: string | null;
  supervision: {
    stuckAfterSec: number | null;
    stuckPolicy: SupervisionPolicy | null;
    budgetSec: number | null;
    budgetPolicy: SupervisionPolicy | null;
    retries: number | null;
  };
}

export const NO_SUPERVISION: RepoConfig['supervision'] = { stuckAfterSec: null, stuckPolicy: null, budgetSec: null, budgetPolicy: null, retries: null };

export const EMPTY_CONFIG: RepoConfig = {
  setup: [],
  teardown: [],
  copy: [],
  ports: DEFAULT_PORT_COUNT,
  verify: null,
  reviewer: null,
  acceptanceCriteria: null,
  supervision: NO_SUPERVISION,
};

export function hashConfig(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

function fieldName(p: readonly PropertyKey[]): string {
  let out = '';
  for (const k of p) out += typeof k === 'number' ? `[${k}]` : out ? `.${String(k)}` : String(k);
  return out || '(top level)';
}

/** Parses the file's text; throws an invalid-input error naming `file` and the field. */
export function parseRepoConfig(content: string, file: string = CONFIG_PATH): RepoConfig {
  const doc = parseDocument(content, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const where = e.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : 'YAML';
    const what = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new SwitchyardError('invalid-input', `${file}: ${where}: ${what}`);
  }
  const data: unknown = doc.toJS() ?? {};
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new SwitchyardError('invalid-input', `${file}: expected a mapping (setup:, teardown:, copy:, ports:) at the top level`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SwitchyardError('invalid-input', `${file}: ${fieldName(issue.path)}: ${issue.message}`);
  }
  const argvOf = (c: string | string[], field: string): string[] => {
    if (Array.isArray(c)) return c;
    try {
      return parseCommandLine(c);
    } catch (err) {
      const why = (err as Error).message.replace(/^the agent command/, 'the command');
      throw new SwitchyardError('invalid-input', `${file}: ${field}: ${why} Or write it as [sh, -c, "…"] to use a shell on purpose.`);
    }
  };
  const toArgv = (list: (string | string[])[], field: string): string[][] => list.map((c, i) => argvOf(c, `${field}[${i}]`));
  const d = parsed.data;
  const verify = d.verify === undefined ? null : typeof d.verify === 'string' || Array.isArray(d.verify) ? { command: d.verify } : d.verify;
  const sup = d.supervision ?? {};
  return {
    setup: toArgv(d.setup, 'setup'),
    teardown: toArgv(d.teardown, 'teardown'),
    copy: d.copy,
    ports: d.ports ?? DEFAULT_PORT_COUNT,
    verify: verify && {
      argv: argvOf(verify.command, typeof d.verify === 'object' && !Array.isArray(d.verify) ? 'verify.command' : 'verify'),
      timeoutSec: 'timeout' in verify ? (verify.timeout ?? null) : null,
      maxFixIterations: 'max_fix_iterations' in verify ? (verify.max_fix_iterations ?? null) : null,
    },
    reviewer: d.reviewer === undefined ? null : typeof d.reviewer === 'string' ? { profile: d.reviewer } : d.reviewer,
    acceptanceCriteria: d.acceptance_criteria ?? null,
    supervision: {
      stuckAfterSec: sup.stuck_after ?? null,
      stuckPolicy: sup.on_stuck ?? null,
      budgetSec: sup.budget ?? null,
      budgetPolicy: sup.on_over_budget ?? null,
      retries: sup.retries ?? null,
    },
  };
}

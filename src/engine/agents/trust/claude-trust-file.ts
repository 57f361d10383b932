/**
 * Claude Code has no per-launch switch for folder trust: it reads
 * `projects["<main checkout>"].hasTrustDialogAccepted` in `~/.claude.json` (or
 * `$CLAUDE_CONFIG_DIR/.claude.json`), and a worktree counts as its repository's main checkout.
 * So this one key is written, surgically (jsonc-parser edits only that key: every other byte of
 * the file stays as it was), atomically (a temporary file and a rename), and again before each
 * launch, since Claude rewrites the same file while it runs. Undoing removes only that key.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyEdits, findNodeAtLocation, modify, parse as parseJsonc, parseTree } from 'jsonc-parser';

export function claudeConfigFile(env: NodeJS.ProcessEnv): string {
  if (env.CLAUDE_CONFIG_DIR) return path.join(env.CLAUDE_CONFIG_DIR, '.claude.json');
  return path.join(env.HOME || os.homedir(), '.claude.json');
}

const keyPath = (checkout: string): string[] => ['projects', checkout, 'hasTrustDialogAccepted'];

function read(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Whether the file already trusts `checkout`. */
export function claudeTrusts(file: string, checkout: string): boolean {
  const text = read(file);
  if (text === null) return false;
  const v: unknown = parseJsonc(text);
  const projects = (v as { projects?: Record<string, { hasTrustDialogAccepted?: unknown }> } | null)?.projects;
  return projects?.[checkout]?.hasTrustDialogAccepted === true;
}

/** `"projects": {\n  }` left by removing its last entry is written `{}`, as it was before we added one. */
function collapseEmptyProjects(text: string): string {
  const node = findNodeAtLocation(parseTree(text) ?? { type: 'null', offset: 0, length: 0 }, ['projects']);
  if (!node || node.type !== 'object' || (node.children?.length ?? 0) > 0) return text;
  return `${text.slice(0, node.offset)}{}${text.slice(node.offset + node.length)}`;
}

/** Sets the key (true) or removes it (null); returns whether the file changed. */
export function setClaudeTrust(file: string, checkout: string, value: true | null): boolean {
  const text = read(file);
  if (text === null && value === null) return false;
  const before = text ?? '{}\n';
  const parsed: unknown = parseJsonc(before);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${file} does not hold a JSON object; it was left as it is`);
  const indent = /\n( +)"/.exec(before)?.[1]?.length ?? 2;
  // Undoing an entry that holds nothing but our key removes the entry, so no trace is left.
  const entry = (parsed as { projects?: Record<string, unknown> }).projects?.[checkout];
  const onlyOurs = typeof entry === 'object' && entry !== null && Object.keys(entry).length === 1 && 'hasTrustDialogAccepted' in entry;
  const where = value === null && onlyOurs ? ['projects', checkout] : keyPath(checkout);
  const edits = modify(before, where, value === null ? undefined : true, { formattingOptions: { insertSpaces: true, tabSize: indent, eol: '\n' } });
  const after = value === null ? collapseEmptyProjects(applyEdits(before, edits)) : applyEdits(before, edits);
  if (after === before) return false;
  // A file that holds nothing but our emptied entry is one we made: it goes, as it came.
  if (value === null && JSON.stringify(parseJsonc(after)) === '{"projects":{}}') {
    fs.rmSync(file, { force: true });
    return true;
  }
  const mode = text === null ? 0o600 : fs.statSync(file).mode & 0o777;
  const tmp = `${file}.switchyard-${process.pid}.tmp`;
  fs.writeFileSync(tmp, after, { mode });
  fs.renameSync(tmp, file);
  return true;
}

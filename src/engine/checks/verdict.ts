/**
 * The reviewer's answer: found in its output as the last JSON object with a "verdict" key, and
 * checked against the published schema (schemas/review-verdict.schema.json). Anything else is
 * a failed review with the reason, never an approval.
 */
import { reviewVerdictSchema, type ReviewVerdict } from '../../shared/checks';

const EXAMPLE_SUMMARY = '…';

export type VerdictParse = { ok: true; verdict: ReviewVerdict } | { ok: false; error: string };

/**
 * `endMarker`: the prompt's last line. An agent that echoes its prompt prints the diff (which the
 * implementer wrote, and could plant a verdict in) before it; only what comes after the last
 * echo can be the reviewer's own answer.
 */
export function parseVerdict(output: string, endMarker?: string): VerdictParse {
  const echoEnd = endMarker ? output.lastIndexOf(endMarker) : -1;
  const answer = echoEnd >= 0 ? output.slice(echoEnd + endMarker!.length) : output;
  // The prompt's own examples (summary "…") are skipped, should an agent echo its prompt.
  const candidates = jsonObjects(answer).filter(
    (v) => typeof v === 'object' && v !== null && !Array.isArray(v) && 'verdict' in v && (v as { summary?: unknown }).summary !== EXAMPLE_SUMMARY,
  );
  if (candidates.length === 0) {
    return { ok: false, error: 'no JSON object with a "verdict" key was found in the reviewer’s output' };
  }
  const last = candidates[candidates.length - 1];
  const parsed = reviewVerdictSchema.safeParse(last);
  if (parsed.success) return { ok: true, verdict: parsed.data };
  const why = parsed.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(the object)'}: ${i.message}`)
    .join('; ');
  return { ok: false, error: `the reviewer’s verdict does not match the schema: ${why}` };
}

/** How many would-be objects are tried at most: garbage full of braces must not stall the engine. */
const MAX_CANDIDATES = 500;
/** A brace that can open a JSON object: followed (after blanks) by a key or by the closing brace. */
const OBJECT_START = /\{\s*["}]/y;

/** Every balanced, parseable `{…}` in the text, in order (string-aware brace matching). */
export function jsonObjects(text: string): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let tried = 0;
  while (i < text.length && tried < MAX_CANDIDATES) {
    const start = text.indexOf('{', i);
    if (start < 0) break;
    OBJECT_START.lastIndex = start;
    if (!OBJECT_START.test(text)) {
      i = start + 1;
      continue;
    }
    tried++;
    const end = matchingBrace(text, start);
    if (end < 0) {
      i = start + 1;
      continue;
    }
    try {
      out.push(JSON.parse(text.slice(start, end + 1)));
      i = end + 1;
    } catch {
      i = start + 1;
    }
  }
  return out;
}

/** The last parseable object the predicate accepts; looks from the end, so a long prologue costs little. */
export function lastJsonObject(text: string, accept: (v: Record<string, unknown>) => boolean): Record<string, unknown> | null {
  const all = jsonObjects(text.length > 400_000 ? text.slice(-400_000) : text);
  for (let k = all.length - 1; k >= 0; k--) {
    const v = all[k];
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && accept(v as Record<string, unknown>)) return v as Record<string, unknown>;
  }
  return null;
}

/** Where the `{` at `start` closes, reading strings as JSON does; -1 if it never does. */
export function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let k = start; k < text.length; k++) {
    const ch = text[k];
    if (inString) {
      if (ch === '\\') k++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return k;
  }
  return -1;
}

/** What the reviewer is asked: the task, what done means, the diff, and the answer's schema. */
export function reviewerPrompt(p: { title: string; prompt: string; acceptanceCriteria: string; diff: string; diffTruncated: boolean; files: string[]; endMarker: string }): string {
  return [
    'You are reviewing a change another coding agent made. Do not edit any files; read, then answer.',
    '',
    `## The task: ${p.title}`,
    p.prompt.trim() || '(no prompt)',
    '',
    '## Acceptance criteria',
    p.acceptanceCriteria.trim() || '(none given: judge whether the change does what the task asks, correctly and safely)',
    '',
    `## Changed files (${p.files.length})`,
    ...p.files.map((f) => `- ${f}`),
    '',
    `## The diff${p.diffTruncated ? ' (cut short; read the files in this folder for the rest)' : ''}`,
    '```diff',
    p.diff,
    '```',
    '',
    '## Your answer',
    'End your output with exactly one JSON object on one line, and nothing after it:',
    '{"verdict": "approve", "summary": "…"}',
    'or, to request changes, with at least one comment on a file and line of the new version:',
    '{"verdict": "request_changes", "summary": "…", "comments": [{"file": "src/a.ts", "line": 12, "body": "what to change and why"}]}',
    p.endMarker,
  ].join('\n');
}

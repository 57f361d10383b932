/**
 * File-scope globs: which files a task may touch, and whether two scopes could ever touch the
 * same file. The scheduler never runs two tasks at once whose scopes overlap, and "overlap" is a
 * question about the patterns alone: some path, existing or not, matches both. Nothing here
 * looks at the disk, so the engine and the UI share it.
 *
 * Syntax:
 * - A pattern is a '/'-separated path relative to the repository root.
 * - `**` as a whole segment matches zero or more path segments (so `a/**` also matches the path
 *   `a` itself). `**` inside a segment (`a**b`, `***`) is invalid.
 * - `*` matches any run of characters within one segment (never '/'), including none; `?` matches
 *   exactly one character (never '/'). Both match a leading dot: dotfiles are not special.
 * - Every other character is literal.
 * - Invalid: an empty pattern; a leading '/'; a trailing '/'; an empty segment (`a//b`); a `.` or
 *   `..` segment; a NUL byte; a backslash; `[ ] { } !` (no character classes, brace expansion or
 *   negation: list several globs instead); more than 1024 characters; more than 64 segments.
 *
 * A path (for matching) is a '/'-separated relative path of non-empty segments; every character
 * of it is literal (a path segment `*` names a file called "*"). Anything else matches nothing.
 *
 * Both questions are reachability in the product of two small automata, over (i, j) positions:
 * one over segments (`**` may skip, or absorb one segment of the other side), one over the
 * characters of two segment patterns (a `*` may skip, or absorb one character the other side
 * produces). Each position pair is visited once, so no pattern backtracks exponentially.
 */

const MAX_LENGTH = 1024;
const MAX_SEGMENTS = 64;

/** One character position of a segment pattern. */
type Token = { kind: 'literal'; char: string } | { kind: 'any' } | { kind: 'star' };
/** One segment of a pattern: `**`, or a segment pattern. */
type Segment = typeof GLOBSTAR | readonly Token[];

const GLOBSTAR = 'globstar';
const ANY: Token = { kind: 'any' };
const STAR: Token = { kind: 'star' };

const CLASSES = 'character classes ("[abc]") are not supported';
const BRACES = 'brace expansion ("{a,b}") is not supported';
const UNSUPPORTED: Readonly<Record<string, string>> = {
  '[': CLASSES,
  ']': CLASSES,
  '{': BRACES,
  '}': BRACES,
  '!': 'negation ("!") is not supported',
};

/** What is wrong with a pattern, or null. */
function problem(pattern: string): string | null {
  if (pattern === '') return 'the pattern is empty';
  if (pattern.length > MAX_LENGTH) return `longer than ${MAX_LENGTH} characters (${pattern.length})`;
  if (pattern.includes('\0')) return 'a NUL byte';
  if (pattern.includes('\\')) return 'a backslash (separate directories with "/"; escapes are not supported)';
  for (const char of pattern) {
    const unsupported = UNSUPPORTED[char];
    if (unsupported !== undefined) return `${unsupported}; list several globs instead`;
  }
  if (pattern.startsWith('/')) return 'a leading "/" (globs are relative to the repository root)';
  if (pattern.endsWith('/')) return 'a trailing "/" (to name everything in a directory, end with "/**")';
  const segments = pattern.split('/');
  if (segments.length > MAX_SEGMENTS) return `more than ${MAX_SEGMENTS} path segments (${segments.length})`;
  for (const segment of segments) {
    if (segment === '') return 'an empty path segment';
    if (segment === '.' || segment === '..') return `a "${segment}" path segment`;
    if (segment !== '**' && segment.includes('**')) return `"**" inside the path segment "${segment}" ("**" must be a whole segment)`;
  }
  return null;
}

/** The pattern as a message shows it: NUL visible, a very long one cut short. */
function shown(pattern: string): string {
  const visible = pattern.replaceAll('\0', '\\0');
  return visible.length > 80 ? `${visible.slice(0, 80)}…` : visible;
}

/** null when valid, else a message like 'invalid glob "src//a": an empty path segment'. */
export function globError(pattern: string): string | null {
  const what = problem(pattern);
  return what === null ? null : `invalid glob "${shown(pattern)}": ${what}`;
}

function parse(pattern: string): Segment[] {
  const error = globError(pattern);
  if (error !== null) throw new Error(error);
  return pattern.split('/').map((segment): Segment => {
    if (segment === '**') return GLOBSTAR;
    return Array.from(segment, (char): Token => (char === '*' ? STAR : char === '?' ? ANY : { kind: 'literal', char }));
  });
}

/** Whether state `goal` can be reached from state 0, `next` giving each state's successors. */
function reachable(states: number, goal: number, next: (state: number, push: (to: number) => void) => void): boolean {
  const seen = new Uint8Array(states);
  const stack = [0];
  seen[0] = 1;
  const push = (to: number) => {
    if (seen[to] === 0) {
      seen[to] = 1;
      stack.push(to);
    }
  };
  for (let state = stack.pop(); state !== undefined; state = stack.pop()) {
    if (state === goal) return true;
    next(state, push);
  }
  return false;
}

/**
 * Whether some NON-EMPTY segment (no '/') matches both segment patterns. States are
 * (i, j, consumed): positions in p and q, and whether a character has been produced yet. (Two
 * patterns that both match the empty string are all stars and share every segment, so the flag
 * never changes an answer for valid patterns; it keeps the function right on its own terms.)
 */
function segmentsIntersect(p: readonly Token[], q: readonly Token[]): boolean {
  const width = q.length + 1;
  const id = (i: number, j: number, consumed: number) => (i * width + j) * 2 + consumed;
  return reachable((p.length + 1) * width * 2, id(p.length, q.length, 1), (state, push) => {
    const consumed = state & 1;
    const i = Math.floor(state / 2 / width);
    const j = (state >> 1) % width;
    const a = p[i];
    const b = q[j];
    // A star may match nothing.
    if (a?.kind === 'star') push(id(i + 1, j, consumed));
    if (b?.kind === 'star') push(id(i, j + 1, consumed));
    if (a === undefined || b === undefined) return;
    // Or both sides produce one character: two literals must agree; `?` and `*` produce any one
    // (a star stays where it is, to produce more).
    if (a.kind === 'literal' && b.kind === 'literal' && a.char !== b.char) return;
    push(id(a.kind === 'star' ? i : i + 1, b.kind === 'star' ? j : j + 1, 1));
  });
}

/** Whether some path matches both segment lists. States are (i, j): positions in a and b. */
function pathsIntersect(a: readonly Segment[], b: readonly Segment[]): boolean {
  const width = b.length + 1;
  return reachable((a.length + 1) * width, a.length * width + b.length, (state, push) => {
    const i = Math.floor(state / width);
    const j = state % width;
    const x = a[i];
    const y = b[j];
    // `**` may match no segment.
    if (x === GLOBSTAR) push(state + width);
    if (y === GLOBSTAR) push(state + 1);
    if (x === undefined || y === undefined) return;
    // Or it absorbs one segment of the other side (every segment pattern matches some segment).
    if (x === GLOBSTAR && y !== GLOBSTAR) push(state + 1);
    else if (y === GLOBSTAR && x !== GLOBSTAR) push(state + width);
    else if (x !== GLOBSTAR && y !== GLOBSTAR && segmentsIntersect(x, y)) push(state + width + 1);
  });
}

/** Whether a path matches a pattern. Throws an Error with globError's message for an invalid pattern. */
export function matchesGlob(pattern: string, path: string): boolean {
  const segments = parse(pattern);
  const parts = path.split('/');
  if (parts.some((part) => part === '')) return false;
  // Every character of a path is literal, '*' and '?' included.
  const literal = parts.map((part) => Array.from(part, (char): Token => ({ kind: 'literal', char })));
  return pathsIntersect(segments, literal);
}

/** Whether some path (existing or not) matches both patterns. Throws for an invalid pattern. */
export function globsOverlap(a: string, b: string): boolean {
  return pathsIntersect(parse(a), parse(b));
}

/** Which globs of a and b overlap, as pairs, for messages like 'scope overlaps: src/** ~ src/a/*.ts'. */
export function overlappingGlobs(a: readonly string[], b: readonly string[]): [string, string][] {
  const parsedB = b.map((glob) => [glob, parse(glob)] as const);
  const pairs: [string, string][] = [];
  for (const globA of a) {
    const segmentsA = parse(globA);
    for (const [globB, segmentsB] of parsedB) if (pathsIntersect(segmentsA, segmentsB)) pairs.push([globA, globB]);
  }
  return pairs;
}

/** Null scope = unscoped = overlaps nothing. Otherwise true when any glob of a overlaps any glob of b. */
export function scopesOverlap(a: readonly string[] | null | undefined, b: readonly string[] | null | undefined): boolean {
  return a != null && b != null && overlappingGlobs(a, b).length > 0;
}

import { describe, expect, it } from 'vitest';
import { globError, globsOverlap, matchesGlob, overlappingGlobs, scopesOverlap } from '../src/shared/globs';

/** Overlap both ways round, failing if the two answers differ. */
function overlap(a: string, b: string): boolean {
  const there = globsOverlap(a, b);
  expect(globsOverlap(b, a), `overlap(${b}, ${a}) against overlap(${a}, ${b})`).toBe(there);
  return there;
}

/** An oracle for matchesGlob written the obvious way: a regular expression against path + '/'. */
function globRegExp(pattern: string): RegExp {
  const escape = (char: string) => char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const segment = (seg: string) => Array.from(seg, (char) => (char === '*' ? '[^/]*' : char === '?' ? '[^/]' : escape(char))).join('');
  const body = pattern.split('/').map((seg) => (seg === '**' ? '(?:[^/]+/)*' : `${segment(seg)}/`)).join('');
  return new RegExp(`^${body}$`, 'u');
}

describe('whether two globs can name the same file', () => {
  it.each([
    ['src/**', 'src/a/*.ts'],
    ['**/*.md', 'docs/x.md'],
    ['src/**/test/*.ts', 'src/lib/**'],
    ['src/a?.ts', 'src/ab.ts'],
    ['a/**/b', 'a/b'],
    ['*', '*'],
    ['foo*', '*bar'],
    ['*.test.ts', '*.ts'],
    ['x*', '*x'],
    ['*', '?'],
    ['a/**', '**/b'],
    ['**/**/**', 'a'],
    ['**', '**'],
    ['src/**', 'src'],
    ['x*y', 'x*y*x*y'],
  ])('%s and %s overlap', (a, b) => {
    expect(overlap(a, b)).toBe(true);
  });

  it.each([
    ['*.md', 'docs/x.md'],
    ['src/**', 'docs/**'],
    ['src/a/**', 'src/b/**'],
    ['src/*.ts', 'src/*.js'],
    ['src/a?.ts', 'src/abc.ts'],
    ['a/*/b', 'a/b'],
    ['x*y', 'y*x'],
    ['?', '??'],
    ['a*', 'b*'],
    ['*a', '*b'],
    ['*', 'a/b'],
    ['a/**/b', 'a/**/c'],
    ['.*', 'x*'],
  ])('%s and %s do not overlap', (a, b) => {
    expect(overlap(a, b)).toBe(false);
  });

  it('counts `**` as overlapping every valid glob', () => {
    for (const glob of ['a', '*', '?', '.env', 'src/**/x.ts', '*/*/*', 'a/**/b/**/c', '**/x']) expect(overlap('**', glob)).toBe(true);
  });

  it.each([
    ['src/**/deep/*.ts', '*/x/y/z/**', 'src/x/y/z/deep/f.ts'],
    ['*a*b*c*', '*c*b*a*', 'abcba'],
    ['??????*', '*.ts', 'abcd.ts'],
    ['a*a*a*a*a*a*a*a*a*b', '*b', 'aaaaaaaaab'],
    ['*/*/*/*/*', '**/q', 'a/b/c/d/q'],
    ['**/a/**/b/**', '**/b/**/a/**', 'a/b/a'],
    ['*x*x*x*', '*y*y*', 'xxxyy'],
  ])('%s and %s overlap, witnessed by %s', (a, b, witness) => {
    expect(matchesGlob(a, witness)).toBe(true);
    expect(matchesGlob(b, witness)).toBe(true);
    expect(overlap(a, b)).toBe(true);
  });

  it('answers at once for patterns that would make a backtracking matcher explode', () => {
    expect(overlap('a*a*a*a*a*a*a*a*a*b', 'a*a*a*a*a*a*a*a*a*c')).toBe(false);
    expect(overlap(`${'a*'.repeat(500)}b`, `${'a*'.repeat(500)}c`)).toBe(false);
    expect(overlap(`${'a*'.repeat(500)}b`, `*${'a'.repeat(600)}b`)).toBe(true);
    const stars = Array(63).fill('**').join('/');
    expect(overlap(`${stars}/x`, `${stars}/y`)).toBe(false);
    expect(overlap(`${stars}/x`, '**/x')).toBe(true);
    expect(overlap(`${Array(63).fill('*').join('/')}/x`, `${stars}/y`)).toBe(false);
    expect(matchesGlob(`${'a*'.repeat(500)}b`, 'a'.repeat(1000))).toBe(false);
    expect(matchesGlob(`${'a*'.repeat(500)}b`, `${'a'.repeat(999)}b`)).toBe(true);
    expect(matchesGlob(`${stars}/y`, `${Array(63).fill('x').join('/')}/z`)).toBe(false);
  });
});

describe('overlap against concrete paths', () => {
  const PATTERNS = [
    '**', 'src/**', 'docs/**', 'src/a/**', 'src/b/**', 'src/*.ts', 'src/*.js', '*.md', '**/*.md', '**/*.ts',
    'src/**/test/*.ts', 'src/**/*.ts', '*', '*/*', '?', 'a?', '?b', 'a*', '*b', '.*',
    '*.*', 'a/**/b', 'a/*/b', '**/a', 'a/**', '**/test/**', 'x.??', 'x.?s', 'docs/x.md', '*/x.md',
    '**/.env', '??', 'src/*/*', '**/b/**/a',
  ];
  const SEGMENTS = ['src', 'docs', 'test', 'a', 'b', 'ab', 'x.ts', 'x.md', '.env'];
  // Every path of depth 1 and 2, and a fixed pseudo-random sample of depth 3 and 4.
  const PATHS = [...SEGMENTS, ...SEGMENTS.flatMap((a) => SEGMENTS.map((b) => `${a}/${b}`))];
  let seed = 12345;
  const pick = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return SEGMENTS[seed % SEGMENTS.length]!;
  };
  for (let n = 0; n < 110; n++) PATHS.push(Array.from({ length: 3 + (n % 2) }, pick).join('/'));

  it('matches each path as a plain regular expression would', () => {
    for (const pattern of PATTERNS) {
      const re = globRegExp(pattern);
      for (const path of PATHS) expect(matchesGlob(pattern, path), `${pattern} against ${path}`).toBe(re.test(`${path}/`));
    }
  });

  it('says two globs overlap whenever some path matches both, and answers the same both ways round', () => {
    const matching = new Map(PATTERNS.map((pattern) => [pattern, PATHS.filter((path) => matchesGlob(pattern, path))]));
    let witnessed = 0;
    for (const a of PATTERNS) {
      for (const b of PATTERNS) {
        const both = matching.get(a)!.find((path) => matching.get(b)!.includes(path));
        const answer = globsOverlap(a, b);
        expect(globsOverlap(b, a), `symmetry of ${a} and ${b}`).toBe(answer);
        if (both !== undefined) {
          witnessed++;
          expect(answer, `${a} and ${b} both match ${both}`).toBe(true);
        }
      }
    }
    // The sample is not vacuous: many pairs share a path, and many do not.
    expect(witnessed).toBeGreaterThan(300);
    expect(witnessed).toBeLessThan(PATTERNS.length ** 2);
  });
});

describe('matching a path', () => {
  it.each([
    ['*', '.env', true],
    ['?env', '.env', true],
    ['.*', '.env', true],
    ['src/*/*.ts', 'src/.hidden/x.ts', true],
    ['**/x.ts', 'x.ts', true],
    ['**/x.ts', 'a/b/x.ts', true],
    ['**/x.ts', 'a/b/y.ts', false],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['a/**/b', 'a/x/y/c', false],
    ['a/**', 'a', true],
    ['a/**', 'a/b/c', true],
    ['a/**', 'b/a', false],
    ['**', 'a/b/c', true],
    ['*', 'a/b', false],
    ['*/*', 'a/b', true],
    ['?', 'ab', false],
    ['?', '😀', true],
    ['a*', 'a', true],
    ['*.ts', 'x.ts.md', false],
    ['src/*.ts', 'src/x.ts', true],
    ['src/*.ts', 'src/a/x.ts', false],
    ['src/*', 'src/*', true],
    ['src/x', 'src/*', false],
    ['a?c', 'a*c', true],
    ['**', '', false],
    ['**', '/a', false],
    ['**', 'a/', false],
    ['**', 'a//b', false],
  ])('%s against %s is %s', (pattern, path, expected) => {
    expect(matchesGlob(pattern, path)).toBe(expected);
  });

  it('throws the pattern’s problem for an invalid pattern', () => {
    expect(() => matchesGlob('src//a', 'src/a')).toThrow('invalid glob "src//a": an empty path segment');
    expect(() => globsOverlap('src/**', '{a,b}')).toThrow('brace expansion');
  });
});

describe('invalid globs', () => {
  it('accepts the documented syntax', () => {
    for (const glob of ['src/**', '**', '*', '?', '.env', 'a/**/b', 'src/*.test.ts', 'a b/c-d_e+f=g@h', '*?*', 'é/😀']) expect(globError(glob)).toBeNull();
    expect(globError('a'.repeat(1024))).toBeNull();
    expect(globError(Array(64).fill('a').join('/'))).toBeNull();
  });

  it.each([
    ['', 'the pattern is empty'],
    ['/src/a.ts', 'a leading "/"'],
    ['/', 'a leading "/"'],
    ['src/', 'a trailing "/"'],
    ['src//a', 'an empty path segment'],
    ['./src', 'a "." path segment'],
    ['src/../etc', 'a ".." path segment'],
    ['src/\0', 'a NUL byte'],
    ['src\\a.ts', 'a backslash'],
    ['src/[ab].ts', 'character classes ("[abc]") are not supported; list several globs instead'],
    ['src/a].ts', 'character classes'],
    ['src/{a,b}.ts', 'brace expansion ("{a,b}") is not supported; list several globs instead'],
    ['src/a}', 'brace expansion'],
    ['!src/**', 'negation ("!") is not supported; list several globs instead'],
    ['src/a**b', '"**" inside the path segment "a**b"'],
    ['src/***', '"**" inside the path segment "***"'],
    ['**.ts', '"**" inside the path segment "**.ts"'],
    ['a'.repeat(1025), 'longer than 1024 characters (1025)'],
    [Array(65).fill('a').join('/'), 'more than 64 path segments (65)'],
  ])('%j: %s', (pattern, problem) => {
    const error = globError(pattern);
    expect(error).toContain(problem);
    expect(error).toMatch(/^invalid glob ".*": /s);
    expect(() => globsOverlap(pattern, '**')).toThrow(error!);
  });

  it('names the pattern in the message, shown safely', () => {
    expect(globError('src//a')).toBe('invalid glob "src//a": an empty path segment');
    expect(globError('a\0b')).toBe('invalid glob "a\\0b": a NUL byte');
    expect(globError('a'.repeat(2000))).toBe(`invalid glob "${'a'.repeat(80)}…": longer than 1024 characters (2000)`);
  });
});

describe('scopes', () => {
  it('counts an unscoped task (null, undefined) or an empty scope as overlapping nothing', () => {
    expect(scopesOverlap(null, ['**'])).toBe(false);
    expect(scopesOverlap(['**'], null)).toBe(false);
    expect(scopesOverlap(undefined, ['**'])).toBe(false);
    expect(scopesOverlap(['**'], undefined)).toBe(false);
    expect(scopesOverlap(null, null)).toBe(false);
    expect(scopesOverlap([], ['**'])).toBe(false);
    expect(scopesOverlap(['**'], [])).toBe(false);
  });

  it('overlaps when any glob of one overlaps any glob of the other', () => {
    expect(scopesOverlap(['docs/**', 'src/a/**'], ['src/**/*.ts'])).toBe(true);
    expect(scopesOverlap(['docs/**', '*.md'], ['src/**', 'test/**'])).toBe(false);
    expect(() => scopesOverlap(['src/**'], ['src//x'])).toThrow('an empty path segment');
  });

  it('lists the overlapping pairs', () => {
    expect(overlappingGlobs(['src/**', 'docs/**', '*.md', 'test/*.ts'], ['src/a/*.ts', 'README.md', 'docs/x.md', 'scripts/**'])).toEqual([
      ['src/**', 'src/a/*.ts'],
      ['docs/**', 'docs/x.md'],
      ['*.md', 'README.md'],
    ]);
    expect(overlappingGlobs(['**'], ['a', 'b/*'])).toEqual([
      ['**', 'a'],
      ['**', 'b/*'],
    ]);
    expect(overlappingGlobs([], ['**'])).toEqual([]);
  });
});

/** A path inside a repository: relative, with no `..` segment and no NUL. */
export function isSafeRepoPath(p: string): boolean {
  if (p === '' || p.includes('\0') || p.startsWith('/') || p.startsWith('\\')) return false;
  return !p.split(/[\\/]/).some((seg) => seg === '..');
}

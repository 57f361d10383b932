/** A path inside a repository: relative, with no `..` segment and no NUL. */
export function isSafeRepoPath(p: string): boolean {
  if (p === '' || p.includes('\0') || p.startsWith('/') || p.startsWith('\\')) return false;
  return !p.split(/[\\/]/).some((seg) => seg === '..');
}

/**
 * The file a URL path names, relative to a static root; null if it would climb out of it.
 * Pure string logic, so the loopback server and the desktop app's protocol share one guard.
 */
export function staticRelativePath(urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0]!.split('#')[0]!);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) return null;
  return segments.length === 0 ? 'index.html' : segments.join('/');
}

/** Monaco language ids by file name, for highlighting in the diff editor. */
const BY_EXTENSION: Record<string, string> = {
  ts: 'typescript', tsx: 'typescript', mts: 'typescript', cts: 'typescript',
  js: 'javascript', jsx: 'javascript', mjs: 'javascript', cjs: 'javascript',
  json: 'json', jsonc: 'json', md: 'markdown', markdown: 'markdown',
  css: 'css', scss: 'scss', less: 'less', html: 'html', htm: 'html', vue: 'html', svelte: 'html',
  py: 'python', rb: 'ruby', go: 'go', rs: 'rust', java: 'java', kt: 'kotlin', kts: 'kotlin',
  c: 'c', h: 'c', cc: 'cpp', cpp: 'cpp', cxx: 'cpp', hpp: 'cpp', cs: 'csharp', swift: 'swift',
  php: 'php', sh: 'shell', bash: 'shell', zsh: 'shell', yml: 'yaml', yaml: 'yaml', toml: 'ini',
  ini: 'ini', sql: 'sql', xml: 'xml', svg: 'xml', lua: 'lua', r: 'r', dart: 'dart', scala: 'scala',
  graphql: 'graphql', gql: 'graphql', proto: 'protobuf', tf: 'hcl', ex: 'elixir', exs: 'elixir',
};
const BY_NAME: Record<string, string> = { dockerfile: 'dockerfile', makefile: 'makefile' };

export function languageForPath(filePath: string): string {
  const base = filePath.split('/').pop()!.toLowerCase();
  if (BY_NAME[base]) return BY_NAME[base]!;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? (BY_EXTENSION[base.slice(dot + 1)] ?? 'plaintext') : 'plaintext';
}

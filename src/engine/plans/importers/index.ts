/** Which importer reads a file: a plan file, a Markdown checklist, or Beads issues. */
import { IMPORT_FORMATS } from '../../../shared/contract';
import { parsePlanText } from '../plan-text';
import { importBeads } from './beads';
import { importMarkdown } from './markdown';
import type { ImportResult } from './types';

export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Guesses from the content: Beads issues are JSON objects with "title" and an id; a checklist has "- [ ]". */
export function detectFormat(text: string, file = ''): Exclude<ImportFormat, 'auto'> {
  if (/\.jsonl$/i.test(file) || /\.md$/i.test(file) || /\.markdown$/i.test(file)) return /\.jsonl$/i.test(file) ? 'beads' : 'markdown';
  const t = text.trimStart();
  if (t.startsWith('[') || (t.startsWith('{') && /"issue_type"|"depends_on_id"|"status"\s*:\s*"(open|closed|in_progress)"/.test(t.split('\n')[0] ?? ''))) return 'beads';
  if (/^\s*[-*+]\s+\[[ xX]\]/m.test(text)) return 'markdown';
  return 'plan';
}

export function readImport(text: string, format: ImportFormat, file?: string): ImportResult {
  const kind = format === 'auto' ? detectFormat(text, file) : format;
  if (kind === 'beads') return importBeads(text, file);
  if (kind === 'markdown') return importMarkdown(text, file);
  return { plan: parsePlanText(text, file), warnings: [] };
}

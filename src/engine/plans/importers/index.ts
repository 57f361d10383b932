/** Which importer reads a file: a plan file, a Markdown checklist, or Beads issues. */
import { IMPORT_FORMATS } from '../../../shared/contract';
import { parsePlanText } from '../plan-text';
import { importBeads } from './beads';
import { importMarkdown } from './markdown';
import type { ImportResult } from './types';

export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/**
 * Guesses from the file name, then the content: a JSON object with "tasks" is a plan; a JSON
 * array, or lines that are each an object with an id and a title, are Beads issues; a text
 * with "- [ ]" items is a checklist; anything else is read as a plan (YAML).
 */
export function detectFormat(text: string, file = ''): Exclude<ImportFormat, 'auto'> {
  if (/\.jsonl$/i.test(file)) return 'beads';
  if (/\.(md|markdown)$/i.test(file)) return 'markdown';
  if (/\.(ya?ml)$/i.test(file)) return 'plan';
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (t.startsWith('[') && !/^\[[ xX]?\]/.test(t) && !/^\[[^\]\n]*\]\(/.test(t)) return 'beads';
  if (t.startsWith('{')) {
    try {
      const whole = JSON.parse(t) as Record<string, unknown>;
      return 'tasks' in whole ? 'plan' : 'beads';
    } catch {
      // not one JSON document: JSON lines, then
    }
    const first = t.split(/\r?\n/, 1)[0]!;
    try {
      const line = JSON.parse(first) as Record<string, unknown>;
      if (typeof line.id === 'string' && typeof line.title === 'string') return 'beads';
    } catch {
      // fall through
    }
    return 'plan';
  }
  if (/^\s*[-*+]\s+\[[ xX]\]/m.test(text)) return 'markdown';
  return 'plan';
}

export function readImport(text: string, format: ImportFormat, file?: string): ImportResult & { format: Exclude<ImportFormat, 'auto'> } {
  const kind = format === 'auto' ? detectFormat(text, file) : format;
  if (kind === 'beads') return { ...importBeads(text, file), format: kind };
  if (kind === 'markdown') return { ...importMarkdown(text, file), format: kind };
  return { plan: parsePlanText(text, file), warnings: [], format: kind };
}

/**
 * A Markdown checklist as a plan. Each `- [ ]` item is a task (`- [x]`: already done). An item
 * nested under another depends on it. Lines indented under an item are its prompt, except
 * `after: <title or id>`, which adds an edge. A heading (or the first line that is neither)
 * names the plan. Ids are slugs of the titles. Errors name the line.
 *
 *   # Add sign-in
 *   - [ ] Sign-in endpoint
 *     POST /login, returning a session cookie.
 *     - [ ] Rate limiting
 *   - [ ] Sign-in form
 *     after: Sign-in endpoint
 */
import { SwitchyardError } from '../../../shared/errors';
import type { PlanFileInput } from '../../../shared/plan';
import { slugify } from '../../git/worktrees';
import type { ImportResult } from './types';

interface Item {
  id: string;
  title: string;
  done: boolean;
  indent: number;
  line: number;
  prompt: string[];
  parent: Item | null;
  after: { ref: string; line: number }[];
}

const ITEM = /^(\s*)(?:[-*+]|\d+[.)])\s+\[([ xX])\]\s*(.*)$/;
const FENCE = /^\s*(```|~~~)/;
const AFTER = /^\s*after:\s*(.*)$/i;

export function importMarkdown(text: string, file = 'the checklist'): ImportResult {
  const items: Item[] = [];
  const stack: Item[] = [];
  let name: string | null = null;
  const warnings: string[] = [];
  const ids = new Set<string>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let fence: string | null = null;
  lines.forEach((raw, i) => {
    const line = i + 1;
    // Inside a code fence everything is text (of the current item), checkboxes included.
    const f = FENCE.exec(raw);
    if (fence || f) {
      if (f && (fence === null || f[1] === fence)) fence = fence ? null : f[1]!;
      stack[stack.length - 1]?.prompt.push(raw.replace(/^\s{0,8}/, ''));
      return;
    }
    const m = ITEM.exec(raw);
    if (m) {
      const indent = m[1]!.replace(/\t/g, '    ').length;
      const title = m[3]!.trim();
      if (!title) throw new SwitchyardError('invalid-input', `${file}: line ${line}: a checklist item needs a title`);
      while (stack.length > 0 && stack[stack.length - 1]!.indent >= indent) stack.pop();
      const base = slugify(title, 40) || `task-${items.length + 1}`;
      let id = base;
      for (let n = 2; ids.has(id); n++) id = `${base}-${n}`;
      ids.add(id);
      const item: Item = { id, title: title.slice(0, 200), done: m[2] !== ' ', indent, line, prompt: [], parent: stack[stack.length - 1] ?? null, after: [] };
      items.push(item);
      stack.push(item);
      return;
    }
    if (raw.trim() === '') {
      stack[stack.length - 1]?.prompt.push('');
      return;
    }
    const heading = /^#{1,6}\s+(.*)$/.exec(raw);
    if (heading) {
      if (!name && items.length === 0) name = heading[1]!.trim();
      // A new section: nothing after it nests under the items before it.
      stack.length = 0;
      return;
    }
    const owner = stack.length > 0 && /^\s+/.test(raw) ? stack[stack.length - 1]! : null;
    const after = AFTER.exec(raw);
    // An after: line belongs to the item just above, indented or not.
    const afterOwner = owner ?? (stack.length > 0 ? stack[stack.length - 1]! : null);
    if (after && afterOwner) {
      const ref = after[1]!.trim();
      if (!ref) throw new SwitchyardError('invalid-input', `${file}: line ${line}: "after:" needs a task title or id`);
      afterOwner.after.push({ ref, line });
      return;
    }
    if (after && !afterOwner) throw new SwitchyardError('invalid-input', `${file}: line ${line}: "after:" must follow the item it belongs to`);
    if (owner) owner.prompt.push(raw.replace(/^\s+/, ''));
    else if (!name && items.length === 0) name = raw.trim();
    else if (/^\s*(?:[-*+]|\d+[.)])\s+/.test(raw) || /^\s*>/.test(raw)) warnings.push(`line ${line}: "${raw.trim().slice(0, 60)}" is not a checklist item ("- [ ]") and was not imported`);
  });
  if (items.length === 0) throw new SwitchyardError('invalid-input', `${file}: no checklist items ("- [ ] …") were found`);

  const byRef = (ref: string, line: number): Item | undefined => {
    const lower = ref.toLowerCase().replace(/^#/, '');
    const byId = items.find((x) => x.id === lower);
    if (byId) return byId;
    const titled = items.filter((x) => x.title.toLowerCase() === lower);
    if (titled.length > 1) throw new SwitchyardError('invalid-input', `${file}: line ${line}: "after: ${ref}" could mean ${titled.map((x) => x.id).join(' or ')}; name one by its id`);
    return titled[0];
  };
  const plan: PlanFileInput = {
    name: (name ?? 'Imported checklist').slice(0, 200),
    tasks: items.map((it) => {
      const deps = new Set<string>();
      if (it.parent) deps.add(it.parent.id);
      for (const a of it.after) {
        const target = byRef(a.ref, a.line);
        if (!target) throw new SwitchyardError('invalid-input', `${file}: line ${a.line}: "after: ${a.ref}" names no item of this checklist`);
        if (target === it) throw new SwitchyardError('invalid-input', `${file}: line ${a.line}: an item cannot come after itself`);
        deps.add(target.id);
      }
      return {
        id: it.id,
        title: it.title,
        prompt: it.prompt.join('\n').trim() || it.title,
        depends_on: [...deps],
        ...(it.done ? { status: 'done' as const } : {}),
      };
    }),
  };
  return { plan, warnings };
}

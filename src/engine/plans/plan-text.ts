/** A plan file's text (JSON or YAML) read and checked: schema, then the graph rules. */
import { parseDocument } from 'yaml';
import { SwitchyardError } from '../../shared/errors';
import { describeProblems, planFileSchema, planProblems, type PlanFile } from '../../shared/plan';

/** A plan file's text: JSON or YAML; errors name the line and the field. */
export function parsePlanText(text: string, file = 'the plan'): PlanFile {
  let data: unknown;
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new SwitchyardError('invalid-input', `${file}: malformed JSON: ${(err as Error).message}`);
    }
  } else {
    const doc = parseDocument(text, { prettyErrors: true });
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      const where = e.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : 'YAML';
      throw new SwitchyardError('invalid-input', `${file}: ${where}: ${e.message.split('\n')[0]}`);
    }
    data = doc.toJS();
  }
  return validatePlan(data, file);
}

/** Any plan-shaped data (a file, an importer's output, an edit) checked: schema, then graph rules. */
export function validatePlan(data: unknown, file = 'the plan'): PlanFile {
  const parsed = planFileSchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${fieldPath(i.path, data)}: ${i.message}`);
    throw new SwitchyardError('invalid-input', `${file}: ${issues.join('; ')}`);
  }
  const problems = planProblems(parsed.data);
  if (problems.length > 0) throw new SwitchyardError('invalid-input', `${file}: ${describeProblems(problems)}`);
  return parsed.data;
}

/** "tasks[2] (build).depends_on[0]": the index, and the task's id when it has one. */
export function fieldPath(p: readonly PropertyKey[], data: unknown): string {
  let out = '';
  let node: unknown = data;
  for (const k of p) {
    if (typeof k === 'number') {
      const id = node && Array.isArray(node) && typeof (node[k] as { id?: unknown })?.id === 'string' ? ` (${(node[k] as { id: string }).id})` : '';
      out += `[${k}]${id}`;
    } else out += out ? `.${String(k)}` : String(k);
    node = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[k] : undefined;
  }
  return out || '(top level)';
}


/**
 * JSON Schemas published in the repository (schemas/), generated from the zod schemas the
 * engine validates with, so what agents are told and what is checked cannot drift apart.
 * `npm run schemas` writes them; a test fails when a committed file is out of date.
 */
import { z } from 'zod';
import { reviewVerdictSchema } from './checks';
import { planFileSchema } from './plan';

export const PUBLISHED_SCHEMAS: Record<string, () => unknown> = {
  'review-verdict.schema.json': () => ({
    title: 'Switchyard reviewer verdict',
    description: 'What a reviewer agent ends its output with: approve, or request changes with comments on file:line of the new version.',
    ...z.toJSONSchema(reviewVerdictSchema),
  }),
  'plan.schema.json': () => ({
    title: 'Switchyard plan',
    description:
      'A goal as a graph of tasks: each task may name the tasks it depends_on (they must merge into the integration branch first) and a files_scope (globs: **, *, ?) so overlapping tasks never run at once. JSON or YAML.',
    ...z.toJSONSchema(planFileSchema, { io: 'input' }),
  }),
};

export function schemaText(name: string): string {
  return `${JSON.stringify(PUBLISHED_SCHEMAS[name]!(), null, 2)}\n`;
}

/**
 * JSON Schemas published in the repository (schemas/), generated from the zod schemas the
 * engine validates with, so what agents are told and what is checked cannot drift apart.
 * `npm run schemas` writes them; a test fails when a committed file is out of date.
 */
import { z } from 'zod';
import { reviewVerdictSchema } from './checks';

export const PUBLISHED_SCHEMAS: Record<string, () => unknown> = {
  'review-verdict.schema.json': () => ({
    title: 'Switchyard reviewer verdict',
    description: 'What a reviewer agent ends its output with: approve, or request changes with comments on file:line of the new version.',
    ...z.toJSONSchema(reviewVerdictSchema),
  }),
};

export function schemaText(name: string): string {
  return `${JSON.stringify(PUBLISHED_SCHEMAS[name]!(), null, 2)}\n`;
}

import type { PlanFileInput } from '../../../shared/plan';

/** What an importer makes of a file: a plan to preview (nothing is created yet), and what it left out. */
export interface ImportResult {
  plan: PlanFileInput;
  warnings: string[];
}

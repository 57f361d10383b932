/**
 * A plan through the UI: a broken file's error shown as the engine words it, a YAML plan (a
 * diamond, two overlapping scopes) imported from a file, started with auto-merge, and its tasks
 * flowing across the board to Done through the merge train, each waiting card saying why. And
 * without auto-merge: a plan task merged from its panel through the train.
 */
import type { Page } from '@playwright/test';
import { expect, screenshot, test, type Cockpit } from './cockpit';

interface Spec {
  key: string;
  title: string;
  file: string;
  depends_on?: string[];
  files_scope?: string[];
  sleep: number;
}

const TASKS: Spec[] = [
  { key: 'base', title: 'Lay the foundation', file: 'base.txt', sleep: 2500 },
  { key: 'parser', title: 'Build the parser', file: 'src/parser.txt', depends_on: ['base'], files_scope: ['src/**'], sleep: 1000 },
  { key: 'printer', title: 'Build the printer', file: 'src/printer.txt', depends_on: ['base'], files_scope: ['src/**'], sleep: 1000 },
  { key: 'join', title: 'Join parser and printer', file: 'join.txt', depends_on: ['parser', 'printer'], sleep: 500 },
  { key: 'docs', title: 'Write the docs', file: 'docs.txt', sleep: 2500 },
];

/** The plan as YAML; each task's agent is the scripted fixture writing its own file and committing. */
function planYaml(cockpit: Cockpit): string {
  const lines = ['name: Parser and printer', 'goal: |', '  A parser and a printer, joined, with docs.', 'concurrency: 2', 'tasks:'];
  for (const t of TASKS) {
    const command = cockpit.agentCommand([{ print: 'working on {prompt}' }, { sleep: t.sleep }, { write: { path: t.file, content: `work of ${t.key}\n` } }, { commit: `${t.title}` }, { exit: 0 }]);
    lines.push(`  - id: ${t.key}`, `    title: ${t.title}`, `    prompt: Do ${t.key}`, `    agent: { profile: custom, command: ${JSON.stringify(command)} }`);
    if (t.depends_on) lines.push(`    depends_on: [${t.depends_on.join(', ')}]`);
    if (t.files_scope) lines.push(`    files_scope: [${t.files_scope.map((g) => JSON.stringify(g)).join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

const card = (page: Page, title: string) => page.locator('.board .card', { hasText: title });

/** Screenshots in both themes (the theme follows the system's until the user picks one). */
async function bothThemes(page: Page, name: string): Promise<void> {
  for (const scheme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
    await screenshot(page, `${name}-${scheme}`);
  }
}

test('a plan imported from YAML runs with auto-merge: blocked cards say what they wait for, and every task lands in Done', async ({ page, cockpit }) => {
  await cockpit.open(page);

  // No plans yet: the plan page says how to import one.
  await page.getByRole('button', { name: 'Plans' }).click();
  await expect(page.getByTestId('plans-empty')).toContainText('switchyard plan import FILE');
  await bothThemes(page, 'plans-empty');

  // A cycle is refused, with the engine's words.
  await page.getByTestId('plans-empty').getByRole('button', { name: 'Import a plan file…' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Plan text').fill('name: Loop\ntasks:\n  - { id: a, title: A, depends_on: [b] }\n  - { id: b, title: B, depends_on: [a] }\n');
  // The preview says so, and nothing can be imported until it is fixed.
  await expect(dialog.getByTestId('plan-import-error')).toContainText('cycle');
  await expect(dialog.getByRole('button', { name: 'Import' })).toBeDisabled();
  await bothThemes(page, 'plans-import-error');

  // The real plan, from a file.
  await dialog.getByLabel('Plan file').setInputFiles({ name: 'parser.yaml', mimeType: 'text/yaml', buffer: Buffer.from(planYaml(cockpit)) });
  await expect(dialog.getByLabel('Plan text')).toHaveValue(/Parser and printer/);
  await dialog.getByRole('button', { name: 'Import' }).click();
  await expect(dialog).toHaveCount(0);

  // The plan page: a draft, its tasks in plan order with their blockers.
  const planPage = page.getByRole('region', { name: 'Plan Parser and printer' });
  await expect(planPage.getByTestId('plan-status')).toHaveAttribute('data-status', 'draft');
  await expect(planPage.locator('.plan-task-key')).toHaveText(['#base', '#parser', '#printer', '#join', '#docs']);
  await expect(planPage.locator('.plan-task[data-key="join"]')).toContainText('depends on #parser, #printer');

  // On the board, filtered to the plan: a blocked card says what it waits for.
  await planPage.getByRole('button', { name: 'Show on the board' }).click();
  await expect(page.getByLabel('Plan')).toHaveValue(/.+/);
  await expect(card(page, 'Join parser and printer')).toHaveClass(/card-blocked/);
  await expect(card(page, 'Join parser and printer').getByTestId('plan-waiting')).toHaveText('waiting for #parser, #printer');

  // Start it with auto-merge, from the plan page.
  await page.getByRole('button', { name: 'Plan page' }).click();
  await planPage.getByLabel('Auto-merge').check();
  await planPage.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(planPage.getByTestId('plan-status')).toHaveAttribute('data-status', 'running');
  await expect(planPage.getByTestId('plan-auto-merge')).toBeVisible();
  await page.locator('.plan-task-running').first().waitFor();
  await bothThemes(page, 'plans-page-running');

  await planPage.getByRole('button', { name: 'Show on the board' }).click();
  await expect(page.locator('.board-toolbar').getByTestId('plan-auto-merge')).toBeVisible();
  await expect(card(page, 'Join parser and printer').getByTestId('plan-waiting')).toContainText('waiting for #');
  await page.locator('.column-running .card').first().waitFor();
  await bothThemes(page, 'plans-board-running');

  // When the two src/** tasks are both ready, one waits for the other; caught for the screenshot only, as it is brief.
  const overlap = page.locator('.board [data-testid="plan-waiting"]', { hasText: 'scope overlaps #' });
  if (await overlap.waitFor({ timeout: 3_000 }).then(() => true, () => false)) await bothThemes(page, 'plans-board-scope-wait');

  // Every task merges through the train, in order, and the plan is done.
  await expect(page.locator('.column-done .card')).toHaveCount(TASKS.length, { timeout: 40_000 });
  await expect(page.getByLabel('Plan').locator('option:checked')).toHaveText(/· done$/);
  await page.getByRole('button', { name: 'Plan page' }).click();
  await expect(planPage.getByTestId('plan-status')).toHaveAttribute('data-status', 'done');
  await expect(planPage.locator('.plan-task .badge-done')).toHaveCount(TASKS.length);
  await expect(planPage).toContainText('Every task has merged into sy/plan/parser-and-printer');
  // Finishing: the integration branch merges into the base.
  await planPage.getByTestId('plan-finish').getByRole('button', { name: 'Merge into main' }).click();
  await expect(page.locator('.toasts')).toContainText('merged into main');

  // A task opens in the task panel beside the page, which names its plan.
  await planPage.locator('.plan-task[data-key="join"]').click();
  await expect(page.getByTestId('panel-plan')).toHaveText('Parser and printer #join');
  await bothThemes(page, 'plans-page-done-with-task');
  await planPage.getByRole('button', { name: 'Show on the board' }).click();
  await expect(page.locator('.column-done .card')).toHaveCount(TASKS.length);
  await screenshot(page, 'plans-board-done-with-task');
});

test('without auto-merge, a plan task merges from its panel through the merge train; the palette imports and starts plans', async ({ page, cockpit }) => {
  await cockpit.open(page);
  const command = cockpit.agentCommand([{ write: { path: 'only.txt', content: 'only\n' } }, { commit: 'The only task' }, { exit: 0 }]);
  const plan = { name: 'Single', tasks: [{ id: 'only', title: 'The only task', agent: { profile: 'custom', command } }] };

  await page.keyboard.press('Control+k');
  await page.getByLabel('Command').fill('Import plan');
  await page.keyboard.press('Enter');
  await page.getByRole('dialog').getByLabel('Plan text').fill(JSON.stringify(plan, null, 2));
  await page.getByRole('dialog').getByRole('button', { name: 'Import' }).click();
  const planPage = page.getByRole('region', { name: 'Plan Single' });
  await expect(planPage.getByTestId('plan-status')).toHaveAttribute('data-status', 'draft');

  await page.keyboard.press('Control+k');
  await page.getByLabel('Command').fill('Start plan: Single');
  await page.keyboard.press('Enter');
  await expect(planPage.getByTestId('plan-status')).toHaveAttribute('data-status', 'running');
  await expect(planPage.getByTestId('plan-auto-merge')).toHaveCount(0);

  // It waits in Review; merging it from its panel goes through the train into the integration branch.
  const row = planPage.locator('.plan-task[data-key="only"]');
  await expect(row.locator('.badge-review')).toBeVisible();
  await row.click();
  await page.getByRole('button', { name: 'Merge into sy/plan/single' }).click();
  const dialog = page.getByRole('dialog', { name: /Merge “The only task” into sy\/plan\/single/ });
  await expect(dialog).toContainText('merge train');
  await screenshot(page, 'plans-merge-dialog');
  await dialog.getByRole('button', { name: 'Merge through the train' }).click();
  await expect(page.locator('.toast-success', { hasText: /Merged “The only task” #only into sy\/plan\/single as [0-9a-f]{8}/ })).toBeVisible();
  await expect(planPage.getByTestId('plan-status')).toHaveAttribute('data-status', 'done');
});

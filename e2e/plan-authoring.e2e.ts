/**
 * Plan authoring through the UI: a plan drawn in the editor (scopes previewed against the
 * repository, an overlap with no edge flagged until an edge orders it, live validation), created,
 * started and followed in the graph; a Beads file previewed before it is imported; a plan
 * proposed by an agent (an invalid answer shown raw, a valid one opened in the editor); and the
 * demo run to the end from the start screen.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { ROOT, expect, screenshot, test, type Cockpit } from './cockpit';

/** Screenshots in both themes (the theme follows the system's until the user picks one). */
async function bothThemes(page: Page, name: string): Promise<void> {
  for (const scheme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
    await screenshot(page, `${name}-${scheme}`);
  }
}

/** A scripted agent that works a little while, writes its own file and commits. */
function worker(cockpit: Cockpit, file: string, sleep: number): string {
  return cockpit.agentCommand([{ print: 'working on {prompt}' }, { sleep }, { write: { path: file, content: `${file}\n` } }, { commit: `Write ${file}` }, { exit: 0 }]);
}

async function fillTask(row: Locator, t: { id: string; title: string; prompt: string; command: string; globs: string[] }): Promise<void> {
  await row.getByLabel('Task id').fill(t.id);
  await row.getByLabel('Title', { exact: true }).fill(t.title);
  await row.getByLabel('Prompt', { exact: true }).fill(t.prompt);
  await row.getByLabel('Task agent', { exact: true }).selectOption('custom');
  await row.getByLabel('Task agent command').fill(t.command);
  for (const [i, g] of t.globs.entries()) {
    await row.getByRole('button', { name: '+ glob' }).click();
    await row.getByLabel(`Scope glob ${i + 1}`).fill(g);
  }
}

test('a plan drawn in the editor: scopes previewed, an unordered overlap flagged, then created, started and followed in the graph', async ({ page, cockpit }) => {
  await cockpit.open(page);
  await page.getByRole('button', { name: 'Plans' }).click();
  await page.getByTestId('plans-empty').getByRole('button', { name: 'New plan…' }).click();
  const editor = page.getByRole('region', { name: 'Plan editor' });
  await editor.getByLabel('Plan name').fill('Greeter');
  await editor.getByLabel('Goal').fill('Greet in two languages, with docs.');

  const rows = editor.locator('.pe-task-item');
  await editor.getByRole('button', { name: '+ Add task' }).click();
  await fillTask(rows.nth(0), { id: 'core', title: 'Greeting core', prompt: 'Write the core', command: worker(cockpit, 'src/core.txt', 2500), globs: ['src/**'] });
  await editor.getByRole('button', { name: '+ Add task' }).click();
  await fillTask(rows.nth(1), { id: 'french', title: 'French greeting', prompt: 'Bonjour', command: worker(cockpit, 'src/fr/hello.txt', 500), globs: ['src/fr/**'] });
  await editor.getByRole('button', { name: '+ Add task' }).click();
  await fillTask(rows.nth(2), { id: 'docs', title: 'Docs', prompt: 'Document it', command: worker(cockpit, 'docs/greet.md', 500), globs: ['docs/**'] });

  // Each glob shows what it matches in the repository now.
  await expect(rows.nth(0).getByTestId('glob-preview')).toHaveText('1 file: src/greet.ts');
  await expect(rows.nth(2).getByTestId('glob-preview')).toHaveText('matches no file yet');
  // src/** and src/fr/** overlap and nothing orders the two tasks: both are flagged.
  await expect(rows.nth(0).getByTestId('overlap-warning')).toContainText('#french');
  await expect(rows.nth(1).getByTestId('overlap-warning')).toContainText('#core');
  await expect(rows.nth(2).getByTestId('overlap-warning')).toHaveCount(0);
  await editor.evaluate((e) => e.scrollTo(0, 0));
  await bothThemes(page, 'plan-editor-list-overlap');

  // The graph shows the same warning on both nodes.
  await editor.getByRole('tab', { name: 'Graph' }).click();
  const graph = editor.getByRole('group', { name: 'Plan graph' });
  await expect(graph.locator('.plan-node')).toHaveCount(3);
  await expect(graph.locator('.plan-node-warn')).toHaveCount(2);
  await graph.locator('[data-node="core"]').click();
  await bothThemes(page, 'plan-editor-graph-overlap');
  // Choosing a parent in the graph: select #french, make it depend on #core.
  await graph.locator('[data-node="french"]').click();
  const inspector = editor.getByRole('complementary', { name: 'Selected task' });
  await expect(inspector.getByLabel('Task id')).toHaveValue('french');
  await inspector.getByLabel('Add a dependency').selectOption('core');
  await expect(graph.locator('[data-edge="core>french"]')).toHaveCount(1);
  await expect(graph.locator('.plan-node-warn')).toHaveCount(0);
  await bothThemes(page, 'plan-editor-graph');

  // An invalid glob is named inline, listed, and holds back creating the plan.
  await editor.getByRole('tab', { name: 'List' }).click();
  await rows.nth(2).getByLabel('Scope glob 1').fill('docs//x');
  await expect(rows.nth(2).getByTestId('glob-error')).toContainText('an empty path segment');
  await expect(editor.getByTestId('plan-problems')).toContainText('docs: files_scope: invalid glob "docs//x"');
  await expect(editor.getByRole('button', { name: 'Create plan' })).toBeDisabled();
  await screenshot(page, 'plan-editor-invalid');
  await rows.nth(2).getByLabel('Scope glob 1').fill('docs/**');
  await expect(editor.getByTestId('plan-problems')).toHaveCount(0);
  await expect(rows.nth(1).locator('.pe-dep')).toHaveText(['#core×']);

  await editor.getByRole('button', { name: 'Create plan' }).click();
  const planPage = page.getByRole('region', { name: 'Plan Greeter' });
  await expect(planPage.getByTestId('plan-status')).toHaveAttribute('data-status', 'draft');
  await expect(planPage.locator('.plan-task[data-key="french"]')).toContainText('depends on #core');

  // Started with auto-merge and followed in the graph: states arrive live.
  await planPage.getByRole('tab', { name: 'Graph' }).click();
  const liveGraph = planPage.getByRole('group', { name: 'Plan graph' });
  await expect(liveGraph.locator('[data-node="french"]')).toHaveAttribute('data-state', 'blocked');
  await planPage.getByLabel('Auto-merge').check();
  await planPage.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(liveGraph.locator('[data-node="core"]')).toHaveAttribute('data-state', 'running');
  await bothThemes(page, 'plan-graph-running');
  await expect(liveGraph.locator('[data-node="core"]')).toHaveAttribute('data-state', 'done');
  await expect(liveGraph.locator('[data-node="french"]')).toHaveAttribute('data-state', 'done');
  await expect(liveGraph.locator('[data-node="docs"]')).toHaveAttribute('data-state', 'done');
  await expect(planPage.getByTestId('plan-status')).toHaveAttribute('data-status', 'done');
});

test('editing a plan is compare-and-set: a change made elsewhere is reported, never overwritten, and Reload picks it up', async ({ page, cockpit }) => {
  await cockpit.open(page);
  const plan = { name: 'Small', agent: { profile: 'custom', command: worker(cockpit, 'a.txt', 100) }, tasks: [{ id: 'a', title: 'First' }] };
  await page.keyboard.press('Control+k');
  await page.getByLabel('Command').fill('Import plan');
  await page.keyboard.press('Enter');
  await page.getByRole('dialog').getByLabel('Plan text').fill(JSON.stringify(plan));
  await expect(page.getByTestId('plan-import-preview')).toContainText('1 task');
  await page.getByRole('dialog').getByRole('button', { name: 'Import and create plan' }).click();
  const planPage = page.getByRole('region', { name: 'Plan Small' });
  await planPage.getByRole('button', { name: 'Edit plan' }).click();
  const editor = page.getByRole('region', { name: 'Plan editor' });
  await expect(editor.locator('.pe-task-item')).toHaveCount(1);

  // Another window saves first.
  const other = await page.context().newPage();
  await other.goto(cockpit.url);
  await other.getByRole('button', { name: 'Plans' }).click();
  await other.locator('.plan-row', { hasText: 'Small' }).click();
  await other.getByRole('button', { name: 'Edit plan' }).click();
  const otherEditor = other.getByRole('region', { name: 'Plan editor' });
  await otherEditor.getByLabel('Title', { exact: true }).fill('First, renamed elsewhere');
  await otherEditor.getByRole('button', { name: 'Save' }).click();
  await expect(other.getByRole('region', { name: 'Plan Small' })).toContainText('First, renamed elsewhere');
  await other.close();

  // This editor still holds the old version: saving is refused with a banner, nothing overwritten.
  await editor.getByLabel('Title', { exact: true }).fill('First, renamed here');
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(editor.getByTestId('plan-conflict')).toContainText('the plan changed since you loaded it');
  await bothThemes(page, 'plan-editor-conflict');
  await editor.getByTestId('plan-conflict').getByRole('button', { name: 'Reload' }).click();
  await expect(editor.getByLabel('Title', { exact: true })).toHaveValue('First, renamed elsewhere');
  await expect(editor.getByTestId('plan-conflict')).toHaveCount(0);
});

test('a Beads file is previewed before it is imported: its epic is a warning and its closed issue comes in done', async ({ page, cockpit }) => {
  await cockpit.open(page);
  await page.getByRole('button', { name: 'Plans' }).click();
  await page.getByTestId('plans-empty').getByRole('button', { name: 'Import a plan file…' }).click();
  const dialog = page.getByRole('dialog');
  const jsonl = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'imports', 'issues.jsonl'));
  await dialog.getByLabel('Plan file').setInputFiles({ name: 'issues.jsonl', mimeType: 'application/x-ndjson', buffer: jsonl });
  const preview = dialog.getByTestId('plan-import-preview');
  await expect(preview.getByTestId('preview-format')).toHaveText('Beads issues');
  await expect(preview.getByTestId('preview-warnings')).toContainText('epic');
  await expect(preview.getByTestId('preview-done')).toHaveText('1 already done');
  await expect(preview.locator('li.ip-done')).toHaveCount(1);
  await bothThemes(page, 'plan-import-beads-preview');

  // Malformed input: the engine's words, as they are.
  await dialog.getByLabel('Plan text').fill('{"id":"x-1","title":"One","status":"open","issue_type":"task"}\n{not json');
  await expect(dialog.getByTestId('plan-import-error')).toContainText('line 2');
  await expect(preview).toHaveCount(0);

  await dialog.getByLabel('Plan file').setInputFiles({ name: 'issues.jsonl', mimeType: 'application/x-ndjson', buffer: jsonl });
  await expect(preview.getByTestId('preview-done')).toHaveText('1 already done');
  // Beads issues name no agent: one is chosen for the plan here.
  await dialog.getByLabel('Plan agent').selectOption('shell');
  await dialog.getByRole('button', { name: 'Import and create plan' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.locator('.plan-page [data-testid="plan-status"]')).toHaveAttribute('data-status', 'draft');
  await expect(page.locator('.plan-task .badge-done')).toHaveCount(1);
});

test('plan with agent: an answer that is not a plan is shown raw; a valid one opens in the editor, not yet created', async ({ page, cockpit }) => {
  await cockpit.open(page);
  const open = async (): Promise<Locator> => {
    await page.keyboard.press('Control+k');
    await page.getByLabel('Command').fill('Plan with agent');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: /Plan with an agent/ });
    await dialog.getByLabel('Goal').fill('Add a farewell next to the greeting');
    await dialog.getByLabel('Planner agent').selectOption('custom');
    return dialog;
  };
  const dialog = await open();
  await dialog.getByLabel('Command').fill(cockpit.agentCommand([{ print: 'I would rather not plan today.' }, { exit: 0 }]));
  await dialog.getByRole('button', { name: 'Propose a plan' }).click();
  await expect(dialog.getByTestId('planner-invalid')).toContainText('I would rather not plan today.');
  await expect(dialog.locator('.planner-attempt')).toHaveCount(2);
  await bothThemes(page, 'plan-planner-invalid');

  const proposal = { name: 'Farewell', goal: 'Say goodbye', auto_merge: true, tasks: [{ id: 'bye', title: 'Add farewell()', prompt: 'Add farewell to src/greet.ts', files_scope: ['src/greet.ts'] }, { id: 'test', title: 'Test it', depends_on: ['bye'] }] };
  await dialog.getByLabel('Command').fill(cockpit.agentCommand([{ print: 'Thinking…' }, { sleep: 1500 }, { print: JSON.stringify(proposal) }, { exit: 0 }]));
  await dialog.getByRole('button', { name: 'Try again' }).click();
  await expect(dialog.getByTestId('planner-running')).toContainText('The agent is planning');
  await bothThemes(page, 'plan-planner-running');
  const editor = page.getByRole('region', { name: 'Plan editor' });
  await expect(editor.getByRole('heading', { name: 'New plan from the agent’s proposal' })).toBeVisible();
  await expect(editor.getByLabel('Plan name')).toHaveValue('Farewell');
  // What the agent may not decide (auto-merge here) is taken out, and the editor says so.
  await expect(editor.getByTestId('plan-editor-notes')).toBeVisible();
  await expect(editor.getByRole('checkbox', { name: 'Auto-merge' })).not.toBeChecked();
  await bothThemes(page, 'plan-editor-proposal');
  await expect(editor.locator('.pe-task-item')).toHaveCount(2);
  await expect(editor.locator('.pe-task-item').nth(0).getByTestId('glob-preview')).toHaveText('1 file: src/greet.ts');
  // Nothing exists until it is approved.
  await page.keyboard.press('Control+k');
  // The palette is up (it offers the demo), and it offers no plan called Farewell.
  await expect(page.getByRole('option', { name: /Try the demo/ })).toBeVisible();
  await expect(page.getByRole('option', { name: /Open plan: Farewell/ })).toHaveCount(0);
  await page.keyboard.press('Escape');
  // The proposal names no agent and Settings has no default one: the editor says so before creating.
  await expect(editor.getByTestId('plan-problems')).toContainText('no agent');
  await expect(editor.getByRole('button', { name: 'Create plan' })).toBeDisabled();
  await editor.getByLabel('Plan agent', { exact: true }).selectOption('shell');
  await editor.getByRole('button', { name: 'Create plan' }).click();
  await expect(page.getByRole('region', { name: 'Plan Farewell' }).getByTestId('plan-status')).toHaveAttribute('data-status', 'draft');
});

test('the demo runs from the start screen to a finished plan', async ({ page, cockpit }) => {
  await page.goto(cockpit.url);
  await page.getByRole('button', { name: 'Try the demo' }).click();
  const planPage = page.locator('.plan-page');
  await expect(planPage.getByTestId('plan-status')).toHaveAttribute('data-status', 'running');
  await expect(planPage.getByTestId('plan-auto-merge')).toBeVisible();
  await planPage.getByRole('tab', { name: 'Graph' }).click();
  const graph = planPage.getByRole('group', { name: 'Plan graph' });
  await expect(graph.locator('.plan-node')).toHaveCount(6);
  await graph.locator('.plan-node[data-state="running"]').first().waitFor();
  await bothThemes(page, 'plan-demo-running');
  await expect(planPage.getByTestId('plan-status')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(graph.locator('.plan-node[data-state="done"]')).toHaveCount(6);
  await screenshot(page, 'plan-demo-done');
});

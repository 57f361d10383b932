import { createTask, expect, git, screenshot, test } from './cockpit';

test('a task goes from prompt to merged: terminal, Monaco diff, one-click merge', async ({ page, cockpit }) => {
  await cockpit.open(page);
  await expect(page.getByText('No tasks here yet.')).toBeVisible();

  const command = cockpit.agentCommand([
    { print: 'working on: {prompt}' },
    { ask: 'Rewrite greet.ts? [y/n] ' },
    { print: 'you said: {answer}' },
    { write: { path: 'src/greet.ts', content: "export function greet(name: string): string {\n  return `Hello, ${name}!`;\n}\n" } },
    { commit: 'Use a template string in greet' },
    { print: 'all done' },
    { sleep: 600 },
  ]);
  await createTask(page, { title: 'Polish greet', prompt: 'use a template & add types; "quoted" $HOME', command });

  // The live terminal shows the agent's output, with the prompt as one argument.
  const terminal = page.locator('.terminal-host .xterm-rows');
  await expect(terminal).toContainText('working on: use a template & add types; "quoted" $HOME');
  // The agent waits for input; the terminal takes typing.
  await expect(terminal).toContainText('Rewrite greet.ts? [y/n]');
  await page.locator('.terminal-host').click();
  await page.keyboard.type('yes please');
  await page.keyboard.press('Enter');
  await expect(terminal).toContainText('you said: yes please');
  await expect(terminal).toContainText('all done');
  await screenshot(page, 'terminal');

  // When the agent exits, the task moves to Review.
  const card = page.locator('.column-review .card', { hasText: 'Polish greet' });
  await expect(card).toBeVisible();
  await screenshot(page, 'task-in-review');

  await page.getByRole('tab', { name: 'Changes' }).click();
  const fileRow = page.locator('.file-row', { hasText: 'greet.ts' });
  await expect(fileRow).toContainText('+2');
  await expect(fileRow).toContainText('−2');
  await fileRow.click();
  const diff = page.locator('.diff-editor');
  await expect(diff.locator('.editor.modified .view-lines')).toContainText('return `Hello, ${name}!`;');
  await expect(diff.locator('.editor.original .view-lines')).toContainText("return 'Hello, ' + name;");
  await expect(diff).toHaveAttribute('data-language', 'typescript');
  await screenshot(page, 'diff');

  await page.getByRole('button', { name: 'Merge into main' }).click();
  // First, what merging will do: the commits, whether main moved, no conflicts.
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('1 commit to merge');
  await expect(dialog).toContainText('No conflicts.');
  await dialog.getByRole('button', { name: 'Merge', exact: true }).click();
  await expect(page.locator('.toast-success')).toContainText('Merged into main');
  await expect(page.locator('.column-done .card', { hasText: 'Polish greet' })).toBeVisible();

  // The base branch holds the change, and its checkout moved with it.
  expect(git(cockpit.repo, 'show', 'main:src/greet.ts')).toContain('return `Hello, ${name}!`;');
  expect(git(cockpit.repo, 'status', '--porcelain')).toBe('');
  expect(git(cockpit.repo, 'branch', '--list', 'sy/*')).toBe('');
  await screenshot(page, 'merged');
  await page.getByRole('button', { name: 'Close task (Esc)' }).click();
  await screenshot(page, 'board');
});

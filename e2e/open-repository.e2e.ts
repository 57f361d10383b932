import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from './cockpit';

test('opening a folder that cannot be used says why, and creates nothing', async ({ page, cockpit }) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-open-'));
  const plain = path.join(tmp, 'not a repo');
  const empty = path.join(tmp, 'empty repo');
  const bare = path.join(tmp, 'bare.git');
  fs.mkdirSync(plain);
  fs.mkdirSync(empty);
  execFileSync('git', ['init', '-q', empty]);
  execFileSync('git', ['init', '-q', '--bare', bare]);

  await page.goto(cockpit.url);
  const field = page.getByLabel('Repository path');
  const open = page.getByRole('button', { name: 'Open', exact: true });
  for (const [dir, message] of [
    [plain, 'is not a git repository'],
    [empty, 'has no commits yet'],
    [bare, 'is a bare repository'],
    [path.join(tmp, 'missing'), 'does not exist'],
  ] as const) {
    await field.fill(dir);
    await open.click();
    await expect(page.getByRole('alert')).toContainText(message);
  }
  // Still on the welcome page: no project was created.
  await expect(page.getByText('Run agents in parallel')).toBeVisible();
  expect(fs.readdirSync(empty).filter((f) => f !== '.git')).toEqual([]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

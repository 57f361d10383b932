/**
 * Sessions that survive, or do not: a task whose terminal daemon died is Interrupted (its
 * output kept, Resume and Restart offered); a session no task owns is shown to be adopted or
 * killed; and typing into a terminal that is still replaying a long screen runs exactly once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import xtermHeadless from '@xterm/headless';
import { PtydClient } from '../src/engine/ptyd/client';
import { expect, git, screenshot, test, type Cockpit } from './cockpit';

const rows = (page: Page) => page.locator('.terminal-host .xterm-rows');

function ptydSocket(cockpit: Cockpit): string {
  return path.join(cockpit.dataDir, 'run', 'ptyd.sock');
}

/** SIGKILL to the terminal daemon, as a crash would: no chance to save or tell anyone. */
function killPtyd(cockpit: Cockpit): number {
  const pid = Number(fs.readFileSync(path.join(cockpit.dataDir, 'run', 'ptyd.pid'), 'utf8'));
  process.kill(pid, 'SIGKILL');
  return pid;
}

/** Whether the process exists and is not a zombie waiting to be reaped (Linux). */
function alive(pid: number): boolean {
  let stat = '';
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    // no such process
  }
  return stat !== '' && !/\) Z /.test(stat);
}

/** Processes carrying a session's tag in their environment (Linux), as ptyd's kill finds them. */
function tagged(session: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(`SWITCHYARD_SESSION=${session}`)) found.push(Number(entry));
    } catch {
      // gone, or not ours
    }
  }
  return found;
}

/** The same view in both themes (the theme follows the system's until the user picks one). */
async function screenshotBoth(page: Page, name: string): Promise<void> {
  for (const scheme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
    await screenshot(page, `${name}-${scheme}`);
  }
  await page.emulateMedia({ colorScheme: 'dark' });
}

async function createShellTask(page: Page, title: string, agent = 'shell'): Promise<void> {
  await page.getByRole('button', { name: /New task/ }).click();
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Agent', { exact: true }).selectOption(agent);
  await page.getByRole('button', { name: 'Create and start' }).click();
  await expect(page.locator('.panel-title')).toHaveText(title);
}

async function openPalette(page: Page): Promise<void> {
  await page.getByRole('button', { name: /Search or run/ }).click();
}

async function typeInTerminal(page: Page, text: string): Promise<void> {
  await page.locator('.terminal-host').click();
  await page.keyboard.type(text);
}

test('a task whose terminal daemon died is Interrupted, shows what it printed, and Restart runs it again in the same worktree', async ({ page, cockpit }) => {
  await cockpit.open(page);
  await createShellTask(page, 'Survives a crash');
  await typeInTerminal(page, 'echo kept > marker.txt; echo before-crash-$((6*7))\n');
  await expect(rows(page)).toContainText('before-crash-42');
  await page.getByRole('tab', { name: 'Details' }).click();
  const worktree = (await page.getByTestId('worktree-path').innerText()).trim();
  expect(fs.readFileSync(path.join(worktree, 'marker.txt'), 'utf8')).toBe('kept\n');
  await page.getByRole('tab', { name: 'Agent', exact: true }).click();

  killPtyd(cockpit);

  // The card says it needs the user; the panel says why, and what can be done.
  const card = page.locator('.card', { hasText: 'Survives a crash' });
  await expect(card.locator('.badge-interrupted')).toBeVisible({ timeout: 20_000 });
  await expect(card.getByTestId('flag-interrupted')).toBeVisible();
  await expect(card).toHaveClass(/card-interrupted/);
  const banner = page.getByTestId('interrupted-banner');
  await expect(banner).toBeVisible();
  await expect(page.getByTestId('interrupted-reason')).toContainText('terminal daemon stopped');
  // A shell cannot resume a session: Resume is there, disabled, and says why.
  await expect(banner.getByRole('button', { name: 'Resume' })).toBeDisabled();
  await expect(page.getByTestId('resume-why')).toContainText('A shell has no session to resume');
  // The palette offers a restart, and no resume.
  await openPalette(page);
  await page.getByLabel('Command').fill('the agent');
  await expect(page.getByRole('option', { name: 'Restart the agent' })).toBeVisible();
  await expect(page.getByRole('option', { name: 'Resume the agent' })).toHaveCount(0);
  await page.keyboard.press('Escape');

  // What it printed is still there, read-only, with a note rather than an error.
  await expect(rows(page)).toContainText('before-crash-42');
  const ended = page.getByTestId('terminal-ended');
  await expect(ended).toContainText('Session lost');
  await expect(ended).toContainText('read-only');
  await expect(page.locator('.terminal-error')).toHaveCount(0);
  await screenshotBoth(page, 'sessions-interrupted');
  // On the board, the card asks for attention.
  await page.getByRole('button', { name: 'Close task (Esc)' }).click();
  await expect(card).toBeVisible();
  await page.locator('.board-area').click({ position: { x: 5, y: 5 } });
  await screenshotBoth(page, 'sessions-interrupted-board');
  await card.click();

  await banner.getByRole('button', { name: 'Restart' }).click();
  await expect(card.locator('.badge-running')).toBeVisible();
  await expect(banner).toHaveCount(0);
  await expect(ended).toHaveCount(0);
  await expect(page.locator('.terminal-host')).not.toHaveAttribute('data-replaying', 'true');
  await typeInTerminal(page, 'cat marker.txt; pwd\n');
  await expect(rows(page)).toContainText('kept');
  await expect(rows(page)).toContainText(path.basename(worktree));
});

test('Resume is offered when the agent can resume its session, and continues it', async ({ page, cockpit }) => {
  // A profile that can resume: its resume arguments say so on screen.
  const profile = {
    name: 'Resumable shell',
    executable: '/bin/sh',
    promptMode: 'none',
    interactiveArgs: ['-c', 'echo first-run-$((1+1)); exec /bin/sh'],
    nonInteractiveArgs: ['-c', '{prompt}'],
    resumeArgs: ['-c', 'echo resumed-$((2+2)); exec /bin/sh'],
    versionArgs: [],
    installHint: 'comes with the system',
    hooksHint: 'none',
    env: {},
  };
  fs.mkdirSync(cockpit.dataDir, { recursive: true });
  fs.writeFileSync(path.join(cockpit.dataDir, 'agents.json'), JSON.stringify({ global: { resumable: profile }, repositories: {} }));
  await cockpit.open(page);
  await createShellTask(page, 'Resume me', 'resumable');
  await expect(rows(page)).toContainText('first-run-2');

  killPtyd(cockpit);
  const banner = page.getByTestId('interrupted-banner');
  await expect(banner).toBeVisible({ timeout: 20_000 });
  await expect(banner.getByRole('button', { name: 'Resume' })).toBeEnabled();
  await expect(page.getByTestId('resume-why')).toHaveCount(0);
  await expect(rows(page)).toContainText('first-run-2');

  // From the palette, as from the banner.
  await openPalette(page);
  await page.getByLabel('Command').fill('the agent');
  await expect(page.getByRole('option', { name: 'Restart the agent' })).toBeVisible();
  await page.getByRole('option', { name: 'Resume the agent' }).click();
  await expect(page.locator('.card', { hasText: 'Resume me' }).locator('.badge-running')).toBeVisible();
  await expect(rows(page)).toContainText('resumed-4');
});

test('sessions no task owns are shown: one is adopted into a new task, one cannot be and is killed with its processes', async ({ page, cockpit }) => {
  await cockpit.open(page);
  // One in a folder no project knows; one in a worktree of the project that no task uses.
  const stray = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-stray-'));
  const worktree = path.join(path.dirname(cockpit.dataDir), 'orphan worktree');
  git(cockpit.repo, 'worktree', 'add', '-q', '-b', 'orphan-work', worktree);
  const client = await PtydClient.connect(ptydSocket(cockpit));
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const pids: number[] = [];
  try {
    const a = await client.spawn({ session: 'orphan-test-1', file: '/bin/sh', args: ['-c', 'echo orphan-alive; sleep 600'], cwd: stray, env, cols: 80, rows: 24 });
    const b = await client.spawn({ session: 'orphan-test-2', file: '/bin/sh', args: ['-c', 'echo adopt-me-$((3*3)); exec /bin/sh'], cwd: worktree, env, cols: 80, rows: 24 });
    pids.push(a.pid, b.pid);
    client.close();

    // The engine finds them when it starts; the page reconnects by itself.
    await cockpit.restartServer();
    const notice = page.getByTestId('orphan-notice');
    await expect(notice).toContainText('2 sessions have no task — they were left running in the terminal daemon.', { timeout: 20_000 });
    await screenshotBoth(page, 'sessions-orphan-notice');

    // The palette opens the list too.
    await openPalette(page);
    await page.getByLabel('Command').fill('without a task');
    await page.getByRole('option', { name: 'Sessions without a task (2)…' }).click();
    const list = page.getByRole('dialog', { name: 'Sessions without a task' });
    await expect(list).toBeVisible();

    const strayRow = list.locator('.orphan-row[data-session="orphan-test-1"]');
    await expect(strayRow).toContainText(stray);
    await expect(strayRow).toContainText(`pid ${a.pid}`);
    await expect(strayRow).toContainText('Running');
    await expect(strayRow).toContainText(/started \d+[smhd] ago/);
    await expect(strayRow.getByRole('button', { name: 'Adopt' })).toBeDisabled();
    await expect(strayRow.getByTestId('orphan-why')).toContainText('Cannot adopt: its folder is not a worktree of an open project');
    const adoptRow = list.locator('.orphan-row[data-session="orphan-test-2"]');
    await expect(adoptRow).toContainText('becomes a new task in my repo ü');
    await expect(adoptRow.getByRole('button', { name: 'Adopt' })).toBeEnabled();
    await screenshotBoth(page, 'sessions-orphan-list');

    // Kill asks first, and says what is lost.
    await strayRow.getByRole('button', { name: 'Kill…' }).click();
    const confirm = page.getByRole('dialog', { name: 'Kill session orphan-test-1?' });
    await expect(confirm).toContainText(`pid ${a.pid}`);
    await expect(confirm).toContainText('Anything unsaved in them is lost.');
    await screenshotBoth(page, 'sessions-orphan-kill');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(list).toBeVisible();
    await strayRow.getByRole('button', { name: 'Kill…' }).click();
    await confirm.getByRole('button', { name: 'Kill session' }).click();
    await expect(page.locator('.toast-success', { hasText: 'Killed session orphan-test-1' })).toBeVisible();
    await expect(strayRow).toHaveCount(0);
    await expect(notice).toContainText('1 session has no task — it was left running in the terminal daemon.');
    // Its shell and the sleep it started are gone.
    await expect.poll(() => alive(a.pid)).toBe(false);
    await expect.poll(() => tagged('orphan-test-1')).toEqual([]);

    // Adopting makes a task for the worktree, with the session as its terminal.
    await adoptRow.getByRole('button', { name: 'Adopt' }).click();
    await expect(page.locator('.toast-success', { hasText: 'Adopted session orphan-test-2' })).toBeVisible();
    await expect(list).toHaveCount(0);
    await expect(notice).toHaveCount(0);
    await expect(page.locator('.panel-title')).toHaveText('Adopted session orphan-test-2');
    await expect(page.locator('.card', { hasText: 'Adopted session orphan-test-2' }).locator('.badge-running')).toBeVisible();
    await expect(rows(page)).toContainText('adopt-me-9');
    await typeInTerminal(page, 'echo adopted-$((5*5))\n');
    await expect(rows(page)).toContainText('adopted-25');
    await screenshot(page, 'sessions-adopted');
    expect(alive(b.pid)).toBe(true);
  } finally {
    client.close();
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }
});

async function ptydText(cockpit: Cockpit, session: string) {
  const client = await PtydClient.connect(ptydSocket(cockpit));
  try {
    return await client.text(session);
  } finally {
    client.close();
  }
}

/** ptyd's own mirror of a session: its visible rows, and every line of its transcript. */
async function mirror(cockpit: Cockpit, session: string): Promise<{ screen: string[]; transcript: string[] }> {
  const client = await PtydClient.connect(ptydSocket(cockpit));
  try {
    const [snap, transcript] = await Promise.all([client.screen(session), client.transcript(session)]);
    const term = new xtermHeadless.Terminal({ cols: snap.cols, rows: snap.rows, scrollback: 100_000, allowProposedApi: true });
    await new Promise<void>((r) => term.write(snap.data, r));
    const buf = term.buffer.active;
    const screen: string[] = [];
    for (let i = 0; i < term.rows; i++) screen.push((buf.getLine(buf.viewportY + i)?.translateToString(true) ?? '').trimEnd());
    term.dispose();
    return { screen, transcript: transcript.lines };
  } finally {
    client.close();
  }
}

test('keys typed while a long screen replays wait for it, then run exactly once, and the screen matches ptyd', async ({ page, cockpit }) => {
  await cockpit.open(page);
  // A long scrollback, kept by the terminal daemon too, makes a long replay.
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Scrollback').fill('20000');
  await expect(page.getByText('by the terminal daemon and in the UI; applies to sessions started from now on')).toBeVisible();
  await screenshotBoth(page, 'sessions-settings-scrollback');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);

  await createShellTask(page, 'Long replay');
  const session = (await page.locator('.terminal-host').getAttribute('data-session'))!;
  await typeInTerminal(page, "seq -f 'replayed line %06g of a long screen, padded to look like real output' 1 20000; echo printed-$((20*1000))\n");
  await expect(rows(page)).toContainText('printed-20000', { timeout: 60_000 });
  const inputBefore = (await ptydText(cockpit, session)).inputBytes;

  // Terminal frames from the server can be held back, so the replay is certainly still to come when the keys are typed.
  let hold = false;
  const held: (string | Buffer)[] = [];
  let toPage: ((m: string | Buffer) => void) | null = null;
  await page.routeWebSocket(/\/api/, (ws) => {
    const server = ws.connectToServer();
    toPage = (m) => ws.send(m);
    ws.onMessage((m) => server.send(m));
    server.onMessage((m) => (hold && typeof m !== 'string' ? held.push(m) : ws.send(m)));
  });
  await page.reload();
  const card = page.locator('.card', { hasText: 'Long replay' });
  await expect(card).toBeVisible();
  hold = true;
  await card.click();
  await expect(page.locator('.terminal-host textarea')).toBeFocused();
  const replaying = page.locator('.terminal-host[data-replaying="true"]');
  await expect(replaying).toHaveCount(1);
  await page.keyboard.insertText('echo typed-$((6*7))');
  await page.keyboard.press('Enter');
  // Typed before the snapshot came: nothing reached the PTY.
  await page.waitForTimeout(300);
  expect((await ptydText(cockpit, session)).inputBytes).toBe(inputBefore);
  await expect(replaying).toHaveCount(1);

  // The snapshot arrives (a long one); keys typed while xterm parses it wait too, and follow in order.
  hold = false;
  for (const m of held.splice(0)) toPage!(m);
  await page.keyboard.insertText('echo second-$((7*8))');
  await page.keyboard.press('Enter');
  await expect(replaying).toHaveCount(0, { timeout: 30_000 });

  await expect(rows(page)).toContainText('typed-42', { timeout: 30_000 });
  await expect(rows(page)).toContainText('second-56');
  // Each command ran once, in the order typed: one prompt line and one line of output each.
  // (Keys that reach bash while it runs the previous command are also echoed by the tty, as in
  // any terminal, on a line of their own or in front of the output; that type-ahead echo is not
  // a second command.)
  await expect
    .poll(async () => {
      const { transcript } = await mirror(cockpit, session);
      const isPrompt = (l: string): boolean => /[#$] \S/.test(l);
      const output = (text: string): number[] => transcript.flatMap((l, i) => (l.trimEnd().endsWith(text) && !isPrompt(l) ? [i] : []));
      const prompt = (text: string): number[] => transcript.flatMap((l, i) => (l.endsWith(`# ${text}`) || l.endsWith(`$ ${text}`) ? [i] : []));
      return { typed: prompt('echo typed-$((6*7))'), out: output('typed-42'), second: prompt('echo second-$((7*8))'), out2: output('second-56') };
    })
    .toMatchObject({ typed: [expect.any(Number)], out: [expect.any(Number)], second: [expect.any(Number)], out2: [expect.any(Number)] });
  const { transcript } = await mirror(cockpit, session);
  const line = (text: string): number => transcript.findIndex((l) => l.includes(text));
  expect(line('echo typed-$((6*7))')).toBeLessThan(line('echo second-$((7*8))'));
  // The screen is ptyd's, row for row.
  const uiLines = (): Promise<string[]> =>
    page.evaluate(() => [...document.querySelectorAll('.terminal-host .xterm-rows > div')].map((d) => (d.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()));
  await expect
    .poll(
      async () => {
        const [ui, { screen }] = await Promise.all([uiLines(), mirror(cockpit, session)]);
        return JSON.stringify(ui) === JSON.stringify(screen) ? 'equal' : `ui:\n${ui.join('\n')}\nmirror:\n${screen.join('\n')}`;
      },
      { timeout: 20_000 },
    )
    .toBe('equal');
  await screenshot(page, 'sessions-replayed');
});

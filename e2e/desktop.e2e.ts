/**
 * The desktop app, end to end, where the Electron runtime exists. On machines without it
 * (CI here: the runtime cannot be downloaded) the test is skipped and says so plainly.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { _electron as electron, expect, test } from '@playwright/test';
import { ROOT, stopPtyd } from './cockpit';

function electronBinary(): { bin: string } | { reason: string } {
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const pathFile = path.join(dir, 'path.txt');
  const bin = fs.existsSync(pathFile) ? path.join(dir, 'dist', fs.readFileSync(pathFile, 'utf8')) : null;
  if (!bin || !fs.existsSync(bin)) return { reason: 'the Electron runtime is not downloaded on this machine (it cannot be fetched here)' };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { reason: 'there is no display to open a window on' };
  return { bin };
}

const found = electronBinary();

test('the desktop window opens locked down, with the bridge and nothing else', async () => {
  test.skip('reason' in found, `Electron end-to-end test skipped: ${'reason' in found ? found.reason : ''}`);
  if (!('bin' in found)) return;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-desktop-'));
  const app = await electron.launch({ executablePath: found.bin, args: [ROOT], env: { ...process.env, SWITCHYARD_DATA_DIR: dataDir } });
  try {
    const page = await app.firstWindow();
    await expect(page.getByText('Run agents in parallel')).toBeVisible();
    // The page sees the bridge, and no Node.
    expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => typeof (window as unknown as { switchyard?: { invoke?: unknown } }).switchyard?.invoke)).toBe('function');
    expect(await page.evaluate(() => typeof (window as unknown as { process?: unknown }).process)).toBe('undefined');
  } finally {
    await app.close();
    await stopPtyd(dataDir);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

import { expect, screenshot, test } from './cockpit';

for (const scheme of ['dark', 'light'] as const) {
  test(`follows the system's ${scheme} theme, and the terminal and diff match`, async ({ browser, cockpit }) => {
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await cockpit.open(page);
    await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
    await page.getByRole('button', { name: /New task/ }).click();
    await page.getByLabel('Title').fill(`Themed ${scheme}`);
    await page.getByLabel('Agent').selectOption('custom');
    await page.getByLabel('Command').fill(cockpit.agentCommand([{ print: '\u001b[1;32mgreen\u001b[0m and \u001b[38;2;255;100;0mtrue colour\u001b[0m' }, { write: { path: 'src/greet.ts', content: 'export const x = 1;\n' } }]));
    await page.getByRole('button', { name: 'Create and start' }).click();
    await expect(page.locator('.terminal-host .xterm-rows')).toContainText('true colour');
    // Dark terminal on dark (light text), light on light (dark text).
    const lightText = async (selector: string): Promise<boolean> => {
      const color = await page.locator(selector).first().evaluate((el) => getComputedStyle(el).color);
      const [r, g, b] = color.match(/\d+/g)!.map(Number);
      return (r! + g! + b!) / 3 > 128;
    };
    expect(await lightText('.terminal-host .xterm-rows')).toBe(scheme === 'dark');
    await screenshot(page, `theme-${scheme}-terminal`);
    await page.getByRole('tab', { name: 'Changes' }).click();
    await page.locator('.file-row', { hasText: 'greet.ts' }).click();
    await expect(page.locator('.diff-editor .editor.modified .view-lines')).toContainText('export const x = 1;');
    expect(await lightText('.diff-editor .editor.modified .view-lines')).toBe(scheme === 'dark');
    await screenshot(page, `theme-${scheme}-diff`);
    await context.close();
  });
}

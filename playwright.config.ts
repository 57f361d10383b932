import { defineConfig } from '@playwright/test';

/**
 * End-to-end: the real UI in Debian's Chromium, against a real `switchyard serve`, real git
 * and real PTYs. `.ci/run` installs /usr/bin/chromium when it is missing.
 */
export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.e2e.ts',
  timeout: 90_000,
  expect: { timeout: 20_000 },
  workers: 1,
  // One more run for a test that fails: a failure that does not happen again is reported by
  // name as flaky (with the first run's server output, ptyd log and page log), not hidden; a
  // test that fails twice fails the run.
  retries: 1,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: process.env.SWITCHYARD_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});

// The real agent CLIs (Claude Code, Codex, Gemini CLI, OpenCode) against the mock model server:
// `node node_modules/vitest/vitest.mjs run -c vitest.agents.config.ts`. SWITCHYARD_AGENT_BIN names
// the folder holding the CLIs; a CLI that is missing there is skipped, with the reason printed.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/agents/**/*.agents.test.ts'],
    // The default config's `test/**/*.test.ts` picks these files up too; they run only under this one.
    env: { SWITCHYARD_AGENT_TESTS: '1' },
    testTimeout: 300_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One CLI at a time: each is a TUI plus, for Gemini, a Node relaunch; the machine has two cores.
    maxWorkers: 1,
    fileParallelism: false,
  },
});

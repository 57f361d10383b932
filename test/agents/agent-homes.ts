/**
 * How to run each real agent CLI against the mock model server: a throwaway HOME (and XDG
 * dirs) with the first-run state the CLI needs, a dummy key, telemetry, update checks and
 * auto-updates off, and every other host behind the refusing proxy. Verified with Claude Code
 * 2.1.337, Codex 0.171.0, Gemini CLI 0.61.0 and OpenCode 1.18.33.
 *
 * Folder trust is NOT pre-accepted here (the test answers each CLI's trust dialog); what would
 * suppress it is noted per CLI. Free of vitest, so exploration scripts can use it too.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExpectedAttempt } from '../../fixtures/mock-model/refusing-proxy';
import { HERMETIC_SHELL_ENV } from '../launches';

export const AGENT_CLIS = ['claude', 'codex', 'gemini', 'opencode'] as const;
export type AgentCli = (typeof AGENT_CLIS)[number];

/** Where the CLIs are: a folder holding claude, codex, gemini and opencode. */
/** The folder holding the CLIs; npm run test:agents installs the pinned ones and sets it. */
export const AGENT_BIN = process.env['SWITCHYARD_AGENT_BIN'] ?? '';

export interface AgentHomeInput {
  /** The mock model server, `http://127.0.0.1:<port>`. */
  mockUrl: string;
  /** The refusing proxy, `http://127.0.0.1:<port>`. */
  proxyUrl: string;
  /** A fresh, empty directory: it becomes HOME, with the XDG directories under it. */
  dir: string;
  /**
   * Make the CLI ask before file writes and shell commands where its defaults do not:
   * Claude Code `--permission-mode manual` (its default is now "auto"), OpenCode
   * `permission: { edit: "ask", bash: "ask" }`. Gemini CLI asks by default; Codex asks when
   * the model requests to run outside its sandbox (the mock's shell turns do).
   */
  askPermissions?: boolean;
}

export interface AgentRecipe {
  cli: AgentCli;
  /** The CLI's executable. */
  file: string;
  home: string;
  /** The complete environment: nothing of the test process's own environment leaks in. */
  env: Record<string, string>;
  /** Flags that go before either mode's own arguments. */
  args: string[];
  /** argv for an interactive run (the TUI) that starts on `prompt`, as Switchyard's catalog passes it. */
  interactiveArgs(prompt: string): string[];
  /** argv for a non-interactive run that works on `prompt`, may write files in the worktree, and exits. */
  execArgs(prompt: string): string[];
  /** What this CLI reaches for outside the mock even when set up like this (refused by the proxy, harmlessly). */
  expectedProxyAttempts: { interactive: ExpectedAttempt[]; exec: ExpectedAttempt[] };
}

/** Environment every CLI gets: a throwaway HOME, the proxy for every host but loopback. */
function baseEnv(home: string, proxyUrl: string): Record<string, string> {
  const user = os.userInfo().username;
  return {
    ...HERMETIC_SHELL_ENV,
    // Gemini's and Codex's launchers are `#!/usr/bin/env node` scripts.
    PATH: [path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    HOME: home,
    USER: user,
    LOGNAME: user,
    SHELL: '/bin/bash',
    LANG: 'C.UTF-8',
    TERM: 'xterm-256color',
    COLORTERM: 'truecolor',
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_STATE_HOME: path.join(home, '.local', 'state'),
    HTTP_PROXY: proxyUrl,
    HTTPS_PROXY: proxyUrl,
    ALL_PROXY: proxyUrl,
    http_proxy: proxyUrl,
    https_proxy: proxyUrl,
    all_proxy: proxyUrl,
    NO_PROXY: '127.0.0.1,localhost,::1',
    no_proxy: '127.0.0.1,localhost,::1',
  };
}

function writeFile(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** Creates the CLI's throwaway home under `input.dir` and returns how to run it against the mock. */
export function agentHome(cli: AgentCli, input: AgentHomeInput): AgentRecipe {
  const home = input.dir;
  fs.mkdirSync(home, { recursive: true });
  const env = baseEnv(home, input.proxyUrl);
  for (const dir of ['XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'XDG_STATE_HOME'] as const) fs.mkdirSync(env[dir]!, { recursive: true });
  // Agents that commit need an identity; the throwaway HOME has no ~/.gitconfig otherwise.
  writeFile(path.join(home, '.gitconfig'), '[user]\n\tname = Agent Test\n\temail = agent@example.com\n[commit]\n\tgpgsign = false\n');
  const file = path.join(AGENT_BIN, cli);
  switch (cli) {
    case 'claude':
      return claude(input, home, env, file);
    case 'codex':
      return codex(input, home, env, file);
    case 'gemini':
      return gemini(input, home, env, file);
    case 'opencode':
      return opencode(input, home, env, file);
  }
}

/**
 * Claude Code. `ANTHROPIC_AUTH_TOKEN` (sent as a bearer token) rather than ANTHROPIC_API_KEY,
 * which the TUI asks the user to approve. ~/.claude.json `hasCompletedOnboarding` + `theme`
 * skip the theme picker and the security notes. The trust dialog ("Accessing workspace: … ❯ No,
 * exit / Yes, I trust this folder") is suppressed by
 * `projects[<main checkout path>].hasTrustDialogAccepted: true` in ~/.claude.json: the key is the
 * repository's main working tree, and it covers its subfolders and its linked worktrees
 * anywhere on disk; a trusted parent folder does not cover a git repository below it.
 */
function claude(input: AgentHomeInput, home: string, base: Record<string, string>, file: string): AgentRecipe {
  writeFile(path.join(home, '.claude.json'), `${JSON.stringify({ hasCompletedOnboarding: true, theme: 'dark' }, null, 2)}\n`);
  const env = {
    ...base,
    ANTHROPIC_BASE_URL: input.mockUrl,
    ANTHROPIC_AUTH_TOKEN: 'mock-token',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    // Without it the first start fetches the official plugin marketplace (downloads.claude.ai, then github.com).
    CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
  };
  const args = input.askPermissions ? ['--permission-mode', 'manual'] : [];
  return {
    cli: 'claude',
    file,
    home,
    env,
    args,
    interactiveArgs: (prompt) => [...args, '--', prompt],
    execArgs: (prompt) => ['-p', '--permission-mode', 'acceptEdits', '--', prompt],
    expectedProxyAttempts: { interactive: [], exec: [] },
  };
}

/**
 * Codex. A custom provider (`model_provider = "mock"`; the built-in `openai` id cannot be
 * re-pointed) on the Responses API. Model `gpt-5.5`: the newer built-in models are "code mode
 * only" (one JavaScript `exec` tool); an unknown model gets fallback metadata without
 * apply_patch. `[notice.model_migrations]` skips the "Meet GPT-6 Sol" upgrade screen;
 * `features.plugins = false` stops the curated-plugin sync (github.com, api.github.com,
 * chatgpt.com); `features.daemon_auto_start = false` keeps the TUI from starting a detached
 * `codex app-server` daemon (a 424 MB copy of itself under $CODEX_HOME/packages that outlives
 * the TUI). The trust screen ("Trust this folder?") is suppressed by
 * `[projects."<main checkout path>"] trust_level = "trusted"` in config.toml: keyed by the
 * repository's main working tree, it covers its linked worktrees too.
 */
function codex(input: AgentHomeInput, home: string, base: Record<string, string>, file: string): AgentRecipe {
  const codexHome = path.join(home, '.codex');
  writeFile(
    path.join(codexHome, 'config.toml'),
    [
      'model = "gpt-5.5"',
      'model_provider = "mock"',
      'check_for_update_on_startup = false',
      '',
      '[analytics]',
      'enabled = false',
      '',
      '[features]',
      'plugins = false',
      'daemon_auto_start = false',
      '',
      '[tui]',
      'show_tooltips = false',
      '',
      '[notice.model_migrations]',
      '"gpt-5.5" = "gpt-6-sol"',
      '',
      '[model_providers.mock]',
      'name = "Mock"',
      `base_url = "${input.mockUrl}/v1"`,
      'env_key = "MOCK_MODEL_API_KEY"',
      'wire_api = "responses"',
      '',
    ].join('\n'),
  );
  const env = { ...base, CODEX_HOME: codexHome, MOCK_MODEL_API_KEY: 'mock-key' };
  return {
    cli: 'codex',
    file,
    home,
    env,
    args: [],
    interactiveArgs: (prompt) => ['--', prompt],
    execArgs: (prompt) => ['exec', '--sandbox', 'workspace-write', '--', prompt],
    expectedProxyAttempts: {
      // The TUI always prefetches its announcement tip (tooltips::announcement::prewarm); no setting stops it.
      interactive: [{ host: 'raw.githubusercontent.com', port: 443, why: 'Codex TUI announcement tip (openai/codex/main/announcement_tip.toml)' }],
      exec: [],
    },
  };
}

/**
 * Gemini CLI. `GOOGLE_GEMINI_BASE_URL` alone selects the "gateway" auth type, which the CLI then
 * rejects ("Invalid auth method selected"); `security.auth.selectedType = "gemini-api-key"` with
 * a dummy GEMINI_API_KEY avoids both that and the sign-in dialog, and still uses the base URL.
 * The trust dialog ("Do you trust the files in this folder?") is suppressed by
 * GEMINI_CLI_TRUST_WORKSPACE=true (or `--skip-trust`), or by ~/.gemini/trustedFolders.json
 * `{ "<folder>": "TRUST_FOLDER" }`, which is by path prefix only (not by git repository: a
 * worktree elsewhere needs its own entry or a trusted parent). Headless runs refuse to start in
 * an untrusted folder. Accepting the dialog restarts the CLI, which sends
 * `--prompt-interactive` again.
 */
function gemini(input: AgentHomeInput, home: string, base: Record<string, string>, file: string): AgentRecipe {
  writeFile(
    path.join(home, '.gemini', 'settings.json'),
    `${JSON.stringify(
      {
        security: { auth: { selectedType: 'gemini-api-key' } },
        general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
        privacy: { usageStatisticsEnabled: false },
      },
      null,
      2,
    )}\n`,
  );
  const env = { ...base, GEMINI_API_KEY: 'mock-key', GOOGLE_GEMINI_BASE_URL: input.mockUrl };
  return {
    cli: 'gemini',
    file,
    home,
    env,
    args: [],
    interactiveArgs: (prompt) => [`--prompt-interactive=${prompt}`],
    // Headless mode leaves out the tools that would need a confirmation unless the approval mode allows them.
    execArgs: (prompt) => ['--skip-trust', '--approval-mode', 'auto_edit', `--prompt=${prompt}`],
    expectedProxyAttempts: { interactive: [], exec: [] },
  };
}

/**
 * OpenCode. A provider on the bundled `@ai-sdk/openai-compatible` package (Chat Completions),
 * given in OPENCODE_CONFIG_CONTENT. No trust dialog, no sign-in; by default it writes files and
 * runs commands without asking. At every start it installs `@opencode-ai/plugin` into each
 * config directory ($XDG_CONFIG_HOME/opencode) with npm in the background: through the proxy
 * that is a refused CONNECT to registry.npmjs.org:443, logged as "background dependency install
 * failed", and the run goes on (without a proxy it would download the package).
 */
function opencode(input: AgentHomeInput, home: string, base: Record<string, string>, file: string): AgentRecipe {
  const config = {
    $schema: 'https://opencode.ai/config.json',
    autoupdate: false,
    share: 'disabled',
    provider: {
      mock: {
        npm: '@ai-sdk/openai-compatible',
        name: 'Mock',
        options: { baseURL: `${input.mockUrl}/v1`, apiKey: 'mock-key' },
        models: { 'mock-model': { name: 'Mock Model', tool_call: true } },
      },
    },
    model: 'mock/mock-model',
    small_model: 'mock/mock-model',
    ...(input.askPermissions ? { permission: { edit: 'ask', bash: 'ask' } } : {}),
  };
  const env = {
    ...base,
    OPENCODE_CONFIG_CONTENT: JSON.stringify(config),
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
  };
  const npm: ExpectedAttempt = { host: 'registry.npmjs.org', port: 443, why: 'OpenCode installs @opencode-ai/plugin into its config directory at start' };
  return {
    cli: 'opencode',
    file,
    home,
    env,
    args: [],
    interactiveArgs: (prompt) => [`--prompt=${prompt}`],
    execArgs: (prompt) => ['run', '--', prompt],
    expectedProxyAttempts: { interactive: [npm], exec: [npm] },
  };
}

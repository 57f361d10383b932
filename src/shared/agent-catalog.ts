/**
 * The built-in agent profiles. Users patch or extend them in `<data dir>/agents.json`; these
 * are the defaults underneath. Install hints are text for the user, never run by Switchyard.
 */
import { CUSTOM_PROFILE_ID, LOGIN_SHELL, SHELL_PROFILE_ID, TASK_COMMAND, type AgentProfile } from './agents';

const P = '{prompt}';
const NO_HOOKS = 'No hooks: Switchyard watches the screen for a prompt to tell when it needs input.';

export const BUILTIN_PROFILES: readonly AgentProfile[] = [
  {
    id: 'claude',
    name: 'Claude Code',
    executable: 'claude',
    promptMode: 'argument',
    // `--` ends the options: a prompt that starts with "-" is still the prompt.
    interactiveArgs: ['--', P],
    nonInteractiveArgs: ['-p', '--', P],
    resumeArgs: ['--continue', '--', P],
    versionArgs: ['--version'],
    installHint: 'npm install -g @anthropic-ai/claude-code',
    hooksHint: 'In .claude/settings.json add a Notification hook running `switchyard notify needs-input` and a Stop hook running `switchyard notify done`.',
    env: {},
  },
  {
    id: 'codex',
    name: 'Codex',
    executable: 'codex',
    promptMode: 'argument',
    interactiveArgs: ['--', P],
    nonInteractiveArgs: ['exec', '--', P],
    resumeArgs: ['resume', '--last', '--', P],
    versionArgs: ['--version'],
    installHint: 'npm install -g @openai/codex',
    hooksHint: 'In ~/.codex/config.toml set `notify = ["switchyard", "notify", "done"]` (Codex runs it after each turn, with its JSON as one more argument).',
    env: {},
  },
  {
    id: 'gemini',
    name: 'Gemini CLI',
    executable: 'gemini',
    promptMode: 'argument',
    // The prompt rides in the option's own argument (`--opt=…`), so a leading "-" cannot be misread.
    interactiveArgs: [`--prompt-interactive=${P}`],
    nonInteractiveArgs: [`--prompt=${P}`],
    resumeArgs: ['--resume', 'latest', `--prompt-interactive=${P}`],
    versionArgs: ['--version'],
    installHint: 'npm install -g @google/gemini-cli',
    hooksHint: 'In .gemini/settings.json add hooks: Notification running `switchyard notify needs-input`, AfterAgent running `switchyard notify done`.',
    env: {},
  },
  {
    id: 'opencode',
    name: 'OpenCode',
    executable: 'opencode',
    promptMode: 'argument',
    interactiveArgs: [`--prompt=${P}`],
    nonInteractiveArgs: ['run', '--', P],
    resumeArgs: ['--continue', `--prompt=${P}`],
    versionArgs: ['--version'],
    installHint: 'npm install -g opencode-ai',
    hooksHint: NO_HOOKS,
    env: {},
  },
  {
    id: 'aider',
    name: 'Aider',
    executable: 'aider',
    // Aider's --message runs one turn and exits; typed into its TUI, the chat stays open.
    promptMode: 'typed',
    interactiveArgs: [],
    nonInteractiveArgs: ['--message', P, '--yes-always'],
    resumeArgs: ['--restore-chat-history'],
    versionArgs: ['--version'],
    installHint: 'python -m pip install aider-install && aider-install',
    hooksHint: NO_HOOKS,
    env: {},
  },
  {
    id: 'amp',
    name: 'Amp',
    executable: 'amp',
    promptMode: 'typed',
    interactiveArgs: [],
    nonInteractiveArgs: ['-x', P],
    // Amp can continue threads, but not "the last one here" without an id we do not know.
    resumeArgs: null,
    versionArgs: ['--version'],
    installHint: 'npm install -g @sourcegraph/amp',
    hooksHint: NO_HOOKS,
    env: {},
  },
  {
    id: 'cursor-agent',
    name: 'Cursor Agent',
    executable: 'cursor-agent',
    promptMode: 'argument',
    interactiveArgs: ['--', P],
    nonInteractiveArgs: ['-p', '--', P],
    // `resume` takes no prompt: a prompt given on resume is typed in once it is up.
    resumeArgs: ['resume'],
    versionArgs: ['--version'],
    installHint: 'curl https://cursor.com/install -fsS | bash',
    hooksHint: NO_HOOKS,
    env: {},
  },
  {
    id: SHELL_PROFILE_ID,
    name: 'Shell',
    executable: LOGIN_SHELL,
    promptMode: 'none',
    interactiveArgs: ['-l'],
    nonInteractiveArgs: ['-l', '-c', P],
    resumeArgs: null,
    versionArgs: ['--version'],
    installHint: 'Your login shell ($SHELL) comes with the system.',
    hooksHint: 'Run `switchyard notify done` (or `needs-input`, or "a message") yourself.',
    env: {},
  },
  {
    id: CUSTOM_PROFILE_ID,
    name: 'Custom command',
    // Each task brings its own command line; these fields only describe that.
    executable: TASK_COMMAND,
    promptMode: 'argument',
    interactiveArgs: [P],
    nonInteractiveArgs: [P],
    resumeArgs: null,
    versionArgs: [],
    installHint: 'Give a command line per task; {prompt} becomes the prompt as one argument.',
    hooksHint: 'Have your command run `switchyard notify needs-input|done|"message"`, or Switchyard watches the screen.',
    env: {},
  },
];

export function builtinProfile(id: string): AgentProfile | undefined {
  return BUILTIN_PROFILES.find((p) => p.id === id);
}

/**
 * The built-in agent profiles. Users patch or extend them in `<data dir>/agents.json`; these
 * are the defaults underneath. Install hints are text for the user, never run by Switchyard.
 */
import { CUSTOM_PROFILE_ID, LOGIN_SHELL, SESSION_PLACEHOLDER, SHELL_PROFILE_ID, TASK_COMMAND, type AgentProfile } from './agents';

const P = '{prompt}';
const S = SESSION_PLACEHOLDER;
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
    resumeSessionArgs: ['--resume', S, '--', P],
    versionArgs: ['--version'],
    installHint: 'npm install -g @anthropic-ai/claude-code',
    hooksHint: 'Wired at launch (--settings, added to your own hooks): PermissionRequest → needs input, Stop → your turn, UserPromptSubmit → working.',
    wireHooks: true,
    env: {},
  },
  {
    id: 'codex',
    name: 'Codex',
    executable: 'codex',
    promptMode: 'argument',
    // --no-daemon: each task's TUI runs its own app server. Attached to a shared one, stopping
    // one task would end every other Codex task using it.
    interactiveArgs: ['--no-daemon', '--', P],
    nonInteractiveArgs: ['exec', '--', P],
    resumeArgs: ['resume', '--no-daemon', '--last', '--', P],
    resumeSessionArgs: ['resume', '--no-daemon', '--', S, P],
    versionArgs: ['--version'],
    installHint: 'npm install -g @openai/codex',
    hooksHint: 'Wired at launch (-c overrides): notify → your turn; approval requests come as terminal notifications (OSC 9) → needs input.',
    wireHooks: true,
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
    resumeSessionArgs: ['--resume', S, `--prompt-interactive=${P}`],
    versionArgs: ['--version'],
    installHint: 'npm install -g @google/gemini-cli',
    hooksHint: 'Wired at launch (a system settings file that keeps your own): Notification → needs input, AfterAgent → your turn, BeforeAgent → working.',
    wireHooks: true,
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
    resumeSessionArgs: ['--session', S, `--prompt=${P}`],
    versionArgs: ['--version'],
    installHint: 'npm install -g opencode-ai',
    hooksHint: 'Wired at launch (a plugin in a config folder of its own): session.idle → your turn, permission.asked → needs input.',
    wireHooks: true,
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
    resumeSessionArgs: null,
    wireHooks: false,
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
    resumeSessionArgs: null,
    wireHooks: false,
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
    resumeSessionArgs: null,
    wireHooks: false,
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
    resumeSessionArgs: null,
    wireHooks: false,
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
    resumeSessionArgs: null,
    wireHooks: false,
    env: {},
  },
];

export function builtinProfile(id: string): AgentProfile | undefined {
  return BUILTIN_PROFILES.find((p) => p.id === id);
}

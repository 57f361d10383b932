/**
 * Turns a custom agent's command line into an argv array. There is no shell: quotes group
 * words, and the {prompt} placeholder becomes the prompt inside one argv element, whatever
 * characters the prompt holds. Pipes, redirects and `;` are refused, not interpreted.
 */
import { parse } from 'shell-quote';
import { SwitchyardError } from './errors';
import { PROMPT_PLACEHOLDER } from './task';

export function parseCommandLine(commandLine: string): string[] {
  // Keep $VARS literal: expanding them would be a shell's job, and there is none.
  const tokens = parse(commandLine, (name) => `$${name}`);
  const argv: string[] = [];
  for (const tok of tokens) {
    if (typeof tok === 'string') {
      argv.push(tok);
      continue;
    }
    const what = 'op' in tok ? `"${String(tok.op)}"` : 'comment' in tok ? 'a # comment' : 'a shell construct';
    throw new SwitchyardError(
      'invalid-input',
      `the agent command contains ${what}; commands run directly, without a shell. Put pipes or redirects in a script and name the script.`,
    );
  }
  if (argv.length === 0) throw new SwitchyardError('invalid-input', 'the agent command is empty');
  return argv;
}

/** Replaces every {prompt} with the prompt; each argv element stays one element. */
export function substitutePrompt(argv: string[], prompt: string): string[] {
  return argv.map((arg) => arg.split(PROMPT_PLACEHOLDER).join(prompt));
}

/** The inverse of parseCommandLine: argv as text to edit, quoting only where a word needs it. */
export function formatCommandLine(argv: readonly string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_\-+=.,:/@%{}]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

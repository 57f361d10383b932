/**
 * Claude Code: hooks in a settings file passed with `--settings`, which Claude adds to the
 * user's own hooks (it does not replace them). PermissionRequest fires as a permission dialog
 * opens; Stop (and StopFailure) when a turn ends; UserPromptSubmit when a prompt is taken.
 * In an interactive session Claude runs no hook until the folder is trusted (trust.ts).
 */
import path from 'node:path';
import { hookCommand, type HookWiring, type WiringContext } from './hook-wiring';
import { writeIfChanged } from './write-if-changed';

/** Seconds Claude gives a hook. Ours only sends one line to the engine. */
const TIMEOUT_S = 15;

export function claudeSettings(ctx: WiringContext): object {
  const run = (event: string) => [{ hooks: [{ type: 'command', command: hookCommand(ctx, event), timeout: TIMEOUT_S }] }];
  return {
    hooks: {
      PermissionRequest: [{ matcher: '*', hooks: run('needs-input')[0]!.hooks }],
      Stop: run('turn-end'),
      StopFailure: run('turn-end'),
      UserPromptSubmit: run('working'),
    },
  };
}

export function claudeWiring(ctx: WiringContext): HookWiring {
  const file = path.join(ctx.hooksDir, 'claude-settings.json');
  writeIfChanged(file, `${JSON.stringify(claudeSettings(ctx), null, 2)}\n`);
  return { args: ['--settings', file], env: {} };
}

/**
 * Codex: `notify` runs a program with a JSON argument after every turn (its thread id and last
 * message); approvals are announced as OSC 9 in the terminal, which ptyd reads. Both come as
 * `-c` overrides, which Codex reads as TOML values. Any such override also makes the TUI run
 * its own app server rather than attach to a shared one; the profile passes `--no-daemon` too.
 */
import { type HookWiring, type WiringContext } from './hook-wiring';

/** A TOML basic string: JSON's string syntax is a subset of it. */
const toml = (s: string): string => JSON.stringify(s);

export function codexWiring(ctx: WiringContext): HookWiring {
  const notify = `notify=[${[ctx.launcher, 'hook', 'turn-end'].map(toml).join(',')}]`;
  const args = ['-c', notify];
  if (ctx.interactive) {
    // "Approval requested: <command>" as OSC 9, even though Codex believes its terminal focused.
    args.push('-c', 'tui.notifications=["approval-requested"]', '-c', 'tui.notification_method="osc9"', '-c', 'tui.notification_condition="always"');
  }
  return { args, env: {} };
}

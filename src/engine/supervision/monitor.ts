/**
 * Watches running agents for "needs input": every second it reads each running agent's screen
 * from ptyd. For agents without hooks it applies the heuristic (needs-input.ts): the flag is
 * raised once the agent is quiet for the configured period with a prompt on screen, and cleared
 * when the agent prints again or the user types (or sends feedback).
 *
 * Once an agent's own hooks have spoken for its run, they say when it waits, and the screen is
 * no longer judged (a TUI redraws its input box after every turn; only the hook knows why). A
 * flag a hook raised is cleared by the user typing, a "working" hook, feedback, or the run
 * ending; never by output, since TUIs draw while they wait.
 */
import { notWaiting, type FlagSource, type Task } from '../../shared/task';
import type { EngineContext } from '../context';
import { Ticker } from './ticker';
import { waitsForInput } from './needs-input';

/** Where a flagged agent stood when it was flagged: new output or input after this clears it. */
interface Flagged {
  seq: number | null;
  inputBytes: number | null;
  /** Output before this time still counts as the flagging (the CLI printing its own result). */
  absorbUntil: number;
  /** Raised by a hook: only input clears it, not output. */
  byHook: boolean;
}

/** After `switchyard notify needs-input`, output this soon after is the CLI's or hook's own. */
const NOTIFY_GRACE_MS = 3000;

export class NeedsInputMonitor {
  private readonly ticker: Ticker;
  private readonly flagged = new Map<string, Flagged>();
  /** Tasks whose input is being delivered right now: their screen is ours, not the agent's. */
  private readonly paused = new Set<string>();
  /** Tasks whose flag the user dismissed, with the output offset then: not again until it moves. */
  private readonly dismissed = new Map<string, number | null>();
  /** Tasks whose hooks have spoken, with the session they spoke for: the screen is not judged. */
  private readonly hooked = new Map<string, string | null>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly onRaised: (task: Task) => void,
    intervalMs = 1000,
  ) {
    this.ticker = new Ticker(intervalMs, () => this.tick());
  }

  start(): void {
    this.ticker.start();
  }

  stop(): void {
    this.ticker.stop();
  }

  pause(taskId: string): void {
    this.paused.add(taskId);
    this.flagged.delete(taskId);
  }

  resume(taskId: string): void {
    this.paused.delete(taskId);
  }

  /** The user dismissed the flag: do not raise it again for the same quiet screen. */
  dismiss(taskId: string): void {
    this.flagged.delete(taskId);
    this.dismissed.set(taskId, null);
  }

  /** The agent said it waits (a hook, or `switchyard notify needs-input`): watch for it to move on. */
  agentWaits(taskId: string, source: FlagSource = 'notify'): void {
    const flagged: Flagged = { seq: null, inputBytes: null, absorbUntil: Date.now() + NOTIFY_GRACE_MS, byHook: source === 'hook' };
    this.flagged.set(taskId, flagged);
    // What was typed so far, read now: an answer typed before the next tick must clear the flag.
    const session = this.ctx.store.task(taskId).sessionId;
    const client = this.ctx.ptyd();
    if (!session || !client) return;
    void client
      .text(session)
      .then((s) => {
        if (this.flagged.get(taskId) === flagged && flagged.inputBytes === null) flagged.inputBytes = s.inputBytes;
      })
      .catch(() => {});
  }

  /**
   * Whether the user typed since the agent's flag went up (unknown counts as yes): a turn that
   * ends while its question is still unanswered was a side turn, not the agent's.
   */
  async typedSinceFlag(taskId: string): Promise<boolean> {
    const f = this.flagged.get(taskId);
    const session = this.ctx.store.task(taskId).sessionId;
    const client = this.ctx.ptyd();
    if (!f || f.inputBytes === null || !session || !client) return true;
    const s = await client.text(session).catch(() => null);
    return !s || s.inputBytes > f.inputBytes;
  }

  /** The agent's hooks reported on this run: they, not the screen, say when it waits. */
  hooksSpeak(taskId: string): void {
    this.hooked.set(taskId, this.ctx.store.task(taskId).sessionId);
  }

  tick(): Promise<void> {
    return this.ticker.run(async () => {
      const running = this.ctx.store.tasksInStates(['running']);
      const ids = new Set(running.map((t) => t.id));
      for (const id of this.flagged.keys()) if (!ids.has(id)) this.flagged.delete(id);
      for (const id of this.dismissed.keys()) if (!ids.has(id)) this.dismissed.delete(id);
      for (const id of this.hooked.keys()) if (!ids.has(id)) this.hooked.delete(id);
      for (const task of running) await this.check(task);
    });
  }

  private async check(task: Task): Promise<void> {
    const client = this.ctx.ptyd();
    if (!task.sessionId || !client || this.paused.has(task.id)) return;
    // An older ptyd without the text op, or a session just gone: nothing to judge this time.
    const s = await client.text(task.sessionId).catch(() => null);
    if (!s?.alive) return;
    // Re-read after the await: the task may have moved on meanwhile.
    const now = this.ctx.store.task(task.id);
    if (now.state !== 'running' || now.sessionId !== task.sessionId || this.paused.has(task.id)) return;

    if (now.flags.needsInput || now.flags.yourTurn) {
      const f = this.flagged.get(task.id);
      const byHook = f?.byHook ?? now.flags.needsInputSource === 'hook';
      if (!f || Date.now() < f.absorbUntil || f.seq === null || f.inputBytes === null) {
        // Output in the grace period is the reporter's own; input from the first look on is the user's.
        const inputBytes = f?.inputBytes ?? s.inputBytes;
        if (s.inputBytes <= inputBytes || !f) {
          this.flagged.set(task.id, { seq: s.seq, inputBytes, absorbUntil: f?.absorbUntil ?? 0, byHook });
          return;
        }
      }
      if (s.inputBytes > (f.inputBytes ?? s.inputBytes) || (!byHook && f.seq !== null && s.seq > f.seq)) {
        this.flagged.delete(task.id);
        this.ctx.taskChanged(this.ctx.store.patchTask(task.id, { flags: notWaiting(now.flags) }));
      }
      return;
    }
    if (this.hooked.has(task.id) && this.hooked.get(task.id) === now.sessionId) return;
    if (this.dismissed.has(task.id)) {
      const at = this.dismissed.get(task.id);
      if (at === null || at === undefined || s.seq <= at) {
        this.dismissed.set(task.id, at ?? s.seq);
        return;
      }
      this.dismissed.delete(task.id);
    }
    if (!waitsForInput({ lines: s.lines, quietMs: s.quietMs, cursorRow: s.cursorRow }, this.ctx.settings().needsInputQuietMs)) return;
    this.flagged.set(task.id, { seq: s.seq, inputBytes: s.inputBytes, absorbUntil: 0, byHook: false });
    const flaggedTask = this.ctx.taskChanged(this.ctx.store.patchTask(task.id, { flags: { ...now.flags, needsInput: true, needsInputSource: 'screen' } }));
    this.onRaised(flaggedTask);
  }
}

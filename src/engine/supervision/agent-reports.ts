/**
 * What an agent reports about its own task through `switchyard notify`, once the notify server
 * has checked its token: "needs input" raises the flag, "done" and messages are kept in the
 * task's history and shown on its card. None of them changes the task's state: the agent's
 * exit does that.
 */
import { NOTIFY_PROTOCOL_VERSION, type NotifyRequest } from '../../shared/notify-protocol';
import { SwitchyardError } from '../../shared/errors';
import { notWaiting, type FlagSource, type Task } from '../../shared/task';
import { isCustomAgent } from '../../shared/agents';
import { NOTIFICATION_MEANS_INPUT } from '../agents/wiring/hook-wiring';
import type { EngineContext } from '../context';
import type { Attention } from './attention';
import type { NeedsInputMonitor } from './monitor';
import { hashNotifyToken, tokensEqual } from './notify-token';

export class AgentReports {
  constructor(
    private readonly ctx: EngineContext,
    private readonly monitor: NeedsInputMonitor,
    private readonly attention: Attention,
    /** A live agent reported done: the verify gate may take it from here. */
    private readonly onDone: (taskId: string) => void = () => {},
  ) {}

  authenticate(taskId: string, token: string): boolean {
    let expected: string | null;
    try {
      expected = this.ctx.store.notifyToken(taskId);
    } catch {
      return false;
    }
    // Compare even when the task has no token, so timing says nothing about which tasks exist.
    const ok = tokensEqual(hashNotifyToken(token), expected ?? '\0no token');
    return ok && expected !== null;
  }

  async handle(req: NotifyRequest): Promise<string> {
    const { store } = this.ctx;
    let task = store.task(req.taskId);
    if (task.cleanedUp || task.state === 'done') throw new SwitchyardError('bad-state', `the task is ${task.state === 'done' ? 'merged' : 'cleaned up'}; nothing to report on`);
    const message = req.message?.trim() || null;
    const source: FlagSource = req.source === 'hook' ? 'hook' : 'notify';
    if (req.agentSession && req.agentSession !== task.agentSession) task = store.patchTask(task.id, { agentSession: req.agentSession });
    // A hook speaking for a live agent: from now on the hooks, not the screen, say when it waits.
    if (source === 'hook' && task.state === 'running') this.monitor.hooksSpeak(task.id);
    switch (req.kind) {
      case 'needs-input': {
        if (message) store.addMessage(task.id, 'notify', `Needs input: ${message}`);
        if (task.state !== 'running') {
          this.changed(store.patchTask(task.id, { flags: { ...task.flags, message: message ?? task.flags.message } }));
          return `noted; the task is ${task.state}, so it is not flagged`;
        }
        const was = task.flags.needsInput;
        const flags = { ...task.flags, needsInput: true, needsInputSource: source, yourTurn: false, message: message ?? task.flags.message };
        const flagged = this.changed(store.patchTask(task.id, { flags }));
        this.monitor.agentWaits(task.id, source);
        if (!was) this.attention.raise(flagged, 'needs-input', message ?? 'Needs your input');
        return 'flagged: needs input';
      }
      case 'turn-end': {
        if (task.state !== 'running') return `noted; the task is ${task.state}`;
        // A question a hook raised and nobody has answered is still open: a turn that ended
        // meanwhile was a side turn (Codex naming its thread reports one), not the agent's.
        if (task.flags.needsInput && task.flags.needsInputSource === 'hook' && !(await this.monitor.typedSinceFlag(task.id))) return 'noted; the agent still waits on its question';
        const text = message ? `Turn ended: ${message}` : 'Turn ended';
        store.addMessage(task.id, 'notify', text);
        const was = task.flags.yourTurn;
        const flagged = this.changed(store.patchTask(task.id, { flags: { ...notWaiting(task.flags), yourTurn: true, message: message ?? task.flags.message } }));
        this.monitor.agentWaits(task.id, source);
        if (!was) this.attention.raise(flagged, 'your-turn', message ? `Your turn: ${message}` : 'Your turn: the agent waits for your next message');
        return 'flagged: your turn';
      }
      case 'working': {
        if (task.state === 'running' && (task.flags.needsInput || task.flags.yourTurn)) this.changed(store.patchTask(task.id, { flags: notWaiting(task.flags) }));
        return 'noted: working';
      }
      case 'done': {
        const text = message ? `Done: ${message}` : 'Done';
        store.addMessage(task.id, 'notify', text);
        const updated = this.changed(store.patchTask(task.id, { flags: { ...task.flags, message: text } }));
        // Only a live agent's "done" calls the user over; a late report on an ended task is just noted.
        if (task.state === 'running') {
          this.attention.raise(updated, 'finished', `The agent reports: ${text}`);
          this.onDone(task.id);
        }
        return 'recorded: done';
      }
      case 'message': {
        if (!message) throw new SwitchyardError('invalid-input', 'the message is empty');
        store.addMessage(task.id, 'notify', message);
        this.changed(store.patchTask(task.id, { flags: { ...task.flags, message } }));
        return 'recorded: message';
      }
    }
  }

  /**
   * A notification an agent sent its terminal (OSC 9). For agents whose wiring asks for them
   * (Codex's "Approval requested: …"), it is their needs-input hook; for others, a message.
   */
  terminalNotification(session: string, text: string): void {
    const task = this.ctx.store.taskBySession(session);
    if (!task || task.sessionId !== session || task.state !== 'running') return;
    const profile = isCustomAgent(task.agent) ? null : this.ctx.agents.profiles(this.ctx.store.project(task.projectId).path).profiles.find((p) => p.profile.id === task.agent.profile)?.profile;
    const meansInput = profile?.wireHooks === true && NOTIFICATION_MEANS_INPUT.includes(profile.id);
    void this.handle({ v: NOTIFY_PROTOCOL_VERSION, op: 'notify', taskId: task.id, token: '', kind: meansInput ? 'needs-input' : 'message', message: text, source: meansInput ? 'hook' : 'notify' }).catch(() => {});
  }

  private changed(task: Task): Task {
    return this.ctx.taskChanged(task);
  }
}

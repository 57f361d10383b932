/**
 * Feedback for the agent. A running agent gets it typed in and submitted; an agent that has
 * exited is restarted in the same worktree with it as its prompt. Either way the task runs again.
 */
import { useRef, useState, type FormEvent } from 'react';
import type { Task } from '../../shared/task';
import type { Api } from '../api/client';
import { useToast } from '../toasts';
import { Dialog } from './Dialog';

export function FeedbackDialog({ api, task, onClose }: { api: Api; task: Task; onClose(): void }) {
  const toast = useToast();
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const running = task.state === 'running' || task.state === 'verifying';

  // A double Ctrl+Enter must not send twice: the state update comes a render too late.
  const inFlight = useRef(false);
  const send = async (e?: FormEvent): Promise<void> => {
    e?.preventDefault();
    if (inFlight.current || !message.trim()) return;
    inFlight.current = true;
    setBusy(true);
    setError(null);
    try {
      const r = await api.call('tasks.feedback', { taskId: task.id, message });
      if (r.delivery === 'typed-unconfirmed') {
        toast('error', `The feedback was typed into “${task.title}”, but the agent did not visibly take it. Check its terminal.`);
      } else {
        toast('success', r.delivery === 'restarted' ? `“${task.title}” restarted with your feedback.` : `The agent took your feedback.`);
      }
      onClose();
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
      inFlight.current = false;
    }
  };

  return (
    <Dialog title={`Feedback for “${task.title}”`} onClose={onClose} wide>
      <form
        className="new-task"
        onSubmit={(e) => void send(e)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !busy) void send();
        }}
      >
        <p className="muted">
          {running
            ? 'The agent is running: your feedback is typed into its terminal and submitted, then Switchyard checks that it was taken.'
            : 'The agent has exited: it is restarted in the same worktree with your feedback as its prompt, resuming its session where it can.'}
        </p>
        <label className="field">
          <span>Feedback</span>
          <textarea autoFocus value={message} onChange={(e) => setMessage(e.target.value)} rows={6} aria-label="Feedback" placeholder="What should the agent change?" />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <span className="muted hint">
            <kbd>Ctrl</kbd>+<kbd>Enter</kbd> to send
          </span>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || !message.trim()}>
            {busy ? 'Sending…' : 'Send to agent'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/**
 * Plan with agent: a goal and an agent; the engine runs the agent non-interactively on the
 * repository and checks its answer against the plan schema (asking once more with the errors).
 * It can take minutes, so the dialog shows the time it has been going and can stay open. A
 * valid proposal opens in the editor, not yet created; otherwise each attempt's raw output and
 * errors are shown.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { CUSTOM_PROFILE_ID, SHELL_PROFILE_ID } from '../../shared/agents';
import type { PlannerAttempt } from '../../shared/contract';
import type { PlanFile } from '../../shared/plan';
import { PROMPT_PLACEHOLDER, type Project } from '../../shared/task';
import type { Api } from '../api/client';
import { AgentSelect, NotInstalled, agentsOrBuiltins, selectable, useAgentList } from './AgentSelect';
import { Dialog } from './Dialog';
import '../styles/plan-editor.css';

const GOAL_KEY = 'switchyard.plannerGoal';

interface Props {
  api: Api;
  project: Project;
  onClose(): void;
  /** `warnings`: what the engine took out of the proposal for the user to decide. */
  onProposal(plan: PlanFile, warnings: string[]): void;
}

function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

export function PlannerDialog({ api, project, onClose, onProposal }: Props) {
  const [goal, setGoal] = useState(() => sessionStorage.getItem(GOAL_KEY) ?? '');
  const agentList = useAgentList(api, project.id);
  const agents = agentsOrBuiltins(agentList.list).filter((a) => a.profile.id !== SHELL_PROFILE_ID);
  const [profile, setProfile] = useState('');
  const [command, setCommand] = useState('');
  const [started, setStarted] = useState<number | null>(null);
  const [now, setNow] = useState(Date.now());
  const [attempts, setAttempts] = useState<PlannerAttempt[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const live = useRef(true);
  useEffect(() => () => void (live.current = false), []);

  // The first installed agent, until the user picks one.
  useEffect(() => {
    if (profile !== '' || !agentList.list) return;
    const first = agentList.list.agents.find((a) => a.installed && selectable(a) && a.profile.id !== SHELL_PROFILE_ID && a.profile.id !== CUSTOM_PROFILE_ID);
    setProfile(first?.profile.id ?? CUSTOM_PROFILE_ID);
  }, [agentList.list, profile]);

  useEffect(() => {
    if (started === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [started]);

  const running = started !== null;
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    sessionStorage.setItem(GOAL_KEY, goal);
    setError(null);
    setAttempts(null);
    setStarted(Date.now());
    setNow(Date.now());
    try {
      const agent = profile === CUSTOM_PROFILE_ID ? { profile: CUSTOM_PROFILE_ID, command } : { profile };
      const r = await api.call('plans.propose', { projectId: project.id, goal, agent });
      if (!live.current) return;
      if (r.status === 'ok') {
        sessionStorage.removeItem(GOAL_KEY);
        onProposal(r.plan, r.warnings ?? []);
      } else setAttempts(r.attempts);
    } catch (err) {
      if (live.current) setError((err as Error).message);
    } finally {
      if (live.current) setStarted(null);
    }
  };

  return (
    <Dialog title={`Plan with an agent in ${project.name}`} onClose={onClose} wide>
      <form className="new-task planner" onSubmit={(e) => void submit(e)}>
        <label className="field">
          <span>Goal</span>
          <textarea
            autoFocus
            rows={5}
            value={goal}
            onChange={(e) => setGoal(e.target.value)}
            placeholder="Users can sign in with email and password; add the endpoint, the form and an end-to-end test."
            aria-label="Goal"
            disabled={running}
          />
        </label>
        <label className="field">
          <span>Agent</span>
          <AgentSelect agents={agents} detected={agentList.list !== null} value={profile} onChange={setProfile} ariaLabel="Planner agent" disabled={running} />
        </label>
        {profile === CUSTOM_PROFILE_ID && (
          <label className="field">
            <span>Command</span>
            <input className="mono" value={command} onChange={(e) => setCommand(e.target.value)} placeholder={`my-agent --print ${PROMPT_PLACEHOLDER}`} aria-label="Command" spellCheck={false} disabled={running} />
          </label>
        )}
        <NotInstalled agents={agentList.list?.agents ?? []} />
        <p className="muted planner-note">
          The agent reads the repository in a throwaway worktree and answers with a plan. Nothing is created: the proposal opens in the editor for you to change and approve.
        </p>
        {running && (
          <div className="planner-progress" role="status" data-testid="planner-running">
            <span className="planner-spinner" aria-hidden />
            <span>
              The agent is planning… <span className="mono">{elapsed(now - started)}</span>
            </span>
            <span className="muted">This can take a few minutes.</span>
          </div>
        )}
        {error && (
          <pre className="form-error import-plan-error" role="alert">
            {error}
          </pre>
        )}
        {attempts && (
          <div className="planner-attempts" data-testid="planner-invalid">
            <p className="form-error">
              The agent’s answer was not a valid plan{attempts.length > 1 ? `, ${attempts.length} times` : ''}. Here is what it said:
            </p>
            {attempts.map((a, i) => (
              <details key={i} className="planner-attempt" open={i === attempts.length - 1}>
                <summary>
                  Attempt {i + 1}
                  {a.exitCode !== null && a.exitCode !== 0 ? ` · exit ${a.exitCode}` : ''} · {a.errors.length} error{a.errors.length === 1 ? '' : 's'}
                </summary>
                {a.errors.length > 0 && (
                  <ul className="form-error">
                    {a.errors.map((e, j) => (
                      <li key={j}>{e}</li>
                    ))}
                  </ul>
                )}
                <pre className="mono">{a.output || '(no output)'}</pre>
              </details>
            ))}
          </div>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose} title={running ? 'Close: the cockpit stays usable; this answer is then dropped' : undefined}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={running || !goal.trim() || !profile || (profile === CUSTOM_PROFILE_ID && !command.trim())}>
            {running ? 'Planning…' : attempts ? 'Try again' : 'Propose a plan'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

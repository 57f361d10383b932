import { WaitingFlag } from './WaitingFlag';
import { BUILTIN_PROFILES } from '../../shared/agent-catalog';
import { isCustomAgent, type AgentSpec } from '../../shared/agents';
import { parseCommandLine } from '../../shared/command-line';
import type { Project, Task } from '../../shared/task';
import { timeAgo } from '../format';
import { StateBadge } from './StateBadge';
import { GateEscalated, GateMark } from './GateMark';
import '../styles/attempts.css';
import '../styles/sessions.css';

export function agentLabel(task: Task): string {
  return agentSpecLabel(task.agent);
}

/** A profile's name, or for a custom command line the program (or the script it runs). */
export function agentSpecLabel(agent: AgentSpec): string {
  if (!isCustomAgent(agent)) return [AGENT_NAMES.get(agent.profile) ?? agent.profile, agent.model].filter(Boolean).join(' · ');
  try {
    const [exe, ...args] = parseCommandLine(agent.command);
    const name = exe?.split('/').pop() || 'Custom';
    // "node script.mjs": the script says more than the interpreter.
    const script = INTERPRETERS.includes(name) ? args.find((a) => !a.startsWith('-')) : undefined;
    return script ? script.split('/').pop()! : name;
  } catch {
    return 'Custom';
  }
}

const INTERPRETERS = ['node', 'python', 'python3', 'bash', 'sh', 'zsh', 'deno', 'bun', 'ruby', 'perl'];

const AGENT_NAMES = new Map(BUILTIN_PROFILES.map((p) => [p.id, p.name]));

/** A two-letter monogram stands in for the agent's icon. */
function agentMonogram(label: string): string {
  const words = label.split(/[\s-]+/).filter(Boolean);
  return ((words[0]?.[0] ?? '?') + (words[1]?.[0] ?? words[0]?.[1] ?? '')).toUpperCase();
}

interface Props {
  task: Task;
  project: Project | null;
  /** How many attempts the task's group has, where the board knows (the card says "attempt 2/3"). */
  attemptCount?: number;
  /** The name of the task's plan, where the board shows more than that plan (else the card says only "#key"). */
  planName?: string | null;
  selected: boolean;
  open: boolean;
  onSelect(): void;
  onOpen(): void;
  onDragStart(): void;
  onDragEnd(): void;
}

export function TaskCard({ task, project, attemptCount, planName, selected, open, onSelect, onOpen, onDragStart, onDragEnd }: Props) {
  const label = agentLabel(task);
  const needsInput = task.flags.needsInput;
  const waiting = needsInput || task.flags.yourTurn;
  const gate = task.gate.verify !== null || task.gate.review !== null || task.state === 'verifying';
  // A plan task that does not run yet says why ("waiting for #a", "scope overlaps #c", "cap reached").
  const planWaiting = task.plan?.waiting && (task.state === 'blocked' || task.state === 'queued') ? task.plan.waiting : null;
  // An interrupted agent waits for the user to resume or restart it.
  const interrupted = task.state === 'interrupted';
  const flagged = interrupted || waiting || task.flags.deliveryUnconfirmed || task.flags.conflicts.length > 0 || task.flags.worktreeMissing || task.flags.stuck || task.flags.overBudget;
  return (
    <button
      className={`card card-${task.state}${selected ? ' card-selected' : ''}${open ? ' card-open' : ''}${needsInput ? ' card-needs-input' : ''}${task.flags.yourTurn && !needsInput ? ' card-your-turn' : ''}${interrupted ? ' card-interrupted' : ''}${task.gate.escalated ? ' card-escalated' : ''}`}
      onClick={() => {
        onSelect();
        onOpen();
      }}
      onFocus={onSelect}
      data-task-id={task.id}
      aria-current={open}
      draggable
      onDragStart={(e) => {
        e.dataTransfer.setData('text/plain', task.title);
        e.dataTransfer.effectAllowed = 'move';
        onDragStart();
      }}
      onDragEnd={onDragEnd}
    >
      <div className="card-top">
        <span className="card-title">{task.title}</span>
        {task.attemptIndex !== null && <span className="card-attempt" title="One of several attempts at the same prompt">attempt {task.attemptIndex}{attemptCount ? `/${attemptCount}` : ''}</span>}
        {/* While verifying, the gate's mark below says so, with its spinner. */}
        {task.state !== 'verifying' && <StateBadge state={task.state} exitCode={task.exitCode} compact />}
      </div>
      {(gate || flagged || task.gate.escalated) && (
        <div className="card-flags">
          {task.gate.escalated ? <GateEscalated task={task} /> : <GateMark task={task} />}
          {interrupted && (
            <span className="flag flag-interrupted" data-testid="flag-interrupted" title={task.stateReason ?? 'The agent’s session was lost'}>
              Session lost · resume or restart
            </span>
          )}
          {task.flags.stuck && (
            <span className="flag flag-stuck" data-testid="flag-stuck" title="No output and no file changes for a while">
              stuck
            </span>
          )}
          {task.flags.overBudget && (
            <span className="flag flag-budget" data-testid="flag-over-budget" title="The agent ran past the task’s time budget">
              over budget
            </span>
          )}
          {task.flags.conflicts.length > 0 && (
            <span className="flag flag-warn" title={task.flags.conflicts.join('\n')}>
              Conflicts · {task.flags.conflicts.length}
            </span>
          )}
          {task.flags.worktreeMissing && <span className="flag flag-warn">Worktree missing</span>}
          <WaitingFlag task={task} />
          {task.flags.deliveryUnconfirmed && <span className="flag flag-warn">Feedback not confirmed</span>}
        </div>
      )}
      {task.flags.message && !waiting && (
        <div className="card-message" title={task.flags.message}>
          {task.flags.message}
        </div>
      )}
      <div className="card-meta">
        <span className="card-agent" title={isCustomAgent(task.agent) ? task.agent.command : label}>
          <span className="agent-mark" aria-hidden>
            {agentMonogram(label)}
          </span>
          {label}
        </span>
        {task.diffStat && task.diffStat.files > 0 && (
          <span className="counts" title={`${task.diffStat.files} file(s) changed`}>
            <span className="add">+{task.diffStat.additions}</span>
            <span className="del">−{task.diffStat.deletions}</span>
          </span>
        )}
        <span className="card-time" title={`In this state since ${new Date(task.stateChangedAt).toLocaleString()}`}>
          {timeAgo(task.stateChangedAt)}
        </span>
      </div>
      {planWaiting && (
        <div className="card-waiting" data-testid="plan-waiting" title={planWaiting}>
          {planWaiting}
        </div>
      )}
      {(task.branch || project || task.plan) && (
        <div className="card-branch" title={task.branch ?? undefined}>
          {project && <span className="card-project">{project.name}</span>}
          {task.plan && (
            <span className="card-plan" title={planName ? `Task #${task.plan.key} of the plan “${planName}”` : `Task #${task.plan.key} of this plan`}>
              {planName && <span className="card-plan-name">{planName}</span>}#{task.plan.key}
            </span>
          )}
          {task.branch}
        </div>
      )}
    </button>
  );
}

/**
 * Choosing a task's agent: every profile for the repository, with what is installed. Missing
 * agents are listed as "not installed" (with how to install them) and cannot be chosen; the
 * shell and a custom command always can.
 */
import { useCallback, useEffect, useState } from 'react';
import { BUILTIN_PROFILES } from '../../shared/agent-catalog';
import { CUSTOM_PROFILE_ID, SHELL_PROFILE_ID, type AgentList, type DetectedAgent } from '../../shared/agents';
import type { Api } from '../api/client';
import '../styles/agents.css';

export interface AgentListState {
  /** Null until the engine has answered. */
  list: AgentList | null;
  error: string | null;
  refresh(): Promise<void>;
}

/** The profiles for a repository (null: global), detected by the engine. */
export function useAgentList(api: Api, projectId: string | null): AgentListState {
  const [list, setList] = useState<AgentList | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const load = (): void => {
      api.call('agents.list', projectId ? { projectId } : {}).then(
        (l) => live && setList(l),
        (err: Error) => live && setError(err.message),
      );
    };
    load();
    // A version probe answered after the list did: show what it found.
    const off = api.transport.onEvent((e) => e.type === 'agents' && load());
    return () => {
      live = false;
      off();
    };
  }, [api, projectId]);
  const refresh = useCallback(async () => {
    setError(null);
    try {
      setList(await api.call('agents.refresh', projectId ? { projectId } : {}));
    } catch (err) {
      setError((err as Error).message);
    }
  }, [api, projectId]);
  return { list, error, refresh };
}

/** Whether a profile can be picked for a task now. */
export function selectable(a: DetectedAgent): boolean {
  return a.installed || a.profile.id === SHELL_PROFILE_ID || a.profile.id === CUSTOM_PROFILE_ID;
}

/** While detection runs, the built-ins stand in (all selectable: the engine checks at start). */
export function agentsOrBuiltins(list: AgentList | null): DetectedAgent[] {
  return list?.agents ?? BUILTIN_PROFILES.map((profile) => ({ profile, installed: true, path: null, version: null, probe: 'pending' as const, probeNote: null, source: 'builtin' as const }));
}

/** What the version probe left us with, for an installed agent without a version: null when nothing needs saying. */
export function probeSummary(a: DetectedAgent): string | null {
  if (!a.installed || a.version) return null;
  if (a.probe === 'pending') return 'checking version…';
  if (a.probe === 'timed-out') return 'version check timed out';
  if (a.probe === 'failed') return 'version unknown';
  return null;
}

function label(a: DetectedAgent, detected: boolean): string {
  if (a.profile.id === CUSTOM_PROFILE_ID) return 'Custom command…';
  if (a.profile.id === SHELL_PROFILE_ID) return 'Shell — your login shell';
  if (!detected) return a.profile.name;
  if (!a.installed) return `${a.profile.name} — not installed`;
  if (a.version) return `${a.profile.name} ${a.version}`;
  const probe = probeSummary(a);
  return probe ? `${a.profile.name} — ${probe}` : a.profile.name;
}

interface Props {
  agents: DetectedAgent[];
  detected: boolean;
  value: string;
  onChange(id: string): void;
  ariaLabel?: string;
  disabled?: boolean;
  /** A first choice with the value '' ("the plan's default", say). */
  emptyLabel?: string;
}

export function AgentSelect({ agents, detected, value, onChange, ariaLabel = 'Agent', disabled, emptyLabel }: Props) {
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} aria-label={ariaLabel} disabled={disabled}>
      {emptyLabel !== undefined && <option value="">{emptyLabel}</option>}
      {agents.map((a) => (
        <option key={a.profile.id} value={a.profile.id} disabled={detected && !selectable(a)} title={a.installed ? [a.path, a.probeNote].filter(Boolean).join(' — ') || undefined : a.profile.installHint}>
          {label(a, detected)}
        </option>
      ))}
    </select>
  );
}

/** The agents that are missing, each with how to install it. */
export function NotInstalled({ agents }: { agents: DetectedAgent[] }) {
  const missing = agents.filter((a) => !selectable(a));
  if (missing.length === 0) return null;
  return (
    <details className="agents-missing">
      <summary className="muted">Not installed: {missing.map((a) => a.profile.name).join(', ')}</summary>
      <ul>
        {missing.map((a) => (
          <li key={a.profile.id}>
            {a.profile.name}: <code className="mono">{a.profile.installHint}</code>
          </li>
        ))}
      </ul>
    </details>
  );
}

/**
 * A plan's tasks as a graph: dagre lays the DAG out (left to right, parents first), edges are
 * SVG paths, nodes are buttons placed where the layout puts them. A node shows the task's id and
 * title and, once the plan exists, its live state, why it waits, and its flags; a node with a
 * warning (an unordered scope overlap) is marked.
 */
import dagre from '@dagrejs/dagre';
import { useMemo } from 'react';
import type { Task } from '../../shared/task';
import { GateMark } from './GateMark';
import { StateBadge } from './StateBadge';

export interface GraphNode {
  id: string;
  title: string;
  depends_on: readonly string[];
  /** The live task, once the plan exists. */
  task?: Task | null;
  /** Comes in done (a closed issue): counts as merged. */
  done?: boolean;
  /** A warning to mark the node with (hover text). */
  warning?: string | null;
}

interface Props {
  nodes: readonly GraphNode[];
  selected?: string | null;
  onSelect?(id: string): void;
  /** Whether the tasks run (states are shown) or are being drawn. */
  label?: string;
}

const NODE_W = 220;
const NODE_H = 64;
const MARGIN = 16;

interface Layout {
  width: number;
  height: number;
  nodes: Map<string, { x: number; y: number }>;
  edges: { from: string; to: string; points: { x: number; y: number }[] }[];
}

/** Left to right, unless that is too wide for the page and top to bottom is narrower. */
const MAX_WIDE = 1000;

/** Lays out a shape key (JSON of [id, parents] pairs), so live updates never move the boxes. */
function layout(shape: string): Layout {
  const wide = layoutAs(shape, 'LR');
  if (wide.width <= MAX_WIDE) return wide;
  const tall = layoutAs(shape, 'TB');
  return tall.width < wide.width ? tall : wide;
}

function layoutAs(shape: string, rankdir: 'LR' | 'TB'): Layout {
  // The shape is JSON: any text a user types in an id survives it.
  const nodes = (JSON.parse(shape) as [string, string[]][]).map(([id, depends_on]) => ({ id, depends_on }));
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir, nodesep: rankdir === 'LR' ? 18 : 24, ranksep: rankdir === 'LR' ? 56 : 40, marginx: MARGIN, marginy: MARGIN });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set<string>();
  for (const n of nodes) {
    if (ids.has(n.id)) continue;
    ids.add(n.id);
    g.setNode(n.id, { width: NODE_W, height: NODE_H });
  }
  for (const n of nodes) for (const d of new Set(n.depends_on)) if (ids.has(d) && d !== n.id) g.setEdge(d, n.id);
  dagre.layout(g);
  const out: Layout = { width: (g.graph().width as number | undefined) ?? 0, height: (g.graph().height as number | undefined) ?? 0, nodes: new Map(), edges: [] };
  for (const id of g.nodes()) {
    const n = g.node(id) as { x: number; y: number };
    out.nodes.set(id, { x: n.x - NODE_W / 2, y: n.y - NODE_H / 2 });
  }
  for (const e of g.edges()) out.edges.push({ from: e.v, to: e.w, points: ((g.edge(e) as { points?: { x: number; y: number }[] }).points ?? []).slice() });
  return out;
}

/** A smooth path through dagre's points. */
function pathOf(points: { x: number; y: number }[]): string {
  if (points.length === 0) return '';
  let d = `M${points[0]!.x},${points[0]!.y}`;
  if (points.length === 2) return `${d} L${points[1]!.x},${points[1]!.y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i]!;
    const next = points[i + 1]!;
    const mid = i === points.length - 2 ? next : { x: (p.x + next.x) / 2, y: (p.y + next.y) / 2 };
    d += ` Q${p.x},${p.y} ${mid.x},${mid.y}`;
  }
  return d;
}

export function PlanGraph({ nodes, selected, onSelect, label = 'Plan graph' }: Props) {
  // Layout depends on the graph's shape only, not on live states.
  const shape = JSON.stringify(nodes.map((n) => [n.id, n.depends_on]));
  const l = useMemo(() => layout(shape), [shape]);
  const selectedEdges = new Set(selected ? l.edges.filter((e) => e.from === selected || e.to === selected).map((e) => `${e.from}>${e.to}`) : []);
  if (nodes.length === 0) return <div className="plan-graph-empty muted">No tasks yet.</div>;
  return (
    <div className="plan-graph" role="group" aria-label={label}>
      <div className="plan-graph-canvas" style={{ width: l.width, height: l.height }}>
        <svg width={l.width} height={l.height} className="plan-graph-edges" aria-hidden>
          <defs>
            <marker id="plan-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" className="plan-graph-arrow" />
            </marker>
            <marker id="plan-arrow-hi" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" className="plan-graph-arrow-hi" />
            </marker>
          </defs>
          {l.edges.map((e) => {
            const hi = selectedEdges.has(`${e.from}>${e.to}`);
            return <path key={`${e.from}>${e.to}`} d={pathOf(e.points)} className={`plan-graph-edge${hi ? ' plan-graph-edge-hi' : ''}`} markerEnd={`url(#${hi ? 'plan-arrow-hi' : 'plan-arrow'})`} data-edge={`${e.from}>${e.to}`} />;
          })}
        </svg>
        {nodes.map((n) => {
          const pos = l.nodes.get(n.id);
          if (!pos) return null;
          const t = n.task ?? null;
          const state = t?.state ?? (n.done ? 'done' : null);
          const cls = ['plan-node', state ? `plan-node-${state}` : 'plan-node-draft', selected === n.id ? 'plan-node-selected' : '', n.warning ? 'plan-node-warn' : ''].filter(Boolean).join(' ');
          return (
            <button
              key={n.id}
              type="button"
              className={cls}
              style={{ left: pos.x, top: pos.y, width: NODE_W, height: NODE_H }}
              onClick={() => onSelect?.(n.id)}
              aria-pressed={selected === n.id}
              data-node={n.id}
              data-state={state ?? 'draft'}
              title={[`#${n.id} ${n.title}`, t?.plan?.waiting, n.warning].filter(Boolean).join('\n')}
            >
              <span className="plan-node-top">
                <span className="plan-node-id mono">#{n.id}</span>
                {n.warning && (
                  <span className="plan-node-warnmark" data-testid="overlap-warning" aria-label="warning">
                    ⚠
                  </span>
                )}
                <span className="plan-node-spacer" />
                {t ? <StateBadge state={t.state} exitCode={t.exitCode} /> : n.done ? <span className="badge badge-done">Done</span> : null}
              </span>
              <span className="plan-node-title">{n.title || <em className="muted">untitled</em>}</span>
              {t && (
                <span className="plan-node-flags">
                  {t.plan?.waiting && (t.state === 'blocked' || t.state === 'queued') && <span className="plan-node-waiting">{t.plan.waiting}</span>}
                  <GateMark task={t} />
                  {t.flags.stuck && <span className="flag flag-stuck">stuck</span>}
                  {t.flags.needsInput && <span className="flag flag-warn">needs input</span>}
                </span>
              )}
            </button>
          );
        })}
      </div>
    </div>
  );
}

export type TasksView = 'list' | 'graph';

/** List or graph: the plan page's and the editor's switch. */
export function ViewToggle({ view, onChange, label, className = '' }: { view: TasksView; onChange(v: TasksView): void; label: string; className?: string }) {
  return (
    <div className={`view-toggle ${className}`} role="tablist" aria-label={label}>
      {(['list', 'graph'] as const).map((v) => (
        <button key={v} role="tab" aria-selected={view === v} className={view === v ? 'active' : ''} onClick={() => onChange(v)}>
          {v === 'list' ? 'List' : 'Graph'}
        </button>
      ))}
    </div>
  );
}

/** Projects and tasks, loaded once and then kept live from engine events. */
import { useCallback, useEffect, useState } from 'react';
import type { Project, Task } from '../shared/task';
import type { Api } from './api/client';
import type { ConnectionState } from './api/transport';

export interface EngineState {
  projects: Project[];
  tasks: Map<string, Task>;
  connection: ConnectionState;
  loaded: boolean;
  upsertTask(task: Task): void;
  addProject(project: Project): void;
}

export function useEngineState(api: Api): EngineState {
  const [projects, setProjects] = useState<Project[]>([]);
  const [tasks, setTasks] = useState<Map<string, Task>>(new Map());
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const [loaded, setLoaded] = useState(false);

  const upsertTask = useCallback((task: Task) => {
    setTasks((prev) => {
      const cur = prev.get(task.id);
      if (cur && cur.updatedAt > task.updatedAt) return prev;
      const next = new Map(prev);
      next.set(task.id, task);
      return next;
    });
  }, []);

  const addProject = useCallback((project: Project) => {
    setProjects((prev) => (prev.some((p) => p.id === project.id) ? prev : [...prev, project]));
  }, []);

  useEffect(() => {
    const offEvent = api.transport.onEvent((e) => {
      if (e.type === 'task') upsertTask(e.task);
      else if (e.type === 'project') addProject(e.project);
    });
    const reload = async (): Promise<void> => {
      const [ps, ts] = await Promise.all([api.call('projects.list', {}), api.call('tasks.list', {})]);
      setProjects(ps);
      // Events that arrived while the list was on its way may be newer than the list.
      setTasks((prev) => {
        const next = new Map(ts.map((t) => [t.id, t]));
        for (const [id, cur] of prev) {
          const fetched = next.get(id);
          if (fetched && cur.updatedAt > fetched.updatedAt) next.set(id, cur);
        }
        return next;
      });
      setLoaded(true);
    };
    // Load on every (re)connect: events missed while disconnected are not replayed.
    const offConn = api.transport.onConnection((s) => {
      setConnection(s);
      if (s === 'open') void reload().catch(() => {});
    });
    return () => {
      offEvent();
      offConn();
    };
  }, [api, upsertTask, addProject]);

  return { projects, tasks, connection, loaded, upsertTask, addProject };
}

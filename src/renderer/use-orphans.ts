/**
 * Sessions in the terminal daemon that no task owns (a restored database, a task deleted while
 * its agent ran): loaded at every (re)connect and kept live from the engine's 'orphans' event.
 */
import { useCallback, useEffect, useState } from 'react';
import type { OrphanSession } from '../shared/contract';
import type { Api } from './api/client';

export interface OrphansState {
  orphans: OrphanSession[];
  /** Drops one from the list at once (after it was adopted or killed), before the event says so. */
  forget(session: string): void;
}

export function useOrphans(api: Api): OrphansState {
  const [orphans, setOrphans] = useState<OrphanSession[]>([]);

  useEffect(() => {
    // Each load is numbered: an answer older than the last event is not applied over it.
    let version = 0;
    const offEvent = api.transport.onEvent((e) => {
      if (e.type !== 'orphans') return;
      version++;
      setOrphans(e.orphans);
    });
    const load = (): void => {
      const asked = ++version;
      api.call('sessions.orphans', {}).then(
        (list) => asked === version && setOrphans(list),
        // An engine that cannot list them has none to show; the board must not suffer for it.
        () => asked === version && setOrphans([]),
      );
    };
    const offConn = api.transport.onConnection((s) => {
      if (s === 'open') load();
    });
    return () => {
      offEvent();
      offConn();
    };
  }, [api]);

  const forget = useCallback((session: string) => setOrphans((list) => list.filter((o) => o.session !== session)), []);
  return { orphans, forget };
}

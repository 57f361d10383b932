/** The task's live terminal: fits its pane, takes typing, replays from ptyd's mirror. */
import { useEffect, useRef, useState } from 'react';
import { AttachedTerminal } from '../terminal/attached-terminal';
import type { TerminalChannel } from '../terminal/channel';
import { TERMINAL_THEMES, type ThemeName } from '../theme';

export function TerminalView({ channel, session, theme }: { channel: TerminalChannel; session: string; theme: ThemeName }) {
  const host = useRef<HTMLDivElement>(null);
  const term = useRef<AttachedTerminal | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!host.current) return;
    const t = new AttachedTerminal(channel, session, host.current, TERMINAL_THEMES[theme], { onError: setError });
    term.current = t;
    t.focus();
    return () => {
      t.dispose();
      term.current = null;
    };
    // The theme is applied below without re-attaching.
  }, [channel, session]);

  useEffect(() => term.current?.setTheme(TERMINAL_THEMES[theme]), [theme]);

  return (
    <div className="terminal-wrap">
      {error && <div className="terminal-error">{error}</div>}
      <div className="terminal-host" ref={host} data-session={session} />
    </div>
  );
}

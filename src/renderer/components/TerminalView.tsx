/** A task's live terminal: fits its pane, takes typing, replays from ptyd's mirror, and searches. */
import { useEffect, useRef, useState } from 'react';
import { AttachedTerminal } from '../terminal/attached-terminal';
import type { TerminalChannel } from '../terminal/channel';
import { TERMINAL_THEMES, type ThemeName } from '../theme';

interface Props {
  channel: TerminalChannel;
  session: string;
  theme: ThemeName;
  scrollback?: number;
  /** Changing it focuses the terminal. */
  focusToken?: number;
  /** Whether to take the keyboard when it opens (the grid's panes do not). */
  autoFocus?: boolean;
}

export function TerminalView({ channel, session, theme, scrollback = 5000, focusToken = 0, autoFocus = true }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const term = useRef<AttachedTerminal | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [searching, setSearching] = useState(false);
  const [query, setQuery] = useState('');

  useEffect(() => {
    if (!host.current) return;
    const t = new AttachedTerminal(channel, session, host.current, TERMINAL_THEMES[theme], {
      onError: setError,
      onSearchRequest: () => setSearching(true),
      scrollback,
    });
    term.current = t;
    if (autoFocus) t.focus();
    return () => {
      t.dispose();
      term.current = null;
    };
    // The theme and scrollback are applied below without re-attaching.
  }, [channel, session]);

  useEffect(() => term.current?.setTheme(TERMINAL_THEMES[theme]), [theme]);
  useEffect(() => term.current?.setScrollback(scrollback), [scrollback]);
  useEffect(() => {
    if (focusToken > 0) term.current?.focus();
  }, [focusToken]);

  return (
    <div className="terminal-wrap">
      {error && <div className="terminal-error">{error}</div>}
      {searching && (
        <div className="terminal-search" role="search">
          <input
            autoFocus
            value={query}
            placeholder="Find in terminal"
            aria-label="Find in terminal"
            onChange={(e) => {
              setQuery(e.target.value);
              term.current?.find(e.target.value, 'next', true);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') term.current?.find(query, e.shiftKey ? 'previous' : 'next');
              if (e.key === 'Escape') {
                e.stopPropagation();
                setSearching(false);
                term.current?.clearSearch();
                term.current?.focus();
              }
            }}
          />
          <button className="btn btn-small" onClick={() => term.current?.find(query, 'previous')} aria-label="Previous match">
            ↑
          </button>
          <button className="btn btn-small" onClick={() => term.current?.find(query, 'next')} aria-label="Next match">
            ↓
          </button>
          <button
            className="btn btn-small btn-ghost"
            onClick={() => {
              setSearching(false);
              term.current?.clearSearch();
            }}
            aria-label="Close search"
          >
            ×
          </button>
        </div>
      )}
      <div className="terminal-host" ref={host} data-session={session} />
    </div>
  );
}

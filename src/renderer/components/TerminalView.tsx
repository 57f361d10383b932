/**
 * A task's terminal: fits its pane, takes typing, replays from ptyd's mirror, and searches. A
 * session that has ended keeps what it printed, read-only, with a short note saying so.
 */
import { useEffect, useRef, useState } from 'react';
import { AttachedTerminal } from '../terminal/attached-terminal';
import type { TerminalChannel } from '../terminal/channel';
import { TERMINAL_THEMES, type ThemeName } from '../theme';
import '../styles/sessions.css';

interface Props {
  channel: TerminalChannel;
  session: string;
  theme: ThemeName;
  scrollback?: number;
  /** Changing it focuses the terminal. */
  focusToken?: number;
  /** Whether to take the keyboard when it opens (the grid's panes do not). */
  autoFocus?: boolean;
  /**
   * Whether the session should still be running (its task's agent is). When it turns false
   * without the terminal having seen the session exit (the daemon died under it), the
   * terminal attaches again and is served what the session left.
   */
  live?: boolean;
  /** Said when the session has ended, instead of its exit status (e.g. why an interrupted task's session is gone). */
  endedNote?: string;
}

/** What an interrupted task's terminal says under what its agent printed. */
export const INTERRUPTED_NOTE = 'Session lost · this is what the agent printed before it stopped';

/** How a session ended, as the terminal's note says it. */
export function endedText(exitCode: number | null, signal: number | null): string {
  if (signal) return `Session ended · killed by signal ${signal}`;
  if (exitCode !== null) return `Session ended · exit code ${exitCode}`;
  return 'Session ended';
}

export function TerminalView({ channel, session, theme, scrollback = 5000, focusToken = 0, autoFocus = true, live = true, endedNote }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const term = useRef<AttachedTerminal | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [ended, setEnded] = useState<string | null>(null);
  const endedSeen = useRef(false);
  const [searching, setSearching] = useState(false);
  const [query, setQuery] = useState('');

  useEffect(() => {
    if (!host.current) return;
    setError(null);
    setEnded(null);
    endedSeen.current = false;
    const t = new AttachedTerminal(channel, session, host.current, TERMINAL_THEMES[theme], {
      onError: setError,
      onExit: (code, signal) => {
        endedSeen.current = true;
        setError(null);
        setEnded(endedText(code, signal));
      },
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

  // The session went away under a live terminal (no exit reached it): ask for what it left.
  const wasLive = useRef(live);
  useEffect(() => {
    if (wasLive.current && !live && !endedSeen.current) {
      setError(null);
      term.current?.reattach();
    }
    wasLive.current = live;
  }, [live]);

  useEffect(() => term.current?.setTheme(TERMINAL_THEMES[theme]), [theme]);
  useEffect(() => term.current?.setScrollback(scrollback), [scrollback]);
  useEffect(() => {
    if (focusToken > 0) term.current?.focus();
  }, [focusToken]);

  return (
    <div className="terminal-wrap">
      {error && live && <div className="terminal-error">{error}</div>}
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
      <div className="terminal-host" ref={host} data-session={session} data-ended={ended ? 'true' : undefined} />
      {(ended || (error && !live)) && (
        // A session that is over is not an error to fix, even when its output was not kept.
        <div className="terminal-ended" role="status" data-testid="terminal-ended" title={error ?? undefined}>
          <span className="terminal-ended-mark" aria-hidden />
          {endedNote ?? ended ?? 'Session ended'}
          {error && !ended && ' · its output is no longer available'}
          <span className="terminal-ended-ro">read-only</span>
        </div>
      )}
    </div>
  );
}

/** Dark and light themes: the app's CSS variables switch by data-theme; xterm and Monaco get matching palettes. */
import { useEffect, useState } from 'react';
import type { ITheme } from '@xterm/xterm';
import { TERMINAL_PALETTES, type ThemeName } from '../shared/terminal-colors';

export type { ThemeName };

export type ThemeChoice = 'system' | ThemeName;

function systemTheme(): ThemeName {
  return window.matchMedia?.('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

/** The theme to draw: the user's choice, or the OS's, following the OS as it changes. */
export function useResolvedTheme(choice: ThemeChoice): ThemeName {
  const [system, setSystem] = useState<ThemeName>(systemTheme);
  useEffect(() => {
    const mq = window.matchMedia?.('(prefers-color-scheme: light)');
    if (!mq) return;
    const onChange = (): void => setSystem(systemTheme());
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, []);
  const theme = choice === 'system' ? system : choice;
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return theme;
}

/** The shared palettes, which ptyd also answers colour queries with. */
export const TERMINAL_THEMES: Record<ThemeName, ITheme> = TERMINAL_PALETTES;

export const MONACO_THEMES: Record<ThemeName, string> = { dark: 'switchyard-dark', light: 'switchyard-light' };

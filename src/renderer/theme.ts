/** Dark and light themes: the app's CSS variables switch by data-theme; xterm and Monaco get matching palettes. */
import { useEffect, useState } from 'react';
import type { ITheme } from '@xterm/xterm';

export type ThemeName = 'dark' | 'light';

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

export const TERMINAL_THEMES: Record<ThemeName, ITheme> = {
  dark: {
    background: '#0b0d12',
    foreground: '#d6dae3',
    cursor: '#8ab4ff',
    cursorAccent: '#0b0d12',
    selectionBackground: '#2b3a55',
    black: '#1b1f27', red: '#f07178', green: '#9ece6a', yellow: '#e0af68',
    blue: '#7aa2f7', magenta: '#bb9af7', cyan: '#7dcfff', white: '#c0caf5',
    brightBlack: '#565f89', brightRed: '#ff8b92', brightGreen: '#b9f27c', brightYellow: '#ffc777',
    brightBlue: '#8db0ff', brightMagenta: '#c7a9ff', brightCyan: '#a4daff', brightWhite: '#e6ebff',
  },
  light: {
    background: '#fbfbfc',
    foreground: '#24292f',
    cursor: '#0b63d6',
    cursorAccent: '#fbfbfc',
    selectionBackground: '#c8ddff',
    black: '#24292f', red: '#cf222e', green: '#116329', yellow: '#8a5a00',
    blue: '#0550ae', magenta: '#8250df', cyan: '#1b7c83', white: '#6e7781',
    brightBlack: '#57606a', brightRed: '#a40e26', brightGreen: '#1a7f37', brightYellow: '#7d4e00',
    brightBlue: '#0969da', brightMagenta: '#a475f9', brightCyan: '#3192aa', brightWhite: '#8c959f',
  },
};

export const MONACO_THEMES: Record<ThemeName, string> = { dark: 'switchyard-dark', light: 'switchyard-light' };

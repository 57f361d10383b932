/**
 * The terminal palettes of the dark and light themes. The UI draws terminals with them, and
 * ptyd answers programs' colour queries (OSC 4/10/11/12) with them, so an agent that asks for
 * the background colour before any window is open still learns the right one.
 */
export type ThemeName = 'dark' | 'light';

export interface TerminalPalette {
  background: string;
  foreground: string;
  cursor: string;
  cursorAccent: string;
  selectionBackground: string;
  black: string;
  red: string;
  green: string;
  yellow: string;
  blue: string;
  magenta: string;
  cyan: string;
  white: string;
  brightBlack: string;
  brightRed: string;
  brightGreen: string;
  brightYellow: string;
  brightBlue: string;
  brightMagenta: string;
  brightCyan: string;
  brightWhite: string;
}

export const TERMINAL_PALETTES: Record<ThemeName, TerminalPalette> = {
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

const ANSI_ORDER = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'] as const;

/** Colour `index` (0–255) of the palette as [r, g, b]: the theme's 16, then xterm's cube and greys. */
export function paletteColor(p: TerminalPalette, index: number): [number, number, number] {
  if (index < 8) return hexToRgb(p[ANSI_ORDER[index]!]);
  if (index < 16) {
    const name = ANSI_ORDER[index - 8]!;
    return hexToRgb(p[`bright${name[0]!.toUpperCase()}${name.slice(1)}` as keyof TerminalPalette]);
  }
  if (index < 232) {
    const i = index - 16;
    const level = (v: number): number => (v === 0 ? 0 : 55 + v * 40);
    return [level(Math.floor(i / 36)), level(Math.floor(i / 6) % 6), level(i % 6)];
  }
  const grey = 8 + (index - 232) * 10;
  return [grey, grey, grey];
}

export function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1, 7), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

/** As xterm answers colour queries: `rgb:rrrr/gggg/bbbb`, 16 bits a channel. */
export function xtermRgb([r, g, b]: [number, number, number]): string {
  const c = (v: number): string => v.toString(16).padStart(2, '0').repeat(2);
  return `rgb:${c(r)}/${c(g)}/${c(b)}`;
}

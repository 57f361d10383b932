/**
 * The theme the user sees, as the UI resolved it ("system" is the OS's, which only a window
 * knows), passed to ptyd so that programs asking their terminal for its colours get the
 * palette they will be drawn with. The last window to say wins; before any says, the theme
 * setting when it names one, else dark.
 */
import type { ThemeName } from '../../shared/terminal-colors';
import type { PtydClient } from '../ptyd/client';

export class TerminalTheme {
  private theme: ThemeName;

  constructor(
    initial: ThemeName,
    private readonly ptyd: () => PtydClient | null,
  ) {
    this.theme = initial;
  }

  get current(): ThemeName {
    return this.theme;
  }

  async set(theme: ThemeName): Promise<void> {
    this.theme = theme;
    // A ptyd that is reconnecting learns it in `tell`.
    await this.ptyd()?.setTheme(theme).catch(() => {});
  }

  /** A new connection to ptyd learns the theme first. */
  async tell(client: PtydClient): Promise<void> {
    await client.setTheme(this.theme);
  }
}

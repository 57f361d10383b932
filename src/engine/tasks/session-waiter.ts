/**
 * Waiting for ptyd sessions the engine runs to an end (setup, teardown, verify, the reviewer):
 * ptyd reports every exit to the engine, which hands it here first. A lost ptyd connection
 * ends the wait as an exit with no code.
 */
import type { PtydClient } from '../ptyd/client';

export type SessionExit = { exitCode: number | null; signal: number | null };

export class SessionWaiter {
  private readonly waiting = new Map<string, (exit: SessionExit) => void>();

  /** Call before spawning, so an exit that comes at once is not missed. */
  wait(session: string, ptyd: PtydClient): Promise<SessionExit> {
    return new Promise((resolve) => {
      const onClose = (): void => {
        if (this.waiting.delete(session)) resolve({ exitCode: null, signal: null });
      };
      ptyd.once('close', onClose);
      this.waiting.set(session, (exit) => {
        ptyd.off('close', onClose);
        resolve(exit);
      });
    });
  }

  /** Stops waiting (the spawn failed). */
  forget(session: string): void {
    this.waiting.delete(session);
  }

  /** ptyd reported an exit: true if a wait here took it. */
  onExit(session: string, exitCode: number | null, signal: number | null): boolean {
    const resolve = this.waiting.get(session);
    if (!resolve) return false;
    this.waiting.delete(session);
    resolve({ exitCode, signal });
    return true;
  }
}

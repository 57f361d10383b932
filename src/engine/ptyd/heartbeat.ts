/**
 * Tells a hung ptyd from a busy engine, after VS Code's pty host heartbeat. The client pings
 * every `intervalMs`, and anything ptyd sends counts as a sign of life. A period of
 * `timeoutMs` without one is not yet death: ptyd is declared dead only after two such periods
 * in a row. And a period during which this process itself was not running — its timer fired
 * much later than due, because the event loop was blocked or the machine slept — proves
 * nothing (ptyd's answers may be waiting unread in the socket), so it is measured again.
 */

export interface HeartbeatOptions {
  intervalMs: number;
  timeoutMs: number;
  /** Sends a ping; its answer arrives as a sign of life. */
  ping: () => void;
  /** Called once, when ptyd is declared dead; the heartbeat has stopped by then. */
  onDead: () => void;
}

export const DEFAULT_HEARTBEAT_MS = 5_000;
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 15_000;

/** Periods without a sign of life, measured while running, that make ptyd dead. */
const PERIODS_TO_DEATH = 2;

export class Heartbeat {
  private readonly pinger: NodeJS.Timeout;
  private watchdog: NodeJS.Timeout | null = null;
  /** When the watchdog is due to fire. */
  private dueAt = 0;
  private sawLife = false;
  private lastLifeAt = Date.now();
  /** Quiet periods in a row, each measured while this process ran. */
  private quietPeriods = 0;
  private stopped = false;

  constructor(private readonly options: HeartbeatOptions) {
    this.pinger = setInterval(() => options.ping(), options.intervalMs);
    this.pinger.unref();
    this.arm(options.timeoutMs);
  }

  /** A frame from ptyd arrived. Cheap: it is called for every one. */
  alive(): void {
    this.sawLife = true;
    this.lastLifeAt = Date.now();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.pinger);
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = null;
  }

  /** Wall-clock time throughout: a monotonic clock stands still while the machine sleeps, and sleep is what must show. */
  private arm(delayMs: number): void {
    this.dueAt = Date.now() + delayMs;
    this.watchdog = setTimeout(() => this.check(), delayMs);
    this.watchdog.unref();
  }

  private check(): void {
    if (this.stopped) return;
    const now = Date.now();
    const { timeoutMs } = this.options;
    const sawLife = this.sawLife;
    this.sawLife = false;
    if (sawLife) this.quietPeriods = 0;
    // Fired more than half a period late: this process was not running, so the period proves
    // nothing either way (answers may sit unread in the socket). Measure a whole one again.
    if (now - this.dueAt > timeoutMs / 2) {
      this.arm(timeoutMs);
      return;
    }
    if (sawLife) {
      // The next period runs from the last sign of life.
      this.arm(Math.max(0, this.lastLifeAt + timeoutMs - now));
      return;
    }
    this.quietPeriods++;
    if (this.quietPeriods >= PERIODS_TO_DEATH) {
      this.stop();
      this.options.onDead();
      return;
    }
    this.arm(timeoutMs);
  }
}

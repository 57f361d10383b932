/**
 * A periodic check that never overlaps itself: a run that is still going when the next tick
 * comes is left alone. A failing run is dropped quietly (the store closed under it while the
 * engine shut down); the next engine checks again.
 */
export class Ticker {
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly intervalMs: number,
    /** What a tick does: the owner's check, which runs its body through run(). */
    private readonly onTick: () => Promise<void>,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.onTick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Runs `body` now, unless a run is under way. */
  async run(body: () => Promise<void>): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await body();
    } catch {
      // see above
    } finally {
      this.running = false;
    }
  }
}

/**
 * One operation at a time per task. Two windows (or the desktop app and a browser) may press
 * Start, Merge or Remove at once; without this, two agents could run in one worktree.
 */
export class TaskLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(taskId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(taskId) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => {});
    this.tails.set(taskId, tail);
    void tail.then(() => {
      if (this.tails.get(taskId) === tail) this.tails.delete(taskId);
    });
    return next;
  }
}

/**
 * The parent's handle on an engine running in its own process (engine-child.ts): start it,
 * call the contract, kill it with SIGKILL at any moment.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { RpcResponse } from '../../src/shared/contract';
import { ROOT } from '../launches';

const CHILD = path.join(ROOT, 'test', 'chaos', 'engine-child.ts');

export class EngineProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private stderr = '';
  readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    child.stderr?.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-8000);
    });
    child.on('message', (raw) => {
      const res = raw as RpcResponse;
      const p = this.pending.get(res.id);
      if (!p) return;
      this.pending.delete(res.id);
      if (res.ok) p.resolve(res.output);
      else p.reject(Object.assign(new Error(res.error.message), { code: res.error.code }));
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        for (const p of this.pending.values()) p.reject(new Error('the engine process died'));
        this.pending.clear();
        resolve();
      }),
    );
  }

  static start(dataDir: string, timeoutMs = 60_000): Promise<EngineProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const engine = new EngineProcess(child);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the engine did not start in ${timeoutMs} ms:\n${engine.stderr}`));
      }, timeoutMs);
      child.once('message', () => {
        clearTimeout(timer);
        resolve(engine);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the engine exited before it was ready (${code ?? signal}):\n${engine.stderr}`));
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  call<T>(method: string, input: unknown = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, method, input });
    });
  }

  /** SIGKILL: no clean-up, no last writes, as a crash or `kill -9` would leave things. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** A clean stop: the engine closes; agents keep running in ptyd. */
  async stop(): Promise<void> {
    this.child.disconnect();
    await this.exited;
  }
}

/**
 * A Switchyard engine in a process of its own, for the chaos tests: the parent calls the
 * contract over IPC, as a UI would, and kills this process with SIGKILL whenever it likes.
 * `node --import tsx test/chaos/engine-child.ts <dataDir>`; it sends {ready} once started.
 */
import { Engine } from '../../src/engine/engine';
import { dispatch } from '../../src/shared/dispatch';
import { CLI_FROM_SOURCE, HERMETIC_SHELL_ENV, PTYD_FROM_SOURCE } from '../launches';

export interface ChildCall {
  id: number;
  method: string;
  input: unknown;
}

const dataDir = process.argv[2];
if (!dataDir || !process.send) {
  process.stderr.write('usage: engine-child.ts <dataDir> (run with an IPC channel)\n');
  process.exit(2);
}

const engine = await Engine.start({
  dataDir,
  ptydLaunch: PTYD_FROM_SOURCE,
  cliLaunch: CLI_FROM_SOURCE,
  cols: 100,
  rows: 30,
  agentEnv: HERMETIC_SHELL_ENV,
});
const handlers = engine.handlers();
process.on('message', (raw) => {
  const call = raw as ChildCall;
  if (call.method === 'test.snapshot') {
    void snapshotThroughRelay(call.input as string).then(
      (output) => process.send?.({ id: call.id, ok: true, output }),
      (err: unknown) => process.send?.({ id: call.id, ok: false, error: { code: 'internal', message: String(err) } }),
    );
    return;
  }
  void dispatch(handlers, call.id, call.method, call.input).then((res) => process.send?.(res));
});

/** What a window attaching now is sent, through the engine's own terminal relay (bytes as base64). */
function snapshotThroughRelay(session: string): Promise<{ cols: number; rows: number; data: string }> {
  return new Promise((resolve, reject) => {
    const relay = engine.openTerminalChannel((msg, payload) => {
      if (msg.t === 'snapshot') {
        relay.close();
        resolve({ cols: msg.cols, rows: msg.rows, data: Buffer.from(payload ?? new Uint8Array()).toString('base64') });
      } else if (msg.t === 'error') {
        relay.close();
        reject(new Error(msg.message));
      }
    });
    relay.handle({ t: 'attach', sub: 1, session }, new Uint8Array());
  });
}
// The parent going away (a test that failed) takes this engine with it; agents stay in ptyd.
process.on('disconnect', () => void engine.close().finally(() => process.exit(0)));
process.send({ ready: true, pid: process.pid });

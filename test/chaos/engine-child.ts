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
  void dispatch(handlers, call.id, call.method, call.input).then((res) => process.send?.(res));
});
// The parent going away (a test that failed) takes this engine with it; agents stay in ptyd.
process.on('disconnect', () => void engine.close().finally(() => process.exit(0)));
process.send({ ready: true, pid: process.pid });

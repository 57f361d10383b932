/**
 * ptyd entry point: `node ptyd.js --socket <path> [--log <file>]`.
 * Started detached by the engine; it outlives the engine so agents keep running.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PtydServer } from './server';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const socketPath = arg('--socket');
if (!socketPath) {
  process.stderr.write('usage: ptyd --socket <path> [--log <file>]\n');
  process.exit(2);
}
const logFile = arg('--log');
const log = (line: string): void => {
  const text = `${new Date().toISOString()} ptyd[${process.pid}] ${line}\n`;
  if (logFile) fs.appendFileSync(logFile, text);
  else process.stderr.write(text);
};

// The engine may die at any time; ptyd must not go with it.
process.on('SIGHUP', () => log('SIGHUP ignored'));
process.on('uncaughtException', (err) => log(`uncaught: ${err.stack ?? String(err)}`));

const server = new PtydServer({ socketPath, idleExitMs: 5 * 60_000, log });
process.on('SIGTERM', () => void server.shutdown());
server.listen().then(
  () => {
    // The pid file lets tools (and tests) find and stop this daemon.
    fs.writeFileSync(path.join(path.dirname(socketPath), 'ptyd.pid'), String(process.pid), { mode: 0o600 });
    log(`listening on ${socketPath}`);
  },
  (err: unknown) => {
    log(`cannot listen: ${String(err)}`);
    process.exit(1);
  },
);

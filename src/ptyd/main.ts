/**
 * ptyd entry point:
 *   node ptyd.js --socket <path> [--log <file>] [--session-logs <dir>]
 *                [--idle-exit-ms N] [--exit-retention-ms N] [--session-log-rotate-bytes N]
 * Started detached by the engine; it outlives the engine so agents keep running. The numbers
 * have production defaults; tests pass small ones.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PTYD_PID_FILE } from '../shared/ptyd-protocol';
import { DEFAULT_EXIT_RETENTION_MS, DEFAULT_IDLE_EXIT_MS, PtydServer } from './server';

const USAGE =
  'usage: ptyd --socket <path> [--log <file>] [--session-logs <dir>] [--idle-exit-ms N] [--exit-retention-ms N] [--session-log-rotate-bytes N]\n';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function numberArg(name: string, fallback: number | undefined): number | undefined {
  const raw = arg(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`ptyd: ${name} takes a positive whole number, not ${JSON.stringify(raw)}\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

const socketPath = arg('--socket');
if (!socketPath) {
  process.stderr.write(USAGE);
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

const server = new PtydServer({
  socketPath,
  idleExitMs: numberArg('--idle-exit-ms', DEFAULT_IDLE_EXIT_MS),
  exitRetentionMs: numberArg('--exit-retention-ms', DEFAULT_EXIT_RETENTION_MS),
  sessionLogDir: arg('--session-logs'),
  sessionLogRotateBytes: numberArg('--session-log-rotate-bytes', undefined),
  log,
});
process.on('SIGTERM', () => void server.shutdown());
server.listen().then(
  () => {
    // The pid file lets tools (and tests) find and stop this daemon.
    fs.writeFileSync(path.join(path.dirname(socketPath), PTYD_PID_FILE), String(process.pid), { mode: 0o600 });
    log(`listening on ${socketPath}`);
  },
  (err: unknown) => {
    log(`cannot listen: ${String(err)}`);
    process.exit(1);
  },
);

/**
 * `switchyard serve`: the engine behind the loopback server, for browser mode, for watching a
 * remote box from a laptop, and for the end-to-end tests. Built to out/main/serve.js.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Engine } from '../engine/engine';
import { defaultDataDir } from '../engine/paths';
import { startLoopbackServer } from './http-server';
import { loadOrCreateToken, rotateToken } from './token';
import { siblingLaunch } from '../engine/launches';
import { removeServerFile, writeServerFile } from '../engine/server-file';
import { UNEXPECTED_ERROR_MARK } from '../shared/errors';
import pkg from '../../package.json';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_PORT = 4178;

const USAGE = `usage: switchyard serve [--port N] [--data-dir DIR] [--rotate-token] [--headless] [--replace-ptyd]

  --port N         port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free one)
  --data-dir DIR   where projects, tasks and the token live (default: your user data folder,
                   or $SWITCHYARD_DATA_DIR)
  --rotate-token   make a new token; open browser tabs must reconnect with the new URL
  --headless       run the engine for the CLI and scripts (switchyard plan …, switchyard task …),
                   without needing the UI to be built; the cockpit is still served if it is
  --replace-ptyd   stop a terminal daemon left by another Switchyard version even though it
                   still runs agents (their tasks show as interrupted, to resume or restart)
`;

const describeError = (err: unknown): string => (err instanceof Error ? (err.stack ?? err.message) : String(err));

// A background job's failure (a git call, a check) is logged, not fatal: the cockpit and the
// terminals of every other task stay connected. The agents themselves live in ptyd either way.
process.on('unhandledRejection', (reason: unknown) => {
  process.stderr.write(`${UNEXPECTED_ERROR_MARK} (still serving): ${describeError(reason)}\n`);
});
// A thrown one may have left the engine half-way through something: say so, and stop. The
// agents keep running in ptyd, and the next start picks them up.
process.on('uncaughtException', (err: unknown) => {
  process.stderr.write(`${UNEXPECTED_ERROR_MARK}, stopping: ${describeError(err)}\n`);
  process.exit(1);
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'rotate-token': { type: 'boolean' },
      'ready-file': { type: 'string' },
      headless: { type: 'boolean' },
      'replace-ptyd': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const dataDir = values['data-dir'] ? path.resolve(values['data-dir']) : defaultDataDir();
  const requestedPort = values.port !== undefined ? Number(values.port) : DEFAULT_PORT;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    process.stderr.write(`switchyard: --port must be a number from 0 to 65535\n${USAGE}`);
    process.exit(2);
  }
  const staticRoot = path.join(HERE, '..', 'renderer');
  if (!values.headless && !fs.existsSync(path.join(staticRoot, 'index.html'))) {
    process.stderr.write(`switchyard: the UI is not built (no ${staticRoot}/index.html). Run "npm run build".\n`);
    process.exit(1);
  }

  const engine = await Engine.start({
    dataDir,
    version: pkg.version,
    mode: 'browser',
    replacePtyd: values['replace-ptyd'] === true,
    ptydLaunch: siblingLaunch(HERE, 'ptyd'),
    cliLaunch: siblingLaunch(HERE, 'cli'),
  });
  const token = values['rotate-token'] ? rotateToken(dataDir) : loadOrCreateToken(dataDir);

  let server;
  try {
    server = await startLoopbackServer({ engine, token, staticRoot, port: requestedPort });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE' && values.port === undefined) {
      server = await startLoopbackServer({ engine, token, staticRoot, port: 0 });
      process.stdout.write(`Port ${DEFAULT_PORT} is in use; using ${server.port} instead.\n`);
    } else {
      await engine.close();
      throw err;
    }
  }

  if (values.headless) {
    // No URL: it holds the token, and a headless server's output usually goes to a log file.
    process.stdout.write(`Switchyard ${pkg.version} is running headless on 127.0.0.1:${server.port} (drive it with switchyard plan …, switchyard task …)\n`);
  } else {
    process.stdout.write(`Switchyard ${pkg.version} is serving the cockpit on 127.0.0.1:${server.port}\n`);
    process.stdout.write(`  Open: ${server.url}\n`);
  }
  process.stdout.write(`  Data: ${dataDir}\n`);
  process.stdout.write(`Agents run in a background daemon and keep running if this server stops. Ctrl-C to stop serving.\n`);
  // Where the CLI finds this server (the token it reads from its own file).
  writeServerFile(dataDir, { pid: process.pid, port: server.port, headless: values.headless === true });
  // The ready file holds the token: private to the user, like the token file itself.
  if (values['ready-file']) {
    // Written whole, then renamed: whoever waits for the file never reads half of it.
    const tmp = `${values['ready-file']}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ port: server.port, url: server.url }), { mode: 0o600 });
    fs.renameSync(tmp, values['ready-file']);
  }

  const stop = async (): Promise<void> => {
    removeServerFile(dataDir, process.pid);
    await server.close();
    await engine.close();
    process.exit(0);
  };
  // A stop that fails still stops: the process must not linger with its server closed.
  const stopOrExit = (): void => {
    stop().catch((err: unknown) => {
      process.stderr.write(`${UNEXPECTED_ERROR_MARK} while stopping: ${describeError(err)}\n`);
      process.exit(1);
    });
  };
  process.once('SIGINT', stopOrExit);
  process.once('SIGTERM', stopOrExit);
}

main().catch((err: unknown) => {
  process.stderr.write(`switchyard: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

/**
 * What an agent's environment gets so it can report on its task: a notify token (new for each
 * run; the task keeps only its hash), the notify socket, and PATH with the folder of
 * the `switchyard` launcher first. SWITCHYARD_TASK_ID and SWITCHYARD_WORKTREE are set by the runner.
 */
import path from 'node:path';
import { TASK_ENV } from '../../shared/notify-protocol';
import type { EngineContext } from '../context';
import { cliBinDir } from './cli-launcher';
import { notifySocketPath } from './notify-server';
import { hashNotifyToken, newNotifyToken } from './notify-token';

export function notifyEnv(ctx: Pick<EngineContext, 'store' | 'options'>, taskId: string, basePath: string | undefined): Record<string, string> {
  const { store, options } = ctx;
  const token = newNotifyToken();
  store.setNotifyToken(taskId, hashNotifyToken(token));
  const env: Record<string, string> = { [TASK_ENV.token]: token, [TASK_ENV.socket]: notifySocketPath(options.dataDir) };
  if (options.cliLaunch) env.PATH = [cliBinDir(options.dataDir), basePath].filter((p) => p).join(path.delimiter);
  return env;
}

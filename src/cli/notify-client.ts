/** Sends one notify request over the engine's notify socket and reads the one-line answer. */
import net from 'node:net';
import { NOTIFY_LINE_MAX, notifyResponseSchema, type NotifyRequest, type NotifyResponse } from '../shared/notify-protocol';

export class NotifyUnreachable extends Error {}

export function sendNotify(socketPath: string, req: NotifyRequest, timeoutMs = 5000): Promise<NotifyResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    let answer = '';
    const fail = (err: Error): void => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () => fail(new NotifyUnreachable(`no answer from the engine within ${timeoutMs / 1000} s`)));
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.write(`${JSON.stringify(req)}\n`));
    socket.on('data', (chunk: string) => {
      answer += chunk;
      if (answer.length > NOTIFY_LINE_MAX) fail(new Error('the engine’s answer is too long'));
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const gone = err.code === 'ENOENT' || err.code === 'ECONNREFUSED';
      fail(gone ? new NotifyUnreachable(`the Switchyard engine is not running (nothing listens on ${socketPath})`) : err);
    });
    socket.once('end', () => {
      const line = answer.split('\n')[0] ?? '';
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        reject(new Error('the engine’s answer is not readable'));
        return;
      }
      const r = notifyResponseSchema.safeParse(parsed);
      if (r.success) resolve(r.data);
      else reject(new Error('the engine’s answer is not readable'));
    });
  });
}

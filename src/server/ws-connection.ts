/**
 * One browser connection: JSON calls and events on text frames, terminal traffic on binary
 * frames. Every call goes through the contract's schema check before the engine sees it.
 */
import type { WebSocket } from 'ws';
import { dispatch } from '../shared/dispatch';
import { decodeFrame, encodeFrame } from '../shared/frames';
import { parseTerminalClientMessage } from '../shared/terminal';
import type { ClientTextMessage, ServerTextMessage } from '../shared/wire';
import type { EngineEvent } from '../shared/contract';
import type { Engine } from '../engine/engine';

export function serveConnection(ws: WebSocket, engine: Engine): void {
  const handlers = engine.handlers();
  const sendText = (msg: ServerTextMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  };
  const relay = engine.openTerminalChannel((msg, payload) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeFrame(msg, payload));
  });
  const onEvent = (event: EngineEvent): void => sendText({ kind: 'event', event });
  engine.on('event', onEvent);

  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      const bytes = data instanceof Buffer ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data as ArrayBuffer)]);
      let frame;
      try {
        frame = decodeFrame(bytes);
      } catch {
        ws.close(1003, 'bad frame');
        return;
      }
      const msg = parseTerminalClientMessage(frame.header);
      if (msg) relay.handle(msg, frame.payload);
      return;
    }
    let req: ClientTextMessage;
    try {
      req = JSON.parse(data.toString()) as ClientTextMessage;
    } catch {
      ws.close(1003, 'bad json');
      return;
    }
    if (req?.kind !== 'rpc' || typeof req.id !== 'number') return;
    void dispatch(handlers, req.id, req.method, req.input).then((res) => sendText({ kind: 'rpc', ...res }));
  });

  // A malformed frame ends this connection (ws closes it, with 1002, 1007 or 1009, after the
  // error), never the server: an 'error' event with no listener would be thrown.
  ws.on('error', () => {});
  ws.on('close', () => {
    engine.off('event', onEvent);
    relay.close();
  });
}

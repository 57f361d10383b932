/**
 * Browser mode: the contract over a WebSocket to the loopback server. The token comes from
 * the URL fragment once (never sent in a request line), is kept for this tab in
 * sessionStorage, and the fragment is cleared. The socket reconnects with backoff.
 */
import type { EngineEvent, RpcResponse } from '../../shared/contract';
import { decodeFrame, encodeFrame } from '../../shared/frames';
import type { TerminalClientMessage, TerminalServerMessage } from '../../shared/terminal';
import { TOKEN_PARAM, WS_PATH, type ServerTextMessage } from '../../shared/wire';
import { Listeners, type ConnectionState, type Transport } from './transport';

const TOKEN_KEY = 'switchyard.token';

export function takeToken(): string | null {
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  const fromHash = hash.get(TOKEN_PARAM);
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', location.pathname + location.search);
    return fromHash;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

export class WebSocketTransport implements Transport {
  readonly mode = 'browser' as const;
  private ws: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, (r: RpcResponse) => void>();
  private readonly events = new Listeners<[EngineEvent]>();
  private readonly terminal = new Listeners<[TerminalServerMessage, Uint8Array]>();
  private readonly connection = new Listeners<[ConnectionState]>();
  private queue: (string | Uint8Array<ArrayBuffer>)[] = [];
  private retryMs = 250;
  state: ConnectionState = 'connecting';

  constructor(private readonly token: string) {
    this.connect();
  }

  private connect(): void {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}${WS_PATH}?${TOKEN_PARAM}=${encodeURIComponent(this.token)}`);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    this.setState('connecting');
    ws.onopen = () => {
      this.retryMs = 250;
      this.setState('open');
      for (const m of this.queue) ws.send(m);
      this.queue = [];
    };
    ws.onmessage = (e: MessageEvent<string | ArrayBuffer>) => {
      if (typeof e.data === 'string') {
        const msg = JSON.parse(e.data) as ServerTextMessage;
        if (msg.kind === 'event') this.events.emit(msg.event);
        else {
          const { kind: _kind, ...res } = msg;
          this.pending.get(res.id)?.(res);
          this.pending.delete(res.id);
        }
        return;
      }
      const frame = decodeFrame(new Uint8Array(e.data));
      this.terminal.emit(frame.header as TerminalServerMessage, frame.payload);
    };
    ws.onclose = () => {
      this.ws = null;
      for (const [id, resolve] of this.pending) {
        resolve({ id, ok: false, error: { code: 'internal', message: 'the connection to Switchyard was lost' } });
      }
      this.pending.clear();
      this.setState('closed');
      setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 5000);
    };
  }

  private setState(s: ConnectionState): void {
    this.state = s;
    this.connection.emit(s);
  }

  private send(data: string | Uint8Array<ArrayBuffer>): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(data);
    else this.queue.push(data);
  }

  call(method: string, input: unknown): Promise<RpcResponse> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.send(JSON.stringify({ kind: 'rpc', id, method, input }));
    });
  }

  onEvent(l: (e: EngineEvent) => void): () => void {
    return this.events.add(l);
  }

  sendTerminal(msg: TerminalClientMessage, payload?: Uint8Array): void {
    // Terminal traffic is live: drop it while disconnected rather than replay stale keystrokes.
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(encodeFrame(msg, payload));
  }

  onTerminal(l: (m: TerminalServerMessage, p: Uint8Array) => void): () => void {
    return this.terminal.add(l);
  }

  /** Tells the listener the current state at once, then every change. */
  onConnection(l: (s: ConnectionState) => void): () => void {
    l(this.state);
    return this.connection.add(l);
  }
}

/** The typed client of the contract, over whichever transport this UI runs on. */
import type { Input, Method, Output } from '../../shared/contract';
import type { DesktopBridge } from '../../shared/bridge';
import type { ErrorPayload } from '../../shared/errors';
import { IpcTransport } from './ipc-transport';
import type { Transport } from './transport';
import { WebSocketTransport, takeToken } from './ws-transport';

export class ApiError extends Error {
  readonly code: ErrorPayload['code'];
  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.code = payload.code;
  }
}

export class Api {
  constructor(readonly transport: Transport) {}

  async call<M extends Method>(method: M, input: Input<M>): Promise<Output<M>> {
    const res = await this.transport.call(method, input);
    if (!res.ok) throw new ApiError(res.error);
    return res.output as Output<M>;
  }
}

declare global {
  interface Window {
    switchyard?: DesktopBridge;
  }
}

/** Desktop when the preload bridge is there; else the browser, which needs its token. */
export function connect(): Api | { error: string } {
  if (window.switchyard) return new Api(new IpcTransport(window.switchyard));
  const token = takeToken();
  if (!token) {
    return { error: 'This page needs its access token. Open the URL that `switchyard serve` printed, including the part after #.' };
  }
  return new Api(new WebSocketTransport(token));
}

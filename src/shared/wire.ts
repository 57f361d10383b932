/** JSON messages on the WebSocket's text frames. Terminal traffic uses binary frames (frames.ts). */
import type { EngineEvent, RpcRequest, RpcResponse } from './contract';

export type ClientTextMessage = { kind: 'rpc' } & RpcRequest;
export type ServerTextMessage = ({ kind: 'rpc' } & RpcResponse) | { kind: 'event'; event: EngineEvent };

/** The WebSocket path, and the query parameter that carries the token. */
export const WS_PATH = '/api';
export const TOKEN_PARAM = 'token';
/** The token's file in the data directory (mode 0600): the server and the CLI both read it. */
export const SERVER_TOKEN_FILE = 'server-token';

/** Validates a call against the contract and runs its handler. Used by both transports. */
import { API, isMethod, type Handlers, type RpcResponse } from './contract';
import { SwitchyardError, toErrorPayload } from './errors';

export async function dispatch(handlers: Handlers, id: number, method: unknown, input: unknown): Promise<RpcResponse> {
  try {
    if (!isMethod(method)) throw new SwitchyardError('invalid-input', `unknown call ${String(method)}`);
    const parsed = API[method].input.safeParse(input ?? {});
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const where = first && first.path.length > 0 ? `${first.path.join('.')}: ` : '';
      throw new SwitchyardError('invalid-input', `${where}${first?.message ?? 'invalid input'}`);
    }
    const handler = handlers[method] as (i: unknown) => Promise<unknown>;
    return { id, ok: true, output: await handler(parsed.data) };
  } catch (err) {
    return { id, ok: false, error: toErrorPayload(err) };
  }
}

/**
 * Binary frames: a JSON header and an optional raw payload, with no base64 anywhere.
 *
 *   [u32 header length][header JSON, UTF-8][payload bytes]
 *
 * On a stream (the ptyd Unix socket) each frame is preceded by its u32 total length;
 * on a message transport (WebSocket, Electron IPC) the message boundary is the frame.
 */
export interface Frame<H = unknown> {
  header: H;
  payload: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const EMPTY = new Uint8Array(0);

export function encodeFrame(header: unknown, payload: Uint8Array = EMPTY): Uint8Array<ArrayBuffer> {
  const head = encoder.encode(JSON.stringify(header));
  const out = new Uint8Array(4 + head.length + payload.length);
  new DataView(out.buffer).setUint32(0, head.length);
  out.set(head, 4);
  out.set(payload, 4 + head.length);
  return out;
}

export function decodeFrame(bytes: Uint8Array): Frame {
  if (bytes.length < 4) throw new Error('frame too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headLen = view.getUint32(0);
  if (4 + headLen > bytes.length) throw new Error('frame header overruns the frame');
  const header: unknown = JSON.parse(decoder.decode(bytes.subarray(4, 4 + headLen)));
  return { header, payload: bytes.subarray(4 + headLen) };
}

/** The largest stream frame accepted; anything bigger is a protocol error, not data. */
export const MAX_STREAM_FRAME = 64 * 1024 * 1024;

export function encodeStreamFrame(header: unknown, payload?: Uint8Array): Uint8Array {
  const frame = encodeFrame(header, payload);
  const out = new Uint8Array(4 + frame.length);
  new DataView(out.buffer).setUint32(0, frame.length);
  out.set(frame, 4);
  return out;
}

/** Splits a byte stream into frames, however the stream was chunked. */
export class StreamFrameReader {
  private chunks: Uint8Array[] = [];
  private buffered = 0;

  push(chunk: Uint8Array): Frame[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Frame[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const head = this.peek(4);
      const len = new DataView(head.buffer, head.byteOffset, 4).getUint32(0);
      if (len > MAX_STREAM_FRAME) throw new Error(`stream frame of ${len} bytes exceeds the limit`);
      if (this.buffered < 4 + len) break;
      const all = this.take(4 + len);
      frames.push(decodeFrame(all.subarray(4)));
    }
    return frames;
  }

  private peek(n: number): Uint8Array {
    if (this.chunks[0]!.length >= n) return this.chunks[0]!;
    this.chunks = [concat(this.chunks, this.buffered)];
    return this.chunks[0]!;
  }

  private take(n: number): Uint8Array {
    const whole = this.chunks.length === 1 ? this.chunks[0]! : concat(this.chunks, this.buffered);
    const taken = whole.subarray(0, n);
    const rest = whole.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return taken;
  }
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

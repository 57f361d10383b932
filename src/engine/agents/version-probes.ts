/**
 * Version probes, cached by what they ask: the executable's path, its modification time and
 * size, the version arguments and the profile's environment. A new binary (an upgrade) is a
 * new key. Probes run a few at a time, never all at once: a slow CLI probed beside six others
 * on two busy cores would time out. The cache is kept in the data folder, so a restarted app
 * knows the versions at once and checks them again in the background.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { probeVersion, VERSION_TIMEOUT_MS, type Detection } from './detect';

export type ProbeResult = Pick<Detection, 'version' | 'probe' | 'probeNote'>;

export interface ProbeRequest {
  file: string;
  versionArgs: string[];
  env: NodeJS.ProcessEnv;
  /** Environment that changes the answer (the profile's own), part of the key. */
  keyEnv: Record<string, string>;
}

export interface VersionProbesOptions {
  /** Where the cache is kept; null keeps it in memory only. */
  cacheFile: string | null;
  concurrency?: number;
  timeoutMs?: number;
  /** A cached answer older than this is still given, and checked again in the background. */
  refreshAfterMs?: number;
  /** A background probe changed an answer: lists should be fetched again. */
  onChange?: () => void;
}

const entrySchema = z.object({ key: z.string(), at: z.number(), version: z.string().nullable(), probe: z.enum(['ok', 'timed-out', 'failed']), probeNote: z.string().nullable() });
const cacheSchema = z.object({ v: z.literal(1), entries: z.array(entrySchema) });
type Entry = z.infer<typeof entrySchema>;

const MAX_ENTRIES = 200;
const DEFAULT_CONCURRENCY = 2;
const DEFAULT_REFRESH_MS = 10 * 60_000;
const RETRY_UNANSWERED_MS = 60_000;

export class VersionProbes {
  private readonly entries = new Map<string, Entry>();
  private readonly running = new Map<string, Promise<ProbeResult>>();
  private readonly queue: (() => void)[] = [];
  private active = 0;

  constructor(private readonly opts: VersionProbesOptions) {
    this.load();
  }

  /** How many probes have been started (for tests and the benchmark). */
  started = 0;

  /** The answer for `req`: cached (and checked again in the background when old), or a probe started now. */
  get(req: ProbeRequest): { cached: ProbeResult | null; probe: Promise<ProbeResult> | null } {
    const key = keyOf(req);
    if (key === null) return { cached: { version: null, probe: 'failed', probeNote: `${req.file} cannot be read` }, probe: null };
    const hit = this.entries.get(key);
    if (hit) {
      // An answer that came from a timeout or a failure is checked again sooner.
      const refreshAfter = hit.probe === 'ok' ? (this.opts.refreshAfterMs ?? DEFAULT_REFRESH_MS) : Math.min(RETRY_UNANSWERED_MS, this.opts.refreshAfterMs ?? RETRY_UNANSWERED_MS);
      if (Date.now() - hit.at >= refreshAfter) void this.probe(key, req);
      return { cached: resultOf(hit), probe: null };
    }
    return { cached: null, probe: this.probe(key, req) };
  }

  /** Forgets every answer, so the next `get` probes again. */
  clear(): void {
    this.entries.clear();
    this.save();
  }

  private probe(key: string, req: ProbeRequest): Promise<ProbeResult> {
    const running = this.running.get(key);
    if (running) return running;
    const p = this.slot(() => probeVersion(req.file, req.versionArgs, req.env, this.opts.timeoutMs ?? VERSION_TIMEOUT_MS)).then((result) => {
      this.running.delete(key);
      const before = this.entries.get(key);
      this.entries.set(key, { key, at: Date.now(), version: result.version, probe: result.probe === 'pending' ? 'failed' : result.probe, probeNote: result.probeNote });
      this.save();
      if (before && (before.version !== result.version || before.probe !== result.probe)) this.opts.onChange?.();
      return result;
    });
    this.running.set(key, p);
    return p;
  }

  /** Runs `job` when fewer than `concurrency` probes are running. */
  private async slot<T>(job: () => Promise<T>): Promise<T> {
    if (this.active >= (this.opts.concurrency ?? DEFAULT_CONCURRENCY)) await new Promise<void>((r) => this.queue.push(r));
    this.active++;
    this.started++;
    try {
      return await job();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }

  private load(): void {
    if (!this.opts.cacheFile) return;
    try {
      const parsed = cacheSchema.safeParse(JSON.parse(fs.readFileSync(this.opts.cacheFile, 'utf8')));
      // A cache we cannot read is only a cache: start empty.
      if (parsed.success) for (const e of parsed.data.entries) this.entries.set(e.key, e);
    } catch {
      // missing or unreadable
    }
  }

  private save(): void {
    if (!this.opts.cacheFile) return;
    const entries = [...this.entries.values()].sort((a, b) => b.at - a.at).slice(0, MAX_ENTRIES);
    const tmp = `${this.opts.cacheFile}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(this.opts.cacheFile), { recursive: true });
      fs.writeFileSync(tmp, JSON.stringify({ v: 1, entries }));
      fs.renameSync(tmp, this.opts.cacheFile);
    } catch {
      // A cache that cannot be written costs a probe at the next start, nothing more.
    }
  }
}

function resultOf(e: Entry): ProbeResult {
  return { version: e.version, probe: e.probe, probeNote: e.probeNote };
}

/** The cache key, or null when the executable cannot be read (gone since it was found). */
function keyOf(req: ProbeRequest): string | null {
  let st: fs.Stats;
  try {
    st = fs.statSync(req.file);
  } catch {
    return null;
  }
  return JSON.stringify([req.file, st.mtimeMs, st.size, req.versionArgs, req.keyEnv]);
}

/**
 * Finished family and drift fits, kept on disk by content: the run's settings (probe, disentangler settings,
 * backend), both models' sha256 and the layer. A drift folder that grows, or a family run again with one more model,
 * fits only what is new (the engine takes these as options.reuse). One JSON file, written atomically; like the
 * results cache it may come with a cloned workspace, so what is read back is checked field by field.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { FitResult, ManyModelOptions, ManyModelReport, ReusedFit } from '../../protocol/family';
import type { ModelRef } from '../../protocol/report';
import { writeFileAtomic } from '../results/atomicWrite';

const FORMAT_VERSION = 1;
/** Oldest entries go first beyond this (a long training run at 10 layers × 1000 checkpoints fits). */
const MAX_ENTRIES = 20_000;

type Result = ReusedFit['result'];

export class FitCache {
  private entries = new Map<string, Result>();
  private loaded?: Promise<void>;

  constructor(
    private readonly file: string,
    private readonly warn: (line: string) => void,
  ) {}

  /** The fits under these settings (of these models when given), for options.reuse. */
  async reusable(options: ManyModelOptions, hashes?: readonly string[]): Promise<ReusedFit[]> {
    await this.load();
    const prefix = `${settingsKey(options)} `;
    const wanted = hashes ? new Set(hashes) : undefined;
    const found: ReusedFit[] = [];
    for (const [key, result] of this.entries) {
      if (!key.startsWith(prefix)) continue;
      const [source, target, ...layer] = key.slice(prefix.length).split(' ');
      if (!wanted || (wanted.has(source) && wanted.has(target)))
        found.push({ source, target, layer: layer.join(' '), result });
    }
    return found;
  }

  /** Records the report's finished fits (call with each update); `save` writes them. */
  async record(options: ManyModelOptions, report: ManyModelReport, models: readonly ModelRef[]): Promise<void> {
    await this.load();
    const settings = settingsKey(options);
    for (const { key: _key, layer, source, target, ...result } of report.fits) {
      const a = models[source]?.sha256;
      const b = models[target]?.sha256;
      if (!a || !b) continue;
      const key = `${settings} ${a} ${b} ${layer}`;
      this.entries.delete(key);
      this.entries.set(key, result);
    }
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }

  async save(): Promise<void> {
    try {
      await writeFileAtomic(
        this.file,
        JSON.stringify({ formatVersion: FORMAT_VERSION, fits: Object.fromEntries(this.entries) }),
      );
    } catch (error) {
      this.warn(`family fits: could not write ${this.file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private load(): Promise<void> {
    this.loaded ??= readFile(this.file, 'utf8').then(
      (text) => {
        this.entries = parseFits(text);
      },
      () => undefined, // no cache yet
    );
    return this.loaded.catch((error: unknown) => {
      this.warn(`family fits: ignored ${this.file}: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
}

/** What makes two runs' fits the same numbers: the probe, the resolved settings, the backend, a PyTorch input shape. */
export function settingsKey(options: ManyModelOptions): string {
  const identity = {
    probe: options.probe,
    settings: options.settings ?? {},
    backend: options.backend ?? 'auto',
    inputShape: options.pytorch?.inputShape ?? null,
  };
  return createHash('sha256').update(stableJson(identity)).digest('hex').slice(0, 24);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([x], [y]) => x.localeCompare(y))
      .map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** The file's fits; a wrong entry is dropped, a file that is not ours throws. */
function parseFits(text: string): Map<string, Result> {
  const value = JSON.parse(text) as { formatVersion?: unknown; fits?: unknown };
  if (value?.formatVersion !== FORMAT_VERSION || typeof value.fits !== 'object' || value.fits === null)
    throw new Error('not a family fit cache of this version');
  const entries = new Map<string, Result>();
  for (const [key, r] of Object.entries(value.fits as Record<string, unknown>)) {
    if (!/^[0-9a-f]{24} [0-9a-f]{64} [0-9a-f]{64} .{1,1000}$/.test(key) || !isResult(r)) continue;
    entries.set(key, {
      explained: r.explained,
      orders: r.orders,
      linearCKA: r.linearCKA,
      epochs: r.epochs,
      seconds: r.seconds,
    });
  }
  return entries;
}

function isResult(r: unknown): r is FitResult {
  const x = r as Partial<FitResult> | null;
  const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  return (
    typeof x === 'object' &&
    x !== null &&
    num(x.explained) &&
    num(x.linearCKA) &&
    num(x.epochs) &&
    num(x.seconds) &&
    Array.isArray(x.orders) &&
    x.orders.length <= 64 &&
    x.orders.every(num)
  );
}

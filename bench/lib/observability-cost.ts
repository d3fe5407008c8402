/**
 * What metrics and the access log cost Portier at saturation, measured in paired rounds (see
 * paired-rounds.ts): each set of Portier variants shares one pinned CPU and the same rounds, and
 * every variant is compared with the plain Portier of its own set, round by round.
 */
import { median, roundCostsPercent, runPairedRounds, type PairedRoundsOptions } from './paired-rounds.js';
import { portier, type PortierObservability } from './peers.js';
import { startPinned, stop, waitUntilServing } from './proxy-process.js';

interface Variant {
  name: string;
  observability: PortierObservability;
}

const PLAIN: Variant = { name: 'portier', observability: {} };

/** The variant identical to the baseline: its spread is the noise floor. */
export const CONTROL_VARIANT = 'portier (again)';

/** The target: metrics and the access log cost under this share of throughput. */
export const COST_GOAL_PERCENT = 10;

/**
 * Each set starts with the plain baseline. Sets stay at three processes: with more, each gets a
 * smaller slice of the CPU and a round says less. The identical `portier (again)` shares the
 * rounds of the headline comparison, so its cost shows the noise floor that comparison has. The
 * access log goes to a file in both formats: JSON, as log pipelines want it, and Common Log
 * Format, Traefik's default.
 */
const SETS: Variant[][] = [
  [
    PLAIN,
    { name: CONTROL_VARIANT, observability: {} },
    { name: 'metrics+JSON log', observability: { metrics: true, accessLog: 'json' } },
  ],
  [
    PLAIN,
    { name: 'metrics+CLF log', observability: { metrics: true, accessLog: 'common' } },
    { name: 'metrics only', observability: { metrics: true } },
  ],
  [
    PLAIN,
    { name: 'JSON log only', observability: { accessLog: 'json' } },
    { name: 'CLF log only', observability: { accessLog: 'common' } },
  ],
];

export interface CostRow {
  name: string;
  method: 'paired-rounds';
  /** Which set of processes shared the rounds; costs compare within a set only. */
  set: number;
  /** Median requests per CPU-second over the rounds. */
  perCpuSecond: number;
  /** Median over the rounds of the share lost against the set's plain Portier; null for that baseline. */
  costPercent: number | null;
  roundCostsPercent: number[];
  errors: number;
}

export interface ObservabilityCostOptions {
  dir: string;
  upstreamPort: number;
  /** Ports from here on, one per variant of every set. */
  firstPort: number;
  bin: string;
  proxyCpu: string;
  rounds: PairedRoundsOptions;
}

export async function measureObservabilityCost(options: ObservabilityCostOptions): Promise<CostRow[]> {
  const rows: CostRow[] = [];
  let port = options.firstPort;
  for (const [setIndex, variants] of SETS.entries()) {
    const set = setIndex + 1;
    const started = variants.map((variant) => {
      const variantPort = port++;
      const proxy = portier(
        options.dir,
        variantPort,
        options.upstreamPort,
        options.bin,
        variant.name,
        variant.observability,
      );
      return { name: variant.name, port: variantPort, child: startPinned(proxy, options.proxyCpu) };
    });
    try {
      for (const s of started) await waitUntilServing(s.port, s.name);
      const results = await runPairedRounds(
        started.map((s) => ({ name: s.name, port: s.port, pid: s.child.pid! })),
        options.rounds,
      );
      const baseline = results[0]!;
      for (const result of results) {
        const costs = result === baseline ? [] : roundCostsPercent(baseline, result);
        rows.push({
          name: result.name,
          method: 'paired-rounds',
          set,
          perCpuSecond: median(result.perCpuSecond),
          costPercent: result === baseline ? null : median(costs),
          roundCostsPercent: costs,
          errors: result.errors,
        });
      }
    } finally {
      await Promise.all(started.map((s) => stop(s.child)));
    }
  }
  return rows;
}

export function printCostTable(rows: CostRow[], rounds: PairedRoundsOptions): void {
  console.log(
    `\nObservability cost: ${rounds.rounds} paired rounds of ${rounds.seconds}s after one warm-up round; in each` +
      ` round the Portier processes of a set share CPU 1 and are loaded at once, wrk -c${rounds.connections} each.` +
      ` Cost = share of the plain Portier's requests per CPU-second lost in the same round.`,
  );
  console.log('set  variant                req per CPU-s  cost (median)  errors  cost per round (%)');
  for (const row of rows) {
    const cost = row.costPercent === null ? 'baseline' : `${row.costPercent.toFixed(1)}%`;
    console.log(
      `${String(row.set).padEnd(4)} ${row.name.padEnd(22)} ${row.perCpuSecond.toFixed(0).padStart(13)}` +
        ` ${cost.padStart(14)} ${String(row.errors).padStart(7)}  ${row.roundCostsPercent.map((c) => c.toFixed(1)).join(' ')}`,
    );
  }
}

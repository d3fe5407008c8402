/**
 * Paired rounds: compare proxies that run on the SAME pinned CPU and are loaded at the SAME time,
 * one wrk each, and charge each the CPU time its own threads used during the round.
 *
 * Why: on this shared VM the machine's speed (steal time, other tenants, caches) drifts within
 * seconds, so measuring one proxy and then another compares two different machines: two identical
 * Portier configs measured one after the other differed by up to 25% from round to round. Sharing
 * one CPU keeps every contender saturated, and sharing the time window exposes them all to the same
 * noise at the same moment, so it cancels in the ratio of their requests per CPU-second (identical
 * configs then agree within ~2% on a quiet machine). The median over rounds drops the odd disturbed round.
 */
import { threadsCpuSeconds } from './process-cpu.js';
import { runWrkConcurrently, type WrkResult } from './wrk.js';

export interface Contender {
  name: string;
  port: number;
  pid: number;
}

export interface PairedRoundsOptions {
  rounds: number;
  seconds: number;
  /** wrk connections per contender. */
  connections: number;
  host: string;
  /** The CPU that wrk runs on: not the contenders' one. */
  loadCpu: string;
}

export interface ContenderRounds {
  name: string;
  /** Requests per CPU-second of the contender, one value per round. */
  perCpuSecond: number[];
  errors: number;
}

/** Below this the contender can hardly have been serving: a dead process must not read as infinitely fast. */
const MIN_CPU_SECONDS = 0.05;

/** `options.rounds` counted rounds after an uncounted one, so that every contender is past its JIT warm-up. */
export async function runPairedRounds(
  contenders: Contender[],
  options: PairedRoundsOptions,
): Promise<ContenderRounds[]> {
  const results = contenders.map((c) => ({ name: c.name, perCpuSecond: [] as number[], errors: 0 }));
  await oneRound(contenders, options, 0);
  for (let round = 0; round < options.rounds; round++) {
    const measured = await oneRound(contenders, options, round);
    measured.forEach(({ perCpuSecond, errors }, i) => {
      results[i]!.perCpuSecond.push(perCpuSecond);
      results[i]!.errors += errors;
    });
  }
  return results;
}

async function oneRound(contenders: Contender[], options: PairedRoundsOptions, round: number) {
  const cpuBefore = contenders.map((c) => threadsCpuSeconds(c.pid));
  // The wrk started first gets a head start of a few milliseconds; rotating the order shares it out.
  const startOrder = contenders.map((_, k) => (k + round) % contenders.length);
  const loads: WrkResult[] = [];
  await Promise.all(
    startOrder.map(async (i) => {
      loads[i] = await runWrkConcurrently(`http://127.0.0.1:${contenders[i]!.port}/`, {
        seconds: options.seconds,
        connections: options.connections,
        host: options.host,
        cpu: options.loadCpu,
      });
    }),
  );
  return contenders.map((c, i) => {
    const cpu = threadsCpuSeconds(c.pid) - cpuBefore[i]!;
    if (cpu < MIN_CPU_SECONDS)
      throw new Error(`${c.name} used ${cpu.toFixed(3)} CPU-s in a round: is it still running?`);
    return { perCpuSecond: loads[i]!.requests / cpu, errors: loads[i]!.errors };
  });
}

/** Share of the baseline's requests per CPU-second that `variant` lost, in percent, round by round. */
export function roundCostsPercent(baseline: ContenderRounds, variant: ContenderRounds): number[] {
  return variant.perCpuSecond.map((value, round) => (1 - value / baseline.perCpuSecond[round]!) * 100);
}

export function median(values: number[]): number {
  return quantile(values, 0.5);
}

/** Linear interpolation between the closest ranks, the usual definition for quartiles. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Benchmarks write their figures to bench/results.json (one entry per benchmark, the latest run), with
// the machine they came from, so the README can quote them and a reader can tell where.

const FILE = path.resolve('bench/results.json');

/** Seconds since `started` (process.hrtime.bigint()). */
export function seconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

export function recordBench(name: string, figures: Record<string, unknown>): void {
  const all = existsSync(FILE) ? (JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, unknown>) : {};
  all[name] = {
    at: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    ...figures,
  };
  mkdirSync(path.dirname(FILE), { recursive: true });
  writeFileSync(FILE, `${JSON.stringify(all, null, 2)}\n`);
  console.log(`figures written to ${path.relative(process.cwd(), FILE)} (${name})`);
}

// Compiles the project's Solidity (contracts/) with the npm solc-js compiler, offline.
//
// Hardhat's compile task would download a native solc; this uses the `solc` package already in
// node_modules instead. Output is cached in contracts/build/ under a key made of the compiler
// version, the settings and the entry sources; the cache entry also records a hash of every
// imported file, so an edited import (or a new @openzeppelin/contracts version) recompiles.
import { createHash } from 'node:crypto';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { JsonFragment } from 'ethers';

const require = createRequire(import.meta.url);

/** Repository root (this file is scripts/lib/solidity.ts). */
export const REPO_ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const CONTRACTS_DIR = path.join(REPO_ROOT, 'contracts');
export const BUILD_DIR = path.join(CONTRACTS_DIR, 'build');

/** Version of the npm solc package (read without loading the 8 MB wasm compiler). */
export const SOLC_VERSION: string = (require('solc/package.json') as { version: string }).version;

/** Compiler settings: OpenZeppelin 5 needs cancun (mcopy); the local chain runs cancun too. */
export const SOLC_SETTINGS = {
  evmVersion: 'cancun',
  optimizer: { enabled: true, runs: 200 },
  outputSelection: {
    '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] },
  },
} as const;

export interface CompiledContract {
  abi: JsonFragment[];
  /** Creation bytecode, 0x-prefixed ("0x" for interfaces and abstract contracts). */
  bytecode: string;
  /** Runtime bytecode, 0x-prefixed: what `hardhat_setCode` installs. */
  deployedBytecode: string;
  /** Source unit, e.g. "contracts/standins/NativeStakingStandIn.sol". */
  sourceName: string;
}

/** Compiled contracts by contract name. */
export type CompiledContracts = Record<string, CompiledContract>;

export interface CompileOptions {
  /**
   * Entry files, relative to contracts/ (or to the repository root). Default: every .sol file
   * under contracts/ (contracts/build excepted). Naming only the files you need keeps a broken
   * contract elsewhere from blocking you.
   */
  files?: string[];
  /** Ignore the cache and recompile. */
  force?: boolean;
  /** Receives compiler warnings and "compiled in N ms" lines. */
  log?: (line: string) => void;
}

interface CacheEntry {
  solcVersion: string;
  /** Hash of every file read through the import callback, by source unit name. */
  imports: Record<string, string>;
  contracts: CompiledContracts;
}

interface SolcMessage {
  severity: 'error' | 'warning' | 'info';
  type: string;
  formattedMessage?: string;
  message: string;
}

interface SolcOutput {
  errors?: SolcMessage[];
  contracts?: Record<
    string,
    Record<string, { abi: JsonFragment[]; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }>
  >;
}

const memo = new Map<string, Promise<CompiledContracts>>();

/**
 * Compiles the Solidity sources under contracts/ (imports of `@openzeppelin/contracts/...` and
 * other packages resolve from node_modules) and returns `{ [contractName]: { abi, bytecode,
 * deployedBytecode, sourceName } }`. Repeated calls hit the in-process memo, then the disk cache.
 * Throws an Error listing every compiler error.
 */
export async function compileContracts(opts: CompileOptions = {}): Promise<CompiledContracts> {
  const entries = await readEntrySources(opts.files);
  // One cache file per entry set; a new key for the same set replaces the old file.
  const setKey = sha256(JSON.stringify({ solc: SOLC_VERSION, settings: SOLC_SETTINGS, units: Object.keys(entries) }));
  const key = sha256(
    JSON.stringify({
      solc: SOLC_VERSION,
      settings: SOLC_SETTINGS,
      sources: Object.entries(entries).map(([name, content]) => [name, sha256(content)]),
    }),
  );
  if (!opts.force) {
    const pending = memo.get(key);
    if (pending) return pending;
  }
  const job = compileWithCache(`${setKey.slice(0, 12)}-${key.slice(0, 24)}`, entries, opts);
  memo.set(key, job);
  job.catch(() => memo.delete(key));
  return job;
}

/** One compiled contract by name; throws if no source defines it. */
export async function getCompiledContract(name: string, opts: CompileOptions = {}): Promise<CompiledContract> {
  const all = await compileContracts(opts);
  const found = all[name];
  if (!found) {
    throw new Error(`No contract named ${name} in the compiled sources (have: ${Object.keys(all).sort().join(', ')})`);
  }
  return found;
}

async function compileWithCache(
  cacheName: string,
  entries: Record<string, string>,
  opts: CompileOptions,
): Promise<CompiledContracts> {
  const cacheFile = path.join(BUILD_DIR, `solc-${cacheName}.json`);
  if (!opts.force) {
    const cached = await readCache(cacheFile);
    if (cached) return cached;
  }

  const started = Date.now();
  const imports: Record<string, string> = {};
  const output = await runSolc(entries, (unit) => {
    const file = resolveImport(unit);
    if (!file) return { error: `File not found: ${unit} (looked in ${REPO_ROOT} and node_modules)` };
    const contents = readFileSync(file, 'utf8');
    imports[unit] = sha256(contents);
    return { contents };
  });

  const messages = output.errors ?? [];
  const errors = messages.filter((m) => m.severity === 'error');
  if (errors.length > 0) {
    const list = errors.map((e) => (e.formattedMessage ?? `${e.type}: ${e.message}`).trim()).join('\n\n');
    throw new Error(`Solidity compilation failed (solc ${SOLC_VERSION}, ${errors.length} error(s)):\n\n${list}`);
  }
  for (const w of messages.filter((m) => m.severity === 'warning')) {
    opts.log?.(`solc warning: ${(w.formattedMessage ?? w.message).trim()}`);
  }

  const contracts = collectContracts(output, new Set(Object.keys(entries)));
  opts.log?.(
    `compiled ${Object.keys(entries).length} source(s) with solc ${SOLC_VERSION} in ${Date.now() - started} ms`,
  );

  const entry: CacheEntry = { solcVersion: SOLC_VERSION, imports, contracts };
  await fs.mkdir(BUILD_DIR, { recursive: true });
  // Write then rename: parallel test workers may compile at the same time.
  const tmp = `${cacheFile}.${process.pid}.${Date.now()}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(entry));
  await fs.rename(tmp, cacheFile);
  await removeStaleCaches(cacheName);
  return contracts;
}

/** Deletes older cache files of the same entry set (same name prefix, other content hash). */
async function removeStaleCaches(cacheName: string): Promise<void> {
  const prefix = `solc-${cacheName.split('-')[0]}-`;
  for (const name of await fs.readdir(BUILD_DIR)) {
    if (name.startsWith(prefix) && name.endsWith('.json') && name !== `solc-${cacheName}.json`) {
      await fs.rm(path.join(BUILD_DIR, name), { force: true });
    }
  }
}

async function readCache(file: string): Promise<CompiledContracts | undefined> {
  let entry: CacheEntry;
  try {
    entry = JSON.parse(await fs.readFile(file, 'utf8')) as CacheEntry;
  } catch {
    return undefined;
  }
  if (entry.solcVersion !== SOLC_VERSION) return undefined;
  for (const [unit, hash] of Object.entries(entry.imports)) {
    const resolved = resolveImport(unit);
    if (!resolved || sha256(readFileSync(resolved, 'utf8')) !== hash) return undefined;
  }
  return entry.contracts;
}

type ImportResult = { contents: string } | { error: string };

async function runSolc(
  sources: Record<string, string>,
  findImport: (unit: string) => ImportResult,
): Promise<SolcOutput> {
  // Loaded lazily: instantiating the wasm compiler takes a moment, and a cache hit needs none of it.
  const solc = (await import('solc')).default;
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(Object.entries(sources).map(([name, content]) => [name, { content }])),
    settings: SOLC_SETTINGS,
  };
  const raw: string = solc.compile(JSON.stringify(input), { import: findImport });
  return JSON.parse(raw) as SolcOutput;
}

/** Contracts by name; a project source wins over a library of the same name. */
function collectContracts(output: SolcOutput, entryUnits: Set<string>): CompiledContracts {
  const result: CompiledContracts = {};
  const isProject = (unit: string) => entryUnits.has(unit) || unit.startsWith('contracts/');
  const units = Object.keys(output.contracts ?? {}).sort((a, b) => Number(isProject(a)) - Number(isProject(b)));
  for (const unit of units) {
    for (const [name, c] of Object.entries(output.contracts?.[unit] ?? {})) {
      const previous = result[name];
      if (previous && isProject(previous.sourceName) && isProject(unit)) {
        throw new Error(`Two contracts are named ${name}: ${previous.sourceName} and ${unit}; rename one`);
      }
      result[name] = {
        abi: c.abi,
        bytecode: `0x${c.evm.bytecode.object}`,
        deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
        sourceName: unit,
      };
    }
  }
  return result;
}

/** Entry sources by source unit name ("contracts/..."), sorted for a stable cache key. */
async function readEntrySources(files?: string[]): Promise<Record<string, string>> {
  let absolute: string[];
  if (files && files.length > 0) {
    absolute = files.map((f) => {
      const inContracts = path.resolve(CONTRACTS_DIR, f);
      return existsSync(inContracts) ? inContracts : path.resolve(REPO_ROOT, f);
    });
  } else {
    absolute = await findSolFiles(CONTRACTS_DIR);
  }
  if (absolute.length === 0) throw new Error(`No Solidity sources found under ${CONTRACTS_DIR}`);
  const sources: Record<string, string> = {};
  for (const file of absolute.sort()) {
    const unit = path.relative(REPO_ROOT, file).split(path.sep).join('/');
    if (unit.startsWith('..')) throw new Error(`Solidity source outside the repository: ${file}`);
    sources[unit] = await fs.readFile(file, 'utf8');
  }
  return sources;
}

async function findSolFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (full === BUILD_DIR || e.name === 'node_modules' || e.name.startsWith('.')) continue;
      found.push(...(await findSolFiles(full)));
    } else if (e.isFile() && e.name.endsWith('.sol')) {
      found.push(full);
    }
  }
  return found;
}

/** A source unit name ("contracts/x.sol", "@openzeppelin/contracts/...") to a file on disk. */
function resolveImport(unit: string): string | undefined {
  if (path.isAbsolute(unit) || unit.split('/').includes('..')) return undefined;
  const inRepo = path.join(REPO_ROOT, unit);
  if (existsSync(inRepo)) return inRepo;
  for (let dir = REPO_ROOT; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', unit);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

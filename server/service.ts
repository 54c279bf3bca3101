import type { Server } from 'node:http';
import { Wallet } from 'ethers';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { chainDetails } from './chain/details.js';
import { connectChain, type Chain } from './chain/provider.js';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/index.js';
import { openIpfs, type IpfsStore } from './ipfs/index.js';
import { RateLimiter } from './api/rate-limit.js';
import { Ingest } from './ingest/ingest.js';
import { assertLogFormat } from './ingest/log-check.js';
import { ReceiptSigner } from './ingest/receipts.js';
import { loadServiceKeys, serviceHeldWarning, type ServiceKey } from './keys.js';
import { connectExecutor } from './execution/executor.js';
import { pinPass } from './ipfs/pin-worker.js';
import { createPowerService } from './power/index.js';
import { relayerPass } from './execution/relayer.js';
import { schedulerPass, type SchedulerDeps } from './scheduler/scheduler.js';
import { Anchorer } from './anchor/anchorer.js';
import { loadSpaces } from './spaces/load.js';
import { spaceRules } from './spaces/rules.js';
import { Lease, runPeriodically } from './workers/lease.js';
import type { Space } from './spaces/schema.js';

export interface RunningService {
  url: string;
  chain: Chain;
  db: Database;
  ipfs: IpfsStore;
  spaces: Map<string, Space>;
  /** One scheduler pass with the service's own dependencies (tests run it by hand with workers off). */
  schedulerPass(): ReturnType<typeof schedulerPass>;
  close(): Promise<void>;
}

type Log = (line: string) => void;

/**
 * Connects to the chain, loads the spaces, migrates and opens the database, opens IPFS and serves the
 * API. Whatever was opened is closed again if a later step fails.
 */
export interface ServiceOptions {
  /** Unix milliseconds; tests move it to cross phase boundaries without waiting. */
  clock?: () => number;
  /** How often background workers run (ms). */
  workerIntervalMs?: number;
  /** false: no pin worker or scheduler (tests run their passes by hand). */
  workers?: boolean;
}

export async function startService(
  config: Config & { rpcUrl: string },
  log: Log = () => {},
  options: ServiceOptions = {},
): Promise<RunningService> {
  const clock = options.clock ?? Date.now;
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse())
      await close().catch((error) => log(`while stopping: ${(error as Error).message}`));
  };
  try {
    const chain = await connectChain(config.rpcUrl);
    closers.push(async () => chain.provider.destroy());
    log(`chain: id ${chain.chainId} at ${config.rpcUrl}, head block ${await chain.headBlock()}`);

    const spaces = await loadSpaces(config.spacesDir, chain.chainId);
    log(`spaces: ${[...spaces.keys()].join(', ')} (from ${config.spacesDir})`);

    const db = await openDatabase(config.databaseUrl);
    closers.push(() => db.close());
    log(`database: ${db.kind}, migrations applied`);
    await assertLogFormat(db);
    // Each space's rules document goes to IPFS like a message (through the outbox, retried until
    // pinned), so anyone can fetch it by the digest its proposals sign.
    for (const space of spaces.values()) {
      const { document, cid, digest } = spaceRules(space);
      await db.client.pinOutbox.upsert({
        where: { cid },
        create: { cid, document: JSON.stringify(document), nextAttemptAt: BigInt(clock()) },
        update: {},
      });
      log(`rules of ${space.id}: ${digest} (${cid})`);
    }

    const ipfs = await openIpfs(config);
    closers.push(() => ipfs.close());
    log(
      `ipfs: ${ipfs.backend} node${ipfs.backend === 'embedded' ? (config.ipfsEmbeddedNetwork ? ' (joins the IPFS network)' : ' (local store only)') : ` at ${config.ipfsApiUrl}`}`,
    );

    const power = createPowerService({ chain, db, config });
    const historic = await power
      .historicState()
      .catch((error: Error) => ({ ok: false as const, reason: error.message }));
    log(
      historic.ok
        ? `power: the RPC node (iotex-core v${historic.node.version}) proved it serves staking state at past blocks`
        : `power: WARNING: no stake will be counted: ${historic.reason}`,
    );
    const keys = loadServiceKeys(config);
    const receipts = new ReceiptSigner(keys.receipts, chain.chainId);
    const attestor = new Wallet(keys.attestor);
    const relayer = new Wallet(keys.relayer, chain.provider);
    log(`keys: receipts ${receipts.address}, attestations ${attestor.address}, relayer ${relayer.address}`);
    await warnServiceHeldExecutors(
      spaces,
      chain,
      [
        { role: 'receipts', address: receipts.address },
        { role: 'attestations', address: attestor.address },
        { role: 'relayer', address: relayer.address },
      ],
      log,
    );
    const addressLimiter = new RateLimiter(config.rateLimitAddressPerMinute, clock);
    const ingest = new Ingest({
      db,
      chain,
      spaces,
      power,
      receipts,
      clock,
      signerLimiter: addressLimiter,
    });

    const anchorer = await openAnchorer(config, spaces, { db, ipfs, chain, clock }, log);
    const schedulerDeps: SchedulerDeps = { db, ipfs, chainId: chain.chainId, clock, spaces, anchorer };

    if (options.workers !== false) {
      const interval = options.workerIntervalMs ?? 1_000;
      const pinWorker = runPeriodically(
        new Lease(db, 'pin-worker', 10_000, clock),
        interval,
        async () => {
          const result = await pinPass(db, ipfs, clock);
          if (result.failed > 0) log(`pin worker: ${result.failed} document(s) failed to pin, will retry`);
        },
        (error) => log(`pin worker: ${(error as Error).message}`),
      );
      closers.push(() => pinWorker.stop());
      const scheduler = runPeriodically(
        new Lease(db, 'scheduler', 10_000, clock),
        interval,
        async () => {
          const { results } = await schedulerPass(schedulerDeps);
          if (results > 0) log(`scheduler: wrote ${results} result document(s)`);
        },
        (error) => log(`scheduler: ${(error as Error).message}`),
      );
      closers.push(() => scheduler.stop());
      const relayerWorker = runPeriodically(
        new Lease(db, 'relayer', 60_000, clock),
        interval,
        async (signal) => {
          const { queued, executed } = await relayerPass({
            db,
            chain,
            wallet: relayer,
            attestor,
            clock,
            log,
            sendTimeoutMs: config.relayerSendTimeoutMs,
            signal,
          });
          if (queued + executed > 0) log(`relayer: queued ${queued}, executed ${executed}`);
        },
        (error) => log(`relayer: ${(error as Error).message}`),
      );
      closers.push(() => relayerWorker.stop());
    }

    const app = createApp({
      db,
      chain,
      ipfs,
      spaces,
      ingest,
      power,
      clock,
      receiptSigner: receipts.address,
      chainDetails: chainDetails(chain.chainId, config.rpcUrl, config.walletChain),
      ipLimiter: new RateLimiter(config.rateLimitIpPerMinute, clock),
      gasLimiter: new RateLimiter(config.rateLimitGasPerMinute, clock, 'actions are measured'),
    });
    const server = await listen(app, config.port, config.host);
    closers.push(() => closeServer(server));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://${config.host}:${port}`,
      chain,
      db,
      ipfs,
      spaces,
      schedulerPass: () => schedulerPass(schedulerDeps),
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * The anchor sender, when a space's rules name a log anchor: ANCHOR_PRIVATE_KEY must be that sender's
 * key and the contract must be deployed, or the service does not start (its results could never be
 * written). A space with no anchor is served, with a warning: its results cannot pass the audit.
 */
async function openAnchorer(
  config: Config,
  spaces: Map<string, Space>,
  deps: { db: Database; ipfs: IpfsStore; chain: Chain; clock: () => number },
  log: Log,
): Promise<Anchorer | undefined> {
  const wallet = config.anchorPrivateKey ? new Wallet(config.anchorPrivateKey, deps.chain.provider) : undefined;
  for (const space of spaces.values()) {
    if (!space.anchor) {
      log(
        `anchor: WARNING: space "${space.id}" names no log anchor, so its results cannot pass the audit (npm run deploy-anchor)`,
      );
      continue;
    }
    const { contract, sender } = space.anchor;
    if (wallet?.address !== sender) {
      throw new Error(
        `space "${space.id}" has its log anchored by ${sender}: set ANCHOR_PRIVATE_KEY to that account's key${wallet ? ` (it is ${wallet.address})` : ''}`,
      );
    }
    if ((await deps.chain.provider.getCode(contract)) === '0x') {
      throw new Error(`space "${space.id}" names the log anchor ${contract}, but no contract is deployed there`);
    }
    log(`anchor: ${space.id}'s log is anchored at ${contract} by ${sender}`);
  }
  if (!wallet) return undefined;
  return new Anchorer({
    db: deps.db,
    ipfs: deps.ipfs,
    wallet,
    clock: deps.clock,
  });
}

/**
 * Warns when a space's executor would queue an outcome on the service's attestation alone (as the
 * local demo's does): production runs independent attestors at a threshold of at least 2 (README).
 */
/** Warns of each space's executor that the service's own keys could queue an outcome on alone. */
async function warnServiceHeldExecutors(spaces: Map<string, Space>, chain: Chain, keys: ServiceKey[], log: Log) {
  for (const space of spaces.values()) {
    if (!space.executor) continue;
    try {
      const executor = connectExecutor(space.executor, chain.provider);
      const listed = await Promise.all(keys.map((key) => executor.isAttestor(key.address)));
      const warning = serviceHeldWarning(
        { address: space.executor, space: space.id, threshold: await executor.threshold() },
        keys.filter((_, index) => listed[index]),
      );
      if (warning) log(warning);
    } catch (error) {
      log(`executor: could not read ${space.executor} (space "${space.id}"): ${(error as Error).message}`);
    }
  }
}

function listen(app: ReturnType<typeof createApp>, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE' ? new Error(`port ${port} on ${host} is in use: set PORT to another port`) : error,
      ),
    );
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

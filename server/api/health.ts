import { Router } from 'express';
import type { Chain } from '../chain/provider.js';
import type { Database } from '../db/index.js';
import type { IpfsStore } from '../ipfs/index.js';
import type { PowerService } from '../power/index.js';

export interface HealthDeps {
  db: Database;
  chain: Chain;
  ipfs: IpfsStore;
  power: PowerService;
}

/** A failed check that still has facts to show. */
class CheckFailed extends Error {
  constructor(
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
  }
}

type Check = { ok: true; [detail: string]: unknown } | { ok: false; error: string; [detail: string]: unknown };

const CHECK_TIMEOUT_MS = 5_000;

async function check(run: () => Promise<Record<string, unknown>>, context: Record<string, unknown>): Promise<Check> {
  const started = Date.now();
  try {
    const details = await withTimeout(run());
    return { ok: true, ...context, ...details, latencyMs: Date.now() - started };
  } catch (error) {
    const details = error instanceof CheckFailed ? error.details : {};
    return { ok: false, ...context, ...details, error: (error as Error).message, latencyMs: Date.now() - started };
  }
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** GET /api/health: each component checked for real; 503 names the ones that failed. */
export function healthRouter({ db, chain, ipfs, power }: HealthDeps): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const [database, chainCheck, ipfsCheck] = await Promise.all([
      check(async () => (await db.ping(), {}), { kind: db.kind }),
      check(
        async () => {
          const chainId = Number(await chain.provider.send('eth_chainId', []));
          if (chainId !== chain.chainId) throw new Error(`chain id is now ${chainId}, expected ${chain.chainId}`);
          // Decided once, at the first look: a node that cannot serve past staking state fails here.
          const history = await power.historicState();
          if (!history.ok) throw new CheckFailed(history.reason, { node: history.node });
          return { chainId, headBlock: await chain.headBlock(), node: history.node };
        },
        { rpcUrl: chain.rpcUrl },
      ),
      check(
        async () => {
          // A put/get round trip of a fresh document proves the store writes and reads.
          const probe = { probe: 'health', at: new Date().toISOString() };
          const cid = await ipfs.put(probe);
          const back = (await ipfs.get(cid)) as typeof probe;
          if (back.at !== probe.at) throw new Error(`read back a different document for ${cid}`);
          return { cid: cid.toString() };
        },
        { backend: ipfs.backend },
      ),
    ]);
    const components = { database, chain: chainCheck, ipfs: ipfsCheck };
    const failed = Object.entries(components)
      .filter(([, result]) => !result.ok)
      .map(([name]) => name);
    res
      .status(failed.length === 0 ? 200 : 503)
      .json({ status: failed.length === 0 ? 'ok' : 'failing', failed, components });
  });
  return router;
}

import type { ChainDetails } from './chain/details.js';
import express from 'express';
import type { Chain } from './chain/provider.js';
import type { Database } from './db/index.js';
import type { Ingest } from './ingest/ingest.js';
import type { IpfsStore } from './ipfs/index.js';
import { createPowerService, type PowerService } from './power/index.js';
import { attestationsRouter } from './api/attestations.js';
import { errorHandler, notFound } from './api/errors.js';
import { healthRouter } from './api/health.js';
import { homePage } from './api/home.js';
import { ipfsRouter } from './api/ipfs.js';
import { logRouter } from './api/log.js';
import { messagesRouter } from './api/messages.js';
import { powerRouter } from './api/power.js';
import { proposalsRouter } from './api/proposals.js';
import type { RateLimiter } from './api/rate-limit.js';
import { serviceInfoRouter } from './api/service-info.js';
import { spacesRouter } from './api/spaces.js';
import { actionGasRouter } from './api/action-gas.js';
import type { Space } from './spaces/schema.js';

export interface AppDeps {
  db: Database;
  chain: Chain;
  ipfs: IpfsStore;
  spaces: Map<string, Space>;
  ingest: Ingest;
  ipLimiter: RateLimiter;
  /** Gas measurements per IP address (POST /api/spaces/:id/action-gas), counted apart from messages. */
  gasLimiter: RateLimiter;
  /** Unix milliseconds. */
  clock: () => number;
  /** Address of the key that signs receipts. */
  receiptSigner: string;
  /** What wallets are told to add for the chain (GET /api/service). */
  chainDetails: ChainDetails;
  /** Voting power; default: one reading `chain` with default settings. */
  power?: PowerService;
}

export function createApp(deps: AppDeps): express.Express {
  const power = deps.power ?? createPowerService(deps);
  const app = express();
  app.disable('x-powered-by');
  app.use(homePage(deps.chain, deps.spaces, deps.ipfs.backend, deps.db.kind)); // the web app, / and client routes
  app.use(
    '/api',
    healthRouter({ ...deps, power }),
    spacesRouter(deps.spaces),
    actionGasRouter(deps),
    logRouter(deps),
    messagesRouter(deps),
    proposalsRouter(deps),
  );
  app.use('/api', attestationsRouter(deps));
  app.use('/api', serviceInfoRouter({ chain: deps.chainDetails, receiptSigner: deps.receiptSigner }));
  app.use('/api', powerRouter({ spaces: deps.spaces, power }));
  app.use(ipfsRouter(deps));
  app.use(notFound);
  app.use(errorHandler);
  return app;
}

import express from 'express';
import type { Chain } from './chain/provider.js';
import type { Database } from './db/index.js';
import type { IpfsStore } from './ipfs/index.js';
import { errorHandler, notFound } from './api/errors.js';
import { healthRouter } from './api/health.js';
import { homePage } from './api/home.js';
import { spacesRouter } from './api/spaces.js';
import type { Space } from './spaces/schema.js';

export interface AppDeps {
  db: Database;
  chain: Chain;
  ipfs: IpfsStore;
  spaces: Map<string, Space>;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));
  app.get('/', homePage(deps.chain, deps.spaces, deps.ipfs.backend, deps.db.kind));
  app.use('/api', healthRouter(deps), spacesRouter(deps.spaces));
  app.use(notFound);
  app.use(errorHandler);
  return app;
}

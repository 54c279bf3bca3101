import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { errorHandler } from '../../server/api/errors.js';
import { healthRouter } from '../../server/api/health.js';
import { connectChain } from '../../server/chain/provider.js';
import { loadConfig } from '../../server/config.js';
import { openIpfs } from '../../server/ipfs/index.js';
import { startService, type RunningService } from '../../server/service.js';
import { createPowerService } from '../../server/power/index.js';
import { startLocalChain, type LocalChain } from '../../scripts/lib/local-chain.js';
import { ensureLocalLogAnchor, LOCAL_ANCHOR_SENDER, LOCAL_LOG_ANCHOR_ADDRESS } from '../../scripts/lib/log-anchor.js';
import { tempDir } from '../support/temp.js';

describe('API on real components (local chain, SQLite, embedded IPFS)', () => {
  const dir = tempDir('api');
  let localChain: LocalChain;
  let service: RunningService;
  let app: string;

  beforeAll(async () => {
    localChain = await startLocalChain();
    const config = loadConfig({ PORT: '0', DATA_DIR: dir.path, IPFS_EMBEDDED_NETWORK: 'false' });
    // The demo space's log is anchored: without its anchor key, or its contract, the service does not start.
    await expect(startService({ ...config, rpcUrl: localChain.url })).rejects.toThrow(
      `space "demo" has its log anchored by ${LOCAL_ANCHOR_SENDER.address}: set ANCHOR_PRIVATE_KEY to that account's key`,
    );
    await expect(
      startService({ ...config, rpcUrl: localChain.url, anchorPrivateKey: LOCAL_ANCHOR_SENDER.privateKey }),
    ).rejects.toThrow(
      `space "demo" names the log anchor ${LOCAL_LOG_ANCHOR_ADDRESS}, but no contract is deployed there`,
    );
    const provider = new JsonRpcProvider(localChain.url, undefined, { staticNetwork: true });
    await ensureLocalLogAnchor(provider);
    provider.destroy();
    service = await startService({
      ...config,
      rpcUrl: localChain.url,
      anchorPrivateKey: LOCAL_ANCHOR_SENDER.privateKey,
    });
    app = service.url;
  });
  afterAll(async () => {
    await service?.close();
    await localChain.stop();
    dir.remove();
  });

  it('GET /api/health reports every component green with real readings', async () => {
    const res = await request(app).get('/api/health').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.failed).toEqual([]);
    expect(res.body.components.database).toMatchObject({ ok: true, kind: 'sqlite' });
    expect(res.body.components.chain).toMatchObject({ ok: true, chainId: 31337 });
    expect(typeof res.body.components.chain.headBlock).toBe('number');
    // What the node proved about serving past staking state (server/power/node-check.ts).
    expect(res.body.components.chain.node).toMatchObject({
      clientVersion: expect.stringMatching(/^v2\.4\.4\//),
      version: '2.4.4',
      bucketsAtBlock1: '0',
      archiveProbe: { block: expect.any(Number), executedAt: expect.any(Number) },
    });
    const { block, executedAt } = res.body.components.chain.node.archiveProbe;
    expect(executedAt).toBe(block + 1);
    expect(res.body.components.ipfs.ok).toBe(true);
    // The self-check really stored something: the CID it reports can be read back.
    const { CID } = await import('multiformats/cid');
    await expect(service.ipfs.get(CID.parse(res.body.components.ipfs.cid))).resolves.toMatchObject({ probe: 'health' });
  });

  it('GET /api/health fails the chain with 503 when its node cannot serve past staking state, and says why', async () => {
    localChain.node.setProfile('non-archive');
    try {
      const chain = await connectChain(localChain.url);
      const health = express()
        .use('/api', healthRouter({ ...service, power: createPowerService({ chain, db: service.db }) }))
        .use(errorHandler);
      const res = await request(health).get('/api/health').expect(503);
      expect(res.body.failed).toEqual(['chain']);
      expect(res.body.components.chain).toMatchObject({
        ok: false,
        error: expect.stringMatching(/keeps no history .* needs an archive node/),
        node: { version: '2.4.4', archiveProbe: { block: expect.any(Number), executedAt: expect.any(Number) } },
      });
      chain.provider.destroy();
    } finally {
      localChain.node.setProfile('archive');
    }
  });

  it('GET /api/spaces lists the demo space with amounts as decimal text', async () => {
    const res = await request(app).get('/api/spaces').expect(200);
    const demo = res.body.spaces.find((space: { id: string }) => space.id === 'demo');
    expect(demo).toMatchObject({
      chainId: 31337,
      proposalThreshold: { iotx: '1000', wei: '1000000000000000000000' },
      quorumChoices: ['For', 'Against', 'Abstain'],
    });
  });

  it('GET /api/spaces/:id serves the rules a proposal signs, pinned under the CID their digest names', async () => {
    const res = await request(app).get('/api/spaces/demo').expect(200);
    const { document, cid, digest } = res.body.rules as {
      document: Record<string, unknown>;
      cid: string;
      digest: string;
    };
    expect(document).toMatchObject({
      format: 1,
      space: 'demo',
      quorumBps: res.body.quorumBps,
      executor: res.body.executor,
    });
    expect(digest).toMatch(/^0x[0-9a-f]{64}$/);
    // Anyone can fetch it by the digest alone: its bytes at /ipfs/<cid> hash to the digest.
    const bytes = await request(app)
      .get(`/ipfs/${cid}`)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (chunk: Buffer) => chunks.push(chunk));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(
      `0x${createHash('sha256')
        .update(bytes.body as Buffer)
        .digest('hex')}`,
    ).toBe(digest);
    expect(JSON.parse((bytes.body as Buffer).toString('utf8'))).toEqual(document);
  });

  it('GET /api/spaces/:id returns one space, or 404 naming the unknown id', async () => {
    await request(app)
      .get('/api/spaces/demo')
      .expect(200, /"id":"demo"/);
    const res = await request(app).get('/api/spaces/nope').expect(404);
    expect(res.body.error).toMatchObject({ code: 'unknown_space', field: 'id' });
  });

  it('serves a page at / that says what is running', async () => {
    const res = await request(app).get('/').expect(200).expect('content-type', /html/);
    expect(res.text).toContain('31337');
    expect(res.text).toContain('/api/health');
  });

  it('answers unknown routes and bad JSON with a JSON error', async () => {
    const missing = await request(app).get('/api/nothing-here').expect(404);
    expect(missing.body.error.code).toBe('not_found');
    const bad = await request(app)
      .post('/api/messages')
      .set('content-type', 'application/json')
      .send('{"a":')
      .expect(400);
    expect(bad.body.error.code).toBe('invalid_json');
  });

  it('GET /api/health names the failing component with 503', async () => {
    const brokenDir = tempDir('api-broken');
    const brokenIpfs = await openIpfs({ dataDir: brokenDir.path, ipfsEmbeddedNetwork: false, ipfsApiUrl: undefined });
    // A file where the block directory should be: every write fails, as on a lost or full disk.
    rmSync(path.join(brokenDir.path, 'ipfs', 'blocks'), { recursive: true, force: true });
    writeFileSync(path.join(brokenDir.path, 'ipfs', 'blocks'), 'not a directory');
    const deadChain = await startLocalChain();
    const unreachable = await connectChain(deadChain.url);
    await deadChain.stop();
    const broken = express()
      .use(
        '/api',
        healthRouter({
          db: service.db,
          chain: unreachable,
          ipfs: brokenIpfs,
          power: createPowerService({ chain: unreachable, db: service.db }),
        }),
      )
      .use(errorHandler);
    const res = await request(broken).get('/api/health').expect(503);
    expect(res.body.status).toBe('failing');
    expect(res.body.failed.sort()).toEqual(['chain', 'ipfs']);
    expect(res.body.components.database.ok).toBe(true);
    expect(res.body.components.chain.error).toEqual(expect.any(String));
    unreachable.provider.destroy();
    await brokenIpfs.close();
    brokenDir.remove();
  });
});

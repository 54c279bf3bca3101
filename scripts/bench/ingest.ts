// Ingest end to end over HTTP: the whole service on the local chain (SQLite, embedded IPFS), N staked
// voters (BENCH_INGEST_VOTERS, default 2,000) with votes signed beforehand, sent with bounded
// concurrency (BENCH_INGEST_CONCURRENCY, default 32) for at most BENCH_INGEST_SECONDS (default 30);
// then every accepted vote is checked to be in the log at its receipt's place. Prints votes/s,
// p50/p99, CPU per vote, and, in the same run, the raw verification rate (EIP-712 hash + native
// recovery, one core, times the cores) and the ratio; writes bench/results.json.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { JsonRpcProvider, Wallet, id as keccakText, parseEther } from 'ethers';
import { loadConfig } from '../../server/config.js';
import { messageDigest } from '../../server/messages/digest.js';
import { normalizeMessage } from '../../server/messages/normalize.js';
import { parseEnvelope } from '../../server/messages/schema.js';
import { recoverSigner } from '../../server/messages/signature.js';
import { governanceDomain, MESSAGE_TYPES } from '../../server/messages/types.js';
import { startService } from '../../server/service.js';
import { spaceRules } from '../../server/spaces/rules.js';
import { spaceSchema, type SpaceFile } from '../../server/spaces/schema.js';
import { recordBench, seconds } from '../lib/bench-record.js';
import { startLocalChain } from '../lib/local-chain.js';
import { DEMO_CANDIDATES, seedDemoStake } from '../lib/demo-stake.js';
import { NativeStakingAdmin } from '../lib/staking-standin.js';

const VOTERS = Number(process.env.BENCH_INGEST_VOTERS ?? 2_000);
const CONCURRENCY = Number(process.env.BENCH_INGEST_CONCURRENCY ?? 32);
const DURATION_S = Number(process.env.BENCH_INGEST_SECONDS ?? 30);

const SPACE: SpaceFile = {
  id: 'bench',
  name: 'Bench',
  chainId: 31337,
  strategies: [{ name: 'iotex-staking' }],
  proposalThreshold: '1',
  supportThresholdBps: 1,
  supportPeriodSeconds: 3600,
  votingDelaySeconds: 0,
  votingPeriodSeconds: 3600,
  quorumBps: 1000,
  passThresholdBps: 5000,
  quorumChoices: ['For', 'Against', 'Abstain'],
  admins: [],
  executor: null,
};

const wallets = Array.from({ length: VOTERS }, (_, i) => new Wallet(keccakText(`bench voter ${i}`)));
const chain = await startLocalChain();
const dir = mkdtempSync(path.join(tmpdir(), 'gov-bench-ingest-'));
try {
  // Stake: one bucket per voter, 100 transactions per JSON-RPC batch.
  const provider = new JsonRpcProvider(chain.url, chain.chainId, { staticNetwork: true, cacheTimeout: -1 });
  // The demo stake gives the chain its candidates and weighted total; the voters stake on its first candidate.
  await seedDemoStake(provider);
  const admin = await NativeStakingAdmin.connect(provider);
  const candidate = DEMO_CANDIDATES[0]!.id;
  let started = process.hrtime.bigint();
  await admin.sendBatched(
    chain.url,
    wallets.map((w, i) => ['createBucket', [w.address, candidate, parseEther(String(1000 + i)), 91, true, 0, 0]]),
  );
  await provider.send('evm_mine', []);
  const snapshot = Number(await provider.send('eth_blockNumber', []));
  await provider.send('evm_mine', []);
  console.log(
    `${VOTERS.toLocaleString('en-US')} voters staked in ${seconds(started).toFixed(1)} s; snapshot block ${snapshot}`,
  );

  // The service, as `npm start` runs it, on this chain.
  const spacesDir = path.join(dir, 'spaces');
  mkdirSync(spacesDir);
  writeFileSync(path.join(spacesDir, 'bench.json'), JSON.stringify(SPACE));
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dir,
    IPFS_EMBEDDED_NETWORK: 'false',
    SPACES_DIR: spacesDir,
    RATE_LIMIT_IP_PER_MINUTE: '100000000',
    RATE_LIMIT_ADDRESS_PER_MINUTE: '1000',
  });
  const service = await startService({ ...config, rpcUrl: chain.url }, (line) => {
    if (/WARNING/.test(line)) console.log(line);
  });
  try {
    const domain = governanceDomain(chain.chainId);
    const typesOf = (type: 'Proposal' | 'Support' | 'Vote') =>
      Object.fromEntries(Object.entries(MESSAGE_TYPES[type]).map(([name, fields]) => [name, [...fields]]));
    const sign = async (wallet: Wallet, type: 'Proposal' | 'Support' | 'Vote', message: Record<string, unknown>) => ({
      address: wallet.address,
      sig: await wallet.signTypedData(domain, typesOf(type), message),
      data: { domain, types: typesOf(type), primaryType: type, message },
    });
    const post = async (body: unknown) => {
      const response = await fetch(`${service.url}/api/messages`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const now = () => Math.floor(Date.now() / 1000);
    const author = wallets[0]!;
    const proposal = await post(
      await sign(author, 'Proposal', {
        from: author.address,
        space: SPACE.id,
        timestamp: now(),
        kind: 'policy',
        title: 'Bench',
        body: '',
        discussion: '',
        choices: ['For', 'Against', 'Abstain'],
        snapshot,
        rules: spaceRules(spaceSchema.parse(SPACE)).digest,
        actions: [],
      }),
    );
    if (proposal.status !== 200) throw new Error(`the proposal was refused: ${JSON.stringify(proposal.body)}`);
    const proposalId = proposal.body.id as string;
    const support = await post(
      await sign(author, 'Support', { from: author.address, space: SPACE.id, timestamp: now(), proposal: proposalId }),
    );
    if (support.status !== 200) throw new Error(`the support was refused: ${JSON.stringify(support.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // into the voting window

    started = process.hrtime.bigint();
    const votes = await Promise.all(
      wallets.map((wallet, i) =>
        sign(wallet, 'Vote', {
          from: wallet.address,
          space: SPACE.id,
          timestamp: now(),
          proposal: proposalId,
          choice: (i % 3) + 1,
          reason: '',
        }),
      ),
    );
    console.log(`${votes.length.toLocaleString('en-US')} votes signed in ${seconds(started).toFixed(1)} s`);

    // The raw ceiling, in the same run: hash and recover each vote on one core, times the cores.
    started = process.hrtime.bigint();
    for (const vote of votes) {
      const signed = parseEnvelope(vote, chain.chainId);
      recoverSigner(messageDigest(chain.chainId, 'Vote', normalizeMessage(signed)), vote.sig);
    }
    const rawPerCore = votes.length / seconds(started);
    const rawAllCores = rawPerCore * os.cpus().length;

    // Send: CONCURRENCY clients, each taking the next vote, until all are sent or the time is up.
    const latencies: number[] = [];
    const accepted: { id: string; receipt: { sequence: number } }[] = [];
    const refused = new Map<string, number>();
    let next = 0;
    const cpuBefore = process.cpuUsage();
    started = process.hrtime.bigint();
    const deadline = Date.now() + DURATION_S * 1000;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < votes.length && Date.now() < deadline) {
          const vote = votes[next++]!;
          const sent = process.hrtime.bigint();
          const answer = await post(vote);
          latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
          if (answer.status === 200) accepted.push(answer.body as (typeof accepted)[number]);
          else {
            const code = String((answer.body.error as { code?: string } | undefined)?.code ?? answer.status);
            refused.set(code, (refused.get(code) ?? 0) + 1);
          }
        }
      }),
    );
    const elapsed = seconds(started);
    const cpu = process.cpuUsage(cpuBefore);

    // Every accepted vote is in the log, at the place its receipt names.
    const rows = await service.db.client.message.findMany({
      where: { id: { in: accepted.map((a) => a.id) } },
      select: { id: true, sequence: true },
    });
    const placed = new Map(rows.map((row) => [row.id, row.sequence]));
    const misplaced = accepted.filter((a) => placed.get(a.id) !== a.receipt.sequence).length;

    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
    const rate = accepted.length / elapsed;
    const cpuMsPerVote = (cpu.user + cpu.system) / 1000 / Math.max(1, accepted.length);
    console.log(
      `sent ${latencies.length.toLocaleString('en-US')} votes with ${CONCURRENCY} connections in ${elapsed.toFixed(1)} s`,
    );
    console.log(`accepted votes/s                 ${rate.toFixed(1).padStart(9)}   (target >= 3,000)`);
    console.log(`latency p50 / p99                ${pct(50).toFixed(0).padStart(6)} / ${pct(99).toFixed(0)} ms`);
    console.log(
      `CPU per accepted vote            ${cpuMsPerVote.toFixed(2).padStart(9)} ms   (client and service, one process)`,
    );
    console.log(
      `raw verification, ${os.cpus().length} cores       ${rawAllCores.toFixed(0).padStart(9)} /s   (${rawPerCore.toFixed(0)} on one core)`,
    );
    console.log(`ratio accepted / raw             ${(rate / rawAllCores).toFixed(4).padStart(9)}   (target >= 0.3)`);
    if (refused.size > 0) console.log(`refused: ${[...refused].map(([code, n]) => `${code} ${n}`).join(', ')}`);
    console.log(
      `log check: ${accepted.length - misplaced} of ${accepted.length} accepted votes at their receipt's place`,
    );
    recordBench('ingest', {
      voters: VOTERS,
      concurrency: CONCURRENCY,
      sent: latencies.length,
      accepted: accepted.length,
      seconds: elapsed,
      votesPerSecond: rate,
      p50Ms: pct(50),
      p99Ms: pct(99),
      cpuMsPerVote,
      rawVerificationsPerSecond: rawAllCores,
      ratio: rate / rawAllCores,
      misplaced,
    });
    if (misplaced > 0) process.exitCode = 1;
  } finally {
    await service.close();
  }
  provider.destroy();
} finally {
  await chain.stop();
  rmSync(dir, { recursive: true, force: true });
}

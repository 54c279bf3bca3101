// Counting and result building at scale: the tally of a million votes (each voter's latest vote in
// the window, then the sums) and the result document with its Merkle root over them, on one core.
// Targets (issue «Throughput»): tally under 1 s, document with root under 10 s.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { proposalStatus, type VoteRecord } from '../../server/lifecycle/index.js';
import { lifecycleRules } from '../../server/lifecycle/types.js';
import { buildResultDocument, type ResultVote } from '../../server/results/document.js';
import { spaceSchema } from '../../server/spaces/schema.js';
import { recordBench, seconds } from '../lib/bench-record.js';

const COUNT = Number(process.env.BENCH_RESULT_VOTES ?? 1_000_000);
const space = spaceSchema.parse(JSON.parse(readFileSync('spaces/local/demo.json', 'utf8')));
const rules = lifecycleRules(space);
const createdAt = 1_764_000_000;
const facts = { kind: 'policy' as const, createdAt, totalPower: 10n ** 30n };
// One support reaches the threshold at once; the votes come inside the voting window.
const supports = [{ power: facts.totalPower, timestamp: createdAt + 1, receivedAt: createdAt + 1 }];
const votingStart = createdAt + 1 + rules.votingDelaySeconds;

console.log(`making ${COUNT.toLocaleString('en')} votes from distinct voters…`);
const pool = randomBytes(52 * COUNT);
const votes: ResultVote[] = Array.from({ length: COUNT }, (_, i) => {
  const at = votingStart + (i % rules.votingPeriodSeconds);
  return {
    id: `0x${pool.toString('hex', 52 * i, 52 * i + 32)}`,
    voter: `0x${pool.toString('hex', 52 * i + 32, 52 * i + 52)}`,
    choice: ((i % 3) + 1) as VoteRecord['choice'],
    power: 10n ** 18n * BigInt(1 + (i % 1000)),
    timestamp: at,
    receivedAt: at,
    cid: 'bagaaierasords4njcts6vs7qvdjfcvgnume4hqohf65zsfguprqphs3icwea',
    sequence: i + 2,
  };
});
const end = votingStart + rules.votingPeriodSeconds;

let started = process.hrtime.bigint();
const status = proposalStatus(facts, rules, supports, votes, end);
const tallySeconds = seconds(started);
if (status.state !== 'Passed' && status.state !== 'Rejected') throw new Error(`unexpected state ${status.state}`);

started = process.hrtime.bigint();
const document = buildResultDocument({
  chainId: 4689,
  proposal: {
    id: `0x${'ab'.repeat(32)}`,
    cid: 'bagaaierasords4njcts6vs7qvdjfcvgnume4hqohf65zsfguprqphs3icwea',
    sequence: 1,
    space: space.id,
    author: `0x${'cd'.repeat(20)}`,
    kind: 'policy',
    snapshot: 1,
    createdAt,
    actionsHash: null,
  },
  rules,
  strategies: space.strategies,
  totalPower: facts.totalPower,
  supports: [],
  votes,
  status,
  log: { to: COUNT + 1, head: `0x${'ef'.repeat(32)}`, lastBatch: 'bafy' },
});
const documentSeconds = seconds(started);
if (document.votes.length !== COUNT || !document.merkle.root) throw new Error('the document lost votes');

started = process.hrtime.bigint();
const bytes = Buffer.byteLength(JSON.stringify(document));
const serializeSeconds = seconds(started);

const rows = [
  { step: `tally of ${COUNT.toLocaleString('en')} votes`, seconds: tallySeconds, target: 1 },
  { step: 'result document with its Merkle root', seconds: documentSeconds, target: 10 },
  { step: `JSON of the document (${(bytes / 2 ** 20).toFixed(0)} MiB)`, seconds: serializeSeconds, target: undefined },
];
for (const row of rows) {
  const verdict =
    row.target === undefined
      ? ''
      : row.seconds <= row.target
        ? `  (target < ${row.target} s: met)`
        : `  (target < ${row.target} s: NOT met)`;
  console.log(`${row.step.padEnd(48)} ${row.seconds.toFixed(2).padStart(7)} s${verdict}`);
}
recordBench('results', {
  votes: COUNT,
  tallySeconds,
  documentSeconds,
  serializeSeconds,
  documentBytes: bytes,
});

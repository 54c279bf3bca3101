import { isDeepStrictEqual } from 'node:util';
import { connectChain } from '../chain/provider.js';
import { openDatabase } from '../db/index.js';
import { firstBrokenLink, GENESIS_HEAD } from '../ingest/log.js';
import { receiptSigner, type Receipt } from '../ingest/receipts.js';
import { proposalStatus, type Choice, type LifecycleRules } from '../lifecycle/index.js';
import { actionsHash, messageDigest } from '../messages/digest.js';
import { normalizeMessage } from '../messages/normalize.js';
import { parseEnvelope, type SignedMessage } from '../messages/schema.js';
import { verifySigner } from '../messages/signature.js';
import { createPowerService } from '../power/index.js';
import {
  buildResultDocument,
  settledAt,
  type ResultDocument,
  type ResultSupport,
  type ResultVote,
} from '../results/document.js';
import type { Space, StrategyConfig } from '../spaces/schema.js';
import type { DocumentSource } from './source.js';

// The independent audit of one proposal: from IPFS and the chain only. It walks the space's log
// from the result's last batch back to the first, checks the hash chain, verifies every message's
// signature, recomputes power at the snapshot from the chain, rebuilds the result document with the
// same pure rules, and lists every difference with the pinned result.

export interface LogEntry {
  sequence: number;
  id: string;
  cid: string;
  receivedAt: number;
  head: string;
}

export interface AuditFinding {
  ok: boolean;
  check: string;
  detail: string;
}

export interface AuditReport {
  ok: boolean;
  proposalId: string;
  resultCid: string;
  findings: AuditFinding[];
  /** The result as the audit rebuilt it (undefined when it could not get that far). */
  rebuilt?: ResultDocument;
  result?: ResultDocument;
}

export interface AuditOptions {
  proposalId: string;
  resultCid: string;
  source: DocumentSource;
  rpcUrl: string;
  /** A voter's receipt to look for in the log and the result. */
  receipt?: Receipt;
  /** The service's receipt signer, if known (GET /api/service); checked against the receipt. */
  receiptSigner?: string;
  progress?: (line: string) => void;
  /** Where the audit's own power cache lives (a scratch SQLite file; never the service's database). */
  scratchDir: string;
}

class AuditFailed extends Error {}

export async function auditProposal(options: AuditOptions): Promise<AuditReport> {
  const findings: AuditFinding[] = [];
  const pass = (check: string, detail: string) => findings.push({ ok: true, check, detail });
  const fail = (check: string, detail: string) => {
    findings.push({ ok: false, check, detail });
    return new AuditFailed(detail);
  };
  const progress = options.progress ?? (() => {});
  const report = (): AuditReport => ({
    ok: findings.every((f) => f.ok),
    proposalId: options.proposalId,
    resultCid: options.resultCid,
    findings,
  });

  const result = (await options.source.get(options.resultCid)) as ResultDocument;
  if (result?.type !== 'Result' || result.proposal?.id !== options.proposalId) {
    fail('result', `${options.resultCid} is not the result of proposal ${options.proposalId}`);
    return report();
  }
  pass('result', `fetched ${options.resultCid}: ${result.state}`);

  try {
    const log = await readLog(result, options.source, progress);
    const receiptFound =
      options.receipt !== undefined &&
      receiptInLog(options.receipt, log, Number(result.chainId), options.receiptSigner, pass, fail);
    const brokenAt = firstBrokenLink(log);
    const gaps = log.filter((entry, index) => entry.sequence !== index + 1);
    if (gaps.length > 0)
      throw fail(
        'log order',
        `entries are missing or out of order from sequence ${gaps[0]!.sequence} (position ${log.indexOf(gaps[0]!) + 1})`,
      );
    if (brokenAt >= 0)
      throw fail(
        'log hash chain',
        `the head at sequence ${log[brokenAt]!.sequence} does not follow from the entries before it: an entry was removed, added or reordered`,
      );
    if ((log.at(-1)?.head ?? GENESIS_HEAD) !== result.log.head)
      throw fail('log hash chain', `the log ends at head ${log.at(-1)?.head}, the result names ${result.log.head}`);
    pass('log hash chain', `${log.length} entries, head(${log.length}) = ${result.log.head}`);

    const chainId = Number(result.chainId);
    const chain = await connectChain(options.rpcUrl);
    const messages = await verifyMessages(log, options.source, chainId, chain.provider, progress, fail);
    if (findings.some((f) => !f.ok)) throw new AuditFailed();
    pass('signatures', `${messages.length} messages: every document hashes to its id and is signed by its sender`);
    if (chain.chainId !== chainId)
      throw fail('chain', `the RPC node is on chain ${chain.chainId}, the result on ${chainId}`);

    const rebuilt = await rebuild(result, log, messages, chain, options, progress, fail);
    chain.provider.destroy();
    const differences = diff(result, rebuilt);
    for (const difference of differences) fail('result', difference);
    if (differences.length === 0)
      pass(
        'result',
        `recomputed from the log and the chain: ${rebuilt.state}` +
          (rebuilt.totals
            ? `, For ${rebuilt.totals.for}, Against ${rebuilt.totals.against}, Abstain ${rebuilt.totals.abstain}, turnout ${rebuilt.totals.turnout} of quorum ${rebuilt.totals.quorum}`
            : `, support ${rebuilt.support.power} of ${rebuilt.support.threshold} needed`),
      );
    if (options.receipt && receiptFound) receiptCounted(options.receipt, result, rebuilt, messages, pass, fail);
    return { ...report(), rebuilt, result };
  } catch (error) {
    if (!(error instanceof AuditFailed)) fail('audit', (error as Error).message);
    return { ...report(), result };
  }
}

/** The log 1..to, from the result's last batch back through each previous batch. */
async function readLog(
  result: ResultDocument,
  source: DocumentSource,
  progress: (line: string) => void,
): Promise<LogEntry[]> {
  const batches: { entries: Record<string, string>[] }[] = [];
  let cid: string | null = result.log.lastBatch;
  while (cid) {
    const batch = (await source.get(cid)) as {
      type: string;
      space: string;
      previousBatch: string | null;
      entries: Record<string, string>[];
    };
    if (batch.type !== 'LogBatch' || batch.space !== result.log.space)
      throw new Error(`${cid} is not a log batch of space ${result.log.space}`);
    batches.unshift(batch);
    cid = batch.previousBatch;
  }
  const entries = batches
    .flatMap((batch) => batch.entries)
    .map((entry) => ({
      sequence: Number(entry.sequence),
      id: entry.id!,
      cid: entry.cid!,
      receivedAt: Number(entry.receivedAt),
      head: entry.head!,
    }));
  progress(`log: ${entries.length} entries in ${batches.length} batch(es)`);
  return entries.filter((entry) => entry.sequence <= Number(result.log.to));
}

type VerifiedMessage = SignedMessage & { entry: LogEntry };

async function verifyMessages(
  log: LogEntry[],
  source: DocumentSource,
  chainId: number,
  provider: Parameters<typeof verifySigner>[3],
  progress: (line: string) => void,
  fail: (check: string, detail: string) => Error,
): Promise<VerifiedMessage[]> {
  const messages: VerifiedMessage[] = [];
  for (const [index, entry] of log.entries()) {
    if (index > 0 && index % 100 === 0) progress(`signatures: ${index} of ${log.length}`);
    try {
      const document = (await source.get(entry.cid)) as { address: string; sig: string };
      const { envelope, ...signed } = parseEnvelope(document, chainId);
      const id = messageDigest(chainId, signed.primaryType, normalizeMessage(signed));
      if (id !== entry.id) {
        fail('signatures', `log entry ${entry.sequence}: its document hashes to ${id}, not to the id ${entry.id}`);
        continue;
      }
      await verifySigner(id, envelope.sig, signed.message.from, provider);
      messages.push({ ...signed, entry } as VerifiedMessage);
    } catch (error) {
      fail('signatures', `log entry ${entry.sequence} (${entry.cid}): ${(error as Error).message}`);
    }
  }
  return messages;
}

async function rebuild(
  result: ResultDocument,
  log: LogEntry[],
  messages: VerifiedMessage[],
  chain: Awaited<ReturnType<typeof connectChain>>,
  options: AuditOptions,
  progress: (line: string) => void,
  fail: (check: string, detail: string) => Error,
): Promise<ResultDocument> {
  const proposalMessage = messages.find((m) => m.entry.id === options.proposalId && m.primaryType === 'Proposal');
  if (!proposalMessage || proposalMessage.primaryType !== 'Proposal')
    throw fail('proposal', `proposal ${options.proposalId} is not in the log`);
  const proposal = proposalMessage.message;
  const about = messages.filter((m) => m.primaryType !== 'Proposal' && m.message.proposal === options.proposalId);
  const supporters = about.filter((m) => m.primaryType === 'Support');
  const voters = about.filter((m) => m.primaryType === 'Vote');
  const cancel = about.find((m) => m.primaryType === 'CancelProposal' && m.message.from === proposal.from);

  const scratch = await openDatabase(`file:${options.scratchDir}/audit-power.db`);
  const power = createPowerService({ chain, db: scratch });
  try {
    const historic = await power.historicState();
    if (!historic.ok) throw fail('chain', `the RPC node cannot serve the snapshot block: ${historic.reason}`);
    const space = { strategies: result.strategies as StrategyConfig[] } as Space;
    const addresses = [...new Set([...supporters, ...voters].map((m) => m.message.from))];
    progress(`power: reading ${addresses.length} address(es) and the weighted total at block ${proposal.snapshot}`);
    const [powers, totalPower] = await Promise.all([
      power.powerAt(space, addresses, proposal.snapshot),
      power.totalPowerAt(space, proposal.snapshot),
    ]);
    const powerOf = (address: string) => powers.get(address)?.total ?? 0n;

    const supports: ResultSupport[] = supporters.map((m) => ({
      supporter: m.message.from,
      power: powerOf(m.message.from),
      timestamp: m.message.timestamp,
      receivedAt: m.entry.receivedAt,
      id: m.entry.id,
      cid: m.entry.cid,
      sequence: m.entry.sequence,
    }));
    const votes: ResultVote[] = voters.map((m) => ({
      id: m.entry.id,
      voter: m.message.from,
      choice: (m.primaryType === 'Vote' ? m.message.choice : 1) as Choice,
      power: powerOf(m.message.from),
      timestamp: m.message.timestamp,
      receivedAt: m.entry.receivedAt,
      cid: m.entry.cid,
      sequence: m.entry.sequence,
    }));
    const rules = result.rules as LifecycleRules;
    const facts = {
      kind: proposal.kind,
      createdAt: proposalMessage.entry.receivedAt,
      totalPower,
      ...(cancel ? { canceledAt: cancel.entry.receivedAt } : {}),
    };
    const end = settledAt(proposalStatus(facts, rules, supports, votes, Number.MAX_SAFE_INTEGER), facts.canceledAt);
    if (end === undefined) throw fail('lifecycle', 'by the log, this proposal is not settled yet');
    const lastEntry = log.at(-1)!;
    return buildResultDocument({
      chainId: chain.chainId,
      proposal: {
        id: options.proposalId,
        cid: proposalMessage.entry.cid,
        sequence: proposalMessage.entry.sequence,
        space: proposal.space,
        author: proposal.from,
        kind: proposal.kind,
        snapshot: proposal.snapshot,
        createdAt: proposalMessage.entry.receivedAt,
        actionsHash:
          proposal.kind === 'technical'
            ? actionsHash(proposal.actions.map((a) => ({ ...a, value: a.value.toString() })))
            : null,
      },
      rules,
      strategies: result.strategies as StrategyConfig[],
      totalPower,
      supports,
      votes,
      status: proposalStatus(facts, rules, supports, votes, end),
      log: { to: lastEntry.sequence, head: lastEntry.head, lastBatch: result.log.lastBatch },
    });
  } finally {
    await scratch.close();
  }
}

/** Every path where the pinned result and the rebuilt one differ. */
export function diff(actual: unknown, expected: unknown, path = ''): string[] {
  if (isDeepStrictEqual(actual, expected)) return [];
  if (
    actual &&
    expected &&
    typeof actual === 'object' &&
    typeof expected === 'object' &&
    Array.isArray(actual) === Array.isArray(expected)
  ) {
    const keys = new Set([...Object.keys(actual), ...Object.keys(expected)]);
    if (Array.isArray(actual) && Array.isArray(expected) && actual.length !== expected.length) {
      return [`${path || 'result'}: the result lists ${actual.length}, the log and chain give ${expected.length}`];
    }
    return [...keys].flatMap((key) =>
      diff(
        (actual as Record<string, unknown>)[key],
        (expected as Record<string, unknown>)[key],
        path ? `${path}.${key}` : key,
      ),
    );
  }
  return [
    `${path || 'result'}: the result has ${JSON.stringify(actual)}, the log and chain give ${JSON.stringify(expected)}`,
  ];
}

/** Whether the message a receipt names is in the log where the service signed it would be. */
function receiptInLog(
  receipt: Receipt,
  log: LogEntry[],
  chainId: number,
  expectedSigner: string | undefined,
  pass: (check: string, detail: string) => void,
  fail: (check: string, detail: string) => Error,
): boolean {
  const signer = receiptSigner(receipt, chainId);
  if (signer !== receipt.signer || (expectedSigner && signer !== expectedSigner)) {
    fail('receipt', `the receipt is signed by ${signer}, not by the service (${expectedSigner ?? receipt.signer})`);
    return false;
  }
  const entry = log.find((candidate) => candidate.sequence === receipt.sequence);
  if (!entry || entry.id !== receipt.id || entry.head !== receipt.head) {
    fail(
      'receipt',
      `the service signed that message ${receipt.id} is entry ${receipt.sequence} with head ${receipt.head}, but the log ${entry ? `has ${entry.id} there with head ${entry.head}` : 'has no entry there'}: the log was rewritten`,
    );
    return false;
  }
  pass('receipt', `message ${receipt.id} is in the log at sequence ${receipt.sequence}`);
  return true;
}

/** Whether a vote a receipt names is counted, by the pinned result and by the rebuilt one. */
function receiptCounted(
  receipt: Receipt,
  result: ResultDocument,
  rebuilt: ResultDocument,
  messages: VerifiedMessage[],
  pass: (check: string, detail: string) => void,
  fail: (check: string, detail: string) => Error,
) {
  const message = messages.find((m) => m.entry.id === receipt.id);
  if (message?.primaryType !== 'Vote') return;
  const countedByResult = result.votes.some((vote) => vote.id === receipt.id);
  const countedByLog = rebuilt.votes.some((vote) => vote.id === receipt.id);
  if (countedByResult && countedByLog) {
    pass('receipt', 'and it is counted in the result');
  } else if (countedByLog) {
    fail('receipt', 'the log and the chain count this vote, but the result leaves it out');
  } else {
    const latest = rebuilt.votes.find((vote) => vote.voter === message.message.from);
    // Not counted, rightly: say why.
    pass(
      'receipt',
      latest
        ? `the vote is rightly not counted: ${message.message.from}'s vote ${latest.id} (signed later, or with a lower id at the same time) counts instead`
        : 'the vote is rightly not counted: it was signed or received outside the voting window',
    );
  }
}

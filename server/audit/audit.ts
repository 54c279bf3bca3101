import { isDeepStrictEqual } from 'node:util';
import { getAddress, parseUnits, toQuantity } from 'ethers';
import { z } from 'zod';
import { connectChain } from '../chain/provider.js';
import { DocumentMismatch, parseCid } from '../ipfs/codec.js';
import { connectExecutor } from '../execution/executor.js';
import { MessageError } from '../messages/errors.js';
import { openDatabase } from '../db/index.js';
import { firstBrokenLink, GENESIS_HEAD } from '../ingest/log.js';
import { receiptSigner, type Receipt } from '../ingest/receipts.js';
import { MAX_FUTURE_SKEW_SECONDS } from '../lifecycle/admission.js';
import { proposalStatus, type Choice } from '../lifecycle/index.js';
import { lifecycleRules } from '../lifecycle/types.js';
import { actionsHash, messageDigest } from '../messages/digest.js';
import { normalizeMessage } from '../messages/normalize.js';
import { parseEnvelope, type SignedMessage } from '../messages/schema.js';
import { recoverSigner, verifySigner } from '../messages/signature.js';
import { createPowerService } from '../power/index.js';
import {
  buildResultDocument,
  settledAt,
  type ResultDocument,
  type ResultSupport,
  type ResultVote,
} from '../results/document.js';
import { rulesCid, rulesDocumentSchema, type RulesDocument } from '../spaces/rules.js';
import type { Space } from '../spaces/schema.js';
import { connectLogAnchor, readAnchors, type Anchor } from '../anchor/contract.js';
import { ANCHOR_CLOCK_TOLERANCE_SECONDS, anchorProblems, CLOSING_SLACK_SECONDS, keyInForce } from './anchors.js';
import { headAround, lastBlockAt } from './block-time.js';
import { logRefusals, replayProposal } from './replay.js';
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
  /** The rules document the proposal signed, as the audit read it from IPFS, and the digest it signed. */
  rules?: RulesDocument;
  rulesDigest?: string;
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
  /**
   * The digest of the rules the auditor holds to be the space's, from a source it trusts (not the
   * service's word). Without it, `trustedExecutor` must have accepted the rules the proposal signed.
   */
  expectedRules?: string;
  /** The executor the auditor trusts to hold the space's rules digest (npm run attest's --executor). */
  trustedExecutor?: string;
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

  let result: ResultDocument;
  try {
    result = (await options.source.get(options.resultCid)) as ResultDocument;
  } catch (error) {
    if (!(error instanceof DocumentMismatch)) throw error;
    fail('result', `the document served as ${options.resultCid} is not the one that CID names: ${error.message}`);
    return report();
  }
  const shape = resultShape.safeParse(result);
  if (!shape.success || result.proposal.id !== options.proposalId) {
    fail(
      'result',
      `${options.resultCid} is not the result of proposal ${options.proposalId}${shape.success ? '' : ` (${shape.error.issues[0]!.path.join('.')}: ${shape.error.issues[0]!.message})`}`,
    );
    return report();
  }
  pass('result', `fetched ${options.resultCid}: ${result.state}`);

  try {
    const log = await readLog(result, options.source, progress);
    const receiptCheck = options.receipt
      ? receiptInLog(options.receipt, log, Number(result.chainId), pass, fail)
      : { signed: false, inLog: false };
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
    let rebuilt: ResultDocument, rules: RulesDocument, rulesDigest: string, messages: VerifiedMessage[];
    try {
      messages = await verifyMessages(log, options.source, chainId, chain.provider, progress, fail);
      // Only a message that is not what it claims stops the audit; a receipt's finding does not.
      if (findings.some((f) => !f.ok && f.check === 'signatures')) throw new AuditFailed();
      pass('signatures', `${messages.length} messages: every document hashes to its id and is signed by its sender`);
      if (chain.chainId !== chainId)
        throw fail('chain', `the RPC node is on chain ${chain.chainId}, the result on ${chainId}`);
      let settled: number;
      ({ rebuilt, rules, rulesDigest, settled } = await rebuild(
        result,
        log,
        messages,
        chain,
        options,
        progress,
        fail,
        pass,
      ));
      const about = new Set(
        messages
          .filter((m) => m.primaryType !== 'Proposal' && m.message.proposal === options.proposalId)
          .map((m) => m.entry.sequence),
      );
      const proposalSequence = messages.find((m) => m.entry.id === options.proposalId)!.entry.sequence;
      const anchors = await checkAnchors(log, rules, settled, about, proposalSequence, chain, progress, pass, fail);
      if (options.receipt && receiptCheck.signed)
        receiptKey(options.receipt, anchors, options.receiptSigner, pass, fail);
    } finally {
      chain.provider.destroy();
    }
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
    if (options.receipt && receiptCheck.inLog) receiptCounted(options.receipt, result, rebuilt, messages, pass, fail);
    return { ...report(), rebuilt, rules, rulesDigest, result };
  } catch (error) {
    // Tampering is a finding; anything else (a node or gateway that does not answer) means the audit
    // could not run, and is thrown.
    if (error instanceof DocumentMismatch) fail('documents', error.message);
    else if (!(error instanceof AuditFailed)) throw error;
    return { ...report(), result };
  }
}

const decimal = z.string().regex(/^\d{1,15}$/);
const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/);
const cidText = z.string().refine((text) => {
  try {
    parseCid(text);
    return true;
  } catch {
    return false;
  }
}, 'not a CID');

/** What the audit reads of a result before anything else: its proposal and its log. */
const resultShape = z.looseObject({
  type: z.literal('Result'),
  proposal: z.looseObject({ id: hex32 }),
  votes: z.array(z.looseObject({ id: z.string() })),
  log: z.looseObject({ space: z.string(), to: decimal, head: hex32, lastBatch: cidText }),
});

/** A pinned batch of a space's log (server/ipfs/pin-worker.ts). */
const batchShape = z.looseObject({
  type: z.literal('LogBatch'),
  space: z.string(),
  previousBatch: cidText.nullable(),
  entries: z.array(z.looseObject({ sequence: decimal, id: hex32, cid: cidText, receivedAt: decimal, head: hex32 })),
});

/** The log 1..to, from the result's last batch back through each previous batch. */
async function readLog(
  result: ResultDocument,
  source: DocumentSource,
  progress: (line: string) => void,
): Promise<LogEntry[]> {
  const batches: z.infer<typeof batchShape>[] = [];
  const seen = new Set<string>();
  let cid: string | null = result.log.lastBatch;
  while (cid) {
    if (seen.has(cid)) throw new DocumentMismatch(`the log batches loop back to ${cid}`);
    seen.add(cid);
    const batch = batchShape.safeParse(await source.get(cid));
    if (!batch.success || batch.data.space !== result.log.space)
      throw new DocumentMismatch(`${cid} is not a log batch of space ${result.log.space}`);
    batches.unshift(batch.data);
    cid = batch.data.previousBatch;
  }
  const entries = batches
    .flatMap((batch) => batch.entries)
    .map((entry) => ({
      sequence: Number(entry.sequence),
      id: entry.id,
      cid: entry.cid,
      receivedAt: Number(entry.receivedAt),
      head: entry.head,
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
      // A contract wallet is asked as it was when the message was received: it may accept other
      // signatures later (a Safe whose owners changed), which must not undo what it signed then.
      const accountSigned = (() => {
        try {
          return recoverSigner(id, envelope.sig) === signed.message.from;
        } catch {
          return false;
        }
      })();
      const blockTag = accountSigned ? 'latest' : toQuantity(await lastBlockAt(provider, entry.receivedAt));
      await verifySigner(id, envelope.sig, signed.message.from, provider, blockTag);
      messages.push({ ...signed, entry } as VerifiedMessage);
    } catch (error) {
      if (!(error instanceof MessageError || error instanceof DocumentMismatch)) throw error;
      fail('signatures', `log entry ${entry.sequence} (${entry.cid}): ${error.message}`);
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
  pass: (check: string, detail: string) => void,
): Promise<{ rebuilt: ResultDocument; rules: RulesDocument; rulesDigest: string; settled: number }> {
  const proposalMessage = messages.find((m) => m.entry.id === options.proposalId);
  if (!proposalMessage || proposalMessage.primaryType !== 'Proposal')
    throw fail('proposal', `proposal ${options.proposalId} is not in the log`);
  const proposal = proposalMessage.message;
  // The rules come from the document the proposal signed, never from what is audited.
  const rules = await readRules(proposal.rules, proposal.space, chain.chainId, options.source, fail);
  await confirmRules(
    proposal.rules,
    rules,
    {
      ...(options.expectedRules ? { rules: options.expectedRules } : {}),
      ...(options.trustedExecutor ? { executor: getAddress(options.trustedExecutor) } : {}),
    },
    proposalMessage.entry.receivedAt,
    chain,
    pass,
    fail,
  );

  const scratch = await openDatabase(`file:${options.scratchDir}/audit-power.db`);
  const power = createPowerService({ chain, db: scratch });
  try {
    const historic = await power.historicState();
    if (!historic.ok) throw fail('chain', `the RPC node cannot serve the snapshot block: ${historic.reason}`);
    const space = { strategies: rules.strategies } as Space;
    const about = messages.filter((m) => m.primaryType !== 'Proposal' && m.message.proposal === options.proposalId);
    const addresses = [...new Set([proposal.from, ...about.map((m) => m.message.from)])];
    progress(`power: reading ${addresses.length} address(es) and the weighted total at block ${proposal.snapshot}`);
    const [powers, totalPower, headWhenProposed] = await Promise.all([
      power.powerAt(space, addresses, proposal.snapshot),
      power.totalPowerAt(space, proposal.snapshot),
      headAround(chain.provider, proposalMessage.entry.receivedAt, MAX_FUTURE_SKEW_SECONDS),
    ]);
    const powerOf = (address: string) => powers.get(address)?.total ?? 0n;

    const lifecycle = lifecycleRules(rules);
    const replay = replayProposal(
      proposalMessage,
      messages,
      {
        lifecycle,
        admins: rules.admins,
        proposalThreshold: { iotx: rules.proposalThreshold, wei: parseUnits(rules.proposalThreshold, 18) },
        snapshotMaxAgeBlocks: rules.snapshotMaxAgeBlocks,
      },
      { totalPower, powerOf, headWhenProposed },
    );
    const refusals = [...logRefusals(result.log.space, messages), ...replay.refusals].sort(
      (a, b) => a.sequence - b.sequence,
    );
    for (const refusal of refusals)
      fail(
        'admission',
        `log entry ${refusal.sequence}: ingest would have refused it (${refusal.code}): ${refusal.detail}`,
      );
    if (refusals.length === 0)
      pass('admission', `every entry of the log is one that ingest admits, by the rules the proposal signed`);

    const supports: ResultSupport[] = replay.supports.map((m) => ({
      supporter: m.message.from,
      power: powerOf(m.message.from),
      timestamp: m.message.timestamp,
      receivedAt: m.entry.receivedAt,
      id: m.entry.id,
      cid: m.entry.cid,
      sequence: m.entry.sequence,
    }));
    const votes: ResultVote[] = replay.votes.map((m) => ({
      id: m.entry.id,
      voter: m.message.from,
      choice: (m.primaryType === 'Vote' ? m.message.choice : 1) as Choice,
      power: powerOf(m.message.from),
      timestamp: m.message.timestamp,
      receivedAt: m.entry.receivedAt,
      cid: m.entry.cid,
      sequence: m.entry.sequence,
    }));
    const facts = replay.ledger.facts;
    const end = settledAt(proposalStatus(facts, lifecycle, supports, votes, Number.MAX_SAFE_INTEGER), facts.canceledAt);
    if (end === undefined) throw fail('lifecycle', 'by the log, this proposal is not settled yet');
    const lastEntry = log.at(-1)!;
    const rebuilt = buildResultDocument({
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
      rules: lifecycle,
      strategies: rules.strategies,
      totalPower,
      supports,
      votes,
      status: proposalStatus(facts, lifecycle, supports, votes, end),
      log: { to: lastEntry.sequence, head: lastEntry.head, lastBatch: result.log.lastBatch },
    });
    return { rebuilt, rules, rulesDigest: proposal.rules, settled: end };
  } finally {
    await scratch.close();
  }
}

/**
 * The anchors of the sender the rules name, checked against the log (server/audit/anchors.ts); a
 * space whose rules name no anchor fails: without one, only a receipt can show a rewritten log.
 */
async function checkAnchors(
  log: LogEntry[],
  rules: RulesDocument,
  settled: number,
  about: ReadonlySet<number>,
  proposalSequence: number,
  chain: Awaited<ReturnType<typeof connectChain>>,
  progress: (line: string) => void,
  pass: (check: string, detail: string) => void,
  fail: (check: string, detail: string) => Error,
): Promise<Anchor[]> {
  if (!rules.anchor) {
    fail(
      'anchors',
      `the rules name no log anchor: a log cut or rewritten by the service cannot be told from the real one without a receipt`,
    );
    return [];
  }
  const { contract, sender } = rules.anchor;
  const anchors = await readAnchors(chain.provider, connectLogAnchor(contract, chain.provider), sender, rules.space);
  progress(`anchors: ${anchors.length} by ${sender} at ${contract}`);
  const problems = anchorProblems(
    log,
    anchors,
    settled,
    about,
    rules.anchor.intervalSeconds,
    new Set([...about, proposalSequence]),
  );
  for (const problem of problems) fail('anchors', problem);
  if (problems.length === 0)
    pass(
      'anchors',
      `the log matches all ${anchors.filter((a) => a.sequence <= log.length).length} heads ${sender} anchored in its range, reaches one anchored after the outcome was settled within ${ANCHOR_CLOCK_TOLERANCE_SECONDS + CLOSING_SLACK_SECONDS} s with no message about the proposal after it, and the proposal and every message about it were received between the anchors around them and anchored within ${rules.anchor.intervalSeconds} s`,
    );
  return anchors;
}

/**
 * Rule: the rules a proposal signed are the space's only if the auditor says so: the digest it gives
 * (`--rules`), or the one the executor it trusts (`--executor`, never one the rules name) accepted when
 * the proposal was received. A proposal the operator signed under rules of its own making fails here.
 */
async function confirmRules(
  digest: string,
  rules: RulesDocument,
  trusted: { rules?: string; executor?: string },
  proposedAt: number,
  chain: Awaited<ReturnType<typeof connectChain>>,
  pass: (check: string, detail: string) => void,
  fail: (check: string, detail: string) => Error,
): Promise<void> {
  const signed = `the proposal signed rules ${digest} (${rulesCid(digest).toString()})`;
  if (trusted.rules !== undefined) {
    if (trusted.rules.toLowerCase() !== digest)
      throw fail('rules', `${signed}, not the space's rules ${trusted.rules} you gave`);
    pass('rules', `${signed}, the space's rules you gave`);
    return;
  }
  if (trusted.executor === undefined) {
    throw fail(
      'rules',
      `${signed}, and nothing you trust confirms they are the space's: give the digest you hold to be the space's (--rules) or the executor you trust (--executor)`,
    );
  }
  if (rules.executor !== trusted.executor) {
    throw fail('rules', `${signed}, which name the executor ${rules.executor ?? 'none'}, not ${trusted.executor}`);
  }
  // As the executor stood when the proposal was received: a later change of its rules by a proposal
  // does not undo what was decided under the earlier ones.
  const block = toQuantity(await lastBlockAt(chain.provider, proposedAt));
  const accepted = (
    (await chain.provider.call({
      to: trusted.executor,
      data: connectExecutor(trusted.executor, null).interface.encodeFunctionData('rulesDigest'),
      blockTag: block,
    })) as string
  ).toLowerCase();
  if (accepted !== digest) {
    throw fail('rules', `${signed}, but the executor ${trusted.executor} accepted only the rules ${accepted} then`);
  }
  pass('rules', `${signed}, the rules the executor ${trusted.executor} accepted then`);
}

/** The rules document a proposal signed, fetched by its digest and checked against the schema. */
async function readRules(
  digest: string,
  space: string,
  chainId: number,
  source: DocumentSource,
  fail: (check: string, detail: string) => Error,
): Promise<RulesDocument> {
  const cid = rulesCid(digest).toString();
  const parsed = rulesDocumentSchema.safeParse(await source.get(cid));
  if (!parsed.success)
    throw fail('rules', `the rules document ${cid} the proposal signed is not one: ${parsed.error.issues[0]!.message}`);
  if (parsed.data.space !== space || parsed.data.chainId !== chainId)
    throw fail(
      'rules',
      `the rules the proposal signed are those of space "${parsed.data.space}" on chain ${parsed.data.chainId}, not "${space}" on ${chainId}`,
    );
  return parsed.data;
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

/** Whether a receipt is validly signed, and whether the message it names is in the log where it says. */
function receiptInLog(
  receipt: Receipt,
  log: LogEntry[],
  chainId: number,
  pass: (check: string, detail: string) => void,
  fail: (check: string, detail: string) => Error,
): { signed: boolean; inLog: boolean } {
  const signer = receiptSigner(receipt, chainId);
  if (signer !== receipt.signer) {
    fail('receipt', `the receipt's signature is by ${signer}, not by the ${receipt.signer} it names`);
    return { signed: false, inLog: false };
  }
  const entry = log.find((candidate) => candidate.sequence === receipt.sequence);
  const signed = { id: receipt.id, cid: receipt.cid, receivedAt: receipt.received, head: receipt.head };
  const differing = entry
    ? (Object.keys(signed) as (keyof typeof signed)[]).filter((field) => entry[field] !== signed[field])
    : [];
  if (!entry || differing.length > 0) {
    fail(
      'receipt',
      `the receipt, signed by ${signer}, says message ${receipt.id} is entry ${receipt.sequence} (${JSON.stringify(signed)}), but the log ${entry ? `has ${differing.map((field) => `${field} ${String(entry[field])}`).join(', ')} there` : 'has no entry there'}: the log was rewritten, if that key was in force there`,
    );
    return { signed: true, inLog: false };
  }
  pass('receipt', `message ${receipt.id} is in the log at sequence ${receipt.sequence}`);
  return { signed: true, inLog: true };
}

/** Whether a receipt is signed by the key in force at its sequence: the anchors', else the service's published one. */
function receiptKey(
  receipt: Receipt,
  anchors: readonly Anchor[],
  published: string | undefined,
  pass: (check: string, detail: string) => void,
  fail: (check: string, detail: string) => Error,
) {
  const anchored = keyInForce(anchors, receipt.sequence);
  const expected = anchored ?? published;
  if (expected === undefined) return;
  if (receipt.signer !== expected) {
    fail(
      'receipt',
      `the receipt is signed by ${receipt.signer}, but the key in force at sequence ${receipt.sequence} is ${expected} (${anchored ? 'as anchored' : 'as the service publishes it'})`,
    );
  } else pass('receipt', `signed by ${expected}, the key in force at sequence ${receipt.sequence}`);
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

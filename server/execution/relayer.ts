import { Contract, type HDNodeWallet, type Wallet } from 'ethers';
import { describeChainError } from '../chain/errors.js';
import type { Chain } from '../chain/provider.js';
import type { Database } from '../db/index.js';
import { backoffMs } from '../ipfs/pin-worker.js';
import type { MessageDocument } from '../messages/normalize.js';
import { acceptAttestation, attestationSigner, outcomeOf } from './attestations.js';
import {
  inFlightSchema,
  seeThroughInFlight,
  sendUntilMined,
  Interrupted,
  isCancel,
  type InFlightStore,
  type SendDeps,
  type Settled,
} from './send.js';
import {
  PROPOSAL_STATES,
  executeGasLimit,
  executorDomain,
  EXECUTOR_ABI,
  OUTCOME_TYPES,
  type ExecutorAction,
  type Outcome,
} from './executor.js';

// The relayer pays gas, nothing more: it queues a passed technical proposal once enough attestors
// signed its Outcome, and executes it when the executor's timelock ends. The contract enforces
// threshold, timelock, veto and exactly-once; a relayer without attestations can do nothing. Each
// step re-reads the contract first, so a restart, a second relayer or a lost race is harmless. Its
// transactions go one at a time, each seen through until mined (server/execution/send.ts).

export interface RelayerDeps {
  db: Database;
  chain: Chain;
  /** Pays for queue and execute. */
  wallet: Wallet | HDNodeWallet;
  /** The service's attestor key: it attests outcomes it computed itself, if the executor lists it. */
  attestor?: Wallet | HDNodeWallet;
  /** Unix milliseconds. */
  clock: () => number;
  /** Where a failed step is reported, with its proposal id (it is also kept in the execution row). */
  log?: (line: string) => void;
  /** How long a transaction may stay unmined before it is replaced at a higher fee. */
  sendTimeoutMs: number;
  /** Ends the pass early (the lease is ending, or the service stops); a transaction in flight stays recorded. */
  signal?: AbortSignal;
}

/** How long a relayer holds a proposal's step once it took it: others leave it alone meanwhile. */
const STEP_CLAIM_MS = 120_000;

const FINISHED = ['Executed', 'Vetoed', 'Expired'];

/** After this long untouched, another key's transaction in flight no longer holds its step. */
const ABANDONED_MS = 10 * 60_000;

export async function relayerPass(deps: RelayerDeps): Promise<{ queued: number; executed: number }> {
  const { db } = deps;
  const counts = { queued: 0, executed: 0 };
  const count = (step: Step) => {
    if (step === 'queued') counts.queued++;
    if (step === 'executed') counts.executed++;
  };
  // A transaction still in flight comes first: every later one of this key would wait behind its nonce.
  const inFlight = await inFlightStore(db).load(deps.wallet.address);
  if (inFlight) {
    const proposalId = inFlight.purpose.proposalId!;
    try {
      const settled = await seeThroughInFlight(sendDeps(deps));
      if (settled) {
        count(await recordSettled(deps, settled));
        await db.client.execution.update({ where: { proposalId }, data: { attempts: 0, lastError: null } });
      }
    } catch (error) {
      // Whatever stopped it, nothing else is sent this pass: it would wait behind the same nonce.
      report(deps, proposalId, error);
      return counts;
    }
  }
  const othersInFlight = await inFlightElsewhere(deps);
  const passed = await db.client.result.findMany({ where: { state: 'Passed' }, select: { proposalId: true } });
  const technical = await db.client.proposal.findMany({
    where: { id: { in: passed.map((r) => r.proposalId) }, kind: 'technical' },
    select: { id: true },
  });
  const finished = new Set(
    (await db.client.execution.findMany({ where: { status: { in: FINISHED } }, select: { proposalId: true } })).map(
      (e) => e.proposalId,
    ),
  );
  for (const { id } of technical.filter((p) => !finished.has(p.id) && !othersInFlight.has(p.id))) {
    if (deps.signal?.aborted) break;
    const row = await db.client.execution.upsert({
      where: { proposalId: id },
      create: { proposalId: id, status: 'Waiting', nextAttemptAt: BigInt(deps.clock()) },
      update: {},
    });
    if (Number(row.nextAttemptAt) > deps.clock()) continue;
    // Takes the step in the database before sending anything: of two relayers, the one whose update
    // finds the row as it read it goes on; the other leaves it alone until the claim lapses.
    const claim = await db.client.execution.updateMany({
      where: { proposalId: id, nextAttemptAt: row.nextAttemptAt },
      data: { nextAttemptAt: BigInt(deps.clock() + STEP_CLAIM_MS) },
    });
    if (claim.count === 0) continue;
    try {
      count(await advance(deps, id));
      await db.client.execution.update({
        where: { proposalId: id },
        data: { attempts: 0, lastError: null, nextAttemptAt: BigInt(deps.clock()) },
      });
    } catch (error) {
      if (error instanceof Interrupted) {
        // Not a failure: the next pass (here or on another replica) sees the transaction through.
        report(deps, id, error);
        await db.client.execution.update({ where: { proposalId: id }, data: { nextAttemptAt: BigInt(deps.clock()) } });
        break;
      }
      const attempts = row.attempts + 1;
      const message = report(deps, id, error, `attempt ${attempts}, next in ${backoffMs(attempts) / 1000} s`);
      await db.client.execution.update({
        where: { proposalId: id },
        data: {
          attempts,
          nextAttemptAt: BigInt(deps.clock() + backoffMs(attempts)),
          lastError: message.slice(0, 500),
        },
      });
    }
  }
  return counts;
}

type Step = 'queued' | 'executed' | 'waiting';

/** Logs a step's failure with its proposal id; the message, for the execution row. */
function report(deps: RelayerDeps, proposalId: string, error: unknown, retry?: string): string {
  const message = describeChainError(error);
  deps.log?.(`relayer: proposal ${proposalId}: ${message}${retry ? ` (${retry})` : ''}`);
  return message;
}

/**
 * Proposals whose step another relayer key has a transaction in flight for: left to it, so two keys
 * never send the same step. A record its key has not touched for a while is taken as abandoned (that
 * relayer stopped; the node drops what stays in its pool after 10 minutes, iotex-core ActionExpiry).
 */
async function inFlightElsewhere(deps: RelayerDeps): Promise<Set<string>> {
  const abandonedAfter = Math.max(ABANDONED_MS, 3 * deps.sendTimeoutMs);
  const rows = await deps.db.client.inFlightTransaction.findMany({ where: { from: { not: deps.wallet.address } } });
  return new Set(
    rows
      .map((row) => inFlightSchema.parse(JSON.parse(row.record)))
      .filter((record) => Date.now() - record.sentAt < abandonedAfter)
      .map((record) => record.purpose.proposalId!),
  );
}

/** The relayer key's transaction in flight, as a row of its own. */
function inFlightStore(db: Database): InFlightStore {
  const table = db.client.inFlightTransaction;
  return {
    async load(from) {
      const row = await table.findUnique({ where: { from } });
      return row ? inFlightSchema.parse(JSON.parse(row.record)) : undefined;
    },
    async save(inFlight) {
      const record = JSON.stringify(inFlight);
      await table.upsert({
        where: { from: inFlight.from },
        create: { from: inFlight.from, record },
        update: { record },
      });
    },
    async clear(from) {
      await table.deleteMany({ where: { from } });
    },
  };
}

function sendDeps(deps: RelayerDeps): SendDeps {
  return {
    wallet: deps.wallet,
    store: inFlightStore(deps.db),
    timeoutMs: deps.sendTimeoutMs,
    pollMs: Math.min(1_000, deps.sendTimeoutMs / 4),
    signal: deps.signal,
    log: deps.log,
    // A queue is wanted while the executor has not queued the proposal, an execute while it is queued.
    async stillWanted({ proposalId, step, executor }) {
      const contract = new Contract(executor!, EXECUTOR_ABI, deps.chain.provider);
      const state = PROPOSAL_STATES[Number(await contract.getFunction('state')(proposalId))];
      return state === (step === 'queue' ? 'Unknown' : 'Queued');
    },
  };
}

/** Records what a mined queue or execute transaction did; one that reverted or lost its nonce is an error. */
async function recordSettled(deps: RelayerDeps, { receipt, inFlight }: Settled): Promise<Step> {
  const { proposalId, step } = inFlight.purpose as { proposalId: string; step: 'queue' | 'execute' };
  // Replaced by an empty transaction once someone else did the step: the next pass reads what they did.
  if (isCancel(inFlight.call, inFlight.from)) return 'waiting';
  if (!receipt) {
    throw new Error(
      `the ${step} transaction's nonce ${inFlight.nonce} went to another transaction of ${inFlight.from}; the step is tried again`,
    );
  }
  if (receipt.status !== 1) throw new Error(`the ${step} transaction ${receipt.hash} reverted`);
  const now = BigInt(Math.floor(deps.clock() / 1000));
  if (step === 'queue') {
    const contract = new Contract(inFlight.call.to, EXECUTOR_ABI, deps.chain.provider);
    const { eta } = (await contract.getFunction('proposals')(proposalId)) as { eta: bigint };
    await deps.db.client.execution.update({
      where: { proposalId },
      data: { status: 'Queued', queueTx: receipt.hash, eta, queuedAt: now },
    });
    return 'queued';
  }
  await deps.db.client.execution.update({
    where: { proposalId },
    data: { status: 'Executed', executeTx: receipt.hash, executedAt: now },
  });
  return 'executed';
}

async function advance(deps: RelayerDeps, proposalId: string): Promise<Step> {
  const { db, chain } = deps;
  const { outcome, executor } = await outcomeOf(db, proposalId);
  const contract = new Contract(executor, EXECUTOR_ABI, deps.wallet);
  const now = BigInt(Math.floor(deps.clock() / 1000));
  if (deps.attestor) await selfAttest(deps, proposalId, executor);
  // An unfunded key is said plainly, before a node's own words for it.
  if ((await chain.provider.getBalance(deps.wallet.address)) === 0n) {
    throw new Error(`the relayer ${deps.wallet.address} has no IOTX to pay gas: fund it`);
  }

  const state = PROPOSAL_STATES[Number(await contract.getFunction('state')(proposalId))];
  if (state === 'Executed' || state === 'Vetoed' || state === 'Expired') {
    await db.client.execution.update({
      where: { proposalId },
      data: { status: state, ...(state === 'Executed' ? { executedAt: now } : {}) },
    });
    return 'waiting';
  }
  if (state === 'Unknown') {
    // The executor accepts only outcomes decided under its own rules: say so rather than send a queue
    // that reverts (WrongRules). It is retried with backoff, in case a proposal sets its digest back.
    const accepted = (await contract.getFunction('rulesDigest')()) as string;
    if (accepted !== outcome.rulesDigest) {
      throw new Error(
        `the executor ${executor} accepts outcomes under the rules ${accepted}; this proposal signed ${outcome.rulesDigest}, so it cannot be queued there`,
      );
    }
    const threshold = Number(await contract.getFunction('threshold')());
    const stored = await db.client.attestation.findMany({
      where: { proposalId, resultCid: outcome.resultCid },
      orderBy: { attestor: 'asc' },
    });
    // Only valid signatures of attestors the executor lists now count: one removed since it attested,
    // or a row the contract would refuse (stored by an earlier version), is left out.
    const isAttestor = contract.getFunction('isAttestor');
    const counted = await Promise.all(
      stored.map(
        async (a) =>
          validAttestation(chain.chainId, executor, outcome, a) && ((await isAttestor(a.attestor)) as boolean),
      ),
    );
    const attestations = stored.filter((_, index) => counted[index]);
    if (attestations.length < threshold) {
      await db.client.execution.update({ where: { proposalId }, data: { status: 'Waiting' } });
      return 'waiting';
    }
    const args = [outcome, attestations.slice(0, threshold).map((a) => a.signature)];
    const call = {
      to: executor,
      data: contract.interface.encodeFunctionData('queue', args),
      value: '0',
      gasLimit: (await contract.getFunction('queue').estimateGas(...args)).toString(),
    };
    return recordSettled(deps, await sendUntilMined(sendDeps(deps), call, { proposalId, step: 'queue', executor }));
  }
  // Queued: execute once the eta has passed, by the later of the chain's newest block and this clock:
  // an idle chain makes no block until a transaction comes, and the block that mines this one is
  // stamped with the time it is made.
  const { eta } = (await contract.getFunction('proposals')(proposalId)) as { eta: bigint };
  const block = await chain.provider.send('eth_getBlockByNumber', ['latest', false]);
  const time = BigInt(block.timestamp) > now ? BigInt(block.timestamp) : now;
  if (time < eta) {
    await db.client.execution.update({ where: { proposalId }, data: { status: 'Queued', eta } });
    return 'waiting';
  }
  const message = await db.client.message.findUniqueOrThrow({ where: { id: proposalId }, select: { document: true } });
  const actions = (JSON.parse(message.document) as MessageDocument).data.message.actions as unknown as ExecutorAction[];
  const call = {
    to: executor,
    data: contract.interface.encodeFunctionData('execute', [proposalId, actions]),
    value: '0',
    gasLimit: (await executeGas(contract, proposalId, actions, BigInt(block.gasLimit))).toString(),
  };
  return recordSettled(deps, await sendUntilMined(sendDeps(deps), call, { proposalId, step: 'execute', executor }));
}

/**
 * Rule: the floors voters signed decide the gas, never an estimate alone: a node's estimate is the
 * least gas at which execute does not revert (Hardhat's binary search), or on iotex-core the gas used
 * with the block's gas limit when that does not revert (api/coreservice.go
 * estimateExecutionGasConsumptionAt), and either can starve a target that swallows its inner call's
 * failure. A quarter above the estimate is taken when that is more. `cap` is the newest block's gas limit.
 */
async function executeGas(
  contract: Contract,
  proposalId: string,
  actions: ExecutorAction[],
  cap: bigint,
): Promise<bigint> {
  const floors = executeGasLimit(actions);
  const estimate = ((await contract.getFunction('execute').estimateGas(proposalId, actions)) * 5n) / 4n;
  // Never above the block's gas limit: iotex-core takes such a transaction into its pool but never
  // mines it (state/factory/workingset.go validateAndRun skips it). The estimate, made first, refuses
  // a proposal that cannot run within it.
  const wanted = estimate > floors ? estimate : floors;
  return wanted < cap ? wanted : cap;
}

function validAttestation(
  chainId: number,
  executor: string,
  outcome: Outcome,
  row: { attestor: string; signature: string },
): boolean {
  try {
    return attestationSigner(chainId, executor, outcome, row.signature) === row.attestor;
  } catch {
    return false;
  }
}

/** The service attests what it tallied itself, when the executor counts its key as an attestor. */
async function selfAttest(deps: RelayerDeps, proposalId: string, executor: string) {
  const attestor = deps.attestor!;
  if (
    await deps.db.client.attestation.findUnique({
      where: { proposalId_attestor: { proposalId, attestor: attestor.address } },
    })
  )
    return;
  const contract = new Contract(executor, EXECUTOR_ABI, deps.chain.provider);
  if (!(await contract.getFunction('isAttestor')(attestor.address))) return;
  const { outcome } = await outcomeOf(deps.db, proposalId);
  const signature = await attestor.signTypedData(executorDomain(deps.chain.chainId, executor), OUTCOME_TYPES, outcome);
  await acceptAttestation(
    { ...deps, provider: deps.chain.provider, chainId: deps.chain.chainId },
    proposalId,
    signature,
  );
}

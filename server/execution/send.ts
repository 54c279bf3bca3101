import { Transaction, type HDNodeWallet, type TransactionReceipt, type Wallet } from 'ethers';
import { z } from 'zod';
import { feeCeiling, feeFields, feesOf, feesSchema, replacementFees, type Fees } from './fees.js';

// Sending a transaction so that it is mined: one at a time per key, each recorded before it is
// broadcast (so a crash, a restart or another replica with the same key sees it through instead of
// sending another), and replaced by the same call at the same nonce for a higher fee whenever one is
// not mined in time. Waiting stops when the caller's signal aborts; the record stays for the next pass.

const hash = z.string().regex(/^0x[0-9a-f]{64}$/);

/** The call a relayer transaction makes; every replacement makes the same one. */
export const callSchema = z
  .object({ to: z.string(), data: z.string(), value: z.string().regex(/^\d+$/), gasLimit: z.string().regex(/^\d+$/) })
  .strict();
export type Call = z.infer<typeof callSchema>;

/** A key's transaction in flight: every hash sent at its nonce, the newest last. */
export const inFlightSchema = z
  .object({
    from: z.string(),
    nonce: z.number().int().nonnegative(),
    call: callSchema,
    /** What it is for, e.g. {proposalId, step}: handed back with its receipt. */
    purpose: z.record(z.string(), z.string()),
    hashes: z.array(hash).min(1),
    /** The newest, signed: broadcast again when the node lost it (dropped from its pool, restarted). */
    raw: z.string().regex(/^0x[0-9a-f]+$/),
    fees: feesSchema,
    ceiling: feesSchema,
    /** Unix milliseconds, when the newest was broadcast. */
    sentAt: z.number(),
  })
  .strict();
export type InFlight = z.infer<typeof inFlightSchema>;

/** Where a key's transaction in flight is kept: a database row in the service. */
export interface InFlightStore {
  load(from: string): Promise<InFlight | undefined>;
  save(inFlight: InFlight): Promise<void>;
  clear(from: string): Promise<void>;
}

export interface SendDeps {
  /** Signs and pays; connected to the chain. */
  wallet: Wallet | HDNodeWallet;
  store: InFlightStore;
  /** How long a transaction may stay unmined before it is replaced. */
  timeoutMs: number;
  /** How often receipts are looked for. */
  pollMs: number;
  /** Waiting ends when it aborts (StillPending); the transaction stays recorded. */
  signal?: AbortSignal;
  log?: (line: string) => void;
  /**
   * Whether what a transaction in flight is for still needs doing (asked before raising its fee): one
   * that is no longer needed (someone else did it) is replaced by an empty transaction, to free the
   * nonce for the least gas rather than pay ever more for a call that would revert.
   */
  stillWanted?: (purpose: Record<string, string>) => Promise<boolean>;
}

/** The empty transaction that frees a nonce: nothing to the sender itself, the least gas there is. */
export function isCancel(call: Call, from: string): boolean {
  return call.to === from && call.data === '0x' && call.value === '0';
}

/** The caller's signal ended the work before it was done: not a failure, the next pass goes on. */
export class Interrupted extends Error {
  override name = 'Interrupted';
}

/** The transaction is sent and recorded, but not mined yet: whoever runs next sees it through. */
export class StillPending extends Interrupted {
  override name = 'StillPending';
}

/** Throws Interrupted, before anything is sent, once the caller's signal has aborted. */
function stopIfAborted(deps: SendDeps): void {
  if (deps.signal?.aborted)
    throw new Interrupted(
      `stopped before sending: ${String((deps.signal.reason as Error)?.message ?? deps.signal.reason)}`,
    );
}

/** How a transaction in flight ended: mined (one of its hashes), or its nonce went to another transaction. */
export type Settled = { receipt: TransactionReceipt; inFlight: InFlight } | { receipt: null; inFlight: InFlight };

/** Sends `call` for `purpose` and waits until it is mined (replacing it while it is not). */
export async function sendUntilMined(deps: SendDeps, call: Call, purpose: Record<string, string>): Promise<Settled> {
  const { wallet } = deps;
  stopIfAborted(deps);
  if (await deps.store.load(wallet.address)) {
    throw new Error(`the relayer ${wallet.address} still has a transaction in flight: see it through first`);
  }
  const nonce = await confirmedNonce(deps);
  const populated = await wallet.populateTransaction({ ...request(call), nonce });
  const fees = feesOf(populated);
  const first = { from: wallet.address, nonce, call, purpose, fees, ceiling: feeCeiling(fees) };
  return seeThrough(deps, await broadcast(deps, first));
}

/**
 * Waits for the key's transaction in flight, if any, to be mined, replacing it each time it stays
 * unmined for `timeoutMs`; clears the record once it is settled. Undefined when nothing was in flight.
 */
export async function seeThroughInFlight(deps: SendDeps): Promise<Settled | undefined> {
  const inFlight = await deps.store.load(deps.wallet.address);
  return inFlight && seeThrough(deps, inFlight);
}

/** Polls for a receipt this many times after the nonce moved: iotex-core updates the state before its receipt index. */
const RECEIPT_LAG_POLLS = 5;

async function seeThrough(deps: SendDeps, start: InFlight): Promise<Settled> {
  let inFlight = start;
  let nonceMovedPolls = 0;
  for (;;) {
    // The nonce first: a block mined between the two reads then shows as not mined yet, never as
    // this key's nonce gone to a transaction that is not one of these.
    const nonce = await confirmedNonce(deps);
    const receipt = await firstReceipt(deps, inFlight.hashes);
    if (receipt || (nonce > inFlight.nonce && ++nonceMovedPolls > RECEIPT_LAG_POLLS)) {
      // A nonce used with none of these hashes mined went to another transaction of this key.
      await deps.store.clear(inFlight.from);
      return { receipt, inFlight };
    }
    if (nonce <= inFlight.nonce && Date.now() - inFlight.sentAt >= deps.timeoutMs) {
      stopIfAborted(deps);
      inFlight = await retry(deps, inFlight);
    }
    if (deps.signal?.aborted) {
      throw new StillPending(
        `transaction ${inFlight.hashes.at(-1)} (nonce ${inFlight.nonce}) is not mined yet; it stays in flight for the next pass`,
      );
    }
    await sleep(deps.pollMs, deps.signal);
  }
}

/**
 * A transaction not mined in time: replaced by the same call (or, no longer needed, by an empty one)
 * at the same nonce for more; at its fee ceiling, or when the key cannot pay more, broadcast again as
 * it is, since a node drops what stays in its pool (iotex-core after ActionExpiry, 10 minutes:
 * actpool/config.go) and forgets it on a restart.
 */
async function retry(deps: SendDeps, inFlight: InFlight): Promise<InFlight> {
  const { wallet } = deps;
  const provider = wallet.provider!;
  const newest = `transaction ${inFlight.hashes.at(-1)} (nonce ${inFlight.nonce})`;
  const wanted =
    isCancel(inFlight.call, inFlight.from) || !deps.stillWanted || (await deps.stillWanted(inFlight.purpose));
  const call = wanted ? inFlight.call : { to: inFlight.from, data: '0x', value: '0', gasLimit: '21000' };
  const fees = replacementFees(inFlight.fees, feesOf(await provider.getFeeData()), inFlight.ceiling);
  const affordable = fees && (await provider.getBalance(inFlight.from)) >= costOf(call, fees);
  if (fees && affordable) {
    deps.log?.(
      wanted
        ? `relayer: ${newest} not mined in ${deps.timeoutMs / 1000} s: replacing it with a higher fee`
        : `relayer: ${newest} is no longer needed: replacing it with an empty transaction to free the nonce`,
    );
    return broadcast(deps, { ...inFlight, call, fees }, inFlight);
  }
  deps.log?.(
    fees
      ? `relayer: ${newest} is still not mined and ${inFlight.from} cannot pay a higher fee (fund it): broadcasting it again`
      : `relayer: ${newest} is at its fee ceiling and still not mined: broadcasting it again`,
  );
  const again = { ...inFlight, sentAt: Date.now() };
  await deps.store.save(again);
  await rebroadcast(deps, again.raw);
  return again;
}

/** The most a transaction may cost: all its gas at its fee cap, and its value. */
function costOf(call: Call, fees: Fees): bigint {
  const price = 'gasPrice' in fees ? fees.gasPrice : fees.maxFeePerGas;
  return BigInt(call.gasLimit) * BigInt(price) + BigInt(call.value);
}

/** The node already holding it, or its nonce being used, is what a broadcast again is for. */
async function rebroadcast(deps: SendDeps, raw: string): Promise<void> {
  try {
    await deps.wallet.provider!.broadcastTransaction(raw);
  } catch (error) {
    if (!alreadyKnownOrUsed(error)) throw error;
  }
}

/**
 * A refusal that means the transaction is there or its nonce is taken: ethers' NONCE_EXPIRED ("nonce
 * too low", iotex-core's ErrNonceTooLow too), go-ethereum's "already known", iotex-core's ErrExistedInPool
 * "known transaction" (action/const.go).
 */
function alreadyKnownOrUsed(error: unknown): boolean {
  const e = error as { code?: string; message?: string; error?: { message?: string } };
  return (
    e.code === 'NONCE_EXPIRED' || /already known|known transaction/i.test(`${e.message} ${e.error?.message ?? ''}`)
  );
}

/**
 * Signs the call at the record's nonce and fees, records it, then broadcasts it: recorded first, a
 * crash right after sending cannot leave a transaction nobody knows about. A broadcast the node
 * refuses puts the record back as it was (and the transaction it would have replaced is broadcast
 * again, in case the node had dropped it), unless the node has it already or its nonce is used (the
 * record settles that). A broadcast that got no answer (a timeout, a lost connection) may have
 * reached the node: the record stays, and settles it.
 */
async function broadcast(
  deps: SendDeps,
  next: Omit<InFlight, 'hashes' | 'raw' | 'sentAt'>,
  previous?: InFlight,
): Promise<InFlight> {
  const { wallet } = deps;
  const raw = await wallet.signTransaction(
    await wallet.populateTransaction({ ...request(next.call), nonce: next.nonce, ...feeFields(next.fees) }),
  );
  const hashes = [...(previous?.hashes ?? []), Transaction.from(raw).hash!];
  const inFlight: InFlight = { ...next, hashes, raw, sentAt: Date.now() };
  // The last moment to stop: a pass whose lease is ending sends nothing new (a transaction already
  // recorded stays in flight for the next pass).
  stopIfAborted(deps);
  await deps.store.save(inFlight);
  try {
    await wallet.provider!.broadcastTransaction(raw);
  } catch (error) {
    if (alreadyKnownOrUsed(error) || !refusedByNode(error)) return inFlight;
    if (previous) {
      await deps.store.save(previous);
      await rebroadcast(deps, previous.raw).catch(() => undefined);
    } else {
      await deps.store.clear(inFlight.from);
    }
    throw error;
  }
  return inFlight;
}

/** Whether the node answered with a refusal (a JSON-RPC error), rather than not answering at all. */
function refusedByNode(error: unknown): boolean {
  const e = error as { code?: string; error?: unknown };
  return e.error !== undefined || !['TIMEOUT', 'NETWORK_ERROR', 'SERVER_ERROR', 'UNKNOWN_ERROR'].includes(e.code ?? '');
}

function request(call: Call) {
  return { to: call.to, data: call.data, value: BigInt(call.value), gasLimit: BigInt(call.gasLimit) };
}

async function firstReceipt(deps: SendDeps, hashes: string[]): Promise<TransactionReceipt | null> {
  for (const each of hashes) {
    const receipt = await deps.wallet.provider!.getTransactionReceipt(each);
    if (receipt) return receipt;
  }
  return null;
}

/**
 * The next nonce the chain will mine for the key, read at the newest block by its number: iotex-core
 * answers eth_getTransactionCount at "latest" or "pending" with its action pool's pending nonce
 * (api/web3server.go getTransactionCount, api/coreservice.go PendingNonceAt: height 0), which counts
 * transactions not mined yet.
 */
async function confirmedNonce(deps: SendDeps): Promise<number> {
  const provider = deps.wallet.provider!;
  // Two requests: a block mined between them can make a non-archive node refuse the height just read
  // (state/factory/statedb.go); reading again settles it.
  for (let attempt = 1; ; attempt++) {
    try {
      return await provider.getTransactionCount(deps.wallet.address, await provider.getBlockNumber());
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

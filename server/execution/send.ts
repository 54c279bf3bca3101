import { Transaction, type HDNodeWallet, type TransactionReceipt, type Wallet } from 'ethers';
import { z } from 'zod';
import { feeCeiling, feeFields, feesOf, feesSchema, replacementFees } from './fees.js';

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
}

/** The transaction is sent and recorded, but not mined yet: whoever runs next sees it through. */
export class StillPending extends Error {
  override name = 'StillPending';
}

/** How a transaction in flight ended: mined (one of its hashes), or its nonce went to another transaction. */
export type Settled = { receipt: TransactionReceipt; inFlight: InFlight } | { receipt: null; inFlight: InFlight };

/** Sends `call` for `purpose` and waits until it is mined (replacing it while it is not). */
export async function sendUntilMined(deps: SendDeps, call: Call, purpose: Record<string, string>): Promise<Settled> {
  const { wallet } = deps;
  if (await deps.store.load(wallet.address)) {
    throw new Error(`the relayer ${wallet.address} still has a transaction in flight: see it through first`);
  }
  const nonce = await confirmedNonce(deps);
  const populated = await wallet.populateTransaction({ ...request(call), nonce });
  const fees = feesOf(populated);
  const first = { from: wallet.address, nonce, call, purpose, fees, ceiling: feeCeiling(fees) };
  return seeThrough(deps, await broadcast(deps, first, []));
}

/**
 * Waits for the key's transaction in flight, if any, to be mined, replacing it each time it stays
 * unmined for `timeoutMs`; clears the record once it is settled. Undefined when nothing was in flight.
 */
export async function seeThroughInFlight(deps: SendDeps): Promise<Settled | undefined> {
  const inFlight = await deps.store.load(deps.wallet.address);
  return inFlight && seeThrough(deps, inFlight);
}

async function seeThrough(deps: SendDeps, start: InFlight): Promise<Settled> {
  const provider = deps.wallet.provider!;
  let inFlight = start;
  for (;;) {
    const receipt = await firstReceipt(deps, inFlight.hashes);
    if (receipt || (await confirmedNonce(deps)) > inFlight.nonce) {
      // A nonce used with none of these hashes mined went to another transaction of this key.
      await deps.store.clear(inFlight.from);
      return { receipt, inFlight };
    }
    if (Date.now() - inFlight.sentAt >= deps.timeoutMs) {
      const fees = replacementFees(inFlight.fees, feesOf(await provider.getFeeData()), inFlight.ceiling);
      if (fees) {
        deps.log?.(
          `relayer: transaction ${inFlight.hashes.at(-1)} (nonce ${inFlight.nonce}) not mined in ${deps.timeoutMs / 1000} s: replacing it with a higher fee`,
        );
        inFlight = await broadcast(deps, { ...inFlight, fees }, inFlight.hashes);
        continue;
      }
      inFlight = { ...inFlight, sentAt: Date.now() }; // at the fee ceiling: it waits there
      deps.log?.(
        `relayer: transaction ${inFlight.hashes.at(-1)} (nonce ${inFlight.nonce}) is at its fee ceiling and still not mined`,
      );
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
 * Signs the call at the record's nonce and fees, records it, then broadcasts it: recorded first, a
 * crash right after sending cannot leave a transaction nobody knows about. A broadcast the node
 * refuses is taken back out of the record, except a nonce already used (the record settles it).
 */
async function broadcast(
  deps: SendDeps,
  next: Omit<InFlight, 'hashes' | 'sentAt'>,
  earlier: string[],
): Promise<InFlight> {
  const { wallet } = deps;
  const signed = await wallet.signTransaction(
    await wallet.populateTransaction({ ...request(next.call), nonce: next.nonce, ...feeFields(next.fees) }),
  );
  const inFlight: InFlight = { ...next, hashes: [...earlier, Transaction.from(signed).hash!], sentAt: Date.now() };
  await deps.store.save(inFlight);
  try {
    await wallet.provider!.broadcastTransaction(signed);
  } catch (error) {
    if ((error as { code?: string }).code === 'NONCE_EXPIRED') return inFlight;
    const before = earlier.length === 0 ? undefined : { ...inFlight, hashes: earlier };
    if (before) await deps.store.save(before);
    else await deps.store.clear(inFlight.from);
    throw error;
  }
  return inFlight;
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
  return provider.getTransactionCount(deps.wallet.address, await provider.getBlockNumber());
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

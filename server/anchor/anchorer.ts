import type { Signer } from 'ethers';
import type { Database } from '../db/index.js';
import { KeyedMutex } from '../ingest/mutex.js';
import type { Receipt } from '../ingest/receipts.js';
import { pinLogBatches } from '../ipfs/pin-worker.js';
import type { IpfsStore } from '../ipfs/store.js';
import type { Space } from '../spaces/schema.js';
import { connectLogAnchor, sendAnchor, toAnchor, type Anchor, type LogAnchor } from './contract.js';

// Anchors each space's pinned log on chain (contracts/LogAnchor.sol), so an auditor with no receipt
// can tell a truncated or rewritten log. Rules: a growing log is anchored once the rules'
// `anchor.intervalSeconds` have passed since its last anchor; a range of entries whose receipts
// another key signed is anchored at once, so each anchor names the one key in force over the entries
// it covers; and on request (after a vote ends) the log is anchored even if it has not grown, so an
// anchor later than that time exists.

export interface AnchorerDeps {
  db: Database;
  ipfs: IpfsStore;
  /** The anchor sender, connected to the chain. */
  wallet: Signer;
  /** Unix milliseconds. */
  clock: () => number;
}

/** How often an unchanged log may be anchored again, at most. */
const CONFIRM_EVERY_SECONDS = 60;

export type AnchoredSpace = Space & { anchor: NonNullable<Space['anchor']> };

export class Anchorer {
  /** One anchor transaction at a time from this process: they share the sender's nonce. */
  private readonly sending = new KeyedMutex();
  /** When each space's unchanged log was last anchored again (unix seconds). */
  private readonly confirmed = new Map<string, number>();

  constructor(private readonly deps: AnchorerDeps) {}

  /** The anchor sender's address. */
  address(): Promise<string> {
    return this.deps.wallet.getAddress();
  }

  /**
   * Anchors `space`'s log if it is due, pinning its log batches first. `notBefore` (unix seconds):
   * anchor even an unchanged log unless its last anchor is already that late. Returns the last anchor.
   */
  anchor(space: AnchoredSpace, options: { notBefore?: number } = {}): Promise<Anchor | undefined> {
    return this.sending.run('anchor', () => this.anchorNow(space, options));
  }

  private async anchorNow(space: AnchoredSpace, options: { notBefore?: number }): Promise<Anchor | undefined> {
    const { db, wallet } = this.deps;
    const contract = connectLogAnchor(space.anchor.contract, wallet);
    await pinLogBatches(db, this.deps.ipfs);
    // Once a range ends where the receipt key changes, the next key's range is anchored at once too.
    let keyChanged = false;
    for (;;) {
      const last = await latestAnchor(contract, space.anchor.sender, space.id);
      const batch = await db.client.logBatch.findFirst({
        where: { spaceId: space.id },
        orderBy: { toSequence: 'desc' },
      });
      if (!batch) return last;
      const from = last?.sequence ?? 0;
      if (from > batch.toSequence) {
        throw new Error(
          `space "${space.id}": the chain has its log anchored at sequence ${from}, but this database's log ends at ${batch.toSequence}`,
        );
      }
      const now = Math.floor(this.deps.clock() / 1000);
      const next = await this.nextTarget(space.id, from, batch.toSequence);
      const due = next
        ? keyChanged ||
          next.keyChanges ||
          !last ||
          now - last.timestamp >= space.anchor.intervalSeconds ||
          options.notBefore !== undefined
        : options.notBefore !== undefined &&
          last !== undefined &&
          last.timestamp < options.notBefore &&
          (await this.mayConfirm(space.id, options.notBefore, now));
      if (!due) return last;
      const sequence = next?.sequence ?? from;
      const [entry, holding] = await Promise.all([
        db.client.message.findUniqueOrThrow({
          where: { spaceId_sequence: { spaceId: space.id, sequence } },
          select: { head: true },
        }),
        db.client.logBatch.findFirstOrThrow({
          where: { spaceId: space.id, fromSequence: { lte: sequence }, toSequence: { gte: sequence } },
        }),
      ]);
      await sendAnchor(wallet, contract, {
        space: space.id,
        sequence,
        head: entry.head,
        batchCid: holding.cid,
        receiptSigner: next?.receiptSigner ?? last!.receiptSigner,
      });
      // A range signed by another key follows: anchor it too.
      if (!next?.keyChanges) return latestAnchor(contract, space.anchor.sender, space.id);
      keyChanged = true;
    }
  }

  /**
   * Whether an unchanged log may be anchored again to show it had not grown by `time`: once that time
   * has come by the later of the chain's newest block and this clock (an idle chain stamps the next
   * block with the time it is made), and at most once a minute per space, so that a chain whose clock
   * lags cannot make every pass send one.
   */
  private async mayConfirm(spaceId: string, time: number, now: number): Promise<boolean> {
    const block = await this.deps.wallet.provider!.getBlock('latest');
    if (Math.max(block?.timestamp ?? 0, now) < time) return false;
    if ((this.confirmed.get(spaceId) ?? -Infinity) + CONFIRM_EVERY_SECONDS > now) return false;
    this.confirmed.set(spaceId, now);
    return true;
  }

  /**
   * The entry the next anchor covers up to: the last pinned one, or the last one before the receipt
   * key changes. Undefined when nothing after `from` is pinned.
   */
  private async nextTarget(
    spaceId: string,
    from: number,
    to: number,
  ): Promise<{ sequence: number; receiptSigner: string; keyChanges: boolean } | undefined> {
    if (to <= from) return undefined;
    const entries = await this.deps.db.client.message.findMany({
      where: { spaceId, sequence: { gt: from, lte: to } },
      orderBy: { sequence: 'asc' },
      select: { sequence: true, receipt: true },
    });
    const signerOf = (entry: { receipt: string }) => (JSON.parse(entry.receipt) as Receipt).signer;
    const receiptSigner = signerOf(entries[0]!);
    const change = entries.findIndex((entry) => signerOf(entry) !== receiptSigner);
    return change === -1
      ? { sequence: to, receiptSigner, keyChanges: false }
      : { sequence: entries[change - 1]!.sequence, receiptSigner, keyChanges: true };
  }
}

/** The sender's last anchor of a space, or undefined when it has none. */
async function latestAnchor(contract: LogAnchor, sender: string, space: string): Promise<Anchor | undefined> {
  const count = await contract.anchorCount(sender, space);
  return count === 0n ? undefined : toAnchor(await contract.latest(sender, space));
}

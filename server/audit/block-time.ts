import type { Provider } from 'ethers';

// Which blocks the chain had at a given time, from block timestamps alone (they never decrease).

/** The highest block whose timestamp is at or before `time` (0 when none is), by binary search. */
export async function lastBlockAt(provider: Provider, time: number): Promise<number> {
  const timestampOf = async (height: number) => {
    const block = await provider.getBlock(height);
    if (!block) throw new Error(`the RPC node has no block ${height}`);
    return block.timestamp;
  };
  let high = await provider.getBlockNumber();
  if ((await timestampOf(high)) <= time) return high;
  let low = 0; // invariant: timestamp(low) <= time < timestamp(high), with block 0 as "before the chain"
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if ((await timestampOf(middle)) <= time) low = middle;
    else high = middle;
  }
  return low;
}

/**
 * The chain's head when a service received a message at `time`, as a range: the service's clock may
 * be off by up to `toleranceSeconds` from block times, either way.
 */
export async function headAround(
  provider: Provider,
  time: number,
  toleranceSeconds: number,
): Promise<{ low: number; high: number }> {
  const [low, high] = await Promise.all([
    lastBlockAt(provider, time - toleranceSeconds),
    lastBlockAt(provider, time + toleranceSeconds),
  ]);
  return { low, high };
}

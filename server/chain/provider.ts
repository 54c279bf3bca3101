import { FetchRequest, JsonRpcProvider } from 'ethers';

export interface Chain {
  provider: JsonRpcProvider;
  chainId: number;
  rpcUrl: string;
  /** The head block, read from the node each time (ethers would cache it). */
  headBlock(): Promise<number>;
}

/** How long one JSON-RPC request may take. */
export const RPC_TIMEOUT_MS = 30_000;

export class ChainUnavailableError extends Error {
  override name = 'ChainUnavailableError';
}

/** Connects to a JSON-RPC node and learns its chain id, failing clearly if it does not answer. */
export async function connectChain(rpcUrl: string): Promise<Chain> {
  // A node that stops answering fails a request in 30 s, not ethers' default 5 minutes: a worker's
  // pass (whose lease it must not outlive) or a reader is not held that long.
  const request = new FetchRequest(rpcUrl);
  request.timeout = RPC_TIMEOUT_MS;
  const provider = new JsonRpcProvider(request, undefined, { cacheTimeout: -1, batchMaxCount: 100 });
  let chainId: number;
  try {
    chainId = Number(await provider.send('eth_chainId', []));
  } catch (error) {
    provider.destroy();
    throw new ChainUnavailableError(`the chain at ${rpcUrl} does not answer eth_chainId: ${(error as Error).message}`);
  }
  return {
    provider,
    chainId,
    rpcUrl,
    headBlock: async () => Number(await provider.send('eth_blockNumber', [])),
  };
}

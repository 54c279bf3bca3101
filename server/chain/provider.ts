import { JsonRpcProvider } from 'ethers';

export interface Chain {
  provider: JsonRpcProvider;
  chainId: number;
  rpcUrl: string;
  /** The head block, read from the node each time (ethers would cache it). */
  headBlock(): Promise<number>;
}

export class ChainUnavailableError extends Error {
  override name = 'ChainUnavailableError';
}

/** Connects to a JSON-RPC node and learns its chain id, failing clearly if it does not answer. */
export async function connectChain(rpcUrl: string): Promise<Chain> {
  const provider = new JsonRpcProvider(rpcUrl, undefined, { cacheTimeout: -1, batchMaxCount: 100 });
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

// What a wallet needs to add and switch to the service's chain (wallet_addEthereumChain), published in
// GET /api/service: IoTeX mainnet's and testnet's public endpoints, or for any other chain the one the
// service itself reads; each can be set (WALLET_RPC_URL, CHAIN_NAME, CHAIN_CURRENCY, CHAIN_EXPLORER_URL).

export interface ChainDetails {
  chainId: number;
  name: string;
  /** The JSON-RPC endpoint wallets should use. */
  rpcUrl: string;
  currency: { name: string; symbol: string; decimals: 18 };
  explorerUrl: string | null;
}

const KNOWN: Record<number, Omit<ChainDetails, 'chainId' | 'currency'>> = {
  4689: { name: 'IoTeX Mainnet', rpcUrl: 'https://babel-api.mainnet.iotex.io', explorerUrl: 'https://iotexscan.io' },
  4690: {
    name: 'IoTeX Testnet',
    rpcUrl: 'https://babel-api.testnet.iotex.io',
    explorerUrl: 'https://testnet.iotexscan.io',
  },
};

export function chainDetails(
  chainId: number,
  serviceRpcUrl: string,
  set: { rpcUrl?: string; name?: string; currency?: string; explorerUrl?: string } = {},
): ChainDetails {
  const known = KNOWN[chainId] ?? {
    name: `IoTeX Governance chain ${chainId}`,
    rpcUrl: serviceRpcUrl,
    explorerUrl: null,
  };
  const symbol = set.currency ?? 'IOTX';
  return {
    chainId,
    name: set.name ?? known.name,
    rpcUrl: set.rpcUrl ?? known.rpcUrl,
    currency: { name: symbol === 'IOTX' ? 'IoTeX' : symbol, symbol, decimals: 18 },
    explorerUrl: set.explorerUrl ?? known.explorerUrl,
  };
}

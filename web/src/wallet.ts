import type { TypedData } from './typed-data.js';

// Any EIP-1193 wallet (MetaMask, ioPay, …): window.ethereum, or the first one announced through
// EIP-6963. Only standard methods are used: accounts, chain id, chain switching and signTypedData_v4.

export interface Eip1193Provider {
  request(args: { method: string; params?: unknown[] | Record<string, unknown> }): Promise<unknown>;
  on?(event: string, listener: (...args: unknown[]) => void): void;
  removeListener?(event: string, listener: (...args: unknown[]) => void): void;
}

declare global {
  interface Window {
    ethereum?: Eip1193Provider;
  }
}

/** Chains a wallet may not know yet, as wallet_addEthereumChain wants them. */
const KNOWN_CHAINS: Record<number, { chainName: string; rpcUrls: string[]; blockExplorerUrls?: string[] }> = {
  4689: {
    chainName: 'IoTeX Mainnet',
    rpcUrls: ['https://babel-api.mainnet.iotex.io'],
    blockExplorerUrls: ['https://iotexscan.io'],
  },
  4690: {
    chainName: 'IoTeX Testnet',
    rpcUrls: ['https://babel-api.testnet.iotex.io'],
    blockExplorerUrls: ['https://testnet.iotexscan.io'],
  },
  31337: { chainName: 'IoTeX Governance local chain', rpcUrls: ['http://127.0.0.1:8545'] },
};

export function chainName(chainId: number): string {
  return KNOWN_CHAINS[chainId]?.chainName ?? `chain ${chainId}`;
}

/** An error from the wallet, with its EIP-1193 code (4001: the user rejected the request). */
export class WalletError extends Error {
  override name = 'WalletError';
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
  }
  get rejected(): boolean {
    return this.code === 4001;
  }
}

function walletError(error: unknown): WalletError {
  if (error instanceof WalletError) return error;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return new WalletError(
    typeof message === 'string' && message ? message : String(error),
    typeof code === 'number' ? code : undefined,
  );
}

async function call<T>(provider: Eip1193Provider, method: string, params?: unknown[]): Promise<T> {
  try {
    return (await provider.request(params ? { method, params } : { method })) as T;
  } catch (error) {
    throw walletError(error);
  }
}

export function parseChainId(value: unknown): number {
  if (typeof value === 'number') return value;
  try {
    return typeof value === 'string' ? Number(BigInt(value)) : NaN;
  } catch {
    return NaN; // not a chain id: shown as the wrong chain
  }
}

export const wallet = {
  accounts: (provider: Eip1193Provider) => call<string[]>(provider, 'eth_accounts'),
  requestAccounts: (provider: Eip1193Provider) => call<string[]>(provider, 'eth_requestAccounts'),
  chainId: async (provider: Eip1193Provider) => parseChainId(await call<unknown>(provider, 'eth_chainId')),

  /** Switches the wallet to `chainId`, adding the chain first if the wallet does not know it (4902). */
  async switchChain(provider: Eip1193Provider, chainId: number): Promise<void> {
    const hexId = `0x${chainId.toString(16)}`;
    try {
      await call(provider, 'wallet_switchEthereumChain', [{ chainId: hexId }]);
    } catch (error) {
      const known = KNOWN_CHAINS[chainId];
      if (!(error instanceof WalletError) || error.code !== 4902 || !known) throw error;
      await call(provider, 'wallet_addEthereumChain', [
        { chainId: hexId, nativeCurrency: { name: 'IoTeX', symbol: 'IOTX', decimals: 18 }, ...known },
      ]);
      await call(provider, 'wallet_switchEthereumChain', [{ chainId: hexId }]);
    }
  },

  /** eth_signTypedData_v4: [address, JSON of {domain, types (with EIP712Domain), primaryType, message}]. */
  signTypedData: (provider: Eip1193Provider, address: string, data: TypedData) =>
    call<string>(provider, 'eth_signTypedData_v4', [address, JSON.stringify(data)]),
};

/**
 * Finds a wallet: window.ethereum now, or whichever appears later (wallets that inject late fire
 * `ethereum#initialized`; EIP-6963 wallets answer a request event). Calls `found` at most once.
 */
export function discoverProvider(found: (provider: Eip1193Provider) => void): () => void {
  let done = false;
  const take = (provider: Eip1193Provider | undefined) => {
    if (done || !provider || typeof provider.request !== 'function') return;
    done = true;
    found(provider);
  };
  const onInitialized = () => take(window.ethereum);
  const onAnnounce = (event: Event) => take((event as CustomEvent<{ provider?: Eip1193Provider }>).detail?.provider);
  window.addEventListener('ethereum#initialized', onInitialized, { once: true });
  window.addEventListener('eip6963:announceProvider', onAnnounce);
  take(window.ethereum);
  window.dispatchEvent(new Event('eip6963:requestProvider'));
  const timer = window.setTimeout(onInitialized, 1500);
  return () => {
    window.removeEventListener('ethereum#initialized', onInitialized);
    window.removeEventListener('eip6963:announceProvider', onAnnounce);
    window.clearTimeout(timer);
  };
}

import type { ChainDetails } from '../../server/chain/details.js';
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

/** Names of chains a wallet may be on, beyond the service's own (which /api/service names). */
const CHAIN_NAMES: Record<number, string> = { 1: 'Ethereum', 4689: 'IoTeX Mainnet', 4690: 'IoTeX Testnet' };

export function chainName(chainId: number, service?: ChainDetails): string {
  if (service && service.chainId === chainId) return service.name;
  return CHAIN_NAMES[chainId] ?? `chain ${chainId}`;
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

  /**
   * Switches the wallet to the service's chain, adding it first (with the endpoint, name, currency and
   * explorer the service publishes) if the wallet does not know it (4902).
   */
  async switchChain(provider: Eip1193Provider, chain: ChainDetails): Promise<void> {
    const hexId = `0x${chain.chainId.toString(16)}`;
    try {
      await call(provider, 'wallet_switchEthereumChain', [{ chainId: hexId }]);
    } catch (error) {
      if (!(error instanceof WalletError) || error.code !== 4902) throw error;
      await call(provider, 'wallet_addEthereumChain', [
        {
          chainId: hexId,
          chainName: chain.name,
          nativeCurrency: chain.currency,
          rpcUrls: [chain.rpcUrl],
          ...(chain.explorerUrl ? { blockExplorerUrls: [chain.explorerUrl] } : {}),
        },
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

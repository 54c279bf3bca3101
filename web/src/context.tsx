import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { getAddress } from 'ethers';
import { api, ApiError, type Accepted, type ServiceInfo, type Space } from './api.js';
import type { PrimaryType } from '../../server/messages/types.js';
import { typedData, type Message } from './typed-data.js';
import { discoverProvider, parseChainId, wallet, WalletError, type Eip1193Provider } from './wallet.js';

// What every page needs: the service (chain id, receipt signer), the spaces, and the wallet.

export interface WalletState {
  /** Still looking for an injected wallet (the first moments after load). */
  detecting: boolean;
  provider: Eip1193Provider | null;
  account: string | null;
  chainId: number | null;
  connecting: boolean;
  switching: boolean;
  /** The last connect or switch error (a rejected request included). */
  error: WalletError | null;
}

/** Where a submission stands: signing in the wallet, sending to the service, and how it ended. */
export type Submission =
  | { phase: 'idle' }
  | { phase: 'signing' }
  | { phase: 'sending' }
  | { phase: 'accepted'; primaryType: PrimaryType; accepted: Accepted }
  | { phase: 'rejected' }
  | { phase: 'failed'; error: ApiError | WalletError };

interface AppContextValue {
  service: ServiceInfo | undefined;
  serviceError: Error | undefined;
  spaces: Space[] | undefined;
  wallet: WalletState;
  /** Connected to the service's chain. */
  ready: boolean;
  wrongChain: boolean;
  connect: () => Promise<void>;
  switchChain: () => Promise<void>;
  /** Signs `message` as `primaryType` with the connected account and posts it to /api/messages. */
  sign: (primaryType: PrimaryType, message: Message, onChange: (submission: Submission) => void) => Promise<void>;
}

const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside AppProvider');
  return value;
}

const INITIAL_WALLET: WalletState = {
  detecting: true,
  provider: null,
  account: null,
  chainId: null,
  connecting: false,
  switching: false,
  error: null,
};

export function AppProvider({ children }: { children: ReactNode }) {
  const [service, setService] = useState<ServiceInfo>();
  const [serviceError, setServiceError] = useState<Error>();
  const [spaces, setSpaces] = useState<Space[]>();
  const [state, setState] = useState<WalletState>(INITIAL_WALLET);

  useEffect(() => {
    api.service().then(setService, setServiceError);
    api.spaces().then(setSpaces, setServiceError);
  }, []);

  // Find the wallet; read the account it already shares with this site, and follow its changes.
  useEffect(() => {
    let provider: Eip1193Provider | null = null;
    const onAccounts = (accounts: unknown) => {
      const first = Array.isArray(accounts) && typeof accounts[0] === 'string' ? accounts[0] : null;
      setState((s) => ({ ...s, account: first ? getAddress(first) : null }));
    };
    const onChain = (chainId: unknown) => setState((s) => ({ ...s, chainId: parseChainId(chainId) }));
    const stop = discoverProvider((found) => {
      provider = found;
      setState((s) => ({ ...s, provider: found, detecting: false }));
      found.on?.('accountsChanged', onAccounts);
      found.on?.('chainChanged', onChain);
      wallet.accounts(found).then(onAccounts, () => undefined);
      wallet.chainId(found).then(onChain, () => undefined);
    });
    const detected = window.setTimeout(() => setState((s) => ({ ...s, detecting: false })), 1600);
    return () => {
      stop();
      window.clearTimeout(detected);
      provider?.removeListener?.('accountsChanged', onAccounts);
      provider?.removeListener?.('chainChanged', onChain);
    };
  }, []);

  const connect = useCallback(async () => {
    const provider = state.provider;
    if (!provider) return;
    setState((s) => ({ ...s, connecting: true, error: null }));
    try {
      const accounts = await wallet.requestAccounts(provider);
      const chainId = await wallet.chainId(provider);
      setState((s) => ({
        ...s,
        connecting: false,
        account: accounts[0] ? getAddress(accounts[0]) : null,
        chainId,
      }));
    } catch (error) {
      setState((s) => ({ ...s, connecting: false, error: error as WalletError }));
    }
  }, [state.provider]);

  const switchChain = useCallback(async () => {
    const provider = state.provider;
    if (!provider || !service) return;
    setState((s) => ({ ...s, switching: true, error: null }));
    try {
      await wallet.switchChain(provider, service.chain);
      const chainId = await wallet.chainId(provider);
      setState((s) => ({ ...s, switching: false, chainId }));
    } catch (error) {
      setState((s) => ({ ...s, switching: false, error: error as WalletError }));
    }
  }, [state.provider, service]);

  const wrongChain = Boolean(service && state.account && state.chainId !== null && state.chainId !== service.chainId);
  const ready = Boolean(service && state.provider && state.account && state.chainId === service.chainId);

  const sign = useCallback(
    async (primaryType: PrimaryType, message: Message, onChange: (submission: Submission) => void) => {
      const { provider, account } = state;
      if (!provider || !account || !service) return;
      const data = typedData(service.chainId, primaryType, message);
      onChange({ phase: 'signing' });
      let sig: string;
      try {
        sig = await wallet.signTypedData(provider, account, data);
      } catch (error) {
        const walletError = error as WalletError;
        onChange(walletError.rejected ? { phase: 'rejected' } : { phase: 'failed', error: walletError });
        return;
      }
      onChange({ phase: 'sending' });
      try {
        const accepted = await api.submit({ address: account, sig, data });
        onChange({ phase: 'accepted', primaryType, accepted });
      } catch (error) {
        onChange({ phase: 'failed', error: error as ApiError });
      }
    },
    [state, service],
  );

  const value = useMemo(
    () => ({ service, serviceError, spaces, wallet: state, ready, wrongChain, connect, switchChain, sign }),
    [service, serviceError, spaces, state, ready, wrongChain, connect, switchChain, sign],
  );
  return <AppContext.Provider value={value}>{children}</AppContext.Provider>;
}

import { useApp } from '../context.js';
import { chainName } from '../wallet.js';
import { Address } from './Address.js';
import { Notice } from './ui.js';

/** The header's wallet control: connect, or the connected account in both forms. */
export function WalletButton() {
  const { wallet, connect, wrongChain } = useApp();
  if (wallet.account) {
    return (
      <div className={`wallet-chip${wrongChain ? ' wallet-chip-warn' : ''}`} aria-label="Connected account">
        <span className="wallet-dot" aria-hidden="true" />
        <Address address={wallet.account} label="Connected account" />
      </div>
    );
  }
  if (!wallet.provider) {
    return (
      <span className="wallet-chip wallet-chip-off">{wallet.detecting ? 'Looking for a wallet…' : 'No wallet'}</span>
    );
  }
  return (
    <button type="button" className="button button-accent" onClick={() => void connect()} disabled={wallet.connecting}>
      {wallet.connecting ? 'Connecting…' : 'Connect wallet'}
    </button>
  );
}

/** What stands between the visitor and signing: no wallet, not connected, the wrong chain. */
export function WalletNotice({ compact = false }: { compact?: boolean }) {
  const { wallet, service, connect, switchChain, wrongChain } = useApp();
  if (wallet.detecting && !wallet.provider) return null;
  if (!wallet.provider) {
    return (
      <Notice tone="info" title="No wallet found">
        <p>
          Reading proposals needs no wallet. To propose, support or vote, open this page in a browser with an
          Ethereum-compatible wallet, such as MetaMask or ioPay, and reload.
        </p>
      </Notice>
    );
  }
  if (wallet.error && !wrongChain) {
    return (
      <Notice tone="error" title={wallet.error.rejected ? 'Request rejected in the wallet' : 'The wallet refused'}>
        <p>{wallet.error.rejected ? 'Nothing was changed. You can try again.' : wallet.error.message}</p>
      </Notice>
    );
  }
  if (!wallet.account) {
    if (compact) return null;
    return (
      <Notice tone="info" title="Wallet not connected">
        <p>Connect your wallet to propose, support and vote with your staked IOTX.</p>
        <button type="button" className="button" onClick={() => void connect()} disabled={wallet.connecting}>
          {wallet.connecting ? 'Connecting…' : 'Connect wallet'}
        </button>
      </Notice>
    );
  }
  if (wrongChain && service) {
    return (
      <Notice tone="warning" title="Wrong network">
        <p>
          Your wallet is on {chainName(wallet.chainId ?? 0, service.chain)} (chain id {wallet.chainId}). This service
          counts votes on {service.chain.name} (chain id {service.chainId}); messages signed for another chain are
          refused.
        </p>
        {wallet.error && (
          <p className="error-text">
            {wallet.error.rejected ? 'The switch was rejected in the wallet.' : wallet.error.message}
          </p>
        )}
        <button type="button" className="button" onClick={() => void switchChain()} disabled={wallet.switching}>
          {wallet.switching ? 'Switching…' : `Switch to ${service.chain.name}`}
        </button>
      </Notice>
    );
  }
  return null;
}

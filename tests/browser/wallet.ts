import { SignTypedDataVersion, signTypedData, type MessageTypes, type TypedMessage } from '@metamask/eth-sig-util';
import type { HDNodeWallet, JsonRpcProvider } from 'ethers';
import type { Page } from 'playwright-core';

// An EIP-1193 wallet injected into the page as window.ethereum, backed by a real key in the test
// process: the page's requests cross `page.exposeFunction`, typed data is signed as MetaMask signs it
// (eth-sig-util, signTypedData v4), and every other RPC method goes to the local chain. Like a real
// wallet it refuses to sign for a chain it is not on, answers 4902 for a chain it does not know, and
// can be told to reject (4001) as a user would.

type Answer = { result: unknown } | { error: { code: number; message: string } };

/** Runs in the page before its own scripts. */
const PROVIDER_SCRIPT = `(() => {
  const listeners = {};
  window.__testWalletEmit = (event, value) => { for (const listener of listeners[event] || []) listener(value); };
  window.ethereum = {
    isMetaMask: true,
    async request({ method, params }) {
      const answer = await window.__testWalletRequest(method, JSON.stringify(params === undefined ? [] : params));
      if (answer.error) {
        const error = new Error(answer.error.message);
        error.code = answer.error.code;
        throw error;
      }
      return answer.result;
    },
    on(event, listener) { (listeners[event] = listeners[event] || []).push(listener); },
    removeListener(event, listener) { listeners[event] = (listeners[event] || []).filter((l) => l !== listener); },
  };
})();`;

const hex = (n: number) => `0x${n.toString(16)}`;

export class TestWallet {
  /** Every method the page asked for, in order. */
  readonly requests: { method: string; params: unknown[] }[] = [];
  /** Answer the next signature requests with 4001, as a user pressing "Reject" does. */
  rejectSignatures = false;
  private readonly knownChains: Set<number>;
  private pages: Page[] = [];
  /** Whether the user let the site see the account (eth_requestAccounts), as MetaMask remembers it. */
  private connected = false;

  constructor(
    private account: HDNodeWallet,
    public chainId: number,
    private readonly chain: JsonRpcProvider,
    knownChains: number[] = [chainId],
  ) {
    this.knownChains = new Set(knownChains);
  }

  get address(): string {
    return this.account.address;
  }

  async attach(page: Page): Promise<void> {
    this.pages.push(page);
    await page.exposeFunction('__testWalletRequest', (method: string, params: string) =>
      this.handle(method, JSON.parse(params) as unknown[]),
    );
    await page.addInitScript({ content: PROVIDER_SCRIPT });
  }

  /** Switches the account, as the user does in the wallet; the page hears accountsChanged. */
  async useAccount(account: HDNodeWallet): Promise<void> {
    this.account = account;
    await this.emit('accountsChanged', [account.address.toLowerCase()]);
  }

  private async emit(event: string, value: unknown) {
    for (const page of this.pages)
      if (!page.isClosed())
        await page.evaluate(`window.__testWalletEmit(${JSON.stringify(event)}, ${JSON.stringify(value)})`);
  }

  private async handle(method: string, params: unknown[]): Promise<Answer> {
    this.requests.push({ method, params });
    try {
      return { result: await this.answer(method, params) };
    } catch (error) {
      const { code, message } = error as { code?: unknown; message?: string };
      return { error: { code: typeof code === 'number' ? code : -32603, message: message ?? String(error) } };
    }
  }

  private async answer(method: string, params: unknown[]): Promise<unknown> {
    switch (method) {
      case 'eth_requestAccounts':
        this.connected = true;
        return [this.account.address.toLowerCase()]; // wallets answer in lowercase
      case 'eth_accounts':
        return this.connected ? [this.account.address.toLowerCase()] : [];
      case 'eth_chainId':
        return hex(this.chainId);
      case 'wallet_addEthereumChain': {
        const { chainId } = params[0] as { chainId: string };
        this.knownChains.add(Number(chainId));
        return null;
      }
      case 'wallet_switchEthereumChain': {
        const chainId = Number((params[0] as { chainId: string }).chainId);
        if (!this.knownChains.has(chainId))
          throw Object.assign(new Error(`Unrecognized chain ID "${hex(chainId)}"`), { code: 4902 });
        if (chainId !== this.chainId) {
          this.chainId = chainId;
          await this.emit('chainChanged', hex(chainId));
        }
        return null;
      }
      case 'eth_signTypedData_v4': {
        if (this.rejectSignatures) throw Object.assign(new Error('User rejected the request.'), { code: 4001 });
        const [address, json] = params as [string, string];
        if (address.toLowerCase() !== this.account.address.toLowerCase())
          throw Object.assign(new Error(`not the connected account: ${address}`), { code: 4100 });
        const data = JSON.parse(json) as TypedMessage<MessageTypes>;
        if (Number(data.domain.chainId) !== this.chainId)
          throw Object.assign(new Error(`domain chainId ${data.domain.chainId} is not the active chain`), {
            code: -32602,
          });
        return signTypedData({
          privateKey: Buffer.from(this.account.privateKey.slice(2), 'hex'),
          data,
          version: SignTypedDataVersion.V4,
        });
      }
      default:
        return this.chain.send(method, params);
    }
  }
}

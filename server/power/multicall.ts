// Contract reads through Multicall3's aggregate3 (many calls in one eth_call at one block); the
// aggregate3 eth_calls themselves go out in JSON-RPC batches like every other power read.
import { erc20Interface, multicall3Interface } from './abi.js';
import type { JsonRpcBatcher } from './rpc-batch.js';

export interface Call3 {
  target: string;
  allowFailure: boolean;
  callData: string;
}

export interface Call3Result {
  success: boolean;
  returnData: string;
}

export interface MulticallOptions {
  /** Calls per aggregate3; default 500 (about 3M gas of balanceOf calls, well inside any eth_call gas cap). */
  chunk?: number;
}

export class Multicall {
  private readonly chunk: number;

  constructor(
    private readonly rpc: JsonRpcBatcher,
    readonly address: string,
    options: MulticallOptions = {},
  ) {
    this.chunk = options.chunk ?? 500;
  }

  async aggregate3(calls: Call3[], block: number): Promise<Call3Result[]> {
    const chunks: Call3[][] = [];
    for (let i = 0; i < calls.length; i += this.chunk) chunks.push(calls.slice(i, i + this.chunk));
    const results = await Promise.all(chunks.map((part) => this.aggregateOnce(part, block)));
    return results.flat();
  }

  /** Native (IOTX) balances at `block`, through Multicall3's getEthBalance. */
  async ethBalances(addresses: string[], block: number): Promise<bigint[]> {
    const calls = addresses.map((address) => ({
      target: this.address,
      allowFailure: false,
      callData: multicall3Interface.encodeFunctionData('getEthBalance', [address]),
    }));
    const results = await this.aggregate3(calls, block);
    return results.map((r) => multicall3Interface.decodeFunctionResult('getEthBalance', r.returnData)[0] as bigint);
  }

  /** The number of the block a read at `block` was executed on (Multicall3's getBlockNumber). */
  async blockNumberAt(block: number): Promise<number> {
    const raw = await this.rpc.ethCall(this.address, multicall3Interface.encodeFunctionData('getBlockNumber'), block);
    if (raw === '0x') throw this.missingAt(block);
    return Number(multicall3Interface.decodeFunctionResult('getBlockNumber', raw)[0] as bigint);
  }

  /**
   * ERC-20 balances at `block`. A token with no code at that block (not deployed yet) answers with
   * no data: everyone's balance is 0 then. A reverting balanceOf is an error, not a zero.
   */
  async erc20Balances(token: string, addresses: string[], block: number): Promise<bigint[]> {
    const calls = addresses.map((address) => ({
      target: token,
      allowFailure: true,
      callData: erc20Interface.encodeFunctionData('balanceOf', [address]),
    }));
    const results = await this.aggregate3(calls, block);
    return results.map((r, i) => {
      if (!r.success) throw new Error(`balanceOf(${addresses[i]}) on token ${token} reverted at block ${block}`);
      if (r.returnData === '0x') return 0n;
      return erc20Interface.decodeFunctionResult('balanceOf', r.returnData)[0] as bigint;
    });
  }

  private async aggregateOnce(calls: Call3[], block: number): Promise<Call3Result[]> {
    const data = multicall3Interface.encodeFunctionData('aggregate3', [calls]);
    const raw = await this.rpc.ethCall(this.address, data, block);
    if (raw === '0x') throw this.missingAt(block);
    const [results] = multicall3Interface.decodeFunctionResult('aggregate3', raw) as unknown as [
      (readonly [boolean, string])[],
    ];
    return results.map(([success, returnData]) => ({ success, returnData }));
  }

  private missingAt(block: number): Error {
    return new Error(`no Multicall3 at ${this.address} at block ${block}: set MULTICALL_ADDRESS to one deployed there`);
  }
}

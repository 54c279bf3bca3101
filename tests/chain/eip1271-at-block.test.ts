// A contract wallet's signature (EIP-1271) is judged as the wallet was when the message was received:
// a wallet that later accepts other signatures (a Safe whose owners changed) must not make every later
// audit of its space fail. The audit asks verifySigner at the block it finds for the time received.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Contract, ContractFactory, JsonRpcProvider, keccak256, toQuantity } from 'ethers';
import { lastBlockAt } from '../../server/audit/block-time.js';
import { MessageError } from '../../server/messages/errors.js';
import { verifySigner } from '../../server/messages/signature.js';
import { startLocalChain, type LocalChain } from '../../scripts/lib/local-chain.js';
import { getCompiledContract } from '../../scripts/lib/solidity.js';
import { devWallet } from '../support/signing.js';

describe('EIP-1271 signatures at a past block', () => {
  let chain: LocalChain;
  let provider: JsonRpcProvider;

  beforeAll(async () => {
    chain = await startLocalChain();
    provider = new JsonRpcProvider(chain.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    // Measured: the block after the local chain's hardhat_mine jump can be stamped a second before the
    // jump's last block (Hardhat's EDR); IoTeX's block times never go back. Start past that seam.
    for (let i = 0; i < 2; i++) await provider.send('evm_mine', []);
  });
  afterAll(async () => {
    provider?.destroy();
    await chain?.stop();
  });

  it('accepts what the wallet accepted at that block, after it changed owners, and refuses it at the latest', async () => {
    const owner = devWallet(5).connect(provider);
    const artifact = await getCompiledContract('ContractWallet', { files: ['test/ContractWallet.sol'] });
    const deployed = await new ContractFactory(artifact.abi, artifact.bytecode, owner).deploy(owner.address);
    await deployed.waitForDeployment();
    const wallet = new Contract(await deployed.getAddress(), artifact.abi, owner);
    const address = await wallet.getAddress();
    const digest = keccak256('0x1234');
    const signature = owner.signingKey.sign(digest).serialized;
    expect(await verifySigner(digest, signature, address, provider)).toBe('contract');

    const signedAt = await provider.getBlock('latest');
    await (await wallet.getFunction('setOwner')(devWallet(6).address)).wait();

    await expect(verifySigner(digest, signature, address, provider)).rejects.toMatchObject({
      code: 'bad_signature',
    } satisfies Partial<MessageError>);
    // The audit finds the block by the time received, and asks there.
    const block = await lastBlockAt(provider, signedAt!.timestamp);
    expect(block).toBe(signedAt!.number);
    expect(await verifySigner(digest, signature, address, provider, toQuantity(block))).toBe('contract');
  });
});

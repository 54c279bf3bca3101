import { getCreateAddress, parseEther, Wallet, type HDNodeWallet } from 'ethers';
import request from 'supertest';
import type { RelayerDeps } from '../../server/execution/relayer.js';
import { spaceRules } from '../../server/spaces/rules.js';
import { connectExecutor, deployExecutor, type GovernanceExecutor } from '../../scripts/lib/executor.js';
import { devWallet, signWithEthers } from './signing.js';
import { ANCHORED_TEST_SPACE, startTestStack, type TestStack } from './stack.js';

// The stack the execution tests share: the test space (anchored) with a real GovernanceExecutor,
// deployed by development account #8 as its first transaction (so at a known address), guarded by
// account #6, funded by account #4, accepting the space's rules; the service attests with a key of
// its own (apart from its receipt and relayer keys); no workers run, the tests drive each pass.

export const CHAIN_ID = 31337;
export const EXECUTOR = getCreateAddress({ from: devWallet(8).address, nonce: 0 });
export const GUARDIAN = devWallet(6);
/** Pays the relayer's gas unless a test says otherwise. */
export const RELAYER = devWallet(5);

export interface ExecutionStack extends TestStack {
  /** The service's attestation key (an attestor of the executor). */
  serviceAttestor: Wallet | HDNodeWallet;
  executor(): GovernanceExecutor;
  /** The relayer's dependencies on this stack, paid by RELAYER unless `overrides` says otherwise. */
  relayer(overrides?: Partial<RelayerDeps>): RelayerDeps;
  /** Signs a Support or Vote of the test space now, and has the service accept it. */
  send(wallet: HDNodeWallet, primaryType: 'Support' | 'Vote', fields: Record<string, unknown>): Promise<void>;
}

export async function startExecutionStack(options: {
  /** Attestors besides the service's own. */
  attestors: string[];
  threshold: number;
  delay: number;
  treasury: string;
}): Promise<ExecutionStack> {
  const serviceAttestor = Wallet.createRandom();
  const stack = await startTestStack(
    {
      SERVICE_ATTESTOR_PRIVATE_KEY: serviceAttestor.privateKey,
      RELAYER_PRIVATE_KEY: RELAYER.privateKey,
      RATE_LIMIT_ADDRESS_PER_MINUTE: '1000',
    },
    [{ ...ANCHORED_TEST_SPACE, executor: EXECUTOR }],
    { workers: false },
  );
  const { address } = await deployExecutor(devWallet(8).connect(stack.provider), {
    attestors: [serviceAttestor.address, ...options.attestors],
    threshold: options.threshold,
    delay: options.delay,
    gracePeriod: 7 * 24 * 3600,
    guardian: GUARDIAN.address,
    // The treasury accepts outcomes decided under the test space's rules (which name this executor).
    rulesDigest: spaceRules(stack.service.spaces.get('test')!).digest,
  });
  if (address !== EXECUTOR) throw new Error(`the executor was deployed at ${address}, not ${EXECUTOR}`);
  const funder = devWallet(4).connect(stack.provider);
  await (await funder.sendTransaction({ to: EXECUTOR, value: parseEther(options.treasury) })).wait();
  // The service's clock catches up with the chain's: proposals are received after the executor exists,
  // as the audit asks the executor for its rules at the block when the proposal was received.
  await stack.advance(1);
  return {
    ...stack,
    serviceAttestor,
    executor: () => connectExecutor(EXECUTOR, stack.provider),
    relayer: (overrides = {}) => ({
      db: stack.service.db,
      chain: stack.service.chain,
      wallet: RELAYER.connect(stack.provider),
      attestor: serviceAttestor,
      clock: () => stack.clock.now * 1000,
      sendTimeoutMs: 60_000,
      ...overrides,
    }),
    async send(wallet, primaryType, fields) {
      const envelope = await signWithEthers(wallet, CHAIN_ID, primaryType, {
        from: wallet.address,
        space: 'test',
        timestamp: stack.clock.now,
        ...fields,
      });
      await request(stack.service.url).post('/api/messages').send(envelope).expect(200);
    },
  };
}

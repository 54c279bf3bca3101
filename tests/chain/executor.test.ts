// The governance executor (contracts/GovernanceExecutor.sol) on a real local chain: attested outcomes
// are queued, wait out the timelock, and run their actions exactly once; every refusal is checked by
// its custom error's name. docs/executor.md describes the contract and its trust model.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import {
  Contract,
  ContractFactory,
  Interface,
  JsonRpcProvider,
  Signature,
  TypedDataEncoder,
  Wallet,
  ZeroHash,
  concat,
  getAddress,
  hexlify,
  id,
  parseEther,
  recoverAddress,
  toBeHex,
  type ContractTransactionResponse,
  type HDNodeWallet,
  type Log,
  type LogDescription,
  type TransactionReceipt,
} from 'ethers';

import { actionsHash as serviceActionsHash } from '../../server/messages/digest.js';
import { AMPLE_GAS, suggestGas, suggestedGasFloor } from '../../server/execution/gas.js';
import { VOTE_LEAF_ENCODING } from '../../server/results/document.js';
import { voteTree } from '../../server/results/merkle.js';
import {
  EXECUTOR_ABI,
  OUTCOME_TYPES,
  PROPOSAL_STATES,
  connectExecutor,
  deployExecutor,
  executeGasLimit,
  executorDomain,
  loadExecutorArtifact,
  outcomeDigest,
  signOutcome,
  type ExecutorAction,
  type ExecutorParams,
  type GovernanceExecutor,
  type Outcome,
  type QueuedProposal,
} from '../../scripts/lib/executor.js';
import { startLocalChain, type LocalChain } from '../../scripts/lib/local-chain.js';
import { getCompiledContract, type CompiledContract } from '../../scripts/lib/solidity.js';
import { devWallet } from '../support/signing.js';
import { revertData } from '../support/reverts.js';

const HOUR = 3600;
const DAY = 24 * HOUR;
const DELAY = HOUR;
const GRACE = DAY;
const RESULT_CID = 'bagaaierasords4njcts6vs7qvdjfcvgnume4hqohf65zsfguprqphs3icwea';
/** secp256k1 group order, to forge the high-s twin of a signature. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
/** The digest of the rules document the executor accepts (any non-zero value will do here). */
const RULES = id('the rules of the treasury');
/** A space published by the operator with other rules (quorum 0, say). */
const OTHER_RULES = id('the same space, republished with quorum 0');
/** Counted votes (voter, choice, power, vote id) and their OpenZeppelin StandardMerkleTree. */
type VoteLeaf = [voter: string, choice: number, power: string, voteId: string];
const VOTES: VoteLeaf[] = [
  [getAddress(toBeHex(0xa11ce, 20)), 1, parseEther('1200').toString(), id('vote 1')],
  [getAddress(toBeHex(0xb0b, 20)), 2, parseEther('300').toString(), id('vote 2')],
  [getAddress(toBeHex(0xca201, 20)), 3, '1', id('vote 3')],
  [getAddress(toBeHex(0xd0d0, 20)), 1, parseEther('45.5').toString(), id('vote 4')],
  [getAddress(toBeHex(0xe7e, 20)), 1, (2n ** 200n).toString(), id('vote 5')],
];
const votesTree = StandardMerkleTree.of(VOTES, ['address', 'uint8', 'uint256', 'bytes32']);
const VOTES_ROOT = votesTree.root;

describe('GovernanceExecutor', () => {
  let chain: LocalChain;
  let provider: JsonRpcProvider;
  let deployer: HDNodeWallet;
  let guardian: HDNodeWallet;
  let relayer: HDNodeWallet;
  let stranger: HDNodeWallet;
  /** Attestor keys: only sign, never send transactions. */
  let attestorKeys: HDNodeWallet[];
  let foreignKey: HDNodeWallet;
  let params: ExecutorParams;

  let executor: GovernanceExecutor;
  let executorAddress: string;
  let targetArtifact: CompiledContract;
  let target: Contract;
  let targetAddress: string;
  let snapshot: string;

  let executorErrors: Interface;
  let targetErrors: Interface;
  let proposalCounter = 0;
  const gas: Record<string, bigint> = {};

  beforeAll(async () => {
    chain = await startLocalChain();
    provider = new JsonRpcProvider(chain.url, chain.chainId, {
      staticNetwork: true,
      cacheTimeout: -1,
      pollingInterval: 50,
    });
    deployer = devWallet(0).connect(provider);
    guardian = devWallet(4).connect(provider);
    relayer = devWallet(5).connect(provider);
    stranger = devWallet(6).connect(provider);
    attestorKeys = [devWallet(1), devWallet(2), devWallet(3)];
    foreignKey = devWallet(9);
    params = {
      attestors: attestorKeys.map((w) => w.address),
      threshold: 2,
      delay: DELAY,
      gracePeriod: GRACE,
      guardian: guardian.address,
      rulesDigest: RULES,
    };

    const deployed = await deployExecutor(deployer, params);
    executor = deployed.contract;
    executorAddress = deployed.address;
    gas.deploy = deployed.gasUsed;
    executorErrors = new Interface((await loadExecutorArtifact()).abi);

    targetArtifact = await getCompiledContract('GovernedTarget', { files: ['test/GovernedTarget.sol'] });
    targetErrors = new Interface(targetArtifact.abi);
    const t = await new ContractFactory(targetArtifact.abi, targetArtifact.bytecode, deployer).deploy();
    await t.waitForDeployment();
    targetAddress = await t.getAddress();
    target = new Contract(targetAddress, targetArtifact.abi, deployer);

    // The treasury: 10 IOTX.
    await (await deployer.sendTransaction({ to: executorAddress, value: parseEther('10') })).wait();
  });

  afterAll(async () => {
    if (Object.keys(gas).length > 0) {
      console.log(
        `GovernanceExecutor gas: ${Object.entries(gas)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
    }
    provider?.destroy();
    await chain?.stop();
  });

  // Every test starts from the same chain: the executor funded, the target empty, the same time.
  beforeEach(async () => {
    snapshot = (await provider.send('evm_snapshot', [])) as string;
  });
  afterEach(async () => {
    expect(await provider.send('evm_revert', [snapshot])).toBe(true);
  });

  // ------------------------------------------------------------------------------ helpers

  const nextProposalId = () => id(`proposal ${++proposalCounter}`);
  const hashOf = (actions: ExecutorAction[]) =>
    serviceActionsHash(actions.map((a) => ({ to: a.to, value: BigInt(a.value), data: a.data, gas: BigInt(a.gas) })));
  const outcomeOf = (proposalId: string, actions: ExecutorAction[], resultCid = RESULT_CID): Outcome => ({
    proposalId,
    actionsHash: hashOf(actions),
    resultCid,
    rulesDigest: RULES,
    votesRoot: VOTES_ROOT,
  });
  const sign = (outcome: Outcome, keys: HDNodeWallet[] = attestorKeys.slice(0, 2), at = executorAddress) =>
    Promise.all(keys.map((k) => signOutcome(k, at, chain.chainId, outcome)));

  async function mined(tx: Promise<ContractTransactionResponse>): Promise<TransactionReceipt> {
    const receipt = await (await tx).wait();
    if (!receipt) throw new Error('no receipt');
    return receipt;
  }

  /** Queues the outcome of `actions` (signed by the first two attestors), from the relayer. */
  async function queued(actions: ExecutorAction[], proposalId = nextProposalId()) {
    const outcome = outcomeOf(proposalId, actions);
    const receipt = await mined(executor.connect(relayer).queue(outcome, await sign(outcome)));
    return { proposalId, outcome, receipt };
  }

  async function increaseTime(seconds: number): Promise<void> {
    await provider.send('evm_increaseTime', [seconds]);
    await provider.send('evm_mine', []);
  }

  const latestTimestamp = async () => BigInt((await provider.getBlock('latest'))!.timestamp);
  const stateOf = async (proposalId: string) => PROPOSAL_STATES[Number(await executor.state(proposalId))];
  const balance = (address: string) => provider.getBalance(address);

  /** Awaits `promise`, expects it to revert, and returns the decoded error (executor, target or Error(string)). */
  async function reverted(promise: Promise<unknown>): Promise<{ name: string; args: unknown[] }> {
    try {
      await promise;
    } catch (err) {
      const data = revertData(err);
      if (!data) throw new Error(`reverted without revert data: ${String(err)}`);
      if (data === '0x') return { name: '(empty)', args: [] };
      for (const iface of [executorErrors, targetErrors]) {
        const parsed = iface.parseError(data);
        if (parsed) return { name: parsed.name, args: [...parsed.args] };
      }
      throw new Error(`unknown revert data ${data}`);
    }
    throw new Error('expected a revert, but it succeeded');
  }

  function logsOf(receipt: TransactionReceipt, address: string, iface: Interface): LogDescription[] {
    return receipt.logs
      .filter((log: Log) => log.address === getAddress(address))
      .map((log: Log) => iface.parseLog(log))
      .filter((parsed): parsed is LogDescription => parsed !== null);
  }
  const executorEvents = (receipt: TransactionReceipt) => logsOf(receipt, executorAddress, executorErrors);

  const plain = (p: QueuedProposal): QueuedProposal => ({
    actionsHash: p.actionsHash,
    eta: p.eta,
    expiresAt: p.expiresAt,
    vetoed: p.vetoed,
    executed: p.executed,
  });

  const iotx = (to: string, value: bigint): ExecutorAction => ({ to, value, data: '0x', gas: 21_000n });
  const record = (value: number, paid = 0n): ExecutorAction => ({
    to: targetAddress,
    value: paid,
    data: target.interface.encodeFunctionData('record', [value]),
    gas: 100_000n,
  });
  const selfCall = (fn: string, args: unknown[]): ExecutorAction => ({
    to: executorAddress,
    value: 0n,
    data: executorErrors.encodeFunctionData(fn, args),
    gas: 200_000n,
  });

  // ------------------------------------------------------------------------------ encoding

  describe('hashing and signing', () => {
    it("hashes an action list exactly as the service's actionsHash (server/messages/digest.ts)", async () => {
      const lists: ExecutorAction[][] = [
        [],
        [iotx(stranger.address, 1n)],
        [record(42, 5n)],
        [
          iotx(stranger.address, parseEther('3')),
          record(7),
          selfCall('setThreshold', [3]),
          { to: targetAddress, value: 2n ** 255n, data: `0x${'ab'.repeat(300)}`, gas: 2n ** 64n - 1n },
        ],
      ];
      for (const actions of lists) {
        expect(await executor.hashActions(actions)).toBe(hashOf(actions));
      }
      // the order matters
      const two = [iotx(stranger.address, 1n), record(7)];
      expect(await executor.hashActions([...two].reverse())).not.toBe(hashOf(two));
      // and equals ethers' EIP-712 encoding of an Action[] field
      const encoder = TypedDataEncoder.from({
        Wrapper: [{ name: 'actions', type: 'Action[]' }],
        Action: [
          { name: 'to', type: 'address' },
          { name: 'value', type: 'uint256' },
          { name: 'data', type: 'bytes' },
          { name: 'gas', type: 'uint64' },
        ],
      });
      expect(encoder.encodeData('Action[]', two)).toBe(hashOf(two));
      // the gas floor is part of what is hashed
      expect(await executor.hashActions([{ ...two[0]!, gas: 21_001n }, two[1]!])).not.toBe(hashOf(two));
    });

    it('uses the domain {IoTeX Governance Executor, 1, chainId, executor} and the Outcome type', async () => {
      const domain = executorDomain(chain.chainId, executorAddress);
      expect(domain).toEqual({
        name: 'IoTeX Governance Executor',
        version: '1',
        chainId: 31337,
        verifyingContract: executorAddress,
      });
      expect(await executor.domainSeparator()).toBe(TypedDataEncoder.hashDomain(domain));
      const [, name, version, chainId, verifyingContract] = await executor.getFunction('eip712Domain').staticCall();
      expect({ name, version, chainId, verifyingContract }).toEqual({
        name: domain.name,
        version: domain.version,
        chainId: 31337n,
        verifyingContract: executorAddress,
      });
      expect(TypedDataEncoder.from(OUTCOME_TYPES).encodeType('Outcome')).toBe(
        'Outcome(bytes32 proposalId,bytes32 actionsHash,string resultCid,bytes32 rulesDigest,bytes32 votesRoot)',
      );
      expect(await executor.getFunction('OUTCOME_TYPEHASH')()).toBe(
        id('Outcome(bytes32 proposalId,bytes32 actionsHash,string resultCid,bytes32 rulesDigest,bytes32 votesRoot)'),
      );
      const outcome = outcomeOf(nextProposalId(), [record(1)]);
      const digest = outcomeDigest(chain.chainId, executorAddress, outcome);
      expect(await executor.outcomeDigest(outcome)).toBe(digest);
      const signature = await signOutcome(attestorKeys[0]!, executorAddress, chain.chainId, outcome);
      expect(BigInt(Signature.from(signature).s)).toBeLessThanOrEqual(SECP256K1_N / 2n);
      expect(getAddress(recoverAddress(digest, signature))).toBe(attestorKeys[0]!.address);
    });

    it('publishes an ABI (server/execution/executor.ts) identical to the compiled contract', async () => {
      const compiled = new Interface((await loadExecutorArtifact()).abi);
      expect(new Interface(EXECUTOR_ABI).format().sort()).toEqual(compiled.format().sort());
      const handle = connectExecutor(executorAddress, provider);
      expect(await handle.threshold()).toBe(2n);
    });

    it('starts with the constructor parameters', async () => {
      expect([...(await executor.attestors())].sort()).toEqual([...params.attestors].sort());
      for (const a of params.attestors) expect(await executor.isAttestor(a)).toBe(true);
      expect(await executor.isAttestor(foreignKey.address)).toBe(false);
      expect(await executor.threshold()).toBe(2n);
      expect(await executor.delay()).toBe(BigInt(DELAY));
      expect(await executor.gracePeriod()).toBe(BigInt(GRACE));
      expect(await executor.guardian()).toBe(guardian.address);
      expect(await executor.rulesDigest()).toBe(RULES);
      expect(await balance(executorAddress)).toBe(parseEther('10'));
    });

    it('refuses unsound constructor parameters', async () => {
      const { abi, bytecode } = await loadExecutorArtifact();
      const factory = new ContractFactory(abi, bytecode, deployer);
      const deploy = (p: Partial<ExecutorParams>) => {
        const q = { ...params, ...p };
        return factory.deploy(q.attestors, q.threshold, q.delay, q.gracePeriod, q.guardian, q.rulesDigest);
      };
      const a = params.attestors;
      const zero = '0x0000000000000000000000000000000000000000';
      expect((await reverted(deploy({ attestors: [a[0]!, zero] }))).name).toBe('ZeroAddress');
      expect((await reverted(deploy({ attestors: [a[0]!, a[1]!, a[0]!] }))).name).toBe('AttestorAlreadyAdded');
      expect((await reverted(deploy({ attestors: [], threshold: 1 }))).name).toBe('InvalidThreshold');
      expect((await reverted(deploy({ threshold: 0 }))).name).toBe('InvalidThreshold');
      expect((await reverted(deploy({ threshold: 4 }))).name).toBe('InvalidThreshold');
      expect((await reverted(deploy({ delay: 59 }))).name).toBe('InvalidDelay');
      expect((await reverted(deploy({ delay: 30 * DAY + 1 }))).name).toBe('InvalidDelay');
      expect((await reverted(deploy({ gracePeriod: HOUR - 1 }))).name).toBe('InvalidGracePeriod');
      expect((await reverted(deploy({ gracePeriod: 30 * DAY + 1 }))).name).toBe('InvalidGracePeriod');
      expect((await reverted(deploy({ guardian: zero }))).name).toBe('ZeroAddress');
      expect((await reverted(deploy({ rulesDigest: ZeroHash }))).name).toBe('ZeroRulesDigest');
      const many = Array.from({ length: 33 }, (_, i) => getAddress(toBeHex(0x1000 + i, 20)));
      expect((await reverted(deploy({ attestors: many }))).name).toBe('TooManyAttestors');
    });
  });

  // ------------------------------------------------------------------------------ positive paths

  describe('a passed proposal', () => {
    it('moves treasury IOTX to an account and calls a target, after the timelock, relayed by anyone', async () => {
      const recipient = Wallet.createRandom().address;
      const actions = [iotx(recipient, parseEther('3')), record(42, parseEther('1'))];
      const proposalId = nextProposalId();
      const outcome = outcomeOf(proposalId, actions);
      const signatures = await sign(outcome, [attestorKeys[2]!, attestorKeys[0]!]); // any order

      const queueReceipt = await mined(executor.connect(relayer).queue(outcome, signatures));
      gas.queue2of3 = queueReceipt.gasUsed;
      const queuedAt = BigInt((await provider.getBlock(queueReceipt.blockNumber))!.timestamp);
      const [queuedEvent] = executorEvents(queueReceipt);
      expect(queuedEvent?.name).toBe('Queued');
      expect(queuedEvent?.args.proposalId).toBe(proposalId);
      expect(queuedEvent?.args.actionsHash).toBe(outcome.actionsHash);
      expect(queuedEvent?.args.resultCid).toBe(RESULT_CID);
      expect(queuedEvent?.args.votesRoot).toBe(VOTES_ROOT);
      expect(queuedEvent?.args.eta).toBe(queuedAt + BigInt(DELAY));
      expect(queuedEvent?.args.expiresAt).toBe(queuedAt + BigInt(DELAY + GRACE));
      expect([...queuedEvent!.args.signers]).toEqual([attestorKeys[2]!.address, attestorKeys[0]!.address]);
      expect(await stateOf(proposalId)).toBe('Queued');
      expect(plain(await executor.proposals(proposalId))).toEqual({
        actionsHash: outcome.actionsHash,
        eta: queuedAt + BigInt(DELAY),
        expiresAt: queuedAt + BigInt(DELAY + GRACE),
        vetoed: false,
        executed: false,
      });
      expect(await executor.votesRootOf(proposalId)).toBe(VOTES_ROOT);

      await increaseTime(DELAY);
      // The executor is run by an account with no role at all: the relayer only pays gas.
      const receipt = await mined(executor.connect(stranger).execute(proposalId, actions));
      gas.execute2actions = receipt.gasUsed;

      expect(await balance(recipient)).toBe(parseEther('3'));
      expect(await balance(executorAddress)).toBe(parseEther('6'));
      expect(await balance(targetAddress)).toBe(parseEther('1'));
      expect(await target.getFunction('value')()).toBe(42n);
      expect(await target.getFunction('lastCaller')()).toBe(executorAddress);
      expect(await target.getFunction('totalReceived')()).toBe(parseEther('1'));
      const targetEvents = logsOf(receipt, targetAddress, target.interface);
      expect(targetEvents.map((e) => [e.name, ...e.args])).toEqual([
        ['Recorded', executorAddress, 42n, parseEther('1')],
      ]);
      expect(executorEvents(receipt).map((e) => [e.name, ...e.args])).toEqual([
        ['ActionExecuted', proposalId, 0n, recipient, parseEther('3'), '0x'],
        ['ActionExecuted', proposalId, 1n, targetAddress, parseEther('1'), actions[1]!.data],
        ['Executed', proposalId, stranger.address],
      ]);
      expect(await stateOf(proposalId)).toBe('Executed');
      expect((await executor.proposals(proposalId)).executed).toBe(true);
    });

    it('holds and moves ERC-20 tokens (WIOTX-like stand-in)', async () => {
      const wiotxArtifact = await getCompiledContract('WrappedIotxStandIn', {
        files: ['standins/WrappedIotxStandIn.sol'],
      });
      const w = await new ContractFactory(wiotxArtifact.abi, wiotxArtifact.bytecode, deployer).deploy();
      await w.waitForDeployment();
      const token = new Contract(await w.getAddress(), wiotxArtifact.abi, provider);
      const tokenAddress = await token.getAddress();
      const recipient = Wallet.createRandom().address;
      // Anyone can send tokens to the treasury; a proposal wraps IOTX and pays tokens out.
      await mined(
        token.connect(deployer).getFunction('deposit')({ value: 100n }) as Promise<ContractTransactionResponse>,
      );
      await mined(
        token.connect(deployer).getFunction('transfer')(executorAddress, 100n) as Promise<ContractTransactionResponse>,
      );
      const actions: ExecutorAction[] = [
        { to: tokenAddress, value: 50n, data: token.interface.encodeFunctionData('deposit'), gas: 100_000n },
        {
          to: tokenAddress,
          value: 0n,
          data: token.interface.encodeFunctionData('transfer', [recipient, 120n]),
          gas: 100_000n,
        },
      ];
      const { proposalId } = await queued(actions);
      await increaseTime(DELAY);
      await mined(executor.connect(relayer).execute(proposalId, actions));
      expect(await token.getFunction('balanceOf')(recipient)).toBe(120n);
      expect(await token.getFunction('balanceOf')(executorAddress)).toBe(30n);
    });

    it('changes its own parameters through queue and execute: add an attestor, raise the threshold', async () => {
      const newAttestor = foreignKey;
      const actions = [selfCall('addAttestor', [newAttestor.address]), selfCall('setThreshold', [3])];
      const { proposalId } = await queued(actions);
      await increaseTime(DELAY);
      const receipt = await mined(executor.connect(relayer).execute(proposalId, actions));
      gas.executeParameterChange = receipt.gasUsed;
      expect(
        executorEvents(receipt)
          .filter((e) => e.name !== 'ActionExecuted')
          .map((e) => [e.name, ...e.args]),
      ).toEqual([
        ['AttestorAdded', newAttestor.address],
        ['ThresholdChanged', 2n, 3n],
        ['Executed', proposalId, relayer.address],
      ]);
      expect(await executor.isAttestor(newAttestor.address)).toBe(true);
      expect(await executor.attestors()).toHaveLength(4);
      expect(await executor.threshold()).toBe(3n);

      // Two signatures no longer suffice; three, one of them from the new attestor, do.
      const next = outcomeOf(nextProposalId(), [record(1)]);
      const twoOf = await sign(next, attestorKeys.slice(0, 2));
      expect(await reverted(executor.connect(relayer).queue(next, twoOf))).toEqual({
        name: 'InsufficientSignatures',
        args: [2n, 3n],
      });
      const threeOf = await sign(next, [attestorKeys[0]!, newAttestor, attestorKeys[1]!]);
      const r3 = await mined(executor.connect(relayer).queue(next, threeOf));
      gas.queue3of4 = r3.gasUsed;
      expect(await stateOf(next.proposalId)).toBe('Queued');
    });

    it('changes delay, grace period and guardian and removes an attestor through a proposal', async () => {
      const newGuardian = stranger;
      const actions = [
        selfCall('setDelay', [2 * DAY]),
        selfCall('setGracePeriod', [7 * DAY]),
        selfCall('setGuardian', [newGuardian.address]),
        selfCall('removeAttestor', [attestorKeys[2]!.address]),
      ];
      const { proposalId } = await queued(actions);
      // A proposal queued before the change keeps its eta and expiry.
      const earlier = await queued([record(9)]);
      const earlierRecord = await executor.proposals(earlier.proposalId);
      await increaseTime(DELAY);
      const receipt = await mined(executor.connect(relayer).execute(proposalId, actions));
      expect(
        executorEvents(receipt)
          .filter((e) => e.name !== 'ActionExecuted')
          .map((e) => e.name),
      ).toEqual(['DelayChanged', 'GracePeriodChanged', 'GuardianChanged', 'AttestorRemoved', 'Executed']);
      expect(await executor.delay()).toBe(BigInt(2 * DAY));
      expect(await executor.gracePeriod()).toBe(BigInt(7 * DAY));
      expect(await executor.guardian()).toBe(newGuardian.address);
      expect(await executor.isAttestor(attestorKeys[2]!.address)).toBe(false);
      expect(plain(await executor.proposals(earlier.proposalId))).toEqual(plain(earlierRecord));

      // The new delay applies to new proposals; the old guardian lost its veto, the new one has it.
      const later = await queued([record(10)]);
      const now = BigInt((await provider.getBlock(later.receipt.blockNumber))!.timestamp);
      expect((await executor.proposals(later.proposalId)).eta).toBe(now + BigInt(2 * DAY));
      expect((await reverted(executor.connect(guardian).veto(later.proposalId))).name).toBe('NotGuardian');
      await mined(executor.connect(newGuardian).veto(later.proposalId));
      expect(await stateOf(later.proposalId)).toBe('Vetoed');
      // The removed attestor's signature no longer counts.
      const next = outcomeOf(nextProposalId(), [record(11)]);
      expect(await reverted(executor.connect(relayer).queue(next, await sign(next, attestorKeys.slice(1, 3))))).toEqual(
        { name: 'NotAttestor', args: [attestorKeys[2]!.address] },
      );
    });

    it('executes a proposal queued by an attestor removed since: the set that queued it decided', async () => {
      // Queued with the signatures of attestors #0 and #1; then a proposal removes #0.
      const earlier = await queued([record(21)], nextProposalId());
      const removal = [selfCall('removeAttestor', [attestorKeys[0]!.address])];
      const { proposalId } = await queued(removal);
      await increaseTime(DELAY);
      await mined(executor.connect(relayer).execute(proposalId, removal));
      expect(await executor.isAttestor(attestorKeys[0]!.address)).toBe(false);
      // The earlier proposal still runs: execute does not re-check who signed it (docs/executor.md).
      await mined(executor.connect(relayer).execute(earlier.proposalId, [record(21)]));
      expect(await target.getFunction('value')()).toBe(21n);
      expect(await stateOf(earlier.proposalId)).toBe('Executed');
    });

    it('changes the rules it accepts only through a proposal: then outcomes under the old rules are refused', async () => {
      const NEW_RULES = id('the rules of the treasury, amended by a proposal');
      const actions = [selfCall('setRulesDigest', [NEW_RULES])];
      const { proposalId } = await queued(actions);
      // A proposal queued under the old rules before the change stays queued and runs.
      const earlier = await queued([record(12)]);
      await increaseTime(DELAY);
      const receipt = await mined(executor.connect(relayer).execute(proposalId, actions));
      expect(
        executorEvents(receipt)
          .filter((e) => e.name !== 'ActionExecuted')
          .map((e) => [e.name, ...e.args]),
      ).toEqual([
        ['RulesDigestChanged', RULES, NEW_RULES],
        ['Executed', proposalId, relayer.address],
      ]);
      expect(await executor.rulesDigest()).toBe(NEW_RULES);
      await mined(executor.connect(relayer).execute(earlier.proposalId, [record(12)]));
      expect(await target.getFunction('value')()).toBe(12n);

      const old = outcomeOf(nextProposalId(), [record(13)]);
      expect(await reverted(executor.connect(relayer).queue(old, await sign(old)))).toEqual({
        name: 'WrongRules',
        args: [NEW_RULES, RULES],
      });
      const amended = { ...outcomeOf(nextProposalId(), [record(13)]), rulesDigest: NEW_RULES };
      await mined(executor.connect(relayer).queue(amended, await sign(amended)));
      expect(await stateOf(amended.proposalId)).toBe('Queued');
    });

    it('a parameter change that breaks a sanity check fails the whole proposal', async () => {
      // Removing two of three attestors would leave fewer than the threshold of 2.
      const actions = [
        selfCall('removeAttestor', [attestorKeys[1]!.address]),
        selfCall('removeAttestor', [attestorKeys[2]!.address]),
      ];
      const { proposalId } = await queued(actions);
      await increaseTime(DELAY);
      expect(await reverted(executor.connect(relayer).execute(proposalId, actions))).toEqual({
        name: 'InvalidThreshold',
        args: [2n, 1n],
      });
      expect(await executor.attestors()).toHaveLength(3);
      for (const [fn, arg] of [
        ['setThreshold', 0],
        ['setDelay', 0],
        ['setGracePeriod', 31 * DAY],
        ['setGuardian', '0x0000000000000000000000000000000000000000'],
        ['addAttestor', attestorKeys[0]!.address],
        ['setRulesDigest', ZeroHash],
      ] as const) {
        const bad = [selfCall(fn, [arg])];
        const p = await queued(bad);
        await increaseTime(DELAY);
        const { name } = await reverted(executor.connect(relayer).execute(p.proposalId, bad));
        expect([fn, name]).toEqual([
          fn,
          {
            setThreshold: 'InvalidThreshold',
            setDelay: 'InvalidDelay',
            setGracePeriod: 'InvalidGracePeriod',
            setGuardian: 'ZeroAddress',
            addAttestor: 'AttestorAlreadyAdded',
            setRulesDigest: 'ZeroRulesDigest',
          }[fn],
        ]);
      }
    });
  });

  // ------------------------------------------------------------------------------ queue refusals

  describe('queue refuses', () => {
    it('too few signatures', async () => {
      const outcome = outcomeOf(nextProposalId(), [record(1)]);
      const one = await sign(outcome, attestorKeys.slice(0, 1));
      expect(await reverted(executor.connect(relayer).queue(outcome, one))).toEqual({
        name: 'InsufficientSignatures',
        args: [1n, 2n],
      });
      expect(await reverted(executor.connect(relayer).queue(outcome, []))).toEqual({
        name: 'InsufficientSignatures',
        args: [0n, 2n],
      });
      expect(await stateOf(outcome.proposalId)).toBe('Unknown');
    });

    it('duplicate signatures (the same attestor twice)', async () => {
      const outcome = outcomeOf(nextProposalId(), [record(1)]);
      const [sig] = await sign(outcome, attestorKeys.slice(0, 1));
      expect(await reverted(executor.connect(relayer).queue(outcome, [sig!, sig!]))).toEqual({
        name: 'DuplicateSigner',
        args: [attestorKeys[0]!.address],
      });
      // The high-s twin of the same signature is refused before it could count as a second one.
      const s = Signature.from(sig!);
      const twin = concat([s.r, toBeHex(SECP256K1_N - BigInt(s.s), 32), s.v === 27 ? '0x1c' : '0x1b']);
      expect((await reverted(executor.connect(relayer).queue(outcome, [sig!, twin]))).name).toBe(
        'ECDSAInvalidSignatureS',
      );
    });

    it('a foreign (non-attestor) signature', async () => {
      const outcome = outcomeOf(nextProposalId(), [record(1)]);
      const sigs = await sign(outcome, [attestorKeys[0]!, foreignKey]);
      expect(await reverted(executor.connect(relayer).queue(outcome, sigs))).toEqual({
        name: 'NotAttestor',
        args: [foreignKey.address],
      });
    });

    it('a signature of another outcome (other actions, result or votes)', async () => {
      const outcome = outcomeOf(nextProposalId(), [record(1)]);
      const sigs = await sign(outcome);
      for (const changed of [
        { ...outcome, actionsHash: hashOf([record(2)]) },
        { ...outcome, resultCid: `${RESULT_CID}x` },
        { ...outcome, proposalId: nextProposalId() },
        { ...outcome, votesRoot: id('another votes root') },
      ]) {
        const { name, args } = await reverted(executor.connect(relayer).queue(changed, sigs));
        expect(name).toBe('NotAttestor');
        expect(params.attestors).not.toContain(args[0]);
      }
    });

    it('an outcome decided under other rules, even signed by every attestor', async () => {
      const outcome = {
        ...outcomeOf(nextProposalId(), [iotx(stranger.address, parseEther('10'))]),
        rulesDigest: OTHER_RULES,
      };
      const all = await sign(outcome, attestorKeys);
      expect(await reverted(executor.connect(relayer).queue(outcome, all))).toEqual({
        name: 'WrongRules',
        args: [RULES, OTHER_RULES],
      });
      expect(await stateOf(outcome.proposalId)).toBe('Unknown');
      expect(await executor.votesRootOf(outcome.proposalId)).toBe(ZeroHash);
      // The same outcome under the treasury's rules is queued.
      const ours = { ...outcome, rulesDigest: RULES };
      await mined(executor.connect(relayer).queue(ours, await sign(ours)));
      expect(await stateOf(ours.proposalId)).toBe('Queued');
    });

    it('a signature for another chain id', async () => {
      const outcome = outcomeOf(nextProposalId(), [record(1)]);
      const forMainnet = await Promise.all(
        attestorKeys.slice(0, 2).map((k) => signOutcome(k, executorAddress, 4689, outcome)),
      );
      const { name, args } = await reverted(executor.connect(relayer).queue(outcome, forMainnet));
      expect(name).toBe('NotAttestor');
      expect(params.attestors).not.toContain(args[0]);
    });

    it('a signature for another executor (two deployed with the same attestors)', async () => {
      const other = await deployExecutor(deployer, params);
      expect(other.address).not.toBe(executorAddress);
      const outcome = outcomeOf(nextProposalId(), [record(1)]);
      const forOther = await sign(outcome, attestorKeys.slice(0, 2), other.address);
      const { name, args } = await reverted(executor.connect(relayer).queue(outcome, forOther));
      expect(name).toBe('NotAttestor');
      expect(params.attestors).not.toContain(args[0]);
      // The same signatures are good where they were meant to go.
      await mined(other.contract.connect(relayer).queue(outcome, forOther));
      expect(PROPOSAL_STATES[Number(await other.contract.state(outcome.proposalId))]).toBe('Queued');
      expect(await stateOf(outcome.proposalId)).toBe('Unknown');
    });

    it('malformed signatures', async () => {
      const outcome = outcomeOf(nextProposalId(), [record(1)]);
      const [good] = await sign(outcome, attestorKeys.slice(0, 1));
      expect((await reverted(executor.connect(relayer).queue(outcome, [good!, '0x1234']))).name).toBe(
        'ECDSAInvalidSignatureLength',
      );
      const zeros = `0x${'00'.repeat(64)}1b`;
      expect((await reverted(executor.connect(relayer).queue(outcome, [good!, zeros]))).name).toBe(
        'ECDSAInvalidSignature',
      );
    });

    it('queueing the same proposal twice (even with other signers or after a veto)', async () => {
      const actions = [record(1)];
      const { proposalId, outcome } = await queued(actions);
      const otherSigners = await sign(outcome, attestorKeys.slice(1, 3));
      expect(await reverted(executor.connect(relayer).queue(outcome, otherSigners))).toEqual({
        name: 'ProposalAlreadyQueued',
        args: [proposalId],
      });
      await mined(executor.connect(guardian).veto(proposalId));
      expect((await reverted(executor.connect(relayer).queue(outcome, otherSigners))).name).toBe(
        'ProposalAlreadyQueued',
      );
    });
  });

  // ------------------------------------------------------------------------------ execute refusals

  describe('execute refuses', () => {
    it('a different action list than the attested one', async () => {
      const recipient = Wallet.createRandom().address;
      const actions = [iotx(recipient, parseEther('1')), record(5)];
      const { proposalId, outcome } = await queued(actions);
      await increaseTime(DELAY);
      for (const other of [
        [iotx(recipient, parseEther('2')), record(5)], // another value
        [iotx(stranger.address, parseEther('1')), record(5)], // another recipient
        [iotx(recipient, parseEther('1')), record(6)], // other calldata
        [actions[1]!, actions[0]!], // another order
        [actions[0]!], // an action left out
        [...actions, record(7)], // an action added
        [],
      ]) {
        expect(await reverted(executor.connect(relayer).execute(proposalId, other))).toEqual({
          name: 'ActionsMismatch',
          args: [proposalId, outcome.actionsHash, hashOf(other)],
        });
      }
      expect(await balance(recipient)).toBe(0n);
      await mined(executor.connect(relayer).execute(proposalId, actions));
      expect(await balance(recipient)).toBe(parseEther('1'));
    });

    it('too early: before the eta', async () => {
      const actions = [record(1)];
      const { proposalId } = await queued(actions);
      const { eta } = await executor.proposals(proposalId);
      expect(await reverted(executor.connect(relayer).execute(proposalId, actions))).toEqual({
        name: 'TimelockNotElapsed',
        args: [proposalId, eta],
      });
      await increaseTime(DELAY - 60);
      expect(await latestTimestamp()).toBeLessThan(eta);
      expect((await reverted(executor.connect(relayer).execute(proposalId, actions))).name).toBe('TimelockNotElapsed');
      await increaseTime(60);
      await mined(executor.connect(relayer).execute(proposalId, actions));
      expect(await target.getFunction('value')()).toBe(1n);
    });

    it('a vetoed proposal', async () => {
      const actions = [record(1)];
      const { proposalId } = await queued(actions);
      const receipt = await mined(executor.connect(guardian).veto(proposalId));
      gas.veto = receipt.gasUsed;
      expect(executorEvents(receipt).map((e) => [e.name, ...e.args])).toEqual([
        ['Vetoed', proposalId, guardian.address],
      ]);
      expect(await stateOf(proposalId)).toBe('Vetoed');
      await increaseTime(DELAY);
      expect(await reverted(executor.connect(relayer).execute(proposalId, actions))).toEqual({
        name: 'ProposalVetoed',
        args: [proposalId],
      });
      expect(await target.getFunction('value')()).toBe(0n);
      expect((await reverted(executor.connect(guardian).veto(proposalId))).name).toBe('ProposalVetoed');
    });

    it('executing twice', async () => {
      const recipient = Wallet.createRandom().address;
      const actions = [iotx(recipient, parseEther('1'))];
      const { proposalId } = await queued(actions);
      await increaseTime(DELAY);
      await mined(executor.connect(relayer).execute(proposalId, actions));
      expect(await reverted(executor.connect(stranger).execute(proposalId, actions))).toEqual({
        name: 'ProposalAlreadyExecuted',
        args: [proposalId],
      });
      expect(await balance(recipient)).toBe(parseEther('1'));
      // nor can the guardian veto it afterwards
      expect((await reverted(executor.connect(guardian).veto(proposalId))).name).toBe('ProposalAlreadyExecuted');
    });

    it('an expired proposal (after the grace period)', async () => {
      const actions = [record(1)];
      const { proposalId } = await queued(actions);
      const { expiresAt } = await executor.proposals(proposalId);
      await increaseTime(DELAY + GRACE - 60);
      expect(await stateOf(proposalId)).toBe('Queued');
      await increaseTime(120);
      expect(await latestTimestamp()).toBeGreaterThan(expiresAt);
      expect(await stateOf(proposalId)).toBe('Expired');
      expect(await reverted(executor.connect(relayer).execute(proposalId, actions))).toEqual({
        name: 'ProposalExpired',
        args: [proposalId, expiresAt],
      });
      expect((await reverted(executor.connect(guardian).veto(proposalId))).name).toBe('ProposalExpired');
      expect(await target.getFunction('value')()).toBe(0n);
    });

    it('a proposal never queued', async () => {
      const proposalId = nextProposalId();
      expect(await stateOf(proposalId)).toBe('Unknown');
      expect(await reverted(executor.connect(relayer).execute(proposalId, []))).toEqual({
        name: 'ProposalNotQueued',
        args: [proposalId],
      });
      expect((await reverted(executor.connect(guardian).veto(proposalId))).name).toBe('ProposalNotQueued');
    });

    it('a failing action: nothing happens, balances and target unchanged, and it can be retried', async () => {
      const recipient = Wallet.createRandom().address;
      const actions = [iotx(recipient, parseEther('2')), record(77, parseEther('1'))];
      const { proposalId } = await queued(actions);
      await increaseTime(DELAY);
      await mined(target.getFunction('setClosed')(true) as Promise<ContractTransactionResponse>);

      const treasuryBefore = await balance(executorAddress);
      // The target's own custom error is bubbled as is.
      expect(await reverted(executor.connect(relayer).execute(proposalId, actions))).toEqual({
        name: 'TargetClosed',
        args: [77n],
      });
      expect(await balance(executorAddress)).toBe(treasuryBefore);
      expect(await balance(recipient)).toBe(0n);
      expect(await balance(targetAddress)).toBe(0n);
      expect(await target.getFunction('value')()).toBe(0n);
      expect(await stateOf(proposalId)).toBe('Queued');
      expect((await executor.proposals(proposalId)).executed).toBe(false);

      // Sent anyway (no gas estimate): the transaction is mined as failed and changes nothing.
      await expect(executor.connect(relayer).execute(proposalId, actions, { gasLimit: 500_000 })).rejects.toThrow();
      expect(await balance(recipient)).toBe(0n);
      expect(await stateOf(proposalId)).toBe('Queued');

      // Within the grace period, once the action can succeed, the proposal runs.
      await mined(target.getFunction('setClosed')(false) as Promise<ContractTransactionResponse>);
      await mined(executor.connect(relayer).execute(proposalId, actions));
      expect(await balance(recipient)).toBe(parseEther('2'));
      expect(await target.getFunction('value')()).toBe(77n);
    });

    it('failing actions: a reason string is bubbled, an empty revert and a shortfall are named', async () => {
      const fail = {
        to: targetAddress,
        value: 0n,
        data: target.interface.encodeFunctionData('fail', ['not today']),
        gas: 100_000n,
      };
      const silent = {
        to: targetAddress,
        value: 0n,
        data: target.interface.encodeFunctionData('failSilently'),
        gas: 100_000n,
      };
      const tooMuch = iotx(stranger.address, parseEther('11'));
      const ids: string[] = [];
      for (const actions of [[record(1), fail], [record(1), silent], [tooMuch]]) {
        ids.push((await queued(actions)).proposalId);
      }
      await increaseTime(DELAY);
      const run = (i: number, actions: ExecutorAction[]) =>
        reverted(executor.connect(relayer).execute(ids[i]!, actions));

      let caught: unknown;
      await executor
        .connect(relayer)
        .execute(ids[0]!, [record(1), fail])
        .catch((e: unknown) => (caught = e));
      expect((caught as { reason?: string }).reason).toBe('not today');
      expect(await run(1, [record(1), silent])).toEqual({ name: 'ActionFailed', args: [1n, targetAddress] });
      expect(await run(2, [tooMuch])).toEqual({
        name: 'InsufficientBalance',
        args: [0n, parseEther('10'), parseEther('11')],
      });
      expect(await target.getFunction('value')()).toBe(0n);
    });

    it('reentry: an action cannot execute another proposal, nor change parameters through a contract', async () => {
      const inner = [record(5)];
      const { proposalId: innerId } = await queued(inner);
      const reenter = {
        to: targetAddress,
        value: 0n,
        data: target.interface.encodeFunctionData('forward', [
          executorAddress,
          executorErrors.encodeFunctionData('execute', [innerId, inner]),
        ]),
        gas: 300_000n,
      };
      const indirect = {
        to: targetAddress,
        value: 0n,
        data: target.interface.encodeFunctionData('forward', [
          executorAddress,
          executorErrors.encodeFunctionData('setThreshold', [1]),
        ]),
        gas: 300_000n,
      };
      const { proposalId: outerId } = await queued([reenter]);
      const { proposalId: indirectId } = await queued([indirect]);
      await increaseTime(DELAY);
      expect((await reverted(executor.connect(relayer).execute(outerId, [reenter]))).name).toBe(
        'ReentrancyGuardReentrantCall',
      );
      expect(await reverted(executor.connect(relayer).execute(indirectId, [indirect]))).toEqual({
        name: 'OnlyThroughProposal',
        args: [targetAddress],
      });
      expect(await stateOf(innerId)).toBe('Queued');
      expect(await executor.threshold()).toBe(2n);
    });
  });

  // ------------------------------------------------------------------------ the signed gas floor

  describe('the gas voters signed for each action', () => {
    /** The action that records `value` through an inner call whose failure it swallows, with a floor. */
    const swallowing = (value: number, floor: bigint): ExecutorAction => ({
      to: targetAddress,
      value: 0n,
      data: target.interface.encodeFunctionData('recordSwallowing', [value]),
      gas: floor,
    });
    /**
     * What an honest client signs for each action (server/execution/gas.ts, as POST action-gas answers):
     * the gas its call used when the executor's measureGas made the calls in order, plus a quarter.
     */
    async function suggested(actions: ExecutorAction[]) {
      const gasChain = {
        provider,
        chainId: chain.chainId,
        rpcUrl: chain.url,
        headBlock: () => provider.getBlockNumber(),
      };
      const calls = actions.map((a) => ({ to: a.to, value: a.value.toString(), data: hexlify(a.data) }));
      return suggestGas(gasChain, executorAddress, calls);
    }
    /** The same for targets whose gas used is their gas required: the floor checked at it stands. */
    async function honestGas(actions: ExecutorAction[]): Promise<{ gasUsed: bigint; floor: bigint }[]> {
      return (await suggested(actions)).map((suggestion) => {
        if (!suggestion.ok) throw new Error(`not measured: ${suggestion.error}`);
        expect(BigInt(suggestion.gas)).toBe(suggestedGasFloor(BigInt(suggestion.gasUsed)));
        return { gasUsed: BigInt(suggestion.gasUsed), floor: BigInt(suggestion.gas) };
      });
    }
    const honestFloors = async (actions: ExecutorAction[]) => (await honestGas(actions)).map((m) => m.floor);
    /**
     * Executes at `gasLimit` from a snapshot: 'reverted', or what `effect` reads after it (by default
     * the value the target recorded).
     */
    async function executeAt(
      proposalId: string,
      actions: ExecutorAction[],
      gasLimit: bigint,
      effect: () => Promise<bigint> = () => target.getFunction('value')(),
    ) {
      const before = (await provider.send('evm_snapshot', [])) as string;
      try {
        // The local node refuses a transaction that reverts when it is sent: either way, nothing ran.
        const receipt = await executor
          .connect(stranger)
          .execute(proposalId, actions, { gasLimit })
          .then((tx) => tx.wait())
          .catch(() => null);
        if (!receipt || receipt.status !== 1) return { outcome: 'reverted' as const };
        return { outcome: 'executed' as const, recorded: await effect() };
      } finally {
        expect(await provider.send('evm_revert', [before])).toBe(true);
      }
    }
    const limits = (from: bigint, to: bigint, step: bigint) => {
      const all: bigint[] = [];
      for (let limit = from; limit <= to; limit += step) all.push(limit);
      return all;
    };
    /**
     * Executes at every gas limit of `sweep` (each undone after): never executed without its effect,
     * reverted below some limit and executed with the effect from there on, the least limit that does
     * not revert inside the sweep.
     */
    async function expectNoBurn(
      sweep: bigint[],
      proposalId: string,
      actions: ExecutorAction[],
      effect: () => Promise<bigint>,
    ) {
      const outcomes: string[] = [];
      for (const gasLimit of sweep) {
        const result = await executeAt(proposalId, actions, gasLimit, effect);
        expect([gasLimit, result]).not.toEqual([gasLimit, { outcome: 'executed', recorded: 0n }]);
        outcomes.push(result.outcome === 'executed' ? `executed, ${result.recorded} run` : 'reverted');
      }
      const first = outcomes.indexOf('executed, 1 run');
      expect(first).toBeGreaterThan(0);
      expect(outcomes.slice(0, first).every((o) => o === 'reverted')).toBe(true);
      expect(outcomes.slice(first).every((o) => o === 'executed, 1 run')).toBe(true);
    }

    it('without a floor, some gas limit executes a swallowing target without its effect: the attack', async () => {
      const actions = [swallowing(7, 0n)];
      const { proposalId } = await queued(actions);
      await increaseTime(DELAY);
      const outcomes = [];
      for (const gasLimit of limits(60_000n, 400_000n, 10_000n))
        outcomes.push(await executeAt(proposalId, actions, gasLimit));
      // Burned: executed, but the value never recorded.
      expect(outcomes).toContainEqual({ outcome: 'executed', recorded: 0n });
      expect(outcomes).toContainEqual({ outcome: 'executed', recorded: 7n });
    });

    it('with the honest floor, every gas limit from the least to ample either reverts or records the value', async () => {
      const [floor] = await honestFloors([swallowing(7, 0n)]);
      const actions = [swallowing(7, floor!)];
      const { proposalId } = await queued(actions);
      await increaseTime(DELAY);
      const seen = new Set<string>();
      for (const gasLimit of limits(60_000n, 1_000_000n, 10_000n)) {
        const result = await executeAt(proposalId, actions, gasLimit);
        expect(result).not.toEqual({ outcome: 'executed', recorded: 0n });
        seen.add(result.outcome === 'executed' ? `executed ${result.recorded}` : 'reverted');
      }
      expect([...seen].sort()).toEqual(['executed 7', 'reverted']);
      expect(await stateOf(proposalId)).toBe('Queued');
    });

    it('keeps every later action its floor: refused before anything runs when they cannot all be kept', async () => {
      const actions = [record(1), swallowing(7, 300_000n)];
      const { proposalId } = await queued(actions);
      await increaseTime(DELAY);
      // Enough for the first action's floor, not for both: the first call is not made.
      const error = await reverted(executor.connect(stranger).execute(proposalId, actions, { gasLimit: 350_000n }));
      expect(error.name).toBe('ActionGasTooLow');
      expect(error.args.slice(0, 2)).toEqual([0n, 100_000n]);
      expect(await target.getFunction('value')()).toBe(0n);
      expect(await stateOf(proposalId)).toBe('Queued');
      // What the relayer sends (executeGasLimit: the floors plus the executor's own cost) runs both.
      const gasLimit = executeGasLimit(actions);
      const receipt = await mined(executor.connect(stranger).execute(proposalId, actions, { gasLimit }));
      expect(receipt.status).toBe(1);
      expect(await target.getFunction('value')()).toBe(7n);
      gas.executeWithFloors = receipt.gasUsed;
    });

    /**
     * A fresh SequenceTarget (contracts/test/SequenceTarget.sol): `run()` swallows the failure of an
     * inner call that fills `work` slots, so it costs what an earlier `setWork` made it cost.
     */
    async function sequenceTarget() {
      const artifact = await getCompiledContract('SequenceTarget', { files: ['test/SequenceTarget.sol'] });
      const deployed = await new ContractFactory(artifact.abi, artifact.bytecode, deployer).deploy();
      await deployed.waitForDeployment();
      const address = await deployed.getAddress();
      const contract = new Contract(address, artifact.abi, deployer);
      /** The action calling `fn(...args)` on it, with no floor yet. */
      const call = (fn: string, args: unknown[] = []): ExecutorAction => ({
        to: address,
        value: 0n,
        data: contract.interface.encodeFunctionData(fn, args),
        gas: 0n,
      });
      /** How many inner calls completed: the effect of `run()`. */
      const runs = () => contract.getFunction('runs')() as Promise<bigint>;
      return { address, contract, call, runs };
    }
    /** Decodes what measureGas reverts with when called by eth_call with `calls` (and `gasLimits`). */
    async function measure(calls: { to: string; value: bigint; data: string }[], gasLimits: bigint[] = []) {
      const data = executorErrors.encodeFunctionData('measureGas', [calls, gasLimits]);
      const revert = await provider.call({ to: executorAddress, data, gasLimit: AMPLE_GAS }).then(
        () => undefined,
        (error: unknown) => revertData(error),
      );
      const measured = executorErrors.parseError(revert!);
      expect(measured?.name).toBe('GasMeasured');
      const [success, gasUsed] = measured!.args as unknown as [boolean[], bigint[]];
      return { success: [...success], gasUsed: [...gasUsed] };
    }

    it('measureGas makes the calls in order on the state the earlier ones leave, stops at the first failure, and changes nothing', async () => {
      const seq = await sequenceTarget();
      const plain = (a: ExecutorAction) => ({ to: a.to, value: BigInt(a.value), data: hexlify(a.data) });
      const alone = await measure([plain(seq.call('run'))]);
      expect(alone.success).toEqual([true]);
      const inOrder = await measure([plain(seq.call('setWork', [40])), plain(seq.call('run'))]);
      expect(inOrder.success).toEqual([true, true]);
      // After setWork(40), run's inner call fills 40 fresh slots (over 20,000 gas each).
      expect(inOrder.gasUsed[1]!).toBeGreaterThan(alone.gasUsed[0]! + 40n * 20_000n);
      // A failing call ends the measurement: the later ones are not made, as execute would not make them.
      const failing = await measure([
        plain(record(1)),
        plain({ ...record(2), data: target.interface.encodeFunctionData('fail', ['no']) }),
        plain(record(3)),
      ]);
      expect(failing.success).toEqual([true, false]);
      expect(failing.gasUsed).toHaveLength(2);
      expect(await measure([])).toEqual({ success: [], gasUsed: [] });
      // A call that reenters the executor fails here as it would in execute (the same reentrancy guard).
      const inner = [record(5)];
      const { proposalId: innerId } = await queued(inner);
      await increaseTime(DELAY);
      const reenter = {
        to: targetAddress,
        value: 0n,
        data: target.interface.encodeFunctionData('forward', [
          executorAddress,
          executorErrors.encodeFunctionData('execute', [innerId, inner]),
        ]),
      };
      expect((await measure([reenter])).success).toEqual([false]);
      // It always reverts: nothing it did stays.
      expect(await seq.contract.getFunction('work')()).toBe(0n);
      expect(await seq.runs()).toBe(0n);
      expect(await target.getFunction('value')()).toBe(0n);
      expect(await stateOf(innerId)).toBe('Queued');
    });

    it('[setWork(40), run()]: measured alone, run() gets a floor that a gas limit starves after setWork (the attack)', async () => {
      const seq = await sequenceTarget();
      const calls = [seq.call('setWork', [40]), seq.call('run')];
      // The old measurement: each action alone, on the state before the proposal (work is 0).
      const [setWorkAlone] = await honestGas([calls[0]!]);
      const [runAlone] = await honestGas([calls[1]!]);
      const [, runInOrder] = await honestGas(calls);
      // In order, run() costs what setWork(40) made it cost: far more than alone.
      expect(runAlone!.gasUsed).toBeLessThan(runInOrder!.gasUsed);
      expect(runAlone!.floor).toBeLessThan(runInOrder!.gasUsed);
      // Signed with the floors measured alone, some gas limit executes it without run()'s effect.
      const actions = [
        { ...calls[0]!, gas: setWorkAlone!.floor },
        { ...calls[1]!, gas: runAlone!.floor },
      ];
      const { proposalId } = await queued(actions);
      await increaseTime(DELAY);
      const seen = new Set<string>();
      for (const gasLimit of limits(100_000n, 2_000_000n, 50_000n)) {
        const result = await executeAt(proposalId, actions, gasLimit, seq.runs);
        seen.add(result.outcome === 'executed' ? `executed, ${result.recorded} run` : 'reverted');
      }
      // Burned: executed, but the inner call ran out of gas and was swallowed.
      expect([...seen].sort()).toEqual(['executed, 0 run', 'executed, 1 run', 'reverted']);
    });

    it('[setWork(40), run()]: with the floors measured in order, every gas limit from the least to ample either reverts or runs', async () => {
      const seq = await sequenceTarget();
      const calls = [seq.call('setWork', [40]), seq.call('run')];
      const floors = await honestFloors(calls);
      const actions = calls.map((a, i) => ({ ...a, gas: floors[i]! }));
      const { proposalId } = await queued(actions);
      await increaseTime(DELAY);
      // From below the floors' sum (every limit there reverts) past what the relayer sends, by 10,000,
      // then on to ample by 500,000.
      const sum = floors[0]! + floors[1]!;
      const relayerLimit = executeGasLimit(actions);
      expect(relayerLimit).toBeGreaterThan(sum);
      const sweep = [
        ...limits(sum - 100_000n, relayerLimit + 500_000n, 10_000n),
        ...limits(relayerLimit + 1_000_000n, AMPLE_GAS, 500_000n),
      ];
      // Never executed without run()'s effect; the least limit that does not revert was swept.
      await expectNoBurn(sweep, proposalId, actions, seq.runs);
      // What the relayer sends runs it.
      const receipt = await mined(executor.connect(stranger).execute(proposalId, actions, { gasLimit: relayerLimit }));
      expect(receipt.status).toBe(1);
      expect(await seq.runs()).toBe(1n);
      expect(await seq.contract.getFunction('work')()).toBe(40n);
    });

    /**
     * A fresh ReservingTarget (contracts/test/ReservingTarget.sol), whose gas used is not its gas
     * required: `run()` keeps 100,000 gas back before an inner call whose failure it swallows, and
     * `runIfAbove(200000)` counts only with more than 200,000 gas left.
     */
    async function reservingTarget() {
      const artifact = await getCompiledContract('ReservingTarget', { files: ['test/ReservingTarget.sol'] });
      const deployed = await new ContractFactory(artifact.abi, artifact.bytecode, deployer).deploy();
      await deployed.waitForDeployment();
      const address = await deployed.getAddress();
      const contract = new Contract(address, artifact.abi, deployer);
      /** The action calling `run()` or `runIfAbove(200000)` on it, with no floor yet. */
      const call = (fn: 'run' | 'runIfAbove'): ExecutorAction => ({
        to: address,
        value: 0n,
        data: contract.interface.encodeFunctionData(fn, fn === 'run' ? [] : [200_000]),
        gas: 0n,
      });
      /** The effect of `fn`: how many times it did its work. */
      const effect = (fn: 'run' | 'runIfAbove') => () =>
        contract.getFunction(fn === 'run' ? 'runs' : 'ampleRuns')() as Promise<bigint>;
      return { address, contract, call, effect };
    }
    const plainCall = (a: ExecutorAction) => ({ to: a.to, value: BigInt(a.value), data: hexlify(a.data) });
    /** The two ReservingTarget calls, and the gas each keeps back or tests for. */
    const RESERVING = [
      ['run()', 'keeps 100,000 gas back from its inner call', 'run', 100_000n],
      ['runIfAbove(200000)', 'counts only with over 200,000 gas left', 'runIfAbove', 200_000n],
    ] as const;

    it('measureGas with gas limits gives each call exactly its limit (0: all the gas left), and says when it cannot', async () => {
      const reserving = await reservingTarget();
      const run = plainCall(reserving.call('run'));
      const branch = plainCall(reserving.call('runIfAbove'));
      const ample = await measure([run, branch]);
      expect(ample.success).toEqual([true, true]);
      // With ample gas each uses far less than it keeps back or tests for.
      expect(ample.gasUsed[0]!).toBeLessThan(100_000n);
      expect(ample.gasUsed[1]!).toBeLessThan(100_000n);
      // Limits of 0 are all the gas left: the same measurement.
      expect(await measure([run, branch], [0n, 0n])).toEqual(ample);
      // Given its floor from the gas it used, run() cannot keep its reserve back (gasleft() - 100,000
      // underflows): it reverts. Given a little more than its reserve, its inner call starves,
      // swallowed: it succeeds without its effect, using other gas.
      expect((await measure([run], [suggestedGasFloor(ample.gasUsed[0]!)])).success).toEqual([false]);
      const starved = await measure([run], [110_000n]);
      expect(starved.success).toEqual([true]);
      expect(starved.gasUsed[0]).not.toBe(ample.gasUsed[0]);
      // Exactly its limit: runIfAbove(200000) counts given 1,000 gas more than it tests for, not given just that
      // (the few hundred spent before its test leave it less than 200,000).
      const branchAlone = await measure([branch]);
      expect(await measure([branch], [201_000n])).toEqual(branchAlone);
      const skipped = await measure([branch], [200_000n]);
      expect(skipped.success).toEqual([true]);
      expect(skipped.gasUsed[0]!).toBeLessThan(branchAlone.gasUsed[0]! - 20_000n);
      // A limit the gas left cannot give (with the call's overhead and EIP-150's 1/64) is not made:
      // success false with 0 gas used, and the measurement ends there.
      expect(await measure([branch, run, branch], [0n, AMPLE_GAS, 0n])).toEqual({
        success: [true, false],
        gasUsed: [branchAlone.gasUsed[0], 0n],
      });
      // Neither empty nor one limit per call: refused.
      const data = executorErrors.encodeFunctionData('measureGas', [[run], [0n, 0n]]);
      const refused = await provider.call({ to: executorAddress, data, gasLimit: AMPLE_GAS }).then(
        () => undefined,
        (error: unknown) => revertData(error),
      );
      const error = executorErrors.parseError(refused!);
      expect([error?.name, [...(error?.args ?? [])]]).toEqual(['GasLimitsMismatch', [1n, 2n]]);
      expect(await reserving.effect('run')()).toBe(0n);
      expect(await reserving.effect('runIfAbove')()).toBe(0n);
    });

    it.each(RESERVING)(
      '[%s], which %s: the floor from the gas it used with ample gas is one a gas limit starves (the attack)',
      async (_label, _what, fn, _needs) => {
        const reserving = await reservingTarget();
        const call = reserving.call(fn);
        // The floor from the gas used alone (what suggestGas answered before it checked its floors).
        const ample = await measure([plainCall(call)]);
        const actions = [{ ...call, gas: suggestedGasFloor(ample.gasUsed[0]!) }];
        const { proposalId } = await queued(actions);
        await increaseTime(DELAY);
        const relayerLimit = executeGasLimit(actions);
        const seen = new Set<string>();
        for (const gasLimit of limits(relayerLimit - 50_000n, relayerLimit + 300_000n, 5_000n)) {
          const result = await executeAt(proposalId, actions, gasLimit, reserving.effect(fn));
          seen.add(result.outcome === 'executed' ? `executed, ${result.recorded} run` : 'reverted');
        }
        // Burned: executed, but its work was never done.
        expect(seen).toContain('executed, 0 run');
        expect(seen).toContain('executed, 1 run');
      },
    );

    it.each(RESERVING)(
      '[%s], which %s: with the floor suggestGas checked at that gas, every gas limit from the least to ample either reverts or does its work',
      async (_label, _what, fn, needs) => {
        const reserving = await reservingTarget();
        const call = reserving.call(fn);
        const [suggestion] = await suggested([call]);
        if (!suggestion?.ok) throw new Error(`not measured: ${suggestion?.error}`);
        const gasUsed = BigInt(suggestion.gasUsed);
        const floor = BigInt(suggestion.gas);
        // gasUsed is what it used with ample gas; the floor is what it needs, raised past that and its margin.
        expect(gasUsed).toBe((await measure([plainCall(call)])).gasUsed[0]);
        expect(floor).toBeGreaterThan(suggestedGasFloor(gasUsed));
        expect(floor).toBeGreaterThan(needs + 20_000n);
        // Given exactly its floor it does what it does with ample gas.
        expect(await measure([plainCall(call)], [floor])).toEqual({ success: [true], gasUsed: [gasUsed] });
        const actions = [{ ...call, gas: floor }];
        const { proposalId } = await queued(actions);
        await increaseTime(DELAY);
        // From below the floor (every limit there reverts) past what the relayer sends, by 5,000, then
        // on by 20,000 and to ample by 500,000.
        const relayerLimit = executeGasLimit(actions);
        const sweep = [
          ...limits(floor - 50_000n, relayerLimit + 100_000n, 5_000n),
          ...limits(relayerLimit + 120_000n, relayerLimit + 1_000_000n, 20_000n),
          ...limits(relayerLimit + 1_500_000n, AMPLE_GAS, 500_000n),
        ];
        // Never executed without its work; the least limit that does not revert was swept.
        await expectNoBurn(sweep, proposalId, actions, reserving.effect(fn));
      },
    );
  });

  // ------------------------------------------------------------------------------ roles

  describe('roles', () => {
    it('a veto by anyone but the guardian is refused', async () => {
      const { proposalId } = await queued([record(1)]);
      for (const caller of [stranger, relayer, deployer]) {
        expect(await reverted(executor.connect(caller).veto(proposalId))).toEqual({
          name: 'NotGuardian',
          args: [caller.address],
        });
      }
      expect(await stateOf(proposalId)).toBe('Queued');
      // The guardian may veto during the execution window too, until it is executed.
      await increaseTime(DELAY + 60);
      await mined(executor.connect(guardian).veto(proposalId));
      expect(await stateOf(proposalId)).toBe('Vetoed');
    });

    it('a parameter change not made by a proposal: every direct call reverts', async () => {
      const calls: [string, unknown[]][] = [
        ['addAttestor', [stranger.address]],
        ['removeAttestor', [attestorKeys[0]!.address]],
        ['setThreshold', [1]],
        ['setDelay', [2 * HOUR]],
        ['setGracePeriod', [2 * DAY]],
        ['setGuardian', [stranger.address]],
        ['setRulesDigest', [OTHER_RULES]],
      ];
      for (const caller of [deployer, guardian, relayer]) {
        for (const [fn, args] of calls) {
          const send = executor.connect(caller).getFunction(fn)(...args) as Promise<unknown>;
          expect([fn, await reverted(send)]).toEqual([fn, { name: 'OnlyThroughProposal', args: [caller.address] }]);
        }
      }
      expect(await executor.threshold()).toBe(2n);
      expect(await executor.guardian()).toBe(guardian.address);
      expect(await executor.isAttestor(stranger.address)).toBe(false);
      expect(await executor.rulesDigest()).toBe(RULES);
    });
  });

  // ------------------------------------------------------------------------------ votes on chain

  describe('votes provable on chain', () => {
    const verify = (proposalId: string, [voter, choice, power, voteId]: VoteLeaf, proof: string[]) =>
      executor.verifyVote(proposalId, voter, choice, power, voteId, proof);

    it("keeps a queued outcome's votes root: verifyVote accepts each counted vote's proof, and nothing tampered", async () => {
      // The service's tree (server/results/merkle.ts) is this StandardMerkleTree: same encoding, same root.
      expect([...VOTE_LEAF_ENCODING]).toEqual(['address', 'uint8', 'uint256', 'bytes32']);
      const service = voteTree(
        VOTES.map(([voter, choice, power, voteId]) => ({
          voter,
          choice,
          power: BigInt(power),
          id: voteId,
        })),
      );
      expect(service.root).toBe(VOTES_ROOT);

      const { proposalId } = await queued([record(1)]);
      expect(await executor.votesRootOf(proposalId)).toBe(VOTES_ROOT);
      for (const [index, vote] of VOTES.entries()) {
        const proof = votesTree.getProof(index);
        expect(proof.length).toBeGreaterThan(0);
        expect([index, await verify(proposalId, vote, proof)]).toEqual([index, true]);
      }
      const [voter, choice, power, voteId] = VOTES[1]!;
      const proof = votesTree.getProof(1);
      const tampered: [string, VoteLeaf][] = [
        ['other power', [voter, choice, (BigInt(power) + 1n).toString(), voteId]],
        ['other choice', [voter, 1, power, voteId]],
        ['other voter', [stranger.address, choice, power, voteId]],
        ['other vote id', [voter, choice, power, id('vote 6')]],
      ];
      for (const [what, vote] of tampered) {
        expect([what, await verify(proposalId, vote, proof)]).toEqual([what, false]);
      }
      // Another vote's proof, a shortened proof, the bare leaf.
      expect(await verify(proposalId, VOTES[1]!, votesTree.getProof(2))).toBe(false);
      expect(await verify(proposalId, VOTES[1]!, proof.slice(1))).toBe(false);
      expect(await verify(proposalId, VOTES[1]!, [])).toBe(false);
      // The same proof against a proposal never queued, or queued with other votes.
      expect(await verify(nextProposalId(), VOTES[1]!, proof)).toBe(false);
      const otherTree = StandardMerkleTree.of(VOTES.slice(0, 3), ['address', 'uint8', 'uint256', 'bytes32']);
      const otherOutcome = { ...outcomeOf(nextProposalId(), [record(2)]), votesRoot: otherTree.root };
      await mined(executor.connect(relayer).queue(otherOutcome, await sign(otherOutcome)));
      expect(await verify(otherOutcome.proposalId, VOTES[1]!, proof)).toBe(false);
      expect(await verify(otherOutcome.proposalId, VOTES[1]!, otherTree.getProof(1))).toBe(true);
      gas.verifyVote = await executor.verifyVote.estimateGas(proposalId, voter, choice, power, voteId, proof);
    });
  });

  describe('gas', () => {
    it('queue with 1, 2 and 3 signatures, and execute', async () => {
      for (const threshold of [1, 3]) {
        const deployed = await deployExecutor(deployer, { ...params, threshold });
        const outcome = outcomeOf(nextProposalId(), [record(1)]);
        const sigs = await sign(outcome, attestorKeys.slice(0, threshold), deployed.address);
        gas[`queue${threshold}of3`] = (await mined(deployed.contract.connect(relayer).queue(outcome, sigs))).gasUsed;
      }
      const actions = [record(3)];
      const { proposalId } = await queued(actions);
      await increaseTime(DELAY);
      gas.execute1call = (await mined(executor.connect(relayer).execute(proposalId, actions))).gasUsed;
      expect(gas.queue1of3).toBeLessThan(120_000n);
      expect(gas.queue3of3).toBeLessThan(140_000n);
      expect(gas.execute1call).toBeLessThan(120_000n);
    });
  });
});

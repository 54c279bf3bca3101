// The executor's off-chain half, free of Hardhat and solc: the EIP-712 domain and types the
// attestors sign, outcome digests and signatures, and the contract's ABI with a typed handle, for
// server code (attestor, relayer) and scripts alike. contracts/GovernanceExecutor.sol is the contract;
// scripts/lib/executor.ts deploys it (and re-exports all of this). docs/executor.md explains it.
import {
  Contract,
  TypedDataEncoder,
  getAddress,
  getBytes,
  type BaseContract,
  type BaseContractMethod,
  type BigNumberish,
  type BytesLike,
  type ContractRunner,
  type ContractTransactionResponse,
  type Signer,
  type TypedDataField,
} from 'ethers';

export const EXECUTOR_DOMAIN_NAME = 'IoTeX Governance Executor';
export const EXECUTOR_DOMAIN_VERSION = '1';

/** The executor's EIP-712 domain: bound to one chain and one executor contract. */
export interface ExecutorDomain {
  name: typeof EXECUTOR_DOMAIN_NAME;
  version: typeof EXECUTOR_DOMAIN_VERSION;
  chainId: number;
  verifyingContract: string;
}

/** `{name: "IoTeX Governance Executor", version: "1", chainId, verifyingContract}` (address checksummed). */
export function executorDomain(chainId: number | bigint, verifyingContract: string): ExecutorDomain {
  return {
    name: EXECUTOR_DOMAIN_NAME,
    version: EXECUTOR_DOMAIN_VERSION,
    chainId: Number(chainId),
    verifyingContract: getAddress(verifyingContract),
  };
}

/** The type the attestors sign (beyond EIP712Domain), exactly as the contract hashes it. */
export const OUTCOME_TYPES: { Outcome: TypedDataField[] } = {
  Outcome: [
    { name: 'proposalId', type: 'bytes32' },
    { name: 'actionsHash', type: 'bytes32' },
    { name: 'resultCid', type: 'string' },
    { name: 'rulesDigest', type: 'bytes32' },
    { name: 'votesRoot', type: 'bytes32' },
  ],
};

/**
 * What attestors sign: a proposal's id, the EIP-712 hash of its `Action[]`, its result's CID, the
 * digest of the rules document it signed (the executor accepts only its own) and the result's Merkle
 * root of counted votes (`merkle.root`; zero when no vote counted).
 */
export interface Outcome {
  proposalId: string;
  actionsHash: string;
  resultCid: string;
  rulesDigest: string;
  votesRoot: string;
}

/** One action as the contract takes it (`to.call{value}(data)`, with the gas floor voters signed). */
export interface ExecutorAction {
  to: string;
  value: BigNumberish;
  data: BytesLike;
  gas: BigNumberish;
}

/** The contract's gas constants (GovernanceExecutor.sol: CALL_OVERHEAD, AFTER_CALL_*, FINISH_RESERVE). */
export const EXECUTE_GAS = {
  callOverhead: 60_000n,
  afterCallBase: 20_000n,
  afterCallPerByte: 16n,
  finishReserve: 10_000n,
  /** execute's own cost before the actions: the checks, hashing them, marking it executed, the calldata. */
  base: 120_000n,
  /** Per action, hashing and reading it: 10,000 plus 40 a calldata byte. */
  perAction: 10_000n,
  perActionByte: 40n,
} as const;

/**
 * Rule: the gas an execute transaction is sent with, from the floors voters signed and the executor's
 * own cost, never from an estimate (the least gas at which it does not revert is what starves a
 * swallowing target when nothing enforces the floors): what execute keeps for every action, its floor
 * with the 1/64 the call keeps back (EIP-150), and the rest.
 */
export function executeGasLimit(actions: ExecutorAction[]): bigint {
  const g = EXECUTE_GAS;
  let total = g.base + g.finishReserve;
  for (const action of actions) {
    const bytes = BigInt(getBytes(action.data).length);
    const floor = BigInt(action.gas);
    total +=
      floor +
      (floor + 62n) / 63n +
      g.callOverhead +
      g.afterCallBase +
      g.afterCallPerByte * bytes +
      g.perAction +
      g.perActionByte * bytes;
  }
  return total;
}

/** `state(proposalId)` of the contract, by its enum value. */
export const PROPOSAL_STATES = ['Unknown', 'Queued', 'Vetoed', 'Executed', 'Expired'] as const;
export type ExecutorProposalState = (typeof PROPOSAL_STATES)[number];

const outcomeTypes = () => ({ Outcome: OUTCOME_TYPES.Outcome.map((field) => ({ ...field })) });

/** The EIP-712 digest of `outcome` for the executor at `executorAddress` on `chainId` (= the contract's `outcomeDigest`). */
export function outcomeDigest(chainId: number | bigint, executorAddress: string, outcome: Outcome): string {
  return TypedDataEncoder.hash(executorDomain(chainId, executorAddress), outcomeTypes(), outcome);
}

/** An attestor's signature of `outcome` for one executor on one chain (65 bytes, canonical low s). */
export function signOutcome(
  wallet: Pick<Signer, 'signTypedData'>,
  executorAddress: string,
  chainId: number | bigint,
  outcome: Outcome,
): Promise<string> {
  return wallet.signTypedData(executorDomain(chainId, executorAddress), outcomeTypes(), outcome);
}

/** The contract's full ABI (tests/chain/executor.test.ts checks it against the compiled contract). */
export const EXECUTOR_ABI = [
  'constructor(address[] initialAttestors, uint256 initialThreshold, uint256 initialDelay, uint256 initialGracePeriod, address initialGuardian, bytes32 initialRulesDigest)',
  'error ActionFailed(uint256 index, address to)',
  'error ActionGasTooLow(uint256 index, uint256 gas, uint256 available)',
  'error ActionsMismatch(bytes32 proposalId, bytes32 queuedHash, bytes32 givenHash)',
  'error AttestorAlreadyAdded(address attestor)',
  'error DuplicateSigner(address signer)',
  'error GasLimitsMismatch(uint256 calls, uint256 gasLimits)',
  'error GasMeasured(bool[] success, uint256[] gasUsed)',
  'error ECDSAInvalidSignature()',
  'error ECDSAInvalidSignatureLength(uint256 length)',
  'error ECDSAInvalidSignatureS(bytes32 s)',
  'error InsufficientBalance(uint256 index, uint256 balance, uint256 value)',
  'error InsufficientSignatures(uint256 provided, uint256 required)',
  'error InvalidDelay(uint256 delay, uint256 min, uint256 max)',
  'error InvalidGracePeriod(uint256 gracePeriod, uint256 min, uint256 max)',
  'error InvalidShortString()',
  'error InvalidThreshold(uint256 threshold, uint256 attestorCount)',
  'error NotAttestor(address account)',
  'error NotGuardian(address caller)',
  'error OnlyThroughProposal(address caller)',
  'error ProposalAlreadyExecuted(bytes32 proposalId)',
  'error ProposalAlreadyQueued(bytes32 proposalId)',
  'error ProposalExpired(bytes32 proposalId, uint256 expiresAt)',
  'error ProposalNotQueued(bytes32 proposalId)',
  'error ProposalVetoed(bytes32 proposalId)',
  'error ReentrancyGuardReentrantCall()',
  'error StringTooLong(string str)',
  'error TimelockNotElapsed(bytes32 proposalId, uint256 eta)',
  'error TooManyAttestors(uint256 max)',
  'error WrongRules(bytes32 expected, bytes32 given)',
  'error ZeroAddress()',
  'error ZeroRulesDigest()',
  'event ActionExecuted(bytes32 indexed proposalId, uint256 index, address indexed to, uint256 value, bytes data)',
  'event AttestorAdded(address indexed attestor)',
  'event AttestorRemoved(address indexed attestor)',
  'event DelayChanged(uint256 previousDelay, uint256 newDelay)',
  'event EIP712DomainChanged()',
  'event Executed(bytes32 indexed proposalId, address indexed relayer)',
  'event GracePeriodChanged(uint256 previousGracePeriod, uint256 newGracePeriod)',
  'event GuardianChanged(address indexed previousGuardian, address indexed newGuardian)',
  'event Queued(bytes32 indexed proposalId, bytes32 actionsHash, string resultCid, bytes32 votesRoot, uint256 eta, uint256 expiresAt, address[] signers)',
  'event RulesDigestChanged(bytes32 previousRulesDigest, bytes32 newRulesDigest)',
  'event ThresholdChanged(uint256 previousThreshold, uint256 newThreshold)',
  'event Vetoed(bytes32 indexed proposalId, address indexed guardian)',
  'function ACTION_TYPEHASH() view returns (bytes32)',
  'function AFTER_CALL_BASE() view returns (uint256)',
  'function AFTER_CALL_PER_BYTE() view returns (uint256)',
  'function CALL_OVERHEAD() view returns (uint256)',
  'function FINISH_RESERVE() view returns (uint256)',
  'function MAX_ATTESTORS() view returns (uint256)',
  'function MAX_DELAY() view returns (uint256)',
  'function MAX_GRACE_PERIOD() view returns (uint256)',
  'function MIN_DELAY() view returns (uint256)',
  'function MIN_GRACE_PERIOD() view returns (uint256)',
  'function OUTCOME_TYPEHASH() view returns (bytes32)',
  'function addAttestor(address attestor)',
  'function attestors() view returns (address[])',
  'function delay() view returns (uint256)',
  'function domainSeparator() view returns (bytes32)',
  'function eip712Domain() view returns (bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)',
  'function execute(bytes32 proposalId, (address to, uint256 value, bytes data, uint64 gas)[] actions)',
  'function gracePeriod() view returns (uint256)',
  'function guardian() view returns (address)',
  'function hashActions((address to, uint256 value, bytes data, uint64 gas)[] actions) pure returns (bytes32)',
  'function isAttestor(address account) view returns (bool)',
  'function measureGas((address to, uint256 value, bytes data)[] calls, uint256[] gasLimits)',
  'function onERC1155BatchReceived(address, address, uint256[], uint256[], bytes) returns (bytes4)',
  'function onERC1155Received(address, address, uint256, uint256, bytes) returns (bytes4)',
  'function onERC721Received(address, address, uint256, bytes) returns (bytes4)',
  'function outcomeDigest((bytes32 proposalId, bytes32 actionsHash, string resultCid, bytes32 rulesDigest, bytes32 votesRoot) outcome) view returns (bytes32)',
  'function proposals(bytes32 proposalId) view returns ((bytes32 actionsHash, uint64 eta, uint64 expiresAt, bool vetoed, bool executed))',
  'function queue((bytes32 proposalId, bytes32 actionsHash, string resultCid, bytes32 rulesDigest, bytes32 votesRoot) outcome, bytes[] signatures)',
  'function removeAttestor(address attestor)',
  'function rulesDigest() view returns (bytes32)',
  'function setDelay(uint256 newDelay)',
  'function setGracePeriod(uint256 newGracePeriod)',
  'function setGuardian(address newGuardian)',
  'function setRulesDigest(bytes32 newRulesDigest)',
  'function setThreshold(uint256 newThreshold)',
  'function state(bytes32 proposalId) view returns (uint8)',
  'function supportsInterface(bytes4 interfaceId) view returns (bool)',
  'function threshold() view returns (uint256)',
  'function verifyVote(bytes32 proposalId, address voter, uint8 choice, uint256 power, bytes32 voteId, bytes32[] proof) view returns (bool)',
  'function veto(bytes32 proposalId)',
  'function votesRootOf(bytes32 proposalId) view returns (bytes32)',
  'receive() payable',
] as const;

type View<A extends unknown[], R> = BaseContractMethod<A, R, R>;
type Send<A extends unknown[]> = BaseContractMethod<A, void, ContractTransactionResponse>;

/** `proposals(id)`: all zero for a proposal never queued. */
export interface QueuedProposal {
  actionsHash: string;
  eta: bigint;
  expiresAt: bigint;
  vetoed: boolean;
  executed: boolean;
}

/** The executor as an ethers Contract, with its own functions typed. */
export interface GovernanceExecutor extends BaseContract {
  connect(runner: ContractRunner | null): GovernanceExecutor;
  queue: Send<[outcome: Outcome, signatures: BytesLike[]]>;
  veto: Send<[proposalId: BytesLike]>;
  execute: Send<[proposalId: BytesLike, actions: ExecutorAction[]]>;
  addAttestor: Send<[attestor: string]>;
  removeAttestor: Send<[attestor: string]>;
  setThreshold: Send<[newThreshold: BigNumberish]>;
  setDelay: Send<[newDelay: BigNumberish]>;
  setGracePeriod: Send<[newGracePeriod: BigNumberish]>;
  setGuardian: Send<[newGuardian: string]>;
  setRulesDigest: Send<[newRulesDigest: BytesLike]>;
  /** The enum value; `PROPOSAL_STATES[Number(state)]` names it. */
  state: View<[proposalId: BytesLike], bigint>;
  proposals: View<[proposalId: BytesLike], QueuedProposal>;
  isAttestor: View<[account: string], boolean>;
  attestors: View<[], string[]>;
  threshold: View<[], bigint>;
  delay: View<[], bigint>;
  gracePeriod: View<[], bigint>;
  guardian: View<[], string>;
  /** The digest of the rules document outcomes must be decided under. */
  rulesDigest: View<[], string>;
  /** The Merkle root of a queued proposal's counted votes (zero if never queued). */
  votesRootOf: View<[proposalId: BytesLike], string>;
  /** Whether the vote (voter, choice, power, voteId) is a leaf of the proposal's votes root, by `proof`. */
  verifyVote: View<
    [
      proposalId: BytesLike,
      voter: string,
      choice: BigNumberish,
      power: BigNumberish,
      voteId: BytesLike,
      proof: BytesLike[],
    ],
    boolean
  >;
  hashActions: View<[actions: ExecutorAction[]], string>;
  outcomeDigest: View<[outcome: Outcome], string>;
  domainSeparator: View<[], string>;
}

/** A typed handle on the executor at `address`. */
export function connectExecutor(address: string, runner: ContractRunner | null): GovernanceExecutor {
  return new Contract(address, EXECUTOR_ABI, runner) as unknown as GovernanceExecutor;
}

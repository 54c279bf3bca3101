// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {LowLevelCall} from "@openzeppelin/contracts/utils/LowLevelCall.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {ERC721Holder} from "@openzeppelin/contracts/token/ERC721/utils/ERC721Holder.sol";
import {ERC1155Holder} from "@openzeppelin/contracts/token/ERC1155/utils/ERC1155Holder.sol";

/// @title GovernanceExecutor: executes the actions of passed IoTeX governance proposals.
/// @notice Holds the treasury (IOTX, ERC-20s, NFTs) and whatever roles governance controls. It acts
/// only on an *outcome* signed by at least `threshold` distinct attestors (EIP-712, bound to this
/// chain and this contract), decided under the rules document this executor accepts (`rulesDigest`),
/// after a timelock during which a guardian may veto, exactly once, and only with the very actions the
/// outcome names. It keeps each queued outcome's Merkle root of counted votes, so a contract can check
/// a vote on chain (`verifyVote`). Anyone may relay `queue` and `execute`: the relayer pays gas and has
/// no other power. Its own parameters change only through its own proposals.
/// @dev See docs/executor.md. `actionsHash` is the EIP-712 encoding of `Action[]` (keccak256 of the
/// concatenated hashStruct of each Action), as the service computes it (server/messages/digest.ts).
contract GovernanceExecutor is EIP712, ReentrancyGuard, ERC721Holder, ERC1155Holder {
    using EnumerableSet for EnumerableSet.AddressSet;

    // ------------------------------------------------------------------------------------ types

    /// @notice One call of a proposal: `to.call{value: value}(data)`. `gas` is the least gas the call
    /// must receive, as voters signed it (protocol v2); it is part of the actions hash.
    struct Action {
        address to;
        uint256 value;
        bytes data;
        uint64 gas;
    }

    /// @notice One call for `measureGas` to measure: an Action without its gas floor, which is what the
    /// measurement is for.
    struct Call {
        address to;
        uint256 value;
        bytes data;
    }

    /// @notice What the attestors sign: the proposal, the hash of its actions, its result document, the
    /// digest of the rules document the proposal signed (sha2-256 of its DAG-JSON bytes) and the result's
    /// Merkle root of counted votes (OpenZeppelin StandardMerkleTree, leaves (voter, choice, power, voteId)).
    struct Outcome {
        bytes32 proposalId;
        bytes32 actionsHash;
        string resultCid;
        bytes32 rulesDigest;
        bytes32 votesRoot;
    }

    /// @notice A queued proposal. `eta` and `expiresAt` are fixed when it is queued: later changes of
    /// the delay or the grace period do not move them.
    struct QueuedProposal {
        bytes32 actionsHash;
        uint64 eta;
        uint64 expiresAt;
        bool vetoed;
        bool executed;
    }

    enum ProposalState {
        Unknown,
        Queued,
        Vetoed,
        Executed,
        Expired
    }

    // -------------------------------------------------------------------------------- constants

    bytes32 public constant ACTION_TYPEHASH = keccak256("Action(address to,uint256 value,bytes data,uint64 gas)");
    bytes32 public constant OUTCOME_TYPEHASH =
        keccak256(
            "Outcome(bytes32 proposalId,bytes32 actionsHash,string resultCid,bytes32 rulesDigest,bytes32 votesRoot)"
        );

    /// @notice Bounds of the timelock delay (queue to earliest execution).
    uint256 public constant MIN_DELAY = 1 minutes;
    uint256 public constant MAX_DELAY = 30 days;
    /// @notice Bounds of the grace period (earliest execution to expiry).
    uint256 public constant MIN_GRACE_PERIOD = 1 hours;
    uint256 public constant MAX_GRACE_PERIOD = 30 days;
    /// @notice At most this many attestors (keeps `queue` cheap and bounded).
    uint256 public constant MAX_ATTESTORS = 32;
    /// @notice An upper bound on the gas `execute` spends between counting what an action's call can get
    /// and the call's first instruction (its calldata is already in memory): a cold account, a value
    /// transfer and a new account (2,600 + 9,000 + 25,000) and a few hundred for the checks. Checking the
    /// floor against this before the call is what makes OpenZeppelin's after-call check unneeded here.
    uint256 public constant CALL_OVERHEAD = 60_000;
    /// @notice Gas kept, per action, for what follows its call: its ActionExecuted event (with its data)
    /// and the loop, as 20,000 plus 16 a calldata byte.
    uint256 public constant AFTER_CALL_BASE = 20_000;
    uint256 public constant AFTER_CALL_PER_BYTE = 16;
    /// @notice Gas kept for the end of `execute` (the Executed event).
    uint256 public constant FINISH_RESERVE = 10_000;

    // ------------------------------------------------------------------------------------ state

    EnumerableSet.AddressSet private _attestors;
    uint256 private _threshold;
    /// @notice Seconds from `queue` to the earliest `execute`.
    uint256 public delay;
    /// @notice Seconds after `eta` during which a queued proposal can still be executed.
    uint256 public gracePeriod;
    /// @notice The account that may veto a queued proposal before it is executed.
    address public guardian;
    /// @notice The digest of the rules document (sha2-256 of its DAG-JSON bytes, as a proposal signs it)
    /// under which outcomes are accepted: an outcome decided under any other rules is refused.
    bytes32 public rulesDigest;

    mapping(bytes32 proposalId => QueuedProposal) private _proposals;
    /// @notice The Merkle root of the counted votes of each queued proposal, as its attestors signed it
    /// (zero if never queued).
    mapping(bytes32 proposalId => bytes32) public votesRootOf;

    // ----------------------------------------------------------------------------------- events

    /// @notice An attested outcome was queued; `signers` are the attestors whose signatures were checked.
    event Queued(
        bytes32 indexed proposalId,
        bytes32 actionsHash,
        string resultCid,
        bytes32 votesRoot,
        uint256 eta,
        uint256 expiresAt,
        address[] signers
    );
    /// @notice The guardian vetoed a queued proposal.
    event Vetoed(bytes32 indexed proposalId, address indexed guardian);
    /// @notice Every action of the proposal ran; `relayer` paid the gas.
    event Executed(bytes32 indexed proposalId, address indexed relayer);
    /// @notice One action of an executing proposal succeeded.
    event ActionExecuted(bytes32 indexed proposalId, uint256 index, address indexed to, uint256 value, bytes data);
    event AttestorAdded(address indexed attestor);
    event AttestorRemoved(address indexed attestor);
    event ThresholdChanged(uint256 previousThreshold, uint256 newThreshold);
    event DelayChanged(uint256 previousDelay, uint256 newDelay);
    event GracePeriodChanged(uint256 previousGracePeriod, uint256 newGracePeriod);
    event GuardianChanged(address indexed previousGuardian, address indexed newGuardian);
    event RulesDigestChanged(bytes32 previousRulesDigest, bytes32 newRulesDigest);

    // ----------------------------------------------------------------------------------- errors

    /// @notice Fewer signatures than the threshold.
    error InsufficientSignatures(uint256 provided, uint256 required);
    /// @notice Two signatures of the same attestor.
    error DuplicateSigner(address signer);
    /// @notice A signature recovers to an account that is not an attestor (a foreign key, or a
    /// signature for another outcome, chain or executor), or the account to remove is none.
    error NotAttestor(address account);
    error ProposalAlreadyQueued(bytes32 proposalId);
    /// @notice The outcome was decided under other rules than the ones this executor accepts.
    error WrongRules(bytes32 expected, bytes32 given);
    error ProposalNotQueued(bytes32 proposalId);
    error ProposalVetoed(bytes32 proposalId);
    error ProposalAlreadyExecuted(bytes32 proposalId);
    error TimelockNotElapsed(bytes32 proposalId, uint256 eta);
    error ProposalExpired(bytes32 proposalId, uint256 expiresAt);
    /// @notice The actions given to `execute` are not the ones the attestors signed.
    error ActionsMismatch(bytes32 proposalId, bytes32 queuedHash, bytes32 givenHash);
    /// @notice An action asks for more IOTX than the executor holds.
    error InsufficientBalance(uint256 index, uint256 balance, uint256 value);
    /// @notice An action reverted without a reason (a reason, when there is one, is bubbled as is).
    error ActionFailed(uint256 index, address to);
    /// @notice The transaction's gas cannot give action `index` the `gas` voters signed for it and keep
    /// what the later actions need: send more gas (hashActions' floors plus the executor's own cost).
    error ActionGasTooLow(uint256 index, uint256 gas, uint256 available);
    error NotGuardian(address caller);
    /// @notice What `measureGas` always reverts with: for each call made, in order, whether it succeeded
    /// and the gas it took. Shorter than the calls given when one failed: the later ones were not made.
    /// An entry with success false and 0 gas used is a call not made because less gas was left than
    /// its limit needs (a call made always uses some gas).
    error GasMeasured(bool[] success, uint256[] gasUsed);
    /// @notice `measureGas` was given a gas limit list that is neither empty nor one entry per call.
    error GasLimitsMismatch(uint256 calls, uint256 gasLimits);
    /// @notice A parameter change not made by an executed proposal of this executor.
    error OnlyThroughProposal(address caller);
    error ZeroAddress();
    error AttestorAlreadyAdded(address attestor);
    error TooManyAttestors(uint256 max);
    error InvalidThreshold(uint256 threshold, uint256 attestorCount);
    error InvalidDelay(uint256 delay, uint256 min, uint256 max);
    error InvalidGracePeriod(uint256 gracePeriod, uint256 min, uint256 max);
    error ZeroRulesDigest();

    // -------------------------------------------------------------------------------- modifiers

    modifier onlySelf() {
        if (msg.sender != address(this)) revert OnlyThroughProposal(msg.sender);
        _;
    }

    // ------------------------------------------------------------------------------ constructor

    /// @param initialAttestors Accounts whose signatures attest outcomes (distinct, non-zero, at most MAX_ATTESTORS).
    /// @param initialThreshold How many distinct attestors must sign an outcome (1 to the attestor count).
    /// @param initialDelay Timelock in seconds (MIN_DELAY to MAX_DELAY).
    /// @param initialGracePeriod Seconds after the timelock during which execution is possible.
    /// @param initialGuardian The account that may veto queued proposals (non-zero).
    /// @param initialRulesDigest The digest of the rules document outcomes must be decided under (non-zero).
    constructor(
        address[] memory initialAttestors,
        uint256 initialThreshold,
        uint256 initialDelay,
        uint256 initialGracePeriod,
        address initialGuardian,
        bytes32 initialRulesDigest
    ) EIP712("IoTeX Governance Executor", "1") {
        for (uint256 i = 0; i < initialAttestors.length; i++) {
            _addAttestor(initialAttestors[i]);
        }
        _setThreshold(initialThreshold);
        _setDelay(initialDelay);
        _setGracePeriod(initialGracePeriod);
        _setGuardian(initialGuardian);
        _setRulesDigest(initialRulesDigest);
    }

    /// @notice Accepts IOTX into the treasury.
    receive() external payable {}

    // ------------------------------------------------------------------------------- lifecycle

    /// @notice Queues an attested outcome: checks that it was decided under this executor's rules and
    /// that at least `threshold` distinct attestors signed it for this chain and this executor, keeps its
    /// votes root and starts the timelock (`eta = now + delay`). A proposal can be queued once. Anyone
    /// may call it.
    /// @param outcome The proposal id, the EIP-712 hash of its actions, the CID of its result, the digest
    /// of the rules it was decided under and its Merkle root of counted votes.
    /// @param signatures 65-byte canonical ECDSA signatures of `outcomeDigest(outcome)`, in any order;
    /// every one must come from a different attestor.
    function queue(Outcome calldata outcome, bytes[] calldata signatures) external {
        bytes32 proposalId = outcome.proposalId;
        if (_proposals[proposalId].eta != 0) revert ProposalAlreadyQueued(proposalId);
        // Rule: the treasury accepts only outcomes decided under its own rules (a space republished with
        // quorum 0, or a strategy over the operator's own token, is other rules).
        if (outcome.rulesDigest != rulesDigest) revert WrongRules(rulesDigest, outcome.rulesDigest);
        uint256 required = _threshold;
        if (signatures.length < required) revert InsufficientSignatures(signatures.length, required);

        bytes32 digest = outcomeDigest(outcome);
        address[] memory signers = new address[](signatures.length);
        for (uint256 i = 0; i < signatures.length; i++) {
            // OpenZeppelin ECDSA: 65 bytes, low s, valid v; reverts otherwise.
            address signer = ECDSA.recoverCalldata(digest, signatures[i]);
            if (!_attestors.contains(signer)) revert NotAttestor(signer);
            for (uint256 j = 0; j < i; j++) {
                if (signers[j] == signer) revert DuplicateSigner(signer);
            }
            signers[i] = signer;
        }

        uint256 eta = block.timestamp + delay;
        uint256 expiresAt = eta + gracePeriod;
        _proposals[proposalId] = QueuedProposal({
            actionsHash: outcome.actionsHash,
            eta: uint64(eta),
            expiresAt: uint64(expiresAt),
            vetoed: false,
            executed: false
        });
        votesRootOf[proposalId] = outcome.votesRoot;
        emit Queued(proposalId, outcome.actionsHash, outcome.resultCid, outcome.votesRoot, eta, expiresAt, signers);
    }

    /// @notice Vetoes a queued proposal for good: it can never be executed or queued again. Only the
    /// guardian, only while the proposal is queued (not executed, not expired).
    /// @param proposalId The proposal to veto.
    function veto(bytes32 proposalId) external {
        if (msg.sender != guardian) revert NotGuardian(msg.sender);
        QueuedProposal storage p = _proposals[proposalId];
        _requireLive(proposalId, p);
        p.vetoed = true;
        emit Vetoed(proposalId, msg.sender);
    }

    /// @notice Runs a queued proposal's actions in order, all or nothing, exactly once: after its eta,
    /// before it expires, unless vetoed, and only with the actions whose hash was attested. A failing
    /// action reverts the whole call with that action's revert reason, and the proposal stays queued.
    /// Each action's call receives at least the gas voters signed for it, or nothing runs
    /// (ActionGasTooLow). Anyone may call it.
    /// @param proposalId The queued proposal.
    /// @param actions Its actions, exactly as in the proposal (`hashActions(actions)` must equal the
    /// attested `actionsHash`).
    function execute(bytes32 proposalId, Action[] calldata actions) external nonReentrant {
        QueuedProposal storage p = _proposals[proposalId];
        _requireLive(proposalId, p);
        if (block.timestamp < p.eta) revert TimelockNotElapsed(proposalId, p.eta);
        bytes32 given = hashActions(actions);
        if (given != p.actionsHash) revert ActionsMismatch(proposalId, p.actionsHash, given);

        // Effects before interactions: even a reentrant path could not run it twice.
        p.executed = true;

        // Gas the actions still need: each its signed floor, its call's overhead and what follows it.
        uint256 pending = FINISH_RESERVE;
        for (uint256 i = 0; i < actions.length; i++) {
            pending += actions[i].gas + CALL_OVERHEAD + _afterCall(actions[i]);
        }
        for (uint256 i = 0; i < actions.length; i++) {
            Action calldata a = actions[i];
            if (a.value > address(this).balance) revert InsufficientBalance(i, address(this).balance, a.value);
            // Rule: the call receives at least the gas voters signed, so a relayer cannot starve a target
            // that swallows an inner failure into "succeeding" without its effect. It gets all the gas
            // but what the later actions and the end need; the 63/64 rule (EIP-150) may keep 1/64 of it.
            // Copied to memory first, so that what the copy costs is spent before the gas is counted.
            bytes memory input = a.data;
            pending -= a.gas + CALL_OVERHEAD;
            uint256 available = gasleft();
            if (available < pending + CALL_OVERHEAD + a.gas) revert ActionGasTooLow(i, a.gas, available);
            uint256 atCall = available - CALL_OVERHEAD;
            if (atCall - atCall / 64 < a.gas) revert ActionGasTooLow(i, a.gas, available);
            if (!_call(a.to, a.value, input, available - pending - CALL_OVERHEAD)) {
                if (LowLevelCall.returnDataSize() == 0) revert ActionFailed(i, a.to);
                LowLevelCall.bubbleRevert();
            }
            pending -= _afterCall(a);
            emit ActionExecuted(proposalId, i, a.to, a.value, a.data);
        }
        emit Executed(proposalId, msg.sender);
    }

    /// @dev Calls `to` with at most `gasLimit` gas, not copying its return data (no cost for large returns).
    function _call(address to, uint256 value, bytes memory input, uint256 gasLimit) private returns (bool success) {
        assembly ("memory-safe") {
            success := call(gasLimit, to, value, add(input, 0x20), mload(input), 0x00, 0x00)
        }
    }

    /// @dev Gas kept for what follows an action's call (its event with its data, the loop).
    function _afterCall(Action calldata a) private pure returns (uint256) {
        return AFTER_CALL_BASE + AFTER_CALL_PER_BYTE * a.data.length;
    }

    /// @notice For `eth_call` only: makes the calls in order, each as `execute` makes an action's call
    /// (from this contract, with its balance, under the same reentrancy guard, through the same `_call`),
    /// then reverts with `GasMeasured`, so it changes nothing. In order, because `execute` runs each
    /// action on the state the earlier ones leave: a call can cost more after them (a parameter they
    /// raise, a slot they warm or fill), and a floor measured alone would starve it. It stops after the
    /// first call that fails, since `execute` would revert there and never make the later ones.
    /// An honest client starts each action's gas floor from the gas its call uses here with all the gas
    /// left (Safe's `requiredTxGas` does the same), never from the least gas at which the call does not
    /// revert: for a target that catches the failure of an inner call, that is exactly the amount that
    /// starves it. But gas used is not gas required: a target that keeps gas back before an inner call
    /// whose failure it swallows (`inner{gas: gasleft() - reserve}`, a bridge that forwards all but a
    /// reserve, a branch on `gasleft()`) uses little with ample gas and does something else when given
    /// only that little. So a floor is checked by measuring again with `gasLimits`: each call then gets
    /// exactly its floor, as `execute` gives it at the gas limit that leaves it just its floor, and the
    /// floor stands only if the call behaves there as with ample gas (succeeds, using the same gas).
    /// @param calls The proposal's actions, in order, without their gas floors.
    /// @param gasLimits Empty: every call gets all the gas left (EIP-150 keeps 1/64). Otherwise one
    /// entry per call: 0 for all the gas left, or exactly that much gas. A call that cannot get it (less
    /// than `CALL_OVERHEAD` plus the limit plus EIP-150's 1/64 is left) is not made: its entry is
    /// success false with 0 gas used (a call made always uses some), and the measurement ends there.
    function measureGas(Call[] calldata calls, uint256[] calldata gasLimits) external nonReentrant {
        if (gasLimits.length != 0 && gasLimits.length != calls.length) {
            revert GasLimitsMismatch(calls.length, gasLimits.length);
        }
        bool[] memory success = new bool[](calls.length);
        uint256[] memory gasUsed = new uint256[](calls.length);
        uint256 made = 0;
        while (made < calls.length) {
            Call calldata c = calls[made];
            // Copied to memory first, as `execute` does, so that only the call itself is measured.
            bytes memory input = c.data;
            uint256 gasLimit = gasleft();
            if (gasLimits.length != 0 && gasLimits[made] != 0) {
                gasLimit = gasLimits[made];
                // As `execute` checks a floor: what is left bounds the call's cost and EIP-150's 1/64.
                uint256 available = gasleft();
                uint256 atCall = available > CALL_OVERHEAD ? available - CALL_OVERHEAD : 0;
                if (atCall - atCall / 64 < gasLimit) {
                    // Not made, rather than given less: its entry stays success false with 0 gas used.
                    made++;
                    break;
                }
            }
            // Measured the same way whatever the limit, so that a call that behaves alike uses alike.
            uint256 before = gasleft();
            bool ok = _call(c.to, c.value, input, gasLimit);
            gasUsed[made] = before - gasleft();
            success[made] = ok;
            made++;
            if (!ok) break;
        }
        // Only the calls made: shortening a memory array's length in place is safe.
        assembly ("memory-safe") {
            mstore(success, made)
            mstore(gasUsed, made)
        }
        revert GasMeasured(success, gasUsed);
    }

    // ------------------------------------------------------------- parameters (via proposals)

    /// @notice Adds an attestor. Only as an action of an executed proposal of this executor.
    /// @param attestor The new attestor (non-zero, not yet an attestor).
    function addAttestor(address attestor) external onlySelf {
        _addAttestor(attestor);
    }

    /// @notice Removes an attestor; the threshold must still be reachable without it. Only as an
    /// action of an executed proposal of this executor (lower the threshold first if needed).
    /// @param attestor The attestor to remove.
    function removeAttestor(address attestor) external onlySelf {
        if (!_attestors.remove(attestor)) revert NotAttestor(attestor);
        if (_threshold > _attestors.length()) revert InvalidThreshold(_threshold, _attestors.length());
        emit AttestorRemoved(attestor);
    }

    /// @notice Sets how many distinct attestors must sign an outcome. Only as an action of an executed
    /// proposal of this executor.
    /// @param newThreshold From 1 to the number of attestors.
    function setThreshold(uint256 newThreshold) external onlySelf {
        _setThreshold(newThreshold);
    }

    /// @notice Sets the timelock for proposals queued from now on. Only as an action of an executed
    /// proposal of this executor.
    /// @param newDelay Seconds, from MIN_DELAY to MAX_DELAY.
    function setDelay(uint256 newDelay) external onlySelf {
        _setDelay(newDelay);
    }

    /// @notice Sets the grace period for proposals queued from now on. Only as an action of an
    /// executed proposal of this executor.
    /// @param newGracePeriod Seconds, from MIN_GRACE_PERIOD to MAX_GRACE_PERIOD.
    function setGracePeriod(uint256 newGracePeriod) external onlySelf {
        _setGracePeriod(newGracePeriod);
    }

    /// @notice Replaces the guardian. Only as an action of an executed proposal of this executor.
    /// @param newGuardian The new guardian (non-zero).
    function setGuardian(address newGuardian) external onlySelf {
        _setGuardian(newGuardian);
    }

    /// @notice Sets the digest of the rules document outcomes must be decided under, for proposals queued
    /// from now on. Only as an action of an executed proposal of this executor.
    /// @param newRulesDigest sha2-256 of the new rules document's DAG-JSON bytes (non-zero).
    function setRulesDigest(bytes32 newRulesDigest) external onlySelf {
        _setRulesDigest(newRulesDigest);
    }

    // ------------------------------------------------------------------------------------ views

    /// @notice Where a proposal stands: Unknown (never queued), Queued (waiting for or within its
    /// execution window), Vetoed, Executed, or Expired (queued, but its grace period is over).
    /// @param proposalId The proposal.
    function state(bytes32 proposalId) public view returns (ProposalState) {
        QueuedProposal storage p = _proposals[proposalId];
        if (p.eta == 0) return ProposalState.Unknown;
        if (p.executed) return ProposalState.Executed;
        if (p.vetoed) return ProposalState.Vetoed;
        if (block.timestamp > p.expiresAt) return ProposalState.Expired;
        return ProposalState.Queued;
    }

    /// @notice A proposal's record: attested actions hash, eta, expiry and flags (all zero if unknown).
    /// @param proposalId The proposal.
    function proposals(bytes32 proposalId) external view returns (QueuedProposal memory) {
        return _proposals[proposalId];
    }

    /// @notice Whether a vote was counted in a queued proposal's result: checks a Merkle proof of the leaf
    /// keccak256(bytes.concat(keccak256(abi.encode(voter, choice, power, voteId)))) (OpenZeppelin
    /// StandardMerkleTree) against the votes root its attestors signed. False for a proposal never
    /// queued. It does not look at the proposal's state: check `state(proposalId)` as well to rely only
    /// on outcomes that passed the timelock unvetoed (Executed).
    /// @param proposalId The queued proposal.
    /// @param voter The voter's address.
    /// @param choice 1 For, 2 Against, 3 Abstain.
    /// @param power The voter's power at the snapshot, in wei.
    /// @param voteId The Vote message's id.
    /// @param proof The sibling hashes from the leaf to the root (GET /api/proposals/:id/votes/proofs).
    function verifyVote(
        bytes32 proposalId,
        address voter,
        uint8 choice,
        uint256 power,
        bytes32 voteId,
        bytes32[] calldata proof
    ) external view returns (bool) {
        bytes32 root = votesRootOf[proposalId];
        if (root == bytes32(0)) return false;
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(voter, choice, power, voteId))));
        return MerkleProof.verifyCalldata(proof, root, leaf);
    }

    /// @notice Whether `account` is an attestor.
    /// @param account The account.
    function isAttestor(address account) external view returns (bool) {
        return _attestors.contains(account);
    }

    /// @notice Every attestor (in no particular order).
    function attestors() external view returns (address[] memory) {
        return _attestors.values();
    }

    /// @notice How many distinct attestors must sign an outcome.
    function threshold() external view returns (uint256) {
        return _threshold;
    }

    /// @notice EIP-712 encoding of `Action[]`: keccak256 of the concatenated hashStruct of each
    /// `Action(address to,uint256 value,bytes data,uint64 gas)`; the `actionsHash` of an outcome.
    /// @param actions The actions, in order.
    function hashActions(Action[] calldata actions) public pure returns (bytes32) {
        bytes32[] memory hashes = new bytes32[](actions.length);
        for (uint256 i = 0; i < actions.length; i++) {
            hashes[i] = keccak256(
                abi.encode(ACTION_TYPEHASH, actions[i].to, actions[i].value, keccak256(actions[i].data), actions[i].gas)
            );
        }
        return keccak256(abi.encodePacked(hashes));
    }

    /// @notice The EIP-712 digest the attestors sign for `outcome` (this chain, this executor).
    /// @param outcome The outcome.
    function outcomeDigest(Outcome calldata outcome) public view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        OUTCOME_TYPEHASH,
                        outcome.proposalId,
                        outcome.actionsHash,
                        keccak256(bytes(outcome.resultCid)),
                        outcome.rulesDigest,
                        outcome.votesRoot
                    )
                )
            );
    }

    /// @notice The EIP-712 domain separator: name "IoTeX Governance Executor", version "1", this
    /// chain's id, this contract's address.
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    // --------------------------------------------------------------------------------- internal

    /// @dev Reverts unless the proposal is queued, not vetoed, not executed and not expired.
    function _requireLive(bytes32 proposalId, QueuedProposal storage p) private view {
        if (p.eta == 0) revert ProposalNotQueued(proposalId);
        if (p.executed) revert ProposalAlreadyExecuted(proposalId);
        if (p.vetoed) revert ProposalVetoed(proposalId);
        if (block.timestamp > p.expiresAt) revert ProposalExpired(proposalId, p.expiresAt);
    }

    function _addAttestor(address attestor) private {
        if (attestor == address(0)) revert ZeroAddress();
        if (_attestors.length() >= MAX_ATTESTORS) revert TooManyAttestors(MAX_ATTESTORS);
        if (!_attestors.add(attestor)) revert AttestorAlreadyAdded(attestor);
        emit AttestorAdded(attestor);
    }

    function _setThreshold(uint256 newThreshold) private {
        uint256 count = _attestors.length();
        if (newThreshold == 0 || newThreshold > count) revert InvalidThreshold(newThreshold, count);
        emit ThresholdChanged(_threshold, newThreshold);
        _threshold = newThreshold;
    }

    function _setDelay(uint256 newDelay) private {
        if (newDelay < MIN_DELAY || newDelay > MAX_DELAY) revert InvalidDelay(newDelay, MIN_DELAY, MAX_DELAY);
        emit DelayChanged(delay, newDelay);
        delay = newDelay;
    }

    function _setGracePeriod(uint256 newGracePeriod) private {
        if (newGracePeriod < MIN_GRACE_PERIOD || newGracePeriod > MAX_GRACE_PERIOD) {
            revert InvalidGracePeriod(newGracePeriod, MIN_GRACE_PERIOD, MAX_GRACE_PERIOD);
        }
        emit GracePeriodChanged(gracePeriod, newGracePeriod);
        gracePeriod = newGracePeriod;
    }

    function _setGuardian(address newGuardian) private {
        if (newGuardian == address(0)) revert ZeroAddress();
        emit GuardianChanged(guardian, newGuardian);
        guardian = newGuardian;
    }

    function _setRulesDigest(bytes32 newRulesDigest) private {
        if (newRulesDigest == bytes32(0)) revert ZeroRulesDigest();
        emit RulesDigestChanged(rulesDigest, newRulesDigest);
        rulesDigest = newRulesDigest;
    }
}

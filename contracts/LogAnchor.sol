// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title LogAnchor: on-chain checkpoints of governance spaces' hash-chained message logs.
/// @notice Each governance space keeps an append-only, hash-chained log of the messages it accepted
/// (entry n has a 32-byte head). A service anchors `(sequence, head, batch CID, receipt signer)` here
/// from time to time, so that an auditor holding no receipt can still detect a log that was later
/// truncated or rewritten: the pinned log must reach every anchored sequence with the anchored head.
/// Anchors live in storage (events are emitted too, but iotex-core limits eth_getLogs ranges), kept
/// per sender and per space: an auditor reads only the anchors of the sender it trusts to be the
/// service, so anchors anyone else writes under the same space name change nothing for it.
/// @dev Permissionless and immutable: no owner, no upgrade, no deletion.
contract LogAnchor {
    // ------------------------------------------------------------------------------------ types

    /// @notice One checkpoint of a space's log as its sender anchored it.
    struct Anchor {
        /// @notice Sequence number of the log entry whose head this is (the first entry is 1).
        uint64 sequence;
        /// @notice `block.timestamp` of the block that anchored it.
        uint64 timestamp;
        /// @notice `block.number` of the block that anchored it.
        uint64 blockNumber;
        /// @notice The key that signs the space's receipts (what a receipt holder checks against).
        address receiptSigner;
        /// @notice The log's head after entry `sequence`.
        bytes32 head;
        /// @notice CID of the pinned batch of the log that holds entry `sequence`.
        string batchCid;
    }

    // -------------------------------------------------------------------------------- constants

    /// @notice A space name is at most this many bytes (a space id has at most 64 characters).
    uint256 public constant MAX_SPACE_BYTES = 64;
    /// @notice A batch CID is at most this many bytes (a CIDv1 in base32 of a sha2-256 hash has 59).
    uint256 public constant MAX_BATCH_CID_BYTES = 128;

    // ------------------------------------------------------------------------------------ state

    /// @dev sender => keccak256(bytes(space)) => anchors in the order anchored (strictly increasing sequence).
    mapping(address sender => mapping(bytes32 spaceKey => Anchor[])) private _anchors;

    // ----------------------------------------------------------------------------------- events

    /// @notice `sender` anchored entry `sequence` of `space`'s log; `spaceKey` is keccak256(bytes(space)).
    event Anchored(
        address indexed sender,
        bytes32 indexed spaceKey,
        string space,
        uint64 sequence,
        bytes32 head,
        string batchCid,
        address receiptSigner
    );

    // ----------------------------------------------------------------------------------- errors

    /// @notice A sequence must not be below the sender's last one for the space (the first must exceed 0).
    error SequenceDecreasing(uint64 last, uint64 given);
    /// @notice The last sequence anchored again with another head: a log is never rewritten.
    error HeadChanged(uint64 sequence, bytes32 anchored, bytes32 given);
    /// @notice The space name is empty.
    error EmptySpace();
    /// @notice The space name is longer than MAX_SPACE_BYTES bytes.
    error SpaceTooLong();
    /// @notice The head is zero.
    error ZeroHead();
    /// @notice The receipt signer is the zero address.
    error ZeroAddress();
    /// @notice The batch CID is empty or longer than MAX_BATCH_CID_BYTES bytes.
    error BadBatchCid();
    /// @notice There is no anchor at `index` (for `latest`: no anchor at all).
    error NoAnchor(uint256 index);

    // ---------------------------------------------------------------------------------- writing

    /// @notice Anchors the head of entry `sequence` of `space`'s log under the caller's address.
    /// @param space The space's name (1 to MAX_SPACE_BYTES bytes).
    /// @param sequence The log entry; not below the caller's last anchored one for the space. The last one
    /// again, with the same head, confirms that the log had not grown by this block's time (a vote that
    /// ended with no message since the last anchor still gets an anchor after its end).
    /// @param head The log's head after that entry (non-zero).
    /// @param batchCid CID of the pinned log batch that holds that entry (1 to MAX_BATCH_CID_BYTES bytes).
    /// @param receiptSigner The key that signs the space's receipts (non-zero).
    function anchor(
        string calldata space,
        uint64 sequence,
        bytes32 head,
        string calldata batchCid,
        address receiptSigner
    ) external {
        if (bytes(space).length == 0) revert EmptySpace();
        if (bytes(space).length > MAX_SPACE_BYTES) revert SpaceTooLong();
        if (head == bytes32(0)) revert ZeroHead();
        if (receiptSigner == address(0)) revert ZeroAddress();
        uint256 cidLength = bytes(batchCid).length;
        if (cidLength == 0 || cidLength > MAX_BATCH_CID_BYTES) revert BadBatchCid();

        bytes32 spaceKey = keccak256(bytes(space));
        Anchor[] storage anchors = _anchors[msg.sender][spaceKey];
        uint256 count = anchors.length;
        uint64 last = count == 0 ? 0 : anchors[count - 1].sequence;
        if (sequence < last || sequence == 0) revert SequenceDecreasing(last, sequence);
        if (sequence == last && head != anchors[count - 1].head) {
            revert HeadChanged(sequence, anchors[count - 1].head, head);
        }

        anchors.push(
            Anchor({
                sequence: sequence,
                timestamp: uint64(block.timestamp),
                blockNumber: uint64(block.number),
                receiptSigner: receiptSigner,
                head: head,
                batchCid: batchCid
            })
        );
        emit Anchored(msg.sender, spaceKey, space, sequence, head, batchCid, receiptSigner);
    }

    // ---------------------------------------------------------------------------------- reading

    /// @notice How many anchors `sender` made for `space`.
    function anchorCount(address sender, string calldata space) external view returns (uint256) {
        return _list(sender, space).length;
    }

    /// @notice The `index`-th anchor (0-based, in anchoring order) `sender` made for `space`.
    /// @dev Reverts NoAnchor(index) when index >= anchorCount(sender, space).
    function anchorAt(address sender, string calldata space, uint256 index) external view returns (Anchor memory) {
        Anchor[] storage anchors = _list(sender, space);
        if (index >= anchors.length) revert NoAnchor(index);
        return anchors[index];
    }

    /// @notice The last anchor `sender` made for `space` (the highest sequence).
    /// @dev Reverts NoAnchor(0) when there is none.
    function latest(address sender, string calldata space) external view returns (Anchor memory) {
        Anchor[] storage anchors = _list(sender, space);
        if (anchors.length == 0) revert NoAnchor(0);
        return anchors[anchors.length - 1];
    }

    /// @notice The first anchor of `sender` for `space` whose sequence is at least `sequence` (binary search).
    /// @return found False when every anchor's sequence is below `sequence` (or there is none).
    /// @return index The anchor's index; when not found, anchorCount(sender, space).
    /// @return covering The anchor; all zero when not found.
    function firstCovering(
        address sender,
        string calldata space,
        uint64 sequence
    ) external view returns (bool found, uint256 index, Anchor memory covering) {
        Anchor[] storage anchors = _list(sender, space);
        uint256 low = 0;
        uint256 high = anchors.length;
        // Invariant: every anchor below `low` has a smaller sequence; every one from `high` on has not.
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (anchors[mid].sequence < sequence) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        if (low == anchors.length) return (false, low, covering);
        return (true, low, anchors[low]);
    }

    // --------------------------------------------------------------------------------- internal

    function _list(address sender, string calldata space) private view returns (Anchor[] storage) {
        return _anchors[sender][keccak256(bytes(space))];
    }
}

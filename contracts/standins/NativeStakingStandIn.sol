// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IStaking: the read interface iotex-core answers over eth_call at the staking protocol's
/// address 0x04C22AfaE6a03438b8FED74cb1Cf441168DF3F12 (iotex-core action/protocol/staking/ethabi).
/// @dev Names, inputs and outputs mirror the chain's ABI (../shared/abi/iotex-staking.json), so the
/// service's production code can call the local chain exactly as it calls IoTeX. Struct and
/// interface names match the chain's `internalType`s too ("struct IStaking.VoteBucket[]" ...),
/// except that the V3 bucket needs its own name (CompositeVoteBucketV3) in Solidity.
interface IStaking {
    /// B1: a native bucket. Times are unix seconds, stakedDuration is in days.
    struct VoteBucket {
        uint64 index;
        address candidateAddress;
        uint256 stakedAmount;
        uint32 stakedDuration;
        int64 createTime;
        int64 stakeStartTime;
        int64 unstakeStartTime;
        bool autoStake;
        address owner;
    }

    /// B2 = B1 + the system-staking (NFT) fields; contractAddress is 0 for native buckets.
    struct CompositeVoteBucket {
        uint64 index;
        address candidateAddress;
        uint256 stakedAmount;
        uint32 stakedDuration;
        int64 createTime;
        int64 stakeStartTime;
        int64 unstakeStartTime;
        bool autoStake;
        address owner;
        address contractAddress;
        uint64 stakedDurationBlockNumber;
        uint64 createBlockHeight;
        uint64 stakeStartBlockHeight;
        uint64 unstakeStartBlockHeight;
    }

    /// B3 = B2 + endorsementExpireBlockHeight (the chain calls this struct CompositeVoteBucket too).
    struct CompositeVoteBucketV3 {
        uint64 index;
        address candidateAddress;
        uint256 stakedAmount;
        uint32 stakedDuration;
        int64 createTime;
        int64 stakeStartTime;
        int64 unstakeStartTime;
        bool autoStake;
        address owner;
        address contractAddress;
        uint64 stakedDurationBlockNumber;
        uint64 createBlockHeight;
        uint64 stakeStartBlockHeight;
        uint64 unstakeStartBlockHeight;
        uint64 endorsementExpireBlockHeight;
    }

    struct Candidate {
        address ownerAddress;
        address operatorAddress;
        address rewardAddress;
        string name;
        uint256 totalWeightedVotes;
        uint64 selfStakeBucketIdx;
        uint256 selfStakingTokens;
    }

    struct CandidateV3 {
        address ownerAddress;
        address operatorAddress;
        address rewardAddress;
        string name;
        uint256 totalWeightedVotes;
        uint64 selfStakeBucketIdx;
        uint256 selfStakingTokens;
        address id;
    }

    struct CandidateV4 {
        address ownerAddress;
        address operatorAddress;
        address rewardAddress;
        string name;
        uint256 totalWeightedVotes;
        uint64 selfStakeBucketIdx;
        uint256 selfStakingTokens;
        address id;
        bytes blsPubKey;
    }

    struct BucketType {
        uint256 stakedAmount;
        uint32 stakedDuration;
    }

    // Native buckets only.
    function buckets(uint32 offset, uint32 limit) external view returns (VoteBucket[] memory);
    function bucketsByVoter(address voter, uint32 offset, uint32 limit) external view returns (VoteBucket[] memory);
    function bucketsByCandidate(string calldata candName, uint32 offset, uint32 limit) external view returns (VoteBucket[] memory);
    function bucketsByIndexes(uint64[] calldata indexes) external view returns (VoteBucket[] memory);
    function bucketsCount() external view returns (uint64 total, uint64 active);
    function totalStakingAmount() external view returns (uint256);

    // Native buckets followed by system-staking (NFT) buckets.
    function compositeBuckets(uint32 offset, uint32 limit) external view returns (CompositeVoteBucket[] memory);
    function compositeBucketsByVoter(address voter, uint32 offset, uint32 limit) external view returns (CompositeVoteBucket[] memory);
    function compositeBucketsByCandidate(string calldata candName, uint32 offset, uint32 limit) external view returns (CompositeVoteBucket[] memory);
    function compositeBucketsByIndexes(uint64[] calldata indexes) external view returns (CompositeVoteBucket[] memory);
    function compositeBucketsV3(uint32 offset, uint32 limit) external view returns (CompositeVoteBucketV3[] memory);
    function compositeBucketsByVoterV3(address voter, uint32 offset, uint32 limit) external view returns (CompositeVoteBucketV3[] memory);
    function compositeBucketsByCandidateV3(string calldata candName, uint32 offset, uint32 limit) external view returns (CompositeVoteBucketV3[] memory);
    function compositeBucketsByIndexesV3(uint64[] calldata indexes) external view returns (CompositeVoteBucketV3[] memory);
    function compositeBucketsCount() external view returns (uint64 total, uint64 active);
    function compositeTotalStakingAmount() external view returns (uint256);
    function contractStakeBucketTypes(address contractAddress) external view returns (BucketType[] memory);

    // Candidates (delegates).
    function candidates(uint32 offset, uint32 limit) external view returns (Candidate[] memory);
    function candidatesV3(uint32 offset, uint32 limit) external view returns (CandidateV3[] memory);
    function candidatesV4(uint32 offset, uint32 limit) external view returns (CandidateV4[] memory);
    function candidateByName(string calldata candName) external view returns (Candidate memory);
    function candidateByNameV3(string calldata candName) external view returns (CandidateV3 memory);
    function candidateByNameV4(string calldata candName) external view returns (CandidateV4 memory);
    function candidateByAddress(address ownerAddress) external view returns (Candidate memory);
    function candidateByAddressV3(address ownerAddress) external view returns (CandidateV3 memory);
    function candidateByAddressV4(address ownerAddress) external view returns (CandidateV4 memory);
    function candidateByIDV3(address id) external view returns (CandidateV3 memory);
    function candidateByIDV4(address id) external view returns (CandidateV4 memory);
    function candidateDeactivation(address ownerAddress) external view returns (bool requested, uint64 scheduledAtBlock);
}

/// @title NativeStakingStandIn: IoTeX native staking for the local Hardhat chain.
/// @notice Installed with `hardhat_setCode` at the staking protocol's address, so the service's
/// production read path (eth_call with the chain's ABI, historic block tags included) is what
/// tests exercise. Admin functions (bottom of the file) let tests and the demo seeder write state;
/// they are NOT part of the chain's interface.
/// @dev hardhat_setCode installs runtime code only: no constructor runs and immutables would be
/// empty, so all state is plain storage that starts zeroed. Vote weights are not computed here
/// (the formula needs ln); the seeder computes totalWeightedVotes off-chain and stores them.
contract NativeStakingStandIn is IStaking {
    /// A bucket reference in merged lists: a native bucket's position, or an NFT entry's
    /// position with this bit set.
    uint256 internal constant NFT_REF = 1 << 255;
    /// iotex-core's "not set" value of uint64 fields: maxStakingNumber / maxBlockNumber (an NFT
    /// bucket not unlocked or not unstaked), endorsementNotExpireHeight (endorsement.go:24) and
    /// candidateNoSelfStakeBucketIndex.
    uint64 internal constant MAX_UINT64 = type(uint64).max;

    struct Deactivation {
        bool requested;
        uint64 scheduledAtBlock;
    }

    // ------------------------------------------------------------------ storage

    /// Native buckets; a bucket's index is its position (iotex-core numbers buckets from 0).
    CompositeVoteBucketV3[] internal _native;
    /// System-staking (IIP-13 NFT) buckets, in creation order, stored as the chain shows them:
    /// `index` is the token id, `candidateAddress` the delegate (zero once muted), and
    /// `createBlockHeight` 0 marks a timestamped (SystemStaking3) bucket.
    CompositeVoteBucketV3[] internal _nft;
    /// (contract, token id) => NFT position + 1.
    mapping(address => mapping(uint64 => uint256)) internal _nftPos;
    /// voter => native bucket indexes, in creation order.
    mapping(address => uint64[]) internal _nativeByVoter;
    /// candidate id => native bucket indexes, in creation order.
    mapping(address => uint64[]) internal _nativeByCandidate;
    /// Sum of native stakedAmount (unstaked buckets stay in the pool until withdrawn).
    uint256 internal _nativeTotal;
    /// Sum of NFT stakedAmount.
    uint256 internal _nftTotal;

    /// Candidates in registration order (candidates() pages this list).
    CandidateV4[] internal _cands;
    /// Lookups: owner / id / keccak256(name) => position + 1.
    mapping(address => uint256) internal _candByOwner;
    mapping(address => uint256) internal _candById;
    mapping(bytes32 => uint256) internal _candByName;
    /// Never written: read for unknown candidates, so they come back all-zero.
    CandidateV4 internal _noCandidate;
    /// candidate id => its exit request (candidateDeactivation). Keyed by id, not owner: the chain
    /// keeps it on the candidate (DeactivatedAt), so it follows an ownership transfer.
    mapping(address => Deactivation) internal _deact;

    /// contract => bucket types offered by that system-staking contract.
    mapping(address => BucketType[]) internal _bucketTypes;

    // ======================================================= chain interface (views)

    function buckets(uint32 offset, uint32 limit) external view returns (VoteBucket[] memory) {
        return _toV1(_page(_allNativeRefs(), offset, limit));
    }

    function bucketsByVoter(address voter, uint32 offset, uint32 limit) external view returns (VoteBucket[] memory) {
        return _toV1(_page(_nativeRefs(_nativeByVoter[voter]), offset, limit));
    }

    function bucketsByCandidate(string calldata candName, uint32 offset, uint32 limit)
        external
        view
        returns (VoteBucket[] memory)
    {
        uint256 pos = _candByName[keccak256(bytes(candName))];
        if (pos == 0) return new VoteBucket[](0);
        return _toV1(_page(_nativeRefs(_nativeByCandidate[_cands[pos - 1].id]), offset, limit));
    }

    /// Unknown indexes are skipped, as iotex-core does for buckets that do not exist.
    function bucketsByIndexes(uint64[] calldata indexes) external view returns (VoteBucket[] memory) {
        return _toV1(_nativeRefsByIndexes(indexes));
    }

    /// No withdrawals here, so every bucket ever created still exists: total == active.
    function bucketsCount() external view returns (uint64 total, uint64 active) {
        uint64 n = uint64(_native.length);
        return (n, n);
    }

    function totalStakingAmount() external view returns (uint256) {
        return _nativeTotal;
    }

    function compositeBuckets(uint32 offset, uint32 limit) external view returns (CompositeVoteBucket[] memory) {
        return _toV2(_compositePage(_allNativeRefs(), _nftRefsWhere(address(0), address(0)), offset, limit));
    }

    function compositeBucketsV3(uint32 offset, uint32 limit) external view returns (CompositeVoteBucketV3[] memory) {
        return _toV3(_compositePage(_allNativeRefs(), _nftRefsWhere(address(0), address(0)), offset, limit));
    }

    function compositeBucketsByVoter(address voter, uint32 offset, uint32 limit)
        external
        view
        returns (CompositeVoteBucket[] memory)
    {
        return _toV2(_compositePage(_nativeRefs(_nativeByVoter[voter]), _nftRefsWhere(voter, address(0)), offset, limit));
    }

    function compositeBucketsByVoterV3(address voter, uint32 offset, uint32 limit)
        external
        view
        returns (CompositeVoteBucketV3[] memory)
    {
        return _toV3(_compositePage(_nativeRefs(_nativeByVoter[voter]), _nftRefsWhere(voter, address(0)), offset, limit));
    }

    function compositeBucketsByCandidate(string calldata candName, uint32 offset, uint32 limit)
        external
        view
        returns (CompositeVoteBucket[] memory)
    {
        return _toV2(_compositeByCandidate(candName, offset, limit));
    }

    function compositeBucketsByCandidateV3(string calldata candName, uint32 offset, uint32 limit)
        external
        view
        returns (CompositeVoteBucketV3[] memory)
    {
        return _toV3(_compositeByCandidate(candName, offset, limit));
    }

    function compositeBucketsByIndexes(uint64[] calldata indexes) external view returns (CompositeVoteBucket[] memory) {
        return _toV2(_compositeRefsByIndexes(indexes));
    }

    function compositeBucketsByIndexesV3(uint64[] calldata indexes)
        external
        view
        returns (CompositeVoteBucketV3[] memory)
    {
        return _toV3(_compositeRefsByIndexes(indexes));
    }

    function compositeBucketsCount() external view returns (uint64 total, uint64 active) {
        uint64 n = uint64(_native.length + _nft.length);
        return (n, n);
    }

    function compositeTotalStakingAmount() external view returns (uint256) {
        return _nativeTotal + _nftTotal;
    }

    function contractStakeBucketTypes(address contractAddress) external view returns (BucketType[] memory) {
        return _bucketTypes[contractAddress];
    }

    // Outputs stay unnamed, as in the chain's ABI (a named return would show up in ours).

    function candidates(uint32 offset, uint32 limit) external view returns (Candidate[] memory) {
        (uint256 from, uint256 n) = _slice(_cands.length, offset, limit);
        Candidate[] memory out = new Candidate[](n);
        for (uint256 i = 0; i < n; i++) out[i] = _candV1(_shown(_cands[from + i]));
        return out;
    }

    function candidatesV3(uint32 offset, uint32 limit) external view returns (CandidateV3[] memory) {
        (uint256 from, uint256 n) = _slice(_cands.length, offset, limit);
        CandidateV3[] memory out = new CandidateV3[](n);
        for (uint256 i = 0; i < n; i++) out[i] = _candV3(_shown(_cands[from + i]));
        return out;
    }

    function candidatesV4(uint32 offset, uint32 limit) external view returns (CandidateV4[] memory) {
        (uint256 from, uint256 n) = _slice(_cands.length, offset, limit);
        CandidateV4[] memory out = new CandidateV4[](n);
        for (uint256 i = 0; i < n; i++) out[i] = _shown(_cands[from + i]);
        return out;
    }

    // Unknown candidates read as an all-zero struct (an empty name tells the caller).

    function candidateByName(string calldata candName) external view returns (Candidate memory) {
        return _candV1(_shown(_candAt(_candByName[keccak256(bytes(candName))])));
    }

    function candidateByNameV3(string calldata candName) external view returns (CandidateV3 memory) {
        return _candV3(_shown(_candAt(_candByName[keccak256(bytes(candName))])));
    }

    function candidateByNameV4(string calldata candName) external view returns (CandidateV4 memory) {
        return _shown(_candAt(_candByName[keccak256(bytes(candName))]));
    }

    function candidateByAddress(address ownerAddress) external view returns (Candidate memory) {
        return _candV1(_shown(_candAt(_candByOwner[ownerAddress])));
    }

    function candidateByAddressV3(address ownerAddress) external view returns (CandidateV3 memory) {
        return _candV3(_shown(_candAt(_candByOwner[ownerAddress])));
    }

    function candidateByAddressV4(address ownerAddress) external view returns (CandidateV4 memory) {
        return _shown(_candAt(_candByOwner[ownerAddress]));
    }

    function candidateByIDV3(address id) external view returns (CandidateV3 memory) {
        return _candV3(_shown(_candAt(_candById[id])));
    }

    function candidateByIDV4(address id) external view returns (CandidateV4 memory) {
        return _shown(_candAt(_candById[id]));
    }

    function candidateDeactivation(address ownerAddress) external view returns (bool requested, uint64 scheduledAtBlock) {
        uint256 pos = _candByOwner[ownerAddress];
        if (pos == 0) return (false, 0);
        Deactivation storage d = _deact[_cands[pos - 1].id];
        return (d.requested, d.scheduledAtBlock);
    }

    // ============================================================ paging and merging

    /// [offset, offset + limit) of a list of `len`, clipped to the list (iotex-core getPageOfArray).
    function _slice(uint256 len, uint256 offset, uint256 limit) internal pure returns (uint256 from, uint256 n) {
        if (offset >= len) return (0, 0);
        n = len - offset;
        if (limit < n) n = limit;
        return (offset, n);
    }

    function _page(uint256[] memory refs, uint256 offset, uint256 limit) internal pure returns (uint256[] memory out) {
        (uint256 from, uint256 n) = _slice(refs.length, offset, limit);
        out = new uint256[](n);
        for (uint256 i = 0; i < n; i++) out[i] = refs[from + i];
    }

    /// What iotex-core's compositeStakingStateReader does: page the native list, append every
    /// matching NFT bucket, then page the merged list again with the same offset and limit.
    /// With offset 0 this is the first `limit` buckets, native first. With offset > 0 it is NOT a
    /// plain slice of the merged list (native buckets can be skipped and NFT buckets repeated):
    /// the chain behaves that way, so callers must read composite lists with offset 0 and a limit
    /// larger than the list.
    function _compositePage(uint256[] memory nativeRefs, uint256[] memory nftRefs, uint256 offset, uint256 limit)
        internal
        pure
        returns (uint256[] memory)
    {
        uint256[] memory firstPage = _page(nativeRefs, offset, limit);
        uint256[] memory merged = new uint256[](firstPage.length + nftRefs.length);
        for (uint256 i = 0; i < firstPage.length; i++) merged[i] = firstPage[i];
        for (uint256 i = 0; i < nftRefs.length; i++) merged[firstPage.length + i] = nftRefs[i];
        return _page(merged, offset, limit);
    }

    /// An unknown candidate name gives an empty list (iotex-core returns early the same way).
    function _compositeByCandidate(string calldata candName, uint256 offset, uint256 limit)
        internal
        view
        returns (uint256[] memory)
    {
        uint256 pos = _candByName[keccak256(bytes(candName))];
        if (pos == 0) return new uint256[](0);
        address id = _cands[pos - 1].id;
        return _compositePage(_nativeRefs(_nativeByCandidate[id]), _nftRefsWhere(address(0), id), offset, limit);
    }

    function _allNativeRefs() internal view returns (uint256[] memory refs) {
        refs = new uint256[](_native.length);
        for (uint256 i = 0; i < refs.length; i++) refs[i] = i;
    }

    function _nativeRefs(uint64[] storage indexes) internal view returns (uint256[] memory refs) {
        refs = new uint256[](indexes.length);
        for (uint256 i = 0; i < refs.length; i++) refs[i] = indexes[i];
    }

    /// NFT entries owned by `voter` and/or delegated to `candidate` (zero address = any).
    function _nftRefsWhere(address voter, address candidate) internal view returns (uint256[] memory refs) {
        uint256 count = 0;
        refs = new uint256[](_nft.length);
        for (uint256 i = 0; i < _nft.length; i++) {
            CompositeVoteBucketV3 storage b = _nft[i];
            if (voter != address(0) && b.owner != voter) continue;
            if (candidate != address(0) && b.candidateAddress != candidate) continue;
            refs[count++] = i | NFT_REF;
        }
        assembly ("memory-safe") {
            mstore(refs, count) // shrink to the matches
        }
    }

    function _nativeRefsByIndexes(uint64[] calldata indexes) internal view returns (uint256[] memory refs) {
        uint256 count = 0;
        refs = new uint256[](indexes.length);
        for (uint256 i = 0; i < indexes.length; i++) {
            if (indexes[i] < _native.length) refs[count++] = indexes[i];
        }
        assembly ("memory-safe") {
            mstore(refs, count)
        }
    }

    /// Native buckets with these indexes, then NFT buckets whose token id is among them (each
    /// system-staking contract has its own token ids, so one index can match several).
    function _compositeRefsByIndexes(uint64[] calldata indexes) internal view returns (uint256[] memory refs) {
        uint256[] memory nativeRefs = _nativeRefsByIndexes(indexes);
        uint256 count = nativeRefs.length;
        refs = new uint256[](count + indexes.length * _nft.length);
        for (uint256 i = 0; i < count; i++) refs[i] = nativeRefs[i];
        for (uint256 i = 0; i < indexes.length; i++) {
            for (uint256 j = 0; j < _nft.length; j++) {
                if (_nft[j].index == indexes[i]) refs[count++] = j | NFT_REF;
            }
        }
        assembly ("memory-safe") {
            mstore(refs, count)
        }
    }

    // ================================================================= conversions

    function _load(uint256 ref) internal view returns (CompositeVoteBucketV3 storage) {
        return ref & NFT_REF != 0 ? _nft[ref & ~NFT_REF] : _native[ref];
    }

    function _toV1(uint256[] memory refs) internal view returns (VoteBucket[] memory out) {
        out = new VoteBucket[](refs.length);
        for (uint256 i = 0; i < refs.length; i++) {
            CompositeVoteBucketV3 storage b = _load(refs[i]);
            out[i] = VoteBucket({
                index: b.index,
                candidateAddress: b.candidateAddress,
                stakedAmount: b.stakedAmount,
                stakedDuration: b.stakedDuration,
                createTime: b.createTime,
                stakeStartTime: b.stakeStartTime,
                unstakeStartTime: b.unstakeStartTime,
                autoStake: b.autoStake,
                owner: b.owner
            });
        }
    }

    function _toV2(uint256[] memory refs) internal view returns (CompositeVoteBucket[] memory out) {
        out = new CompositeVoteBucket[](refs.length);
        for (uint256 i = 0; i < refs.length; i++) {
            CompositeVoteBucketV3 storage b = _load(refs[i]);
            out[i] = CompositeVoteBucket({
                index: b.index,
                candidateAddress: b.candidateAddress,
                stakedAmount: b.stakedAmount,
                stakedDuration: b.stakedDuration,
                createTime: b.createTime,
                stakeStartTime: b.stakeStartTime,
                unstakeStartTime: b.unstakeStartTime,
                autoStake: b.autoStake,
                owner: b.owner,
                contractAddress: b.contractAddress,
                stakedDurationBlockNumber: b.stakedDurationBlockNumber,
                createBlockHeight: b.createBlockHeight,
                stakeStartBlockHeight: b.stakeStartBlockHeight,
                unstakeStartBlockHeight: b.unstakeStartBlockHeight
            });
        }
    }

    function _toV3(uint256[] memory refs) internal view returns (CompositeVoteBucketV3[] memory out) {
        out = new CompositeVoteBucketV3[](refs.length);
        for (uint256 i = 0; i < refs.length; i++) out[i] = _load(refs[i]);
    }

    /// Candidate at lookup value `pos` (position + 1); 0 gives _noCandidate, which stays all-zero.
    function _candAt(uint256 pos) internal view returns (CandidateV4 storage) {
        return pos == 0 ? _noCandidate : _cands[pos - 1];
    }

    /// A candidate as the views show it: the self-stake bucket is shown as none (MaxUint64, no
    /// tokens) once it no longer counts as one, as toIoTeXTypesCandidateV2 clears it on every read
    /// (read_state.go:65-99): the bucket is gone, or it is the owner's own and unstaked, or it is
    /// someone else's and its endorsement record is gone (endorsement_statemanager.go Status: no
    /// record is Expired; from Upernavik a record never expires until revoked).
    function _shown(CandidateV4 storage c) internal view returns (CandidateV4 memory shown) {
        shown = c;
        uint64 idx = c.selfStakeBucketIdx;
        if (idx == MAX_UINT64) return shown;
        bool clear;
        if (idx >= _native.length) {
            clear = true;
        } else {
            CompositeVoteBucketV3 storage b = _native[idx];
            uint256 pos = _candById[b.candidateAddress];
            bool selfOwned = pos != 0 && _cands[pos - 1].ownerAddress == b.owner;
            clear = selfOwned ? b.unstakeStartTime > b.stakeStartTime : b.endorsementExpireBlockHeight == 0;
        }
        if (clear) {
            shown.selfStakeBucketIdx = MAX_UINT64;
            shown.selfStakingTokens = 0;
        }
    }

    function _candV1(CandidateV4 memory c) internal pure returns (Candidate memory) {
        return Candidate({
            ownerAddress: c.ownerAddress,
            operatorAddress: c.operatorAddress,
            rewardAddress: c.rewardAddress,
            name: c.name,
            totalWeightedVotes: c.totalWeightedVotes,
            selfStakeBucketIdx: c.selfStakeBucketIdx,
            selfStakingTokens: c.selfStakingTokens
        });
    }

    function _candV3(CandidateV4 memory c) internal pure returns (CandidateV3 memory) {
        return CandidateV3({
            ownerAddress: c.ownerAddress,
            operatorAddress: c.operatorAddress,
            rewardAddress: c.rewardAddress,
            name: c.name,
            totalWeightedVotes: c.totalWeightedVotes,
            selfStakeBucketIdx: c.selfStakeBucketIdx,
            selfStakingTokens: c.selfStakingTokens,
            id: c.id
        });
    }

    // =============================================================================
    // ADMIN (local chain only; NOT part of the chain's ABI)
    // Tests and the demo seeder write staking state through these. Anyone may call them: the
    // stand-in only ever runs on a local development chain. Each one leaves the buckets and
    // candidates as iotex-core shows them after the matching chain action (sources cited per
    // function; paths are relative to iotex-core). Candidate totals are never recomputed here:
    // the caller stores them with setCandidateVotes.
    // =============================================================================

    event CandidateRegistered(address indexed owner, address indexed id, string name);
    event BucketCreated(uint64 indexed index, address indexed owner, address indexed candidate, uint256 amount);
    event NftBucketCreated(address indexed contractAddress, uint64 indexed tokenId, address indexed owner, uint256 amount);

    error UnknownCandidate(address candidate);
    error CandidateExists();
    error UnknownBucket(uint64 index);
    error UnknownNftBucket(address contractAddress, uint64 tokenId);
    error AlreadyUnstaked();
    error AutoStakeBucket();
    /// The bucket's endorsement record (`expireHeight`, 0 = none) does not allow this operation.
    error EndorsementState(uint64 index, uint64 expireHeight);
    error InvalidInput(string why);

    // ------------------------------------------------------------------ candidates

    /// Registers a candidate. `id` 0 means "same as owner" (iotex-core's GetIdentifier falls back
    /// to the owner; from Upernavik a new candidate has an id of its own: handlers.go:781-783);
    /// buckets refer to candidates by id. Pass selfStakeBucketIdx = type(uint64).max
    /// (candidateNoSelfStakeBucketIndex) for "no self-stake bucket", or set it later with
    /// setCandidateSelfStake. totalWeightedVotes is computed off-chain by the seeder.
    function registerCandidate(
        address owner,
        address operator,
        address reward,
        string calldata name,
        address id,
        uint64 selfStakeBucketIdx,
        uint256 selfStakingTokens,
        uint256 totalWeightedVotes
    ) external {
        if (owner == address(0)) revert InvalidInput("owner is zero");
        if (bytes(name).length == 0) revert InvalidInput("empty name");
        if (id == address(0)) id = owner;
        bytes32 nameKey = keccak256(bytes(name));
        if (_candByOwner[owner] != 0 || _candById[id] != 0 || _candByName[nameKey] != 0) revert CandidateExists();
        _cands.push(
            CandidateV4({
                ownerAddress: owner,
                operatorAddress: operator,
                rewardAddress: reward,
                name: name,
                totalWeightedVotes: totalWeightedVotes,
                selfStakeBucketIdx: selfStakeBucketIdx,
                selfStakingTokens: selfStakingTokens,
                id: id,
                blsPubKey: ""
            })
        );
        uint256 pos = _cands.length;
        _candByOwner[owner] = pos;
        _candById[id] = pos;
        _candByName[nameKey] = pos;
        emit CandidateRegistered(owner, id, name);
    }

    /// Sets a candidate's weighted vote total (the sum of its live buckets' vote weights).
    function setCandidateVotes(address owner, uint256 totalWeightedVotes) external {
        _candidate(owner).totalWeightedVotes = totalWeightedVotes;
    }

    /// Names the candidate's self-stake bucket (the one that earns the self-stake bonus).
    function setCandidateSelfStake(address owner, uint64 selfStakeBucketIdx, uint256 selfStakingTokens) external {
        CandidateV4 storage c = _candidate(owner);
        c.selfStakeBucketIdx = selfStakeBucketIdx;
        c.selfStakingTokens = selfStakingTokens;
    }

    function setCandidateBlsPubKey(address owner, bytes calldata blsPubKey) external {
        _candidate(owner).blsPubKey = blsPubKey;
    }

    function setCandidateDeactivation(address owner, bool requested, uint64 scheduledAtBlock) external {
        _deact[_candidate(owner).id] = Deactivation({requested: requested, scheduledAtBlock: scheduledAtBlock});
    }

    /// CandidateTransferOwnership (from Upernavik; handler_candidate_transfer_ownership.go:35-79):
    /// the candidate keeps its id (an old candidate without one gets its old owner as id, which is
    /// what registerCandidate already stored) and gets a new owner, so its buckets stay its own.
    /// A self-stake bucket without an endorsement record stops being the self-stake bucket (the
    /// vote total is the caller's to adjust). The new owner must be no candidate's owner, nor
    /// another candidate's id.
    function transferCandidateOwnership(address oldOwner, address newOwner) external {
        CandidateV4 storage c = _candidate(oldOwner);
        if (newOwner == address(0) || newOwner == oldOwner) revert InvalidInput("newOwner");
        uint256 pos = _candByOwner[oldOwner];
        uint256 idPos = _candById[newOwner];
        if (_candByOwner[newOwner] != 0 || (idPos != 0 && idPos != pos)) revert CandidateExists();
        delete _candByOwner[oldOwner];
        _candByOwner[newOwner] = pos;
        c.ownerAddress = newOwner;
        uint64 selfStake = c.selfStakeBucketIdx;
        bool endorsed = selfStake < _native.length && _native[selfStake].endorsementExpireBlockHeight != 0;
        if (selfStake != MAX_UINT64 && !endorsed) {
            c.selfStakeBucketIdx = MAX_UINT64;
            c.selfStakingTokens = 0;
        }
    }

    // ------------------------------------------------------------------ native buckets

    /// Creates a native bucket and returns its index (also emitted in BucketCreated).
    /// `candidate` is the candidate's id (handlers.go:75-79: it must exist). Times 0 mean "now";
    /// stakeStartTime 0 means createTime.
    function createBucket(
        address owner,
        address candidate,
        uint256 amount,
        uint32 durationDays,
        bool autoStake,
        int64 createTime,
        int64 stakeStartTime
    ) external returns (uint64 index) {
        if (owner == address(0)) revert InvalidInput("owner is zero");
        if (amount == 0) revert InvalidInput("amount is zero");
        if (_candById[candidate] == 0) revert UnknownCandidate(candidate);
        if (createTime == 0) createTime = int64(uint64(block.timestamp));
        if (stakeStartTime == 0) stakeStartTime = createTime;
        index = uint64(_native.length);
        CompositeVoteBucketV3 storage b = _native.push();
        b.index = index;
        b.candidateAddress = candidate;
        b.stakedAmount = amount;
        b.stakedDuration = durationDays;
        b.createTime = createTime;
        b.stakeStartTime = stakeStartTime;
        b.autoStake = autoStake;
        b.owner = owner;
        _nativeByVoter[owner].push(index);
        _nativeByCandidate[candidate].push(index);
        _nativeTotal += amount;
        emit BucketCreated(index, owner, candidate, amount);
    }

    /// Starts unstaking a native bucket: unstakeStartTime = now, so the chain's isUnstaked
    /// (`UnstakeStartTime > StakeStartTime`, vote_bucket.go:200-205) holds. As on the chain, an
    /// auto-stake bucket must not be unstaked (handlers.go:162-167). The bucket stays listed; it
    /// carries no votes. (The chain also waits for the stake to end; the stand-in does not.)
    function unstakeBucket(uint64 index) external {
        CompositeVoteBucketV3 storage b = _nativeBucket(index);
        if (b.unstakeStartTime != 0) revert AlreadyUnstaked();
        if (b.autoStake) revert AutoStakeBucket();
        b.unstakeStartTime = int64(uint64(block.timestamp));
    }

    /// ChangeCandidate (handlers.go:309-402): the bucket moves to the end of the new candidate's
    /// bucket list (bucketsByCandidate order) and names its id; an unstaked bucket cannot move
    /// (CannotUnstakeAgain) nor move to its own candidate (CannotTranferToSelf). If it was the
    /// previous candidate's self-stake bucket, that candidate has none any more (:380-383).
    function changeBucketCandidate(uint64 index, address candidateId) external {
        CompositeVoteBucketV3 storage b = _nativeBucket(index);
        if (_candById[candidateId] == 0) revert UnknownCandidate(candidateId);
        if (b.unstakeStartTime != 0) revert AlreadyUnstaked();
        address previous = b.candidateAddress;
        if (previous == candidateId) revert InvalidInput("same candidate");
        _removeIndex(_nativeByCandidate[previous], index);
        _nativeByCandidate[candidateId].push(index);
        b.candidateAddress = candidateId;
        CandidateV4 storage prev = _cands[_candById[previous] - 1];
        if (prev.selfStakeBucketIdx == index) {
            prev.selfStakeBucketIdx = MAX_UINT64;
            prev.selfStakingTokens = 0;
        }
    }

    /// Changes a native bucket's amount (deposit, or a test's "stake changed after block N").
    function setBucketAmount(uint64 index, uint256 amount) external {
        if (amount == 0) revert InvalidInput("amount is zero");
        CompositeVoteBucketV3 storage b = _nativeBucket(index);
        _nativeTotal = _nativeTotal - b.stakedAmount + amount;
        b.stakedAmount = amount;
    }

    /// Changes a native bucket's auto-stake flag (the chain's "restake" action).
    function setBucketAutoStake(uint64 index, bool autoStake) external {
        _nativeBucket(index).autoStake = autoStake;
    }

    // ------------------------------------------------------------------ endorsements
    // endorsementExpireBlockHeight is the bucket's endorsement record, as read_state.go:29-39
    // fills it for native buckets: 0 = no record, MaxUint64 = endorsed, E = unendorsing.

    /// CandidateEndorsementOpEndorse: ExpireHeight = MaxUint64 (handler_candidate_endorsement.go:52).
    /// The bucket must have no record (validateBucketWithoutEndorsement) and be staked.
    function endorseBucket(uint64 index) external {
        CompositeVoteBucketV3 storage b = _nativeBucket(index);
        if (b.endorsementExpireBlockHeight != 0) revert EndorsementState(index, b.endorsementExpireBlockHeight);
        if (b.unstakeStartTime != 0) revert AlreadyUnstaked();
        b.endorsementExpireBlockHeight = MAX_UINT64;
    }

    /// CandidateEndorsementOpIntentToRevoke: ExpireHeight = the intent's block height, plus
    /// EndorsementWithdrawWaitingBlocks (17,280) if the bucket is its candidate's valid self-stake
    /// bucket (handler_candidate_endorsement.go:57-67); the caller passes that height. The bucket
    /// must be endorsed (a record exists).
    function intendToRevokeEndorsement(uint64 index, uint64 expireHeight) external {
        CompositeVoteBucketV3 storage b = _nativeBucket(index);
        if (b.endorsementExpireBlockHeight == 0) revert EndorsementState(index, 0);
        if (expireHeight == 0 || expireHeight == MAX_UINT64) revert InvalidInput("expireHeight");
        b.endorsementExpireBlockHeight = expireHeight;
    }

    /// CandidateEndorsementOpRevoke: deletes the record, so the bucket shows 0 again
    /// (handler_candidate_endorsement.go:68-100). Allowed only while unendorsing (:151), i.e. after
    /// an intent. The candidate side is the caller's: before Yap the chain also clears the
    /// candidate's self-stake if this was it (setCandidateSelfStake); from Yap the first revoke of
    /// an active self-stake bucket only requests the exit and keeps the record
    /// (setCandidateDeactivation, and do not call this).
    function revokeEndorsement(uint64 index) external {
        CompositeVoteBucketV3 storage b = _nativeBucket(index);
        uint64 expireHeight = b.endorsementExpireBlockHeight;
        if (expireHeight == 0 || expireHeight == MAX_UINT64) revert EndorsementState(index, expireHeight);
        b.endorsementExpireBlockHeight = 0;
    }

    /// Writes the endorsement record as is, for states the operations above do not reach: e.g. a
    /// legacy record (before Upernavik) left in place after it expired.
    function setBucketEndorsement(uint64 index, uint64 expireBlockHeight) external {
        _nativeBucket(index).endorsementExpireBlockHeight = expireBlockHeight;
    }

    // ------------------------------------------------------------------ NFT buckets

    /// A block-based system-staking bucket (IIP-13 SystemStaking V1 or SystemStaking2), as
    /// blockindex/contractstaking/bucket.go:16-34 and systemcontractindex/stakingindex/bucket.go:106-142
    /// show it: stakedDuration and time fields 0, duration in blocks, createBlockHeight,
    /// stakeStartBlockHeight = the unlock height if unlocked (autoStake false), else the creation
    /// height, unstakeStartBlockHeight = MaxUint64 while staked. Heights 0 mean "this block";
    /// stakeStartBlockHeight 0 means createBlockHeight. `delegate` may be any address: the
    /// contracts accept any, and iotex-core adds the votes of a delegate that is no candidate id
    /// to no candidate (nfteventhandler.go:118-137).
    function createNftBucket(
        address contractAddress,
        uint64 tokenId,
        address owner,
        address delegate,
        uint256 amount,
        uint64 durationBlocks,
        bool autoStake,
        uint64 createBlockHeight,
        uint64 stakeStartBlockHeight
    ) external {
        CompositeVoteBucketV3 storage b = _newNftBucket(contractAddress, tokenId, owner, delegate, amount, autoStake);
        if (createBlockHeight == 0) createBlockHeight = uint64(block.number);
        if (stakeStartBlockHeight == 0) stakeStartBlockHeight = createBlockHeight;
        if (autoStake ? stakeStartBlockHeight != createBlockHeight : stakeStartBlockHeight < createBlockHeight) {
            revert InvalidInput("stakeStartBlockHeight: createBlockHeight if locked, else the unlock height");
        }
        b.stakedDurationBlockNumber = durationBlocks;
        b.createBlockHeight = createBlockHeight;
        b.stakeStartBlockHeight = stakeStartBlockHeight;
        b.unstakeStartBlockHeight = MAX_UINT64;
    }

    /// A timestamped bucket (SystemStaking3, from Wake), as systemcontractindex/stakingindex/bucket.go:116-127
    /// shows it: every block field 0, stakedDuration = whole days of `durationSeconds`, floored
    /// (vote_bucket.go:178; SystemStaking3 durations are whole days except for buckets migrated
    /// from SystemStaking2, whose blocks count 5 s each), createTime, stakeStartTime = the unlock
    /// time if unlocked, else createTime, unstakeStartTime 0 while staked. Times 0 mean "now";
    /// stakeStartTime 0 means createTime. Any delegate, as for createNftBucket.
    function createTimestampedNftBucket(
        address contractAddress,
        uint64 tokenId,
        address owner,
        address delegate,
        uint256 amount,
        uint64 durationSeconds,
        bool autoStake,
        int64 createTime,
        int64 stakeStartTime
    ) external {
        CompositeVoteBucketV3 storage b = _newNftBucket(contractAddress, tokenId, owner, delegate, amount, autoStake);
        if (createTime == 0) createTime = int64(uint64(block.timestamp));
        if (stakeStartTime == 0) stakeStartTime = createTime;
        if (autoStake ? stakeStartTime != createTime : stakeStartTime < createTime) {
            revert InvalidInput("stakeStartTime: createTime if locked, else the unlock time");
        }
        if (durationSeconds / 1 days > type(uint32).max) revert InvalidInput("durationSeconds");
        b.stakedDuration = uint32(durationSeconds / 1 days);
        b.createTime = createTime;
        b.stakeStartTime = stakeStartTime;
    }

    /// Unstaked event: UnstakedAt = this block's height, or its time for a timestamped bucket
    /// (systemcontractindex/stakingindex/eventprocessor.go:142-156; V1: blockindex/contractstaking/eventprocessor.go).
    /// Nothing else changes. As in SystemStaking2/3 `_unstake`, a locked (auto-stake) bucket can
    /// be unstaked only if its duration is 0.
    function unstakeNftBucket(address contractAddress, uint64 tokenId) external {
        CompositeVoteBucketV3 storage b = _nftBucket(contractAddress, tokenId);
        if (_nftUnstaked(b)) revert AlreadyUnstaked();
        if (b.autoStake && (b.stakedDurationBlockNumber != 0 || b.stakedDuration != 0)) revert AutoStakeBucket();
        if (_timestamped(b)) b.unstakeStartTime = int64(uint64(block.timestamp));
        else b.unstakeStartBlockHeight = uint64(block.number);
    }

    /// A SystemStaking2 bucket touched (Staked, Locked, Merged, BucketExpanded, Donated) at or
    /// after Wake is muted: shown with candidate = zero address (stakingindex/bucket.go:138-140)
    /// and left out of its delegate's bucketsByCandidate (stakingindex/index.go:277-300); no
    /// votes. Only V2 has a mute height (chainservice/builder.go:384-423), so a timestamped bucket
    /// cannot be muted; the events that mute need a staked bucket. A muted bucket stays muted.
    function muteNftBucket(address contractAddress, uint64 tokenId) external {
        CompositeVoteBucketV3 storage b = _nftBucket(contractAddress, tokenId);
        if (_timestamped(b)) revert InvalidInput("timestamped buckets are never muted");
        if (_nftUnstaked(b)) revert AlreadyUnstaked();
        if (b.candidateAddress == address(0)) revert InvalidInput("already muted");
        b.candidateAddress = address(0);
    }

    /// DelegateChanged event (SystemStaking2/3 `_changeDelegate`: any new address, staked buckets
    /// only, not the current delegate). A muted bucket stays muted (eventprocessor.go: the event
    /// does not touch Muted), so it still shows the zero address.
    function changeNftDelegate(address contractAddress, uint64 tokenId, address delegate) external {
        if (delegate == address(0)) revert InvalidInput("delegate is zero");
        CompositeVoteBucketV3 storage b = _nftBucket(contractAddress, tokenId);
        if (_nftUnstaked(b)) revert AlreadyUnstaked();
        if (b.candidateAddress == delegate) revert InvalidInput("same delegate");
        if (b.candidateAddress != address(0)) b.candidateAddress = delegate;
    }

    /// Adds a bucket type to a system-staking contract's list (contractStakeBucketTypes).
    function addContractBucketType(address contractAddress, uint256 amount, uint32 duration) external {
        if (contractAddress == address(0)) revert InvalidInput("contractAddress is zero");
        _bucketTypes[contractAddress].push(BucketType({stakedAmount: amount, stakedDuration: duration}));
    }

    // ------------------------------------------------------------------ admin helpers

    function _candidate(address owner) internal view returns (CandidateV4 storage) {
        uint256 pos = _candByOwner[owner];
        if (pos == 0) revert UnknownCandidate(owner);
        return _cands[pos - 1];
    }

    function _nativeBucket(uint64 index) internal view returns (CompositeVoteBucketV3 storage) {
        if (index >= _native.length) revert UnknownBucket(index);
        return _native[index];
    }

    /// Removes `index` from a bucket list, keeping the order of the rest (bucket_index.go:73-81).
    function _removeIndex(uint64[] storage list, uint64 index) internal {
        uint256 n = list.length;
        for (uint256 i = 0; i < n; i++) {
            if (list[i] != index) continue;
            for (uint256 j = i + 1; j < n; j++) list[j - 1] = list[j];
            list.pop();
            return;
        }
    }

    /// The fields every NFT bucket has; the caller sets the block or time fields.
    function _newNftBucket(
        address contractAddress,
        uint64 tokenId,
        address owner,
        address delegate,
        uint256 amount,
        bool autoStake
    ) internal returns (CompositeVoteBucketV3 storage b) {
        if (contractAddress == address(0)) revert InvalidInput("contractAddress is zero");
        if (owner == address(0)) revert InvalidInput("owner is zero");
        if (delegate == address(0)) revert InvalidInput("delegate is zero");
        if (amount == 0) revert InvalidInput("amount is zero");
        if (_nftPos[contractAddress][tokenId] != 0) revert InvalidInput("token id exists");
        b = _nft.push();
        b.index = tokenId;
        b.candidateAddress = delegate;
        b.stakedAmount = amount;
        b.autoStake = autoStake; // locked: UnlockedAt == MaxUint64 (stakingindex/bucket.go:110)
        b.owner = owner;
        b.contractAddress = contractAddress;
        _nftPos[contractAddress][tokenId] = _nft.length;
        _nftTotal += amount;
        emit NftBucketCreated(contractAddress, tokenId, owner, amount);
    }

    function _nftBucket(address contractAddress, uint64 tokenId) internal view returns (CompositeVoteBucketV3 storage) {
        uint256 pos = _nftPos[contractAddress][tokenId];
        if (pos == 0) revert UnknownNftBucket(contractAddress, tokenId);
        return _nft[pos - 1];
    }

    /// Timestamped buckets have no creation height: the chain's ABI encoder tells the two kinds
    /// apart the same way (action/protocol/staking/ethabi/common/types.go:88-98).
    function _timestamped(CompositeVoteBucketV3 storage b) internal view returns (bool) {
        return b.createBlockHeight == 0;
    }

    /// Whether an Unstaked event was seen (the stand-in's view of UnstakedAt != MaxUint64).
    function _nftUnstaked(CompositeVoteBucketV3 storage b) internal view returns (bool) {
        return _timestamped(b) ? b.unstakeStartTime != 0 : b.unstakeStartBlockHeight != MAX_UINT64;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice A contract for the executor's tests whose `run` costs what an earlier call made it cost:
/// `setWork(n)` sets how many storage slots `run`'s inner call fills, and `run` swallows the failure of
/// that inner call. A floor for `run` measured alone (with no work) starves it after `setWork` in the
/// same proposal: the inner call runs out of gas while `run` still succeeds, without its effect.
contract SequenceTarget {
    /// @notice How many slots the inner call fills.
    uint256 public work;
    /// @notice How many inner calls completed: the effect of `run`.
    uint256 public runs;
    mapping(uint256 => uint256) public filled;

    /// @notice Sets how many slots each `run` fills (anyone: this is a test helper).
    function setWork(uint256 newWork) external {
        work = newWork;
    }

    /// @notice Runs the inner call and swallows its failure, as a target that "succeeds" without its
    /// effect when it gets too little gas.
    function run() external {
        try this.inner() {} catch {}
    }

    /// @notice Fills `work` fresh slots (about 22,000 gas each), then counts the run. Only from itself.
    function inner() external {
        require(msg.sender == address(this), "only through run");
        uint256 base = runs * work;
        for (uint256 i = 0; i < work; i++) filled[base + i] = i + 1;
        runs += 1;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice A contract for the executor's tests whose gas used is not its gas required. `run` keeps
/// `RESERVE` gas back before an inner call whose failure it swallows (as a bridge receiver forwarding
/// all but a reserve does), and `runIfAbove(least)` does its work only when more than `least` gas is
/// left. With ample gas each uses a few tens of thousands; given only that (plus a margin), `run`'s
/// inner call gets too little and fails, swallowed, and `runIfAbove` skips its work: both "succeed"
/// without their effect. A floor from the gas used lets a relayer burn a proposal that calls them.
contract ReservingTarget {
    /// @notice Gas `run` keeps back from its inner call.
    uint256 public constant RESERVE = 100_000;

    /// @notice How many inner calls of `run` completed: its effect.
    uint256 public runs;
    /// @notice How many times `runIfAbove` did its work: its effect.
    uint256 public ampleRuns;

    /// @notice Runs the inner call with all but `RESERVE` of the gas left and swallows its failure.
    function run() external {
        try this.inner{gas: gasleft() - RESERVE}() {} catch {}
    }

    /// @notice Counts the run (a storage write: over 20,000 gas the first time). Only from itself.
    function inner() external {
        require(msg.sender == address(this), "only through run");
        runs += 1;
    }

    /// @notice Counts the run only when more than `least` gas is left; does nothing otherwise.
    function runIfAbove(uint256 least) external {
        if (gasleft() > least) ampleRuns += 1;
    }
}

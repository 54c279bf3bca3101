// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Multicall3StandIn: the Multicall3 functions the service calls, for the local chain.
/// @notice Installed with `hardhat_setCode` at Multicall3's canonical address
/// 0xcA11bde05977b3631167028862bE2a173976CA11, so contract reads take the same path locally as on
/// IoTeX. Names, inputs and outputs are Multicall3's (mds1/multicall), so the selectors match:
/// aggregate3 0x82ad56cb, getEthBalance 0x4d2301cc, getBlockNumber 0x42cbb15c.
/// @dev Runtime code only (no constructor runs under setCode): no state, no immutables.
contract Multicall3StandIn {
    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    struct Result {
        bool success;
        bytes returnData;
    }

    /// Calls each target in turn; a failing call reverts the whole batch unless it allows failure.
    function aggregate3(Call3[] calldata calls) public payable returns (Result[] memory returnData) {
        returnData = new Result[](calls.length);
        for (uint256 i = 0; i < calls.length; i++) {
            (bool success, bytes memory ret) = calls[i].target.call(calls[i].callData);
            if (!success && !calls[i].allowFailure) revert("Multicall3: call failed");
            returnData[i] = Result(success, ret);
        }
    }

    /// The native balance (IOTX on IoTeX) of `addr` at the block the call is made at.
    function getEthBalance(address addr) public view returns (uint256 balance) {
        balance = addr.balance;
    }

    /// The number of the block the call is made at: a read at a past block that answers with that
    /// block's number proves the node executed it on that block's state.
    function getBlockNumber() public view returns (uint256 blockNumber) {
        blockNumber = block.number;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice A contract for the executor's tests: it records a value (with the IOTX sent along) and
/// emits an event, can be closed so that recording reverts with a custom error, reverts with a
/// reason string or with nothing on demand, can forward a call (to try reentering the executor), and
/// can swallow the failure of an inner call (the trap of a lowest-gas estimate).
contract GovernedTarget {
    uint256 public value;
    address public lastCaller;
    uint256 public totalReceived;
    bool public closed;
    uint256[8] public scratch;

    event Recorded(address indexed caller, uint256 value, uint256 paid);

    error TargetClosed(uint256 value);

    /// @notice Records `newValue` and the IOTX sent; reverts with TargetClosed while closed.
    function record(uint256 newValue) external payable {
        if (closed) revert TargetClosed(newValue);
        value = newValue;
        lastCaller = msg.sender;
        totalReceived += msg.value;
        emit Recorded(msg.sender, newValue, msg.value);
    }

    /// @notice Opens or closes the target (anyone: this is a test helper).
    function setClosed(bool isClosed) external {
        closed = isClosed;
    }

    /// @notice Reverts with `reason` (Error(string)).
    function fail(string calldata reason) external pure {
        revert(reason);
    }

    /// @notice Reverts with no data at all.
    function failSilently() external pure {
        revert();
    }

    /// @notice Calls `to` with `data`, bubbling a revert as is.
    function forward(address to, bytes calldata data) external payable {
        (bool ok, bytes memory ret) = to.call{value: msg.value}(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
    }

    /// @notice Records `newValue` through an inner call whose failure it swallows: with too little gas
    /// the inner call runs out of gas while this call still succeeds, so the lowest gas at which the
    /// call does not revert is exactly the gas that starves it.
    function recordSwallowing(uint256 newValue) external {
        try this.recordHeavily(newValue) {} catch {}
    }

    /// @notice Records `newValue` after a few storage writes, so that it needs real gas. Only from itself.
    function recordHeavily(uint256 newValue) external {
        require(msg.sender == address(this), "only through recordSwallowing");
        for (uint256 i = 0; i < scratch.length; i++) scratch[i] = newValue + i + 1;
        value = newValue;
    }
}

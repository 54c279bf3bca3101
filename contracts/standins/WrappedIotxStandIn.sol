// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title WrappedIotxStandIn: a WIOTX-like ERC-20 (WETH9 style) for the local chain.
/// @notice Deposit IOTX to mint, withdraw to burn, transfer like any ERC-20: enough to give
/// addresses balances that change between blocks, for the erc20-balance strategy.
/// @dev Installed with `hardhat_setCode` (runtime code only): constants, no immutables, storage
/// starts at zero.
contract WrappedIotxStandIn {
    string public constant name = "Wrapped IoTeX";
    string public constant symbol = "WIOTX";
    uint8 public constant decimals = 18;

    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Approval(address indexed owner, address indexed spender, uint256 value);
    event Transfer(address indexed from, address indexed to, uint256 value);
    event Deposit(address indexed to, uint256 value);
    event Withdrawal(address indexed from, uint256 value);

    receive() external payable {
        deposit();
    }

    function deposit() public payable {
        balanceOf[msg.sender] += msg.value;
        emit Deposit(msg.sender, msg.value);
        emit Transfer(address(0), msg.sender, msg.value);
    }

    function withdraw(uint256 value) external {
        require(balanceOf[msg.sender] >= value, "WIOTX: balance too low");
        balanceOf[msg.sender] -= value;
        emit Withdrawal(msg.sender, value);
        emit Transfer(msg.sender, address(0), value);
        (bool sent, ) = msg.sender.call{value: value}("");
        require(sent, "WIOTX: transfer of IOTX failed");
    }

    function totalSupply() external view returns (uint256) {
        return address(this).balance;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function transfer(address to, uint256 value) external returns (bool) {
        return transferFrom(msg.sender, to, value);
    }

    function transferFrom(address from, address to, uint256 value) public returns (bool) {
        require(balanceOf[from] >= value, "WIOTX: balance too low");
        if (from != msg.sender && allowance[from][msg.sender] != type(uint256).max) {
            require(allowance[from][msg.sender] >= value, "WIOTX: allowance too low");
            allowance[from][msg.sender] -= value;
        }
        balanceOf[from] -= value;
        balanceOf[to] += value;
        emit Transfer(from, to, value);
        return true;
    }
}

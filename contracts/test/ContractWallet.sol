// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";

/// @notice A minimal smart-contract wallet for tests: it accepts a signature (EIP-1271) when its owner
/// signed the hash, as Safe-style wallets do for off-chain messages, and can change its owner.
contract ContractWallet is IERC1271 {
    address public owner;

    constructor(address owner_) {
        owner = owner_;
    }

    /// @notice Hands the wallet to another owner (as a Safe changes its owners): from then on it accepts
    /// the new owner's signatures, and no longer the old one's.
    function setOwner(address newOwner) external {
        require(msg.sender == owner, "not the owner");
        owner = newOwner;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes memory signature) external view returns (bytes4) {
        (address signer, ECDSA.RecoverError error, ) = ECDSA.tryRecover(hash, signature);
        return error == ECDSA.RecoverError.NoError && signer == owner ? IERC1271.isValidSignature.selector : bytes4(0xffffffff);
    }
}

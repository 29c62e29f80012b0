// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test fixture: a token whose transfers can be switched off, like a paused or
///         blocklisting stablecoin. Never deployed outside tests.
contract FreezableToken is ERC20 {
    bool public frozen;

    error Frozen();

    constructor() ERC20("Freezable", "FRZ") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setFrozen(bool value) external {
        frozen = value;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (frozen) revert Frozen();
        super._update(from, to, value);
    }
}

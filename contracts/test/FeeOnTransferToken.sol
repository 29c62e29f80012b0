// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test fixture: burns 1% of every transfer (rounded down, so amounts under 100 units
///         move whole), like tokens that charge a fee on transfer. Never deployed outside tests.
contract FeeOnTransferToken is ERC20 {
    uint256 public constant FEE_DIVISOR = 100;

    constructor() ERC20("Fee on transfer", "FEE") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) return super._update(from, to, value);
        uint256 fee = value / FEE_DIVISOR;
        super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}

// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test fixture: once armed, every transfer calls back into a target (the escrow) with the
///         armed calldata after moving the balance, like a token with a receive hook, and counts how
///         often the call got through. The call's failure is swallowed so the transfer itself goes on.
///         Never deployed outside tests.
contract ReentrantToken is ERC20 {
    address public target;
    bytes public callData;
    uint256 public reentryAttempts;
    uint256 public reentrySuccesses;
    bool private _reentering;

    constructor() ERC20("Reentrant", "REENTER") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @dev Empty calldata disarms.
    function arm(address target_, bytes calldata callData_) external {
        target = target_;
        callData = callData_;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        // A transfer made by the reentrant call itself does not call back again.
        if (from == address(0) || callData.length == 0 || _reentering) return;
        _reentering = true;
        ++reentryAttempts;
        (bool ok,) = target.call(callData);
        if (ok) ++reentrySuccesses;
        _reentering = false;
    }
}

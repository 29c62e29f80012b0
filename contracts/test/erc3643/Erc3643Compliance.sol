// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @notice Test fixture: the compliance contract of a minimal ERC-3643 (T-REX) token, with two of the
///         rules real compliance modules enforce: holders barred from sending or receiving (a country
///         or investor restriction), and a cap on a single transfer. Never deployed outside tests.
contract Erc3643Compliance is Ownable {
    address public tokenBound;
    /// Largest amount one transfer may move; 0 means no cap.
    uint256 public transferLimit;
    mapping(address holder => bool) public restricted;

    event TokenBound(address _token);
    event TransferLimitSet(uint256 limit);
    event RestrictionSet(address indexed holder, bool restricted);

    constructor() Ownable(msg.sender) {}

    modifier onlyToken() {
        require(msg.sender == tokenBound, "error : this address is not a token bound to the compliance contract");
        _;
    }

    function bindToken(address token) external {
        require(msg.sender == owner() || (tokenBound == address(0) && msg.sender == token), "only owner or token can call");
        tokenBound = token;
        emit TokenBound(token);
    }

    function setTransferLimit(uint256 limit) external onlyOwner {
        transferLimit = limit;
        emit TransferLimitSet(limit);
    }

    function setRestricted(address holder, bool value) external onlyOwner {
        restricted[holder] = value;
        emit RestrictionSet(holder, value);
    }

    function canTransfer(address from, address to, uint256 amount) external view returns (bool) {
        if (restricted[from] || restricted[to]) return false;
        return transferLimit == 0 || amount <= transferLimit;
    }

    // The token reports every movement; these rules keep no state of their own.
    function transferred(address, address, uint256) external onlyToken {}
    function created(address, uint256) external onlyToken {}
    function destroyed(address, uint256) external onlyToken {}
}

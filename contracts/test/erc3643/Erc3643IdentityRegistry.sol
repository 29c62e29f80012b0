// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AgentRole} from "./AgentRole.sol";

/// @notice Test fixture: the identity registry of a minimal ERC-3643 (T-REX) token. A wallet is
///         verified while an agent has registered an identity for it; the real registry also checks
///         the identity's claims against trusted issuers, which changes nothing for the engine: it
///         asks isVerified. Never deployed outside tests.
contract Erc3643IdentityRegistry is AgentRole {
    mapping(address wallet => address) public identity;
    mapping(address wallet => uint16) public investorCountry;

    event IdentityRegistered(address indexed investorAddress, address indexed identity);
    event IdentityRemoved(address indexed investorAddress, address indexed identity);
    event CountryUpdated(address indexed investorAddress, uint16 indexed country);

    function registerIdentity(address userAddress, address userIdentity, uint16 country) external onlyAgent {
        require(userIdentity != address(0), "contract address can't be a zero address");
        require(identity[userAddress] == address(0), "address stored already");
        identity[userAddress] = userIdentity;
        investorCountry[userAddress] = country;
        emit IdentityRegistered(userAddress, userIdentity);
    }

    function deleteIdentity(address userAddress) external onlyAgent {
        address removed = identity[userAddress];
        require(removed != address(0), "address not stored yet");
        delete identity[userAddress];
        delete investorCountry[userAddress];
        emit IdentityRemoved(userAddress, removed);
    }

    function updateCountry(address userAddress, uint16 country) external onlyAgent {
        require(identity[userAddress] != address(0), "address not stored yet");
        investorCountry[userAddress] = country;
        emit CountryUpdated(userAddress, country);
    }

    function contains(address userAddress) external view returns (bool) {
        return identity[userAddress] != address(0);
    }

    function isVerified(address userAddress) external view returns (bool) {
        return identity[userAddress] != address(0);
    }
}

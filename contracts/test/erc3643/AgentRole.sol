// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @notice T-REX's agent role: the owner names agents, who run the day-to-day permissions.
abstract contract AgentRole is Ownable {
    mapping(address account => bool) private _agents;

    event AgentAdded(address indexed _agent);
    event AgentRemoved(address indexed _agent);

    constructor() Ownable(msg.sender) {}

    modifier onlyAgent() {
        require(_agents[msg.sender], "AgentRole: caller does not have the Agent role");
        _;
    }

    function addAgent(address agent) external onlyOwner {
        require(!_agents[agent], "Agent already exists");
        _agents[agent] = true;
        emit AgentAdded(agent);
    }

    function removeAgent(address agent) external onlyOwner {
        require(_agents[agent], "Agent does not exist");
        _agents[agent] = false;
        emit AgentRemoved(agent);
    }

    function isAgent(address account) public view returns (bool) {
        return _agents[account];
    }
}

// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice Test fixture: an ERC-20 that answers `false` instead of reverting when a transfer cannot
///         happen (too little balance or allowance, or switched off), as some early tokens do.
///         Never deployed outside tests.
contract FalseReturningToken {
    string public constant name = "False returning";
    string public constant symbol = "FALSE";
    uint8 public constant decimals = 18;

    uint256 public totalSupply;
    bool public failing;
    mapping(address owner => uint256) public balanceOf;
    mapping(address owner => mapping(address spender => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    function mint(address to, uint256 amount) external {
        totalSupply += amount;
        balanceOf[to] += amount;
        emit Transfer(address(0), to, amount);
    }

    function setFailing(bool value) external {
        failing = value;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        return _move(msg.sender, to, amount);
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed < amount || !_canMove(from, amount)) return false;
        if (allowed != type(uint256).max) allowance[from][msg.sender] = allowed - amount;
        return _move(from, to, amount);
    }

    function _canMove(address from, uint256 amount) private view returns (bool) {
        return !failing && balanceOf[from] >= amount;
    }

    function _move(address from, address to, uint256 amount) private returns (bool) {
        if (!_canMove(from, amount)) return false;
        balanceOf[from] -= amount;
        balanceOf[to] += amount;
        emit Transfer(from, to, amount);
        return true;
    }
}

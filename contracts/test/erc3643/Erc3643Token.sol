// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {AgentRole} from "./AgentRole.sol";
import {Erc3643Compliance} from "./Erc3643Compliance.sol";
import {Erc3643IdentityRegistry} from "./Erc3643IdentityRegistry.sol";

/// @notice Test fixture: a minimal ERC-3643 (T-REX v4) permissioned token. Transfers follow T-REX's
///         Token.sol: refused while paused, to or from a frozen wallet, beyond the sender's unfrozen
///         balance, or unless the receiver is verified in the identity registry and the compliance
///         contract's canTransfer allows it, each with T-REX's revert reason. Agents pause, freeze
///         wallets or part of a balance, mint, burn and force transfers. Never deployed outside tests.
contract Erc3643Token is ERC20, AgentRole {
    Erc3643IdentityRegistry public identityRegistry;
    Erc3643Compliance public compliance;
    bool public paused;
    uint8 private immutable _decimals;
    mapping(address wallet => bool) private _frozen;
    mapping(address wallet => uint256) private _frozenTokens;

    event IdentityRegistryAdded(address indexed _identityRegistry);
    event ComplianceAdded(address indexed _compliance);
    event AddressFrozen(address indexed _userAddress, bool indexed _isFrozen, address indexed _owner);
    event TokensFrozen(address indexed _userAddress, uint256 _amount);
    event TokensUnfrozen(address indexed _userAddress, uint256 _amount);
    event Paused(address _userAddress);
    event Unpaused(address _userAddress);

    constructor(
        string memory name_,
        string memory symbol_,
        uint8 decimals_,
        Erc3643IdentityRegistry registry,
        Erc3643Compliance compliance_
    ) ERC20(name_, symbol_) {
        _decimals = decimals_;
        identityRegistry = registry;
        compliance = compliance_;
        compliance_.bindToken(address(this));
        emit IdentityRegistryAdded(address(registry));
        emit ComplianceAdded(address(compliance_));
    }

    modifier whenNotPaused() {
        require(!paused, "Pausable: Paused");
        _;
    }

    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    function version() external pure returns (string memory) {
        return "4.1.3";
    }

    function onchainID() external pure returns (address) {
        return address(0);
    }

    function isFrozen(address wallet) external view returns (bool) {
        return _frozen[wallet];
    }

    function getFrozenTokens(address wallet) external view returns (uint256) {
        return _frozenTokens[wallet];
    }

    function transfer(address to, uint256 amount) public override whenNotPaused returns (bool) {
        _checkTransfer(msg.sender, to, amount);
        _transfer(msg.sender, to, amount);
        compliance.transferred(msg.sender, to, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) public override whenNotPaused returns (bool) {
        _checkTransfer(from, to, amount);
        _spendAllowance(from, msg.sender, amount);
        _transfer(from, to, amount);
        compliance.transferred(from, to, amount);
        return true;
    }

    function _checkTransfer(address from, address to, uint256 amount) private view {
        require(!_frozen[to] && !_frozen[from], "wallet is frozen");
        require(amount <= balanceOf(from) - _frozenTokens[from], "Insufficient Balance");
        require(identityRegistry.isVerified(to) && compliance.canTransfer(from, to, amount), "Transfer not possible");
    }

    function pause() external onlyAgent whenNotPaused {
        paused = true;
        emit Paused(msg.sender);
    }

    function unpause() external onlyAgent {
        require(paused, "Pausable: Not Paused");
        paused = false;
        emit Unpaused(msg.sender);
    }

    function setAddressFrozen(address wallet, bool freeze) external onlyAgent {
        _frozen[wallet] = freeze;
        emit AddressFrozen(wallet, freeze, msg.sender);
    }

    function freezePartialTokens(address wallet, uint256 amount) external onlyAgent {
        require(balanceOf(wallet) >= _frozenTokens[wallet] + amount, "Amount exceeds available balance");
        _frozenTokens[wallet] += amount;
        emit TokensFrozen(wallet, amount);
    }

    function unfreezePartialTokens(address wallet, uint256 amount) external onlyAgent {
        require(_frozenTokens[wallet] >= amount, "Amount should be less than or equal to frozen tokens");
        _frozenTokens[wallet] -= amount;
        emit TokensUnfrozen(wallet, amount);
    }

    /// @dev As T-REX: ignores pause and frozen wallets, unfreezes what it must, needs a verified receiver.
    function forcedTransfer(address from, address to, uint256 amount) external onlyAgent returns (bool) {
        require(balanceOf(from) >= amount, "sender balance too low");
        _unfreezeWhatItTakes(from, amount);
        require(identityRegistry.isVerified(to), "Transfer not possible");
        _transfer(from, to, amount);
        compliance.transferred(from, to, amount);
        return true;
    }

    function mint(address to, uint256 amount) external onlyAgent {
        require(identityRegistry.isVerified(to), "Identity is not verified.");
        require(compliance.canTransfer(address(0), to, amount), "Compliance not followed");
        _mint(to, amount);
        compliance.created(to, amount);
    }

    function burn(address wallet, uint256 amount) external onlyAgent {
        require(balanceOf(wallet) >= amount, "cannot burn more than balance");
        _unfreezeWhatItTakes(wallet, amount);
        _burn(wallet, amount);
        compliance.destroyed(wallet, amount);
    }

    /// @dev An agent's forced transfer or burn takes frozen tokens too, once the free ones run out.
    function _unfreezeWhatItTakes(address wallet, uint256 amount) private {
        uint256 freeBalance = balanceOf(wallet) - _frozenTokens[wallet];
        if (amount > freeBalance) {
            uint256 tokensToUnfreeze = amount - freeBalance;
            _frozenTokens[wallet] -= tokensToUnfreeze;
            emit TokensUnfrozen(wallet, tokensToUnfreeze);
        }
    }
}

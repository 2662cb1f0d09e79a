// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {EIP712Verifier} from "./eip712/EIP712Verifier.sol";
import {IPledgeRegistry} from "./interfaces/IPledgeRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IDataAssetRegistry} from "./interfaces/IDataAssetRegistry.sol";
import {ITradeRecorder} from "./interfaces/ITradeRecorder.sol";
import {PledgeStatus, EnforcementSale} from "./common/Types.sol";

/// @title Pledges of data assets (数据资产质押)
/// @notice A lender registers a pledge with the holder's EIP-712 consent; the registry then locks the asset (no
/// change of holder, no exclusive licence) until the lender releases the pledge or the regulator lifts it.
/// @dev Pledge ids are sequential from 1. Each holder has a consent nonce (OpenZeppelin Nonces): a consent is
/// good for exactly one registration, and `cancelConsent` lets a holder void a consent it has handed out.
/// The status history of a pledge is its events (PledgeRegistered, then PledgeReleased or PledgeLifted) and
/// `getPledge` gives its current state.
contract PledgeRegistry is IPledgeRegistry, EIP712Verifier, Nonces {
    /// @notice EIP-712 typehash of PledgeTerms:
    /// PledgeTerms(uint256 assetId,address holder,address lender,uint128 amount,bytes3 currency,uint40 start,
    /// uint40 end,bytes32 agreementDigest,uint64 stateNonce,uint256 nonce,uint64 deadline)
    bytes32 public constant PLEDGE_TERMS_TYPEHASH = keccak256(
        "PledgeTerms(uint256 assetId,address holder,address lender,uint128 amount,bytes3 currency,uint40 start,"
        "uint40 end,bytes32 agreementDigest,uint64 stateNonce,uint256 nonce,uint64 deadline)"
    );
    /// @notice EIP-712 typehash of what a buyer signs to take a pledged asset in an enforcement:
    /// EnforcementAcceptance(uint256 pledgeId,address buyer,uint128 price,bytes3 currency,bytes32 contractDigest)
    bytes32 public constant ENFORCEMENT_ACCEPTANCE_TYPEHASH = keccak256(
        "EnforcementAcceptance(uint256 pledgeId,address buyer,uint128 price,bytes3 currency,bytes32 contractDigest)"
    );
    /// @inheritdoc IPledgeRegistry
    uint40 public constant OBJECTION_WINDOW = 7 days;

    IParticipantRegistry private immutable _participants;
    IDataAssetRegistry private immutable _registry;

    // Pledges by id (sequential from 1).
    mapping(uint256 pledgeId => Pledge pledge) private _pledges;
    // The active pledge on each asset, or 0.
    mapping(uint256 assetId => uint256 pledgeId) private _activePledges;
    // The number of pledges ever registered (= the last id).
    uint256 private _pledgeCount;
    // Derivations the lender approved, by pledge and child content digest.
    mapping(uint256 pledgeId => mapping(bytes32 childDigest => bool approved)) private _derivationApprovals;

    /// @param participants_ The ParticipantRegistry (recognition, regulator).
    /// @param registry_ The DataAssetRegistry (asset records, holder, pledge lock).
    constructor(IParticipantRegistry participants_, IDataAssetRegistry registry_)
        EIP712Verifier("Shuquan PledgeRegistry", "1")
    {
        if (address(participants_) == address(0) || address(registry_) == address(0)) revert PledgeZeroAddress();
        _participants = participants_;
        _registry = registry_;
    }

    /// @inheritdoc IPledgeRegistry
    /// @dev Checks, in order: caller is `terms.lender`; terms (amount, currency, agreement, start < end); deadline;
    /// asset exists and is not frozen; the terms name the current holder (PledgeHolderMismatch); lender is not the
    /// holder; no active pledge; the terms name the asset's current state nonce (PledgeStateChanged); the lender is
    /// recognised at the asset's registering exchange (reverts with the participants contract's errors); the holder is
    /// an active merchant; the nonce is the holder's current one; the signature is the holder's (ECDSA or ERC-1271).
    function registerPledge(PledgeTerms calldata terms, bytes calldata holderSignature)
        external
        returns (uint256 pledgeId)
    {
        address holder = _checkConsent(terms, holderSignature);
        uint256 assetId = terms.assetId;

        unchecked {
            // Cannot overflow: one increment per registration.
            pledgeId = ++_pledgeCount;
        }
        _pledges[pledgeId] = Pledge({
            assetId: assetId,
            lender: terms.lender,
            holder: holder,
            status: PledgeStatus.Active,
            registeredAt: _time(),
            closedAt: 0,
            end: terms.end,
            defaultedAt: 0
        });
        _activePledges[assetId] = pledgeId;
        _emitRegistered(pledgeId, holder, terms);

        _registry.setPledgeLock(assetId, true, pledgeId, terms.end);
    }

    /// @inheritdoc IPledgeRegistry
    /// @dev The lender may release even while suspended: releasing only frees the holder's asset.
    function releasePledge(uint256 pledgeId) external {
        Pledge storage p = _pledges[pledgeId];
        if (p.status == PledgeStatus.None) revert PledgeNotFound(pledgeId);
        if (msg.sender != p.lender) revert PledgeUnauthorized(msg.sender);
        uint256 assetId = _close(p, pledgeId, PledgeStatus.Released);
        emit PledgeReleased(pledgeId, assetId, msg.sender);
        _registry.setPledgeLock(assetId, false, pledgeId, 0);
    }

    /// @inheritdoc IPledgeRegistry
    function liftPledge(uint256 pledgeId, string calldata reason) external {
        if (!_participants.isRegulator(msg.sender)) revert PledgeUnauthorized(msg.sender);
        Pledge storage p = _pledges[pledgeId];
        if (p.status == PledgeStatus.None) revert PledgeNotFound(pledgeId);
        uint256 assetId = _close(p, pledgeId, PledgeStatus.Lifted);
        emit PledgeLifted(pledgeId, assetId, msg.sender, reason);
        _registry.setPledgeLock(assetId, false, pledgeId, 0);
    }

    /// @inheritdoc IPledgeRegistry
    function declareDefault(uint256 pledgeId) external {
        Pledge storage p = _requireLender(pledgeId);
        if (p.status != PledgeStatus.Active) revert PledgeNotActive(pledgeId, p.status);
        uint40 now_ = _time();
        if (now_ < p.end) revert PledgeNotDue(pledgeId, p.end);
        p.status = PledgeStatus.Defaulted;
        p.defaultedAt = now_;
        emit PledgeDefaultDeclared(pledgeId, p.assetId, msg.sender, now_ + OBJECTION_WINDOW);
    }

    /// @inheritdoc IPledgeRegistry
    function objectToEnforcement(uint256 pledgeId, string calldata reason) external {
        if (!_participants.isRegulator(msg.sender)) revert PledgeUnauthorized(msg.sender);
        Pledge storage p = _pledges[pledgeId];
        if (p.status != PledgeStatus.Defaulted) revert PledgeNotActive(pledgeId, p.status);
        if (_time() >= p.defaultedAt + OBJECTION_WINDOW) revert PledgeObjectionWindowClosed(pledgeId);
        p.status = PledgeStatus.Active;
        p.defaultedAt = 0;
        emit PledgeEnforcementObjected(pledgeId, p.assetId, msg.sender, reason);
    }

    /// @inheritdoc IPledgeRegistry
    /// @dev A buyer other than the lender must be recognised at the asset's registering exchange and have signed
    /// its acceptance (ECDSA or ERC-1271); the pledge id makes the acceptance single-use. Effects before the
    /// interactions: the pledge is closed as Enforced, then the registry unlocks the asset and the trade recorder
    /// records the enforcement trade, which moves the holding right.
    function enforcePledge(uint256 pledgeId, EnforcementSale calldata sale, bytes calldata buyerSignature)
        external
        returns (uint256 tradeId)
    {
        Pledge storage p = _requireLender(pledgeId);
        if (p.status != PledgeStatus.Defaulted) revert PledgeNotActive(pledgeId, p.status);
        uint40 until = p.defaultedAt + OBJECTION_WINDOW;
        if (_time() < until) revert PledgeObjectionWindowOpen(pledgeId, until);
        uint256 assetId = p.assetId;
        _checkBuyer(pledgeId, assetId, sale, buyerSignature);
        address holder = p.holder;
        _close(p, pledgeId, PledgeStatus.Enforced);
        _registry.setPledgeLock(assetId, false, pledgeId, 0);
        tradeId = ITradeRecorder(_registry.tradeRecorder()).recordEnforcement(assetId, holder, pledgeId, sale);
        emit PledgeEnforced(pledgeId, assetId, msg.sender, sale.to, tradeId);
    }

    /// @inheritdoc IPledgeRegistry
    function approveDerivation(uint256 pledgeId, bytes32 childDigest) external {
        Pledge storage p = _requireLender(pledgeId);
        if (p.status != PledgeStatus.Active) revert PledgeNotActive(pledgeId, p.status);
        _derivationApprovals[pledgeId][childDigest] = true;
        emit PledgeDerivationApproved(pledgeId, p.assetId, msg.sender, childDigest);
    }

    /// @inheritdoc IPledgeRegistry
    function isDerivationApproved(uint256 assetId, bytes32 childDigest) external view returns (bool) {
        uint256 active = _activePledges[assetId];
        return active != 0 && _derivationApprovals[active][childDigest];
    }

    /// @inheritdoc IPledgeRegistry
    function cancelConsent() external {
        uint256 nonce = _useNonce(msg.sender);
        emit PledgeConsentCancelled(msg.sender, nonce);
    }

    /// @inheritdoc IPledgeRegistry
    function getPledge(uint256 pledgeId) external view returns (Pledge memory) {
        Pledge memory p = _pledges[pledgeId];
        if (p.status == PledgeStatus.None) revert PledgeNotFound(pledgeId);
        return p;
    }

    /// @inheritdoc IPledgeRegistry
    function activePledgeOf(uint256 assetId) external view returns (uint256) {
        return _activePledges[assetId];
    }

    /// @inheritdoc IPledgeRegistry
    function pledgeCount() external view returns (uint256) {
        return _pledgeCount;
    }

    /// @inheritdoc IPledgeRegistry
    function nonces(address holder) public view override(IPledgeRegistry, Nonces) returns (uint256) {
        return super.nonces(holder);
    }

    /// @inheritdoc IPledgeRegistry
    function hashPledge(PledgeTerms calldata terms) external view returns (bytes32) {
        return _hashTypedDataV4(_hashTerms(terms));
    }

    /// @inheritdoc IPledgeRegistry
    function participants() external view returns (address) {
        return address(_participants);
    }

    /// @inheritdoc IPledgeRegistry
    function registry() external view returns (address) {
        return address(_registry);
    }

    /// @inheritdoc IPledgeRegistry
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    /// @dev Every check of `registerPledge` (see there), consuming the holder's nonce; returns the holder.
    function _checkConsent(PledgeTerms calldata terms, bytes calldata holderSignature)
        private
        returns (address holder)
    {
        if (msg.sender != terms.lender) revert PledgeUnauthorized(msg.sender);
        if (
            terms.amount == 0 || terms.currency == bytes3(0) || terms.agreementDigest == bytes32(0)
                || terms.start >= terms.end
        ) revert PledgeInvalidTerms();
        if (_time() > terms.deadline) revert PledgeExpired(terms.deadline);

        uint256 assetId = terms.assetId;
        IDataAssetRegistry.Asset memory asset = _registry.getAsset(assetId); // reverts if unknown
        if (asset.frozen) revert IDataAssetRegistry.RegistryAssetFrozen(assetId);
        holder = IERC721(address(_registry)).ownerOf(assetId);
        if (terms.holder != holder) revert PledgeHolderMismatch(terms.holder, holder);
        if (holder == terms.lender) revert PledgeLenderIsHolder(holder);
        uint256 active = _activePledges[assetId];
        if (active != 0) revert PledgeAssetAlreadyPledged(assetId, active);
        if (terms.stateNonce != asset.stateNonce) {
            revert PledgeStateChanged(assetId, terms.stateNonce, asset.stateNonce);
        }

        address[] memory parties = new address[](1);
        parties[0] = terms.lender;
        _participants.requireRecognised(asset.exchange, parties);
        if (!_participants.isActiveMerchant(holder)) revert PledgeUnauthorized(holder);

        uint256 expected = _useNonce(holder);
        if (terms.nonce != expected) revert PledgeInvalidNonce(holder, terms.nonce);
        _requireValidSignature(holder, _hashTerms(terms), holderSignature);
    }

    function _emitRegistered(uint256 pledgeId, address holder, PledgeTerms calldata t) private {
        emit PledgeRegistered(
            pledgeId, t.assetId, t.lender, holder, t.amount, t.currency, t.start, t.end, t.agreementDigest
        );
    }

    /// @dev The enforcement's taker: not zero; a buyer other than the lender (the caller) must be recognised at the
    /// asset's registering exchange and have signed its EnforcementAcceptance (ECDSA or ERC-1271).
    function _checkBuyer(uint256 pledgeId, uint256 assetId, EnforcementSale calldata sale, bytes calldata sig)
        private
        view
    {
        address to = sale.to;
        if (to == address(0)) revert PledgeZeroAddress();
        if (to == msg.sender) return;
        address[] memory parties = new address[](1);
        parties[0] = to;
        _participants.requireRecognised(_registry.getAsset(assetId).exchange, parties);
        bytes32 structHash = keccak256(
            abi.encode(ENFORCEMENT_ACCEPTANCE_TYPEHASH, pledgeId, to, sale.price, sale.currency, sale.contractDigest)
        );
        _requireValidSignature(to, structHash, sig);
    }

    /// @dev The pledge, which must exist and whose lender must be the caller.
    function _requireLender(uint256 pledgeId) private view returns (Pledge storage p) {
        p = _pledges[pledgeId];
        if (p.status == PledgeStatus.None) revert PledgeNotFound(pledgeId);
        if (msg.sender != p.lender) revert PledgeUnauthorized(msg.sender);
    }

    /// @dev Closes an active or defaulted pledge with `status`; returns its asset id.
    function _close(Pledge storage p, uint256 pledgeId, PledgeStatus status) private returns (uint256 assetId) {
        if (p.status != PledgeStatus.Active && p.status != PledgeStatus.Defaulted) {
            revert PledgeNotActive(pledgeId, p.status);
        }
        p.status = status;
        p.closedAt = _time();
        assetId = p.assetId;
        delete _activePledges[assetId];
    }

    /// @dev The EIP-712 struct hash of `t` (two abi.encode halves: the same bytes as one encoding, within the stack).
    function _hashTerms(PledgeTerms calldata t) private pure returns (bytes32) {
        return keccak256(
            bytes.concat(
                abi.encode(PLEDGE_TERMS_TYPEHASH, t.assetId, t.holder, t.lender, t.amount, t.currency),
                abi.encode(t.start, t.end, t.agreementDigest, t.stateNonce, t.nonce, t.deadline)
            )
        );
    }

    /// @dev Reverts with the interface's error for a signature that is not the holder's.
    function _revertInvalidSignature(address signer) internal pure override {
        revert PledgeInvalidSignature(signer);
    }
}

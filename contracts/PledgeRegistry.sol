// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {EIP712Verifier} from "./eip712/EIP712Verifier.sol";
import {IPledgeRegistry} from "./interfaces/IPledgeRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IDataAssetRegistry} from "./interfaces/IDataAssetRegistry.sol";
import {PledgeStatus} from "./common/Types.sol";

/// @title Pledges of data assets (数据资产质押)
/// @notice A lender registers a pledge with the holder's EIP-712 consent; the registry then locks the asset (no
/// change of holder, no exclusive licence) until the lender releases the pledge or the regulator lifts it.
/// @dev Pledge ids are sequential from 1. Each holder has a consent nonce (OpenZeppelin Nonces): a consent is
/// good for exactly one registration, and `cancelConsent` lets a holder void a consent it has handed out.
/// The status history of a pledge is its events (PledgeRegistered, then PledgeReleased or PledgeLifted) and
/// `getPledge` gives its current state.
contract PledgeRegistry is IPledgeRegistry, EIP712Verifier, Nonces {
    /// @notice EIP-712 typehash of PledgeTerms:
    /// PledgeTerms(uint256 assetId,address lender,uint128 amount,bytes3 currency,uint40 start,uint40 end,
    /// bytes32 agreementDigest,uint256 nonce,uint64 deadline)
    bytes32 public constant PLEDGE_TERMS_TYPEHASH = keccak256(
        "PledgeTerms(uint256 assetId,address lender,uint128 amount,bytes3 currency,uint40 start,uint40 end,"
        "bytes32 agreementDigest,uint256 nonce,uint64 deadline)"
    );

    IParticipantRegistry private immutable _participants;
    IDataAssetRegistry private immutable _registry;

    // Pledges by id (sequential from 1).
    mapping(uint256 pledgeId => Pledge pledge) private _pledges;
    // The active pledge on each asset, or 0.
    mapping(uint256 assetId => uint256 pledgeId) private _activePledges;
    // The number of pledges ever registered (= the last id).
    uint256 private _pledgeCount;

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
    /// asset exists and is not frozen; lender is not the holder; no active pledge; the lender is recognised at the
    /// asset's registering exchange (reverts with the participants contract's errors); the holder is an active
    /// merchant; the nonce is the holder's current one; the signature is the holder's (ECDSA or ERC-1271).
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
            closedAt: 0
        });
        _activePledges[assetId] = pledgeId;
        _emitRegistered(pledgeId, holder, terms);

        _registry.setPledgeLock(assetId, true, pledgeId);
    }

    /// @inheritdoc IPledgeRegistry
    /// @dev The lender may release even while suspended: releasing only frees the holder's asset.
    function releasePledge(uint256 pledgeId) external {
        Pledge storage p = _pledges[pledgeId];
        if (p.status == PledgeStatus.None) revert PledgeNotFound(pledgeId);
        if (msg.sender != p.lender) revert PledgeUnauthorized(msg.sender);
        uint256 assetId = _close(p, pledgeId, PledgeStatus.Released);
        emit PledgeReleased(pledgeId, assetId, msg.sender);
        _registry.setPledgeLock(assetId, false, pledgeId);
    }

    /// @inheritdoc IPledgeRegistry
    function liftPledge(uint256 pledgeId, string calldata reason) external {
        if (!_participants.isRegulator(msg.sender)) revert PledgeUnauthorized(msg.sender);
        Pledge storage p = _pledges[pledgeId];
        if (p.status == PledgeStatus.None) revert PledgeNotFound(pledgeId);
        uint256 assetId = _close(p, pledgeId, PledgeStatus.Lifted);
        emit PledgeLifted(pledgeId, assetId, msg.sender, reason);
        _registry.setPledgeLock(assetId, false, pledgeId);
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
        if (holder == terms.lender) revert PledgeLenderIsHolder(holder);
        uint256 active = _activePledges[assetId];
        if (active != 0) revert PledgeAssetAlreadyPledged(assetId, active);

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

    /// @dev Closes an active pledge with `status`; returns its asset id.
    function _close(Pledge storage p, uint256 pledgeId, PledgeStatus status) private returns (uint256 assetId) {
        if (p.status != PledgeStatus.Active) revert PledgeNotActive(pledgeId, p.status);
        p.status = status;
        p.closedAt = _time();
        assetId = p.assetId;
        delete _activePledges[assetId];
    }

    function _hashTerms(PledgeTerms calldata t) private pure returns (bytes32) {
        return keccak256(
            abi.encode(
                PLEDGE_TERMS_TYPEHASH,
                t.assetId,
                t.lender,
                t.amount,
                t.currency,
                t.start,
                t.end,
                t.agreementDigest,
                t.nonce,
                t.deadline
            )
        );
    }

    /// @dev Reverts with the interface's error for a signature that is not the holder's.
    function _revertInvalidSignature(address signer) internal pure override {
        revert PledgeInvalidSignature(signer);
    }
}

// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {PledgeStatus, EnforcementSale} from "../common/Types.sol";

/// @title Pledges of data assets (数据资产质押) for pledge financing
/// @notice A lender recognised at the asset's registering exchange registers a pledge with the holder's EIP-712
/// consent, which names the holder and the asset's state nonce. While a pledge stands the asset cannot change holder,
/// be licensed exclusively, irrevocably or beyond the term, nor be derived from without the lender's approval. Only the
/// lender releases it; the regulator can lift it. After default at the term's end the lender declares it, the regulator
/// may object within OBJECTION_WINDOW, and then the lender enforces it (质权实现): the holding right moves to the
/// lender or to a buyer who accepted, through a trade the TradeRecorder records.
interface IPledgeRegistry {
    /// @dev What the holder consents to and the lender submits.
    struct PledgeTerms {
        uint256 assetId; // the pledged asset
        address holder; // the holder who consents (the asset's current holder): a consent binds only its signer
        address lender; // the pledgee (质权人)
        uint128 amount; // the secured amount, in the currency's minor unit
        bytes3 currency; // ISO 4217 code
        uint40 start; // start of the financing term
        uint40 end; // end of the financing term; the pledge stays until released or lifted
        bytes32 agreementDigest; // SHA-256 of the pledge agreement; required
        uint64 stateNonce; // the asset's state nonce (IDataAssetRegistry.Asset.stateNonce) the holder consents to
        uint256 nonce; // the holder's current pledge nonce
        uint64 deadline; // the consent is void after this unix time
    }

    /// @dev A stored pledge.
    struct Pledge {
        uint256 assetId; // the pledged asset
        address lender; // the pledgee
        address holder; // the holder who consented
        PledgeStatus status; // Active, Released, Lifted, Defaulted or Enforced
        uint40 registeredAt; // unix time registered
        uint40 closedAt; // unix time released, lifted or enforced, else 0
        uint40 end; // end of the financing term: default can be declared from then on
        uint40 defaultedAt; // unix time default was declared (while Defaulted), else 0
    }

    error PledgeUnauthorized(address account); // caller may not do this
    error PledgeZeroAddress(); // an address argument is zero
    error PledgeExpired(uint64 deadline); // the consent has expired
    error PledgeInvalidSignature(address holder); // not the holder's signature over these terms
    error PledgeInvalidNonce(address holder, uint256 nonce); // consent for another nonce: replay or stale
    error PledgeInvalidTerms(); // zero agreement digest, zero amount or start >= end
    error PledgeLenderIsHolder(address account); // pledging to oneself
    error PledgeAssetAlreadyPledged(uint256 assetId, uint256 pledgeId); // one active pledge per asset
    error PledgeNotFound(uint256 pledgeId); // unknown pledge
    error PledgeNotActive(uint256 pledgeId, PledgeStatus status); // not in the status this step needs
    error PledgeHolderMismatch(address named, address holder); // the terms name someone who does not hold the asset
    error PledgeStateChanged(uint256 assetId, uint64 named, uint64 current); // the asset's rights changed since
    error PledgeNotDue(uint256 pledgeId, uint40 end); // default declared before the term's end
    error PledgeObjectionWindowOpen(uint256 pledgeId, uint40 until); // enforcing before the regulator's window closed
    error PledgeObjectionWindowClosed(uint256 pledgeId); // the regulator objecting too late

    /// @notice Emitted when a pledge is registered; the asset is locked.
    event PledgeRegistered(
        uint256 indexed pledgeId,
        uint256 indexed assetId,
        address indexed lender,
        address holder,
        uint128 amount,
        bytes3 currency,
        uint40 start,
        uint40 end,
        bytes32 agreementDigest
    );
    /// @notice Emitted when the lender releases a pledge.
    event PledgeReleased(uint256 indexed pledgeId, uint256 indexed assetId, address indexed lender);
    /// @notice Emitted when the regulator lifts a pledge.
    event PledgeLifted(uint256 indexed pledgeId, uint256 indexed assetId, address indexed regulator, string reason);
    /// @notice Emitted when the lender declares default at or after the term's end.
    event PledgeDefaultDeclared(
        uint256 indexed pledgeId, uint256 indexed assetId, address indexed lender, uint40 objectionDeadline
    );
    /// @notice Emitted when the regulator objects to an enforcement: the pledge is active again.
    event PledgeEnforcementObjected(
        uint256 indexed pledgeId, uint256 indexed assetId, address indexed regulator, string reason
    );
    /// @notice Emitted when the lender enforces: the holding right moved to `to` by the recorded trade `tradeId`.
    event PledgeEnforced(
        uint256 indexed pledgeId, uint256 indexed assetId, address indexed lender, address to, uint256 tradeId
    );
    /// @notice Emitted when the lender approves deriving the asset `childDigest` from the pledged asset.
    event PledgeDerivationApproved(
        uint256 indexed pledgeId, uint256 indexed assetId, address indexed lender, bytes32 childDigest
    );
    /// @notice Emitted when a holder voids its outstanding consent by using up its current nonce (additive, v1.0.0).
    event PledgeConsentCancelled(address indexed holder, uint256 nonce);

    /// @notice Registers a pledge. Caller: the lender, an active merchant recognised at the asset's registering
    /// exchange, holding the holder's signature over `terms`.
    function registerPledge(PledgeTerms calldata terms, bytes calldata holderSignature)
        external
        returns (uint256 pledgeId);

    /// @notice Releases an active (or defaulted) pledge. Lender only.
    function releasePledge(uint256 pledgeId) external;

    /// @notice Declares default on an active pledge at or after its term's end. Lender only.
    function declareDefault(uint256 pledgeId) external;

    /// @notice Objects to a declared default within OBJECTION_WINDOW: the pledge is active again. Regulator only.
    function objectToEnforcement(uint256 pledgeId, string calldata reason) external;

    /// @notice Enforces a defaulted pledge once the objection window has passed: the holding right moves to
    /// `sale.to` (the lender, or a buyer whose signed EnforcementAcceptance is `buyerSignature`) through a trade
    /// recorded by the TradeRecorder (id: trade-id prefix this contract, serial `pledgeId`). Lender only.
    function enforcePledge(uint256 pledgeId, EnforcementSale calldata sale, bytes calldata buyerSignature)
        external
        returns (uint256 tradeId);

    /// @notice Approves deriving the asset whose content digest is `childDigest` from the pledged asset. Lender only.
    function approveDerivation(uint256 pledgeId, bytes32 childDigest) external;

    /// @notice True when the active pledge on `assetId` approves deriving `childDigest` from it.
    function isDerivationApproved(uint256 assetId, bytes32 childDigest) external view returns (bool);

    /// @notice How long the regulator may object after a default is declared (seconds).
    function OBJECTION_WINDOW() external view returns (uint40);

    /// @notice Lifts an active (or defaulted) pledge. Regulator only.
    function liftPledge(uint256 pledgeId, string calldata reason) external;

    /// @notice The stored pledge; reverts with PledgeNotFound if unknown.
    function getPledge(uint256 pledgeId) external view returns (Pledge memory);

    /// @notice The active pledge on `assetId`, or 0.
    function activePledgeOf(uint256 assetId) external view returns (uint256);

    /// @notice The holder's next pledge-consent nonce.
    function nonces(address holder) external view returns (uint256);

    /// @notice The EIP-712 digest the holder signs for `terms`.
    function hashPledge(PledgeTerms calldata terms) external view returns (bytes32);

    // ----- additive (v1.0.0): consent cancellation and configuration views -----

    /// @notice Voids the caller's outstanding pledge consent: uses up its current nonce. Emits PledgeConsentCancelled.
    function cancelConsent() external;

    /// @notice The number of pledges ever registered (ids run from 1 to this).
    function pledgeCount() external view returns (uint256);

    /// @notice The participant registry this contract asks about recognition and the regulator.
    function participants() external view returns (address);

    /// @notice The data asset registry whose assets are pledged.
    function registry() external view returns (address);

    /// @notice The implementation version, "1.0.0".
    function version() external pure returns (string memory);
}

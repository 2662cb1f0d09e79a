// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {
    IAssessmentRegistry, AssessmentKind, AssessmentResult, PolicyPurpose
} from "./interfaces/IAssessmentRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IDataAssetRegistry} from "./interfaces/IDataAssetRegistry.sol";
import {MerchantCategory, ParticipantStatus} from "./common/Types.sol";

/// @title Third-party assessments of data assets (第三方评估) and per-exchange assessment policies
/// @notice Who grants the assessor category: the merchant's home exchange, which onboarded it and checked its
/// qualifications, as it set its merchant category; the regulator may set or clear it too (e.g. after a complaint).
/// Enforcement: the policy lives here and `requirePolicy` is the one check; the listing system of each exchange and
/// the pledge desk call it before a listing or a pledge. (PledgeRegistry is immutable and predates this contract,
/// so it does not call it itself.)
/// @dev One slot per assessment, keyed by (asset, id), so no second slot maps an id to its asset; the latest
/// assessment per (asset, kind): four 64-bit ids packed in one slot per asset.
contract AssessmentRegistry is IAssessmentRegistry {
    IParticipantRegistry private immutable _participants;
    IDataAssetRegistry private immutable _registry;

    uint8 private constant _ALL_KINDS = 0x0f;

    // Assessor categories by merchant (bit k = kind k).
    mapping(address merchant => uint8 categories) private _assessors;
    // Assessments by keccak256(abi.encode(assetId, assessmentId)); ids are sequential from 1 across assets.
    mapping(bytes32 key => Assessment assessment) private _assessments;
    // The latest assessment id of each kind per asset: kind k in bits [64k, 64k + 64).
    mapping(uint256 assetId => uint256 latestIds) private _latest;
    // Policy per exchange: listing kinds in bits 0-7, pledge kinds in bits 8-15.
    mapping(address exchange => uint16 policy) private _policies;
    // Assessments ever attached.
    uint64 private _count;

    /// @param participants_ The ParticipantRegistry.
    /// @param registry_ The DataAssetRegistry.
    constructor(IParticipantRegistry participants_, IDataAssetRegistry registry_) {
        if (address(participants_) == address(0) || address(registry_) == address(0)) revert AssessmentZeroAddress();
        _participants = participants_;
        _registry = registry_;
    }

    /// @inheritdoc IAssessmentRegistry
    function setAssessorCategories(address merchant, uint8 categories) external {
        if (categories & ~_ALL_KINDS != 0) revert AssessmentInvalidCategories(categories);
        IParticipantRegistry.Merchant memory m = _participants.getMerchant(merchant);
        bool byRegulator = _participants.isRegulator(msg.sender);
        if (!byRegulator && (msg.sender != m.homeExchange || !_participants.isActiveExchange(msg.sender))) {
            revert AssessmentUnauthorized(msg.sender);
        }
        if (m.status == ParticipantStatus.None || m.category != MerchantCategory.ThirdPartyService) {
            revert AssessmentNotThirdPartyService(merchant);
        }
        _assessors[merchant] = categories;
        emit AssessorCategoriesSet(merchant, msg.sender, categories, byRegulator);
    }

    /// @inheritdoc IAssessmentRegistry
    function assess(AssessmentInput calldata input) external returns (uint256 assessmentId) {
        AssessmentKind kind = input.kind;
        if (!_isAssessor(msg.sender, kind)) revert AssessmentNotAssessor(msg.sender, kind);
        uint256 assetId = input.assetId;
        if (!_registry.exists(assetId)) revert AssessmentAssetNotFound(assetId);
        if (IERC721(address(_registry)).ownerOf(assetId) == msg.sender) {
            revert AssessmentConflictOfInterest(assetId, msg.sender);
        }
        bool valuation = kind == AssessmentKind.Valuation;
        bool hasValue = input.value != 0 && input.currency != bytes3(0);
        bool noValue = input.value == 0 && input.currency == bytes3(0);
        if (
            input.reportDigest == bytes32(0) || bytes(input.reportCid).length == 0
                || input.validUntil <= block.timestamp || (valuation ? !hasValue : !noValue)
        ) revert AssessmentInvalidTerms();

        unchecked {
            // Cannot overflow: one increment per assessment.
            assessmentId = ++_count;
        }
        _assessments[_key(assetId, assessmentId)] = Assessment({
            assessor: msg.sender,
            validUntil: input.validUntil,
            kind: kind,
            result: input.result,
            withdrawn: false
        });
        uint256 shift = 64 * uint256(kind);
        _latest[assetId] = (_latest[assetId] & ~(uint256(type(uint64).max) << shift)) | (assessmentId << shift);
        _emitAttached(assessmentId, input);
    }

    /// @inheritdoc IAssessmentRegistry
    function respond(uint256 assetId, uint256 assessmentId, bytes32 responseDigest, string calldata responseCid)
        external
    {
        _requireAssessment(assetId, assessmentId);
        if (IERC721(address(_registry)).ownerOf(assetId) != msg.sender) revert AssessmentNotHolder(assetId, msg.sender);
        if (responseDigest == bytes32(0)) revert AssessmentInvalidTerms();
        emit AssessmentResponded(assessmentId, assetId, msg.sender, responseDigest, responseCid);
    }

    /// @inheritdoc IAssessmentRegistry
    function withdraw(uint256 assetId, uint256 assessmentId, string calldata reason) external {
        Assessment storage a = _requireAssessment(assetId, assessmentId);
        bool byRegulator = msg.sender != a.assessor;
        if (byRegulator && !_participants.isRegulator(msg.sender)) revert AssessmentUnauthorized(msg.sender);
        if (a.withdrawn) revert AssessmentAlreadyWithdrawn(assessmentId);
        a.withdrawn = true;
        emit AssessmentWithdrawn(assessmentId, assetId, msg.sender, byRegulator, reason);
    }

    /// @inheritdoc IAssessmentRegistry
    function setPolicy(uint8 listingKinds, uint8 pledgeKinds) external {
        if (!_participants.isActiveExchange(msg.sender)) revert AssessmentUnauthorized(msg.sender);
        if (listingKinds & ~_ALL_KINDS != 0) revert AssessmentInvalidCategories(listingKinds);
        if (pledgeKinds & ~_ALL_KINDS != 0) revert AssessmentInvalidCategories(pledgeKinds);
        _policies[msg.sender] = uint16(listingKinds) | (uint16(pledgeKinds) << 8);
        emit AssessmentPolicySet(msg.sender, listingKinds, pledgeKinds);
    }

    /// @inheritdoc IAssessmentRegistry
    function assessorCategories(address merchant) external view returns (uint8) {
        return _participants.isActiveMerchant(merchant) ? _assessors[merchant] : 0;
    }

    /// @inheritdoc IAssessmentRegistry
    function getAssessment(uint256 assetId, uint256 assessmentId) external view returns (Assessment memory) {
        return _requireAssessment(assetId, assessmentId);
    }

    /// @inheritdoc IAssessmentRegistry
    function latestAssessment(uint256 assetId, AssessmentKind kind) public view returns (uint256) {
        return uint64(_latest[assetId] >> (64 * uint256(kind)));
    }

    /// @inheritdoc IAssessmentRegistry
    function isCurrent(uint256 assetId, AssessmentKind kind) public view returns (bool) {
        uint256 id = latestAssessment(assetId, kind);
        if (id == 0) return false;
        Assessment memory a = _assessments[_key(assetId, id)];
        return !a.withdrawn && a.validUntil > block.timestamp && a.result != AssessmentResult.Fail;
    }

    /// @inheritdoc IAssessmentRegistry
    function policyOf(address exchange) external view returns (uint8 listingKinds, uint8 pledgeKinds) {
        uint16 p = _policies[exchange];
        return (uint8(p), uint8(p >> 8));
    }

    /// @inheritdoc IAssessmentRegistry
    function meetsPolicy(address exchange, uint256 assetId, PolicyPurpose purpose) external view returns (bool) {
        (bool ok,) = _checkPolicy(exchange, assetId, purpose);
        return ok;
    }

    /// @inheritdoc IAssessmentRegistry
    function requirePolicy(address exchange, uint256 assetId, PolicyPurpose purpose) external view {
        (bool ok, AssessmentKind missing) = _checkPolicy(exchange, assetId, purpose);
        if (!ok) revert AssessmentPolicyNotMet(exchange, assetId, missing);
    }

    /// @inheritdoc IAssessmentRegistry
    function assessmentCount() external view returns (uint256) {
        return _count;
    }

    /// @inheritdoc IAssessmentRegistry
    function participants() external view returns (address) {
        return address(_participants);
    }

    /// @inheritdoc IAssessmentRegistry
    function registry() external view returns (address) {
        return address(_registry);
    }

    /// @inheritdoc IAssessmentRegistry
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    /// @dev Every kind the policy requires is current; otherwise the first missing kind.
    function _checkPolicy(address exchange, uint256 assetId, PolicyPurpose purpose)
        private
        view
        returns (bool ok, AssessmentKind missing)
    {
        uint16 p = _policies[exchange];
        uint8 required = purpose == PolicyPurpose.Listing ? uint8(p) : uint8(p >> 8);
        for (uint8 k = 0; k < 4; ++k) {
            if (required & (1 << k) != 0 && !isCurrent(assetId, AssessmentKind(k))) return (false, AssessmentKind(k));
        }
        return (true, AssessmentKind.Quality);
    }

    function _emitAttached(uint256 assessmentId, AssessmentInput calldata input) private {
        emit AssessmentAttached(
            assessmentId,
            input.assetId,
            msg.sender,
            input.kind,
            input.result,
            input.value,
            input.currency,
            input.reportDigest,
            input.reportCid,
            input.validUntil
        );
    }

    function _isAssessor(address account, AssessmentKind kind) private view returns (bool) {
        return _assessors[account] & (1 << uint8(kind)) != 0 && _participants.isActiveMerchant(account);
    }

    function _requireAssessment(uint256 assetId, uint256 assessmentId) private view returns (Assessment storage a) {
        a = _assessments[_key(assetId, assessmentId)];
        if (a.assessor == address(0)) revert AssessmentNotFound(assetId, assessmentId);
    }

    function _key(uint256 assetId, uint256 assessmentId) private pure returns (bytes32) {
        return keccak256(abi.encode(assetId, assessmentId));
    }
}

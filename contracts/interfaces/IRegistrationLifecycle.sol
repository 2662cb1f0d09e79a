// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title The registration lifecycle (公示, 异议, 续展, 变更, 更正, 注销)
/// @notice Public notice with objections, validity and renewal, metadata change and correction, cancellation.
/// The asset's status and its notice or validity end live in DataAssetRegistry (so that its one gate refuses
/// assets not in force on every path); this module decides the transitions, sets them through the registry's
/// lifecycle role, and announces each with an event.
interface IRegistrationLifecycle {
    /// @dev An objection as stored (one slot), keyed by keccak256(abi.encode(assetId, objector, epoch)): `epoch` is the
    /// registry's registration epoch of the digest, so that a registration the regulator cancelled for bad faith
    /// (DataAssetRegistry.cancelRegistration, the digest free again) leaves nothing behind for the next one.
    struct Objection {
        address objector; // who lodged it (zero: none)
        uint40 lodgedAt; // unix time lodged
        uint8 state; // 1 open, 2 upheld, 3 dismissed
        bool ownEarlierRight; // the objector claims its own earlier right (a digest registered elsewhere, a contract)
    }

    error LifecycleUnauthorized(address account); // caller may not do this
    error LifecycleZeroAddress(); // a constructor argument is zero
    error LifecycleInvalidTerms(); // notice > 365 days, term > 36,500 days, or renewal window longer than the term
    error LifecycleInvalidDigest(); // a required digest is zero
    error LifecycleReasonRequired(); // a change, correction or cancellation needs a reason
    error LifecycleNotInNotice(uint256 assetId, uint8 status, uint40 noticeEnd); // objection outside the notice
    error LifecycleNoticeNotOver(uint256 assetId, uint40 noticeEnd); // closing a notice that still runs
    error LifecycleObjectionsOpen(uint256 assetId); // closing a notice with an open objection
    error LifecycleObjectionExists(bytes32 objectionId); // one objection per objector and asset
    error LifecycleObjectionNotOpen(bytes32 objectionId); // resolving an unknown or resolved objection
    error LifecycleNotInForce(uint256 assetId, uint8 status); // renewing an asset that is not registered (status 1)
    error LifecycleNoValidityTerm(uint256 assetId); // renewing a registration without a validity end
    error LifecycleOutsideRenewalWindow(uint256 assetId, uint40 opensAt, uint40 validUntil); // too early to renew
    error LifecycleFinal(uint256 assetId, uint8 status); // refused or cancelled: nothing more happens
    error LifecycleNoCancellationRequest(uint256 assetId); // the exchange cancels only on the holder's request
    error LifecycleAssetPledged(uint256 assetId); // a pledged asset is cancelled only by the regulator
    error LifecycleInvalidValidity(uint256 assetId, uint40 validUntil); // a limit must shorten, and end after today

    /// @notice An exchange set the terms applied to its next registrations (and renewals).
    event ExchangeTermsSet(address indexed exchange, uint16 noticeDays, uint16 termDays, uint16 renewalWindowDays);
    /// @notice An objection was lodged during the notice.
    event ObjectionLodged(
        uint256 indexed assetId,
        bytes32 indexed objectionId,
        address indexed objector,
        bytes32 groundsDigest,
        bool ownEarlierRight,
        bytes32 earlierRightDigest
    );
    /// @notice An objection was resolved: upheld (the registration is refused) or dismissed.
    event ObjectionResolved(
        uint256 indexed assetId,
        bytes32 indexed objectionId,
        address indexed by,
        bool upheld,
        bool byRegulator,
        string reason
    );
    /// @notice The notice ended without an open objection: the registration is in force until `validUntil`.
    event NoticeClosed(uint256 indexed assetId, uint40 validUntil);
    /// @notice A registration was renewed (续展).
    event RegistrationRenewed(
        uint256 indexed assetId, address indexed by, uint40 previousValidUntil, uint40 validUntil
    );
    /// @notice The validity of one registration was limited (e.g. public data under a shorter authorisation term).
    event ValidityLimited(
        uint256 indexed assetId, address indexed by, uint40 previousValidUntil, uint40 validUntil, string reason
    );
    /// @notice A new metadata version: a change by the holder (变更) or a correction by the exchange or regulator (更正).
    event MetadataChanged(
        uint256 indexed assetId,
        address indexed by,
        bool correction,
        bytes32 metadataDigest,
        string metadataCid,
        string reason
    );
    /// @notice The holder asked its registering exchange to cancel the registration.
    event CancellationRequested(uint256 indexed assetId, address indexed holder, string reason);
    /// @notice A registration was cancelled (注销) for good; its digest stays reserved.
    event RegistrationCancelled(uint256 indexed assetId, address indexed by, bool byRegulator, string reason);

    /// @notice Sets the caller's (an active exchange's) notice length, validity term and renewal window, in days,
    /// for its next registrations. Notice at most 365 days, term at most 36,500; a window no longer than the term.
    function setTerms(uint16 noticeDays, uint16 termDays, uint16 renewalWindowDays) external;

    /// @notice Lodges an objection during the notice. Caller: an active exchange, or a merchant recognised at the
    /// registering exchange. `ownEarlierRight` marks a claim of the objector's own earlier right, whose digest
    /// (a registration elsewhere, a contract) is `earlierRightDigest`.
    /// @return objectionId keccak256(abi.encode(assetId, msg.sender))
    function object(uint256 assetId, bytes32 groundsDigest, bool ownEarlierRight, bytes32 earlierRightDigest)
        external
        returns (bytes32 objectionId);

    /// @notice Resolves an open objection. Caller: the registering exchange or the regulator. Upheld: the
    /// registration is refused. Dismissed, and none left open: back to notice, or in force if the notice is over.
    function resolveObjection(uint256 assetId, address objector, bool upheld, string calldata reason) external;

    /// @notice Ends a notice that has run its course with no open objection. Anyone.
    function closeNotice(uint256 assetId) external;

    /// @notice Renews a registration in force (or lapsed) once its renewal window has opened: the new end is the
    /// later of the old end and today, plus the exchange's term. Caller: the holder or the registering exchange.
    function renew(uint256 assetId) external;

    /// @notice Shortens one registration's validity to end at the UTC midnight `validUntil` (after today, before the
    /// current end; e.g. public data whose authorisation term is shorter than the exchange's term). Caller: the
    /// registering exchange or the regulator; the registration must be in force.
    function limitValidity(uint256 assetId, uint40 validUntil, string calldata reason) external;

    /// @notice Records a change of the metadata (变更): its new digest and CID, with a reason. Holder only.
    function change(uint256 assetId, bytes32 metadataDigest, string calldata metadataCid, string calldata reason)
        external;

    /// @notice Records a correction of the metadata (更正). Registering exchange or regulator.
    function correct(uint256 assetId, bytes32 metadataDigest, string calldata metadataCid, string calldata reason)
        external;

    /// @notice The holder asks its registering exchange to cancel the registration.
    function requestCancellation(uint256 assetId, string calldata reason) external;

    /// @notice Cancels a registration for good: by the registering exchange on the current holder's request (not
    /// while pledged), or by the regulator at any time.
    function cancel(uint256 assetId, string calldata reason) external;

    /// @notice An exchange's renewal window in days (its notice length and term: DataAssetRegistry.exchangeTerms).
    function renewalWindowDays(address exchange) external view returns (uint16);

    /// @notice The stored objection of `objector` against the current registration of `assetId` (zeroed if none).
    function getObjection(uint256 assetId, address objector) external view returns (Objection memory);

    /// @notice The number of open objections against the current registration of an asset.
    function openObjections(uint256 assetId) external view returns (uint256);

    /// @notice The holder who asked for cancellation of the current registration (zero if none pending).
    function cancellationRequest(uint256 assetId) external view returns (address);

    /// @notice The objection id of `objector` against the current registration of `assetId` (its registration epoch
    /// read from the registry, which reverts for a digest not registered).
    function objectionIdOf(uint256 assetId, address objector) external view returns (bytes32);

    /// @notice The participant registry.
    function participants() external view returns (address);

    /// @notice The asset registry this module drives.
    function registry() external view returns (address);

    /// @notice The implementation version, "1.0.0".
    function version() external pure returns (string memory);
}

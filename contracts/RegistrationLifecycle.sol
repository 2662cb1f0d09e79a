// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IRegistrationLifecycle} from "./interfaces/IRegistrationLifecycle.sol";
import {IDataAssetRegistry} from "./interfaces/IDataAssetRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";

/// @title Registration lifecycle (公示, 异议, 续展, 变更, 更正, 注销) for DataAssetRegistry
/// @notice Per-exchange notice length, validity term and renewal window; objections during the notice, resolved
/// by the registering exchange or the regulator; renewal; metadata changes and corrections (events only: every
/// version stays in the log); cancellation by the holder through the registering exchange, or by the regulator.
/// @dev The status and the notice/validity end are stored in the registry's one-slot asset record and set through
/// its lifecycle role (`setStatus`), so the registry's single gate refuses assets not in force on every path.
/// Dates are UTC day numbers: a notice or validity ends at a midnight (UTC).
contract RegistrationLifecycle is IRegistrationLifecycle {
    uint8 private constant _OPEN = 1;
    uint8 private constant _UPHELD = 2;
    uint8 private constant _DISMISSED = 3;

    uint8 private constant _REGISTERED = 1;
    uint8 private constant _NOTICE = 2;
    uint8 private constant _OBJECTED = 3;
    uint8 private constant _REFUSED = 4;
    uint8 private constant _CANCELLED = 5;

    /// @notice The longest notice an exchange may set, in days.
    uint16 public constant MAX_NOTICE_DAYS = 365;
    /// @notice The longest validity term an exchange may set, in days (100 years; day numbers are uint16).
    uint16 public constant MAX_TERM_DAYS = 36_500;

    IParticipantRegistry private immutable _participants;
    IDataAssetRegistry private immutable _registry;

    /// @dev Renewal window per exchange, in days before the validity end.
    mapping(address exchange => uint16 days_) private _renewalWindows;
    /// @dev A pending cancellation request: the holder who asked, for the registration of this epoch.
    struct CancellationRequest {
        address holder;
        uint8 epoch;
    }

    /// @dev Objections by id keccak256(abi.encode(assetId, objector, epoch)).
    mapping(bytes32 objectionId => Objection objection) private _objections;
    /// @dev Open objections per registration (asset id and the registry's registration epoch of its digest).
    mapping(uint256 assetId => mapping(uint8 epoch => uint256 count)) private _open;
    /// @dev Pending cancellation requests.
    mapping(uint256 assetId => CancellationRequest request) private _cancellationRequests;

    /// @param participants_ The participant registry; must not be zero.
    /// @param registry_ The asset registry whose lifecycle role this contract holds; must not be zero.
    constructor(IParticipantRegistry participants_, IDataAssetRegistry registry_) {
        if (address(participants_) == address(0) || address(registry_) == address(0)) revert LifecycleZeroAddress();
        _participants = participants_;
        _registry = registry_;
    }

    // ------------------------------------------------------------------ terms

    /// @inheritdoc IRegistrationLifecycle
    function setTerms(uint16 noticeDays, uint16 termDays, uint16 windowDays) external {
        if (!_participants.isActiveExchange(msg.sender)) revert LifecycleUnauthorized(msg.sender);
        if (noticeDays > MAX_NOTICE_DAYS || termDays > MAX_TERM_DAYS || windowDays > termDays) {
            revert LifecycleInvalidTerms();
        }
        _renewalWindows[msg.sender] = windowDays;
        _registry.setExchangeTerms(msg.sender, noticeDays, termDays);
        emit ExchangeTermsSet(msg.sender, noticeDays, termDays, windowDays);
    }

    // ------------------------------------------------------------------ notice and objections

    /// @inheritdoc IRegistrationLifecycle
    function object(uint256 assetId, bytes32 groundsDigest, bool ownEarlierRight, bytes32 earlierRightDigest)
        external
        returns (bytes32 objectionId)
    {
        IDataAssetRegistry.Asset memory a = _registry.getAsset(assetId);
        if (!_participants.isActiveExchange(msg.sender) && !_participants.isRecognised(msg.sender, a.exchange)) {
            revert LifecycleUnauthorized(msg.sender);
        }
        if ((a.status != _NOTICE && a.status != _OBJECTED) || block.timestamp >= a.validUntil) {
            revert LifecycleNotInNotice(assetId, a.status, a.validUntil);
        }
        if (groundsDigest == 0 || (ownEarlierRight && earlierRightDigest == 0)) revert LifecycleInvalidDigest();
        objectionId = _objectionId(assetId, msg.sender, a.epoch);
        if (_objections[objectionId].objector != address(0)) revert LifecycleObjectionExists(objectionId);

        _objections[objectionId] = Objection({
            objector: msg.sender,
            lodgedAt: uint40(block.timestamp),
            state: _OPEN,
            ownEarlierRight: ownEarlierRight
        });
        ++_open[assetId][a.epoch];
        emit ObjectionLodged(assetId, objectionId, msg.sender, groundsDigest, ownEarlierRight, earlierRightDigest);
        if (a.status == _NOTICE) _registry.setStatus(assetId, _OBJECTED, _day(a.validUntil));
    }

    /// @inheritdoc IRegistrationLifecycle
    function resolveObjection(uint256 assetId, address objector, bool upheld, string calldata reason) external {
        IDataAssetRegistry.Asset memory a = _registry.getAsset(assetId);
        bool byRegulator = _requireExchangeOrRegulator(a.exchange);
        if (a.status != _OBJECTED) revert LifecycleNotInNotice(assetId, a.status, a.validUntil);
        bytes32 objectionId = _objectionId(assetId, objector, a.epoch);
        Objection storage o = _objections[objectionId];
        if (o.state != _OPEN) revert LifecycleObjectionNotOpen(objectionId);

        o.state = upheld ? _UPHELD : _DISMISSED;
        uint256 left = --_open[assetId][a.epoch];
        emit ObjectionResolved(assetId, objectionId, msg.sender, upheld, byRegulator, reason);
        if (upheld) {
            _registry.setStatus(assetId, _REFUSED, 0);
        } else if (left == 0) {
            if (block.timestamp >= a.validUntil) _activate(assetId, a);
            else _registry.setStatus(assetId, _NOTICE, _day(a.validUntil));
        }
    }

    /// @inheritdoc IRegistrationLifecycle
    function closeNotice(uint256 assetId) external {
        IDataAssetRegistry.Asset memory a = _registry.getAsset(assetId);
        if (a.status == _OBJECTED) revert LifecycleObjectionsOpen(assetId);
        if (a.status != _NOTICE) revert LifecycleNotInNotice(assetId, a.status, a.validUntil);
        if (block.timestamp < a.validUntil) revert LifecycleNoticeNotOver(assetId, a.validUntil);
        _activate(assetId, a);
    }

    // ------------------------------------------------------------------ validity

    /// @inheritdoc IRegistrationLifecycle
    function renew(uint256 assetId) external {
        IDataAssetRegistry.Asset memory a = _registry.getAsset(assetId);
        if (msg.sender == _holderOf(assetId)) {
            if (!_participants.isActiveMerchant(msg.sender)) revert LifecycleUnauthorized(msg.sender);
        } else if (msg.sender != a.exchange || !_participants.isActiveExchange(msg.sender)) {
            revert LifecycleUnauthorized(msg.sender);
        }
        if (a.status != _REGISTERED) revert LifecycleNotInForce(assetId, a.status);
        if (a.validUntil == 0) revert LifecycleNoValidityTerm(assetId);
        uint40 opensAt = a.validUntil - uint40(_renewalWindows[a.exchange]) * 1 days;
        if (block.timestamp < opensAt) revert LifecycleOutsideRenewalWindow(assetId, opensAt, a.validUntil);

        (,, uint16 termDays) = _registry.exchangeTerms(a.exchange);
        uint16 from = _day(a.validUntil);
        uint16 today = uint16(block.timestamp / 1 days);
        if (today > from) from = today; // a lapsed registration runs again from today
        uint16 untilDay = termDays == 0 ? 0 : from + termDays;
        emit RegistrationRenewed(assetId, msg.sender, a.validUntil, uint40(untilDay) * 1 days);
        _registry.setStatus(assetId, _REGISTERED, untilDay);
    }

    /// @inheritdoc IRegistrationLifecycle
    function limitValidity(uint256 assetId, uint40 validUntil, string calldata reason) external {
        IDataAssetRegistry.Asset memory a = _registry.getAsset(assetId);
        _requireExchangeOrRegulator(a.exchange);
        if (a.status != _REGISTERED) revert LifecycleNotInForce(assetId, a.status);
        if (bytes(reason).length == 0) revert LifecycleReasonRequired();
        bool shortens = a.validUntil == 0 || validUntil < a.validUntil;
        bool representable = validUntil <= uint40(type(uint16).max) * 1 days;
        if (validUntil % 1 days != 0 || validUntil <= block.timestamp || !shortens || !representable) {
            revert LifecycleInvalidValidity(assetId, validUntil);
        }
        emit ValidityLimited(assetId, msg.sender, a.validUntil, validUntil, reason);
        _registry.setStatus(assetId, _REGISTERED, _day(validUntil));
    }

    // ------------------------------------------------------------------ change and correction

    /// @inheritdoc IRegistrationLifecycle
    function change(uint256 assetId, bytes32 metadataDigest, string calldata metadataCid, string calldata reason)
        external
    {
        IDataAssetRegistry.Asset memory a = _registry.getAsset(assetId);
        if (msg.sender != _holderOf(assetId) || !_participants.isActiveMerchant(msg.sender)) {
            revert LifecycleUnauthorized(msg.sender);
        }
        _recordMetadata(assetId, a.status, false, metadataDigest, metadataCid, reason);
    }

    /// @inheritdoc IRegistrationLifecycle
    function correct(uint256 assetId, bytes32 metadataDigest, string calldata metadataCid, string calldata reason)
        external
    {
        IDataAssetRegistry.Asset memory a = _registry.getAsset(assetId);
        _requireExchangeOrRegulator(a.exchange);
        _recordMetadata(assetId, a.status, true, metadataDigest, metadataCid, reason);
    }

    // ------------------------------------------------------------------ cancellation

    /// @inheritdoc IRegistrationLifecycle
    function requestCancellation(uint256 assetId, string calldata reason) external {
        IDataAssetRegistry.Asset memory a = _registry.getAsset(assetId);
        if (msg.sender != _holderOf(assetId) || !_participants.isActiveMerchant(msg.sender)) {
            revert LifecycleUnauthorized(msg.sender);
        }
        if (a.status >= _REFUSED) revert LifecycleFinal(assetId, a.status);
        if (bytes(reason).length == 0) revert LifecycleReasonRequired();
        _cancellationRequests[assetId] = CancellationRequest({holder: msg.sender, epoch: a.epoch});
        emit CancellationRequested(assetId, msg.sender, reason);
    }

    /// @inheritdoc IRegistrationLifecycle
    function cancel(uint256 assetId, string calldata reason) external {
        IDataAssetRegistry.Asset memory a = _registry.getAsset(assetId);
        bool byRegulator = _requireExchangeOrRegulator(a.exchange);
        if (a.status >= _REFUSED) revert LifecycleFinal(assetId, a.status);
        if (bytes(reason).length == 0) revert LifecycleReasonRequired();
        if (!byRegulator) {
            CancellationRequest memory request = _cancellationRequests[assetId];
            if (request.holder == address(0) || request.holder != _holderOf(assetId) || request.epoch != a.epoch) {
                revert LifecycleNoCancellationRequest(assetId);
            }
            if (a.pledged) revert LifecycleAssetPledged(assetId);
        }
        delete _cancellationRequests[assetId];
        emit RegistrationCancelled(assetId, msg.sender, byRegulator, reason);
        _registry.setStatus(assetId, _CANCELLED, 0);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IRegistrationLifecycle
    function renewalWindowDays(address exchange) external view returns (uint16) {
        return _renewalWindows[exchange];
    }

    /// @inheritdoc IRegistrationLifecycle
    function getObjection(uint256 assetId, address objector) external view returns (Objection memory) {
        return _objections[objectionIdOf(assetId, objector)];
    }

    /// @inheritdoc IRegistrationLifecycle
    function openObjections(uint256 assetId) external view returns (uint256) {
        return _open[assetId][_registry.getAsset(assetId).epoch];
    }

    /// @inheritdoc IRegistrationLifecycle
    function cancellationRequest(uint256 assetId) external view returns (address) {
        CancellationRequest memory request = _cancellationRequests[assetId];
        return request.epoch == _registry.getAsset(assetId).epoch ? request.holder : address(0);
    }

    /// @inheritdoc IRegistrationLifecycle
    function objectionIdOf(uint256 assetId, address objector) public view returns (bytes32) {
        return _objectionId(assetId, objector, _registry.getAsset(assetId).epoch);
    }

    /// @inheritdoc IRegistrationLifecycle
    function participants() external view returns (address) {
        return address(_participants);
    }

    /// @inheritdoc IRegistrationLifecycle
    function registry() external view returns (address) {
        return address(_registry);
    }

    /// @inheritdoc IRegistrationLifecycle
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    // ------------------------------------------------------------------ internals

    /// @dev Puts a registration whose notice is over in force: its validity runs from the end of the notice for
    /// the registering exchange's current term (none when the term is 0).
    function _activate(uint256 assetId, IDataAssetRegistry.Asset memory a) private {
        (,, uint16 termDays) = _registry.exchangeTerms(a.exchange);
        uint16 untilDay = termDays == 0 ? 0 : _day(a.validUntil) + termDays;
        emit NoticeClosed(assetId, uint40(untilDay) * 1 days);
        _registry.setStatus(assetId, _REGISTERED, untilDay);
    }

    /// @dev Checks and announces a new metadata version.
    function _recordMetadata(
        uint256 assetId,
        uint8 status,
        bool correction,
        bytes32 metadataDigest,
        string calldata metadataCid,
        string calldata reason
    ) private {
        if (status >= _REFUSED) revert LifecycleFinal(assetId, status);
        if (metadataDigest == 0) revert LifecycleInvalidDigest();
        if (bytes(reason).length == 0) revert LifecycleReasonRequired();
        emit MetadataChanged(assetId, msg.sender, correction, metadataDigest, metadataCid, reason);
    }

    /// @dev Reverts unless the caller is the regulator or `exchange` itself while active; true for the regulator.
    function _requireExchangeOrRegulator(address exchange) private view returns (bool byRegulator) {
        if (_participants.isRegulator(msg.sender)) return true;
        if (msg.sender != exchange || !_participants.isActiveExchange(msg.sender)) {
            revert LifecycleUnauthorized(msg.sender);
        }
        return false;
    }

    /// @dev keccak256(abi.encode(assetId, objector, epoch)): an objection belongs to one registration of the digest.
    function _objectionId(uint256 assetId, address objector, uint8 epoch) private pure returns (bytes32) {
        return keccak256(abi.encode(assetId, objector, epoch));
    }

    /// @dev The asset's holder (the registry's ERC-721 owner).
    function _holderOf(uint256 assetId) private view returns (address) {
        return IERC721(address(_registry)).ownerOf(assetId);
    }

    /// @dev The UTC day number of a midnight unix time.
    function _day(uint40 midnight) private pure returns (uint16) {
        return uint16(midnight / 1 days);
    }
}

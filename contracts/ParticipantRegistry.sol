// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {EIP712Verifier} from "./eip712/EIP712Verifier.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {MerchantCategory, ParticipantStatus, RecognitionPath} from "./common/Types.sol";

/// @title Participants and mutual recognition (数商互认, 交易机构互联)
/// @notice The regulator (GOVERNOR_ROLE) accredits, suspends and reinstates exchanges; an active exchange onboards
/// merchants, suspends and reinstates its own, and recognises other exchanges as a whole or single merchants.
/// `recognitionPath` answers "is merchant M recognised at exchange B, and how" in one call.
/// @dev The default admin (who grants and revokes GOVERNOR_ROLE) moves only in two delayed steps
/// (AccessControlDefaultAdminRules). Every record is one slot; recognitions are one bool slot each.
contract ParticipantRegistry is IParticipantRegistry, AccessControlDefaultAdminRules, EIP712Verifier, Nonces {
    /// @notice The regulator's role (数据管理部门): accredits exchanges, suspends anyone, reinstates what it suspended.
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");
    /// @notice EIP-712 type the merchant signs (category as uint8; `exchange` is the home-to-be):
    /// Onboarding(address merchant,address exchange,uint8 category,bytes32 credentialDigest,uint256 nonce,
    /// uint64 deadline)
    bytes32 public constant ONBOARDING_TYPEHASH = keccak256(
        "Onboarding(address merchant,address exchange,uint8 category,bytes32 credentialDigest,uint256 nonce,"
        "uint64 deadline)"
    );

    // Accredited exchanges by account.
    mapping(address exchange => Exchange record) private _exchanges;
    // Which exchange holds a code (codes are unique for the registry's life, even after suspension).
    mapping(bytes4 code => address exchange) private _codeHolders;
    // Onboarded merchants by account.
    mapping(address merchant => Merchant record) private _merchants;
    // Whole-exchange recognitions: recogniser => recognised exchange => recognised?
    mapping(address recogniser => mapping(address recognised => bool yes)) private _exchangeRecognitions;
    // Single-merchant recognitions: recogniser => merchant => recognised?
    mapping(address recogniser => mapping(address merchant => bool yes)) private _merchantRecognitions;

    /// @param adminDelay Delay (seconds) before a new default admin can accept the role.
    /// @param regulator The first regulator: receives DEFAULT_ADMIN_ROLE and GOVERNOR_ROLE. A zero address is
    /// refused by AccessControlDefaultAdminRules (AccessControlInvalidDefaultAdmin).
    constructor(uint48 adminDelay, address regulator)
        AccessControlDefaultAdminRules(adminDelay, regulator)
        EIP712Verifier("Shuquan ParticipantRegistry", "1")
    {
        _grantRole(GOVERNOR_ROLE, regulator);
    }

    // ---------------------------------------------------------------- exchanges (regulator)

    /// @inheritdoc IParticipantRegistry
    function accreditExchange(address exchange, bytes4 code, string calldata name) external {
        _requireRegulator();
        if (exchange == address(0)) revert ParticipantsZeroAddress();
        if (!_isValidCode(code)) revert ParticipantsInvalidExchangeCode(code);
        if (_exchanges[exchange].status != ParticipantStatus.None) {
            revert ParticipantsExchangeAlreadyAccredited(exchange);
        }
        if (_merchants[exchange].status != ParticipantStatus.None) revert ParticipantsRoleConflict(exchange);
        address holder = _codeHolders[code];
        if (holder != address(0)) revert ParticipantsExchangeCodeTaken(code, holder);

        _codeHolders[code] = exchange;
        _exchanges[exchange] =
            Exchange({code: code, status: ParticipantStatus.Active, accreditedAt: uint40(block.timestamp)});
        emit ExchangeAccredited(exchange, code, name, msg.sender);
    }

    /// @inheritdoc IParticipantRegistry
    function suspendExchange(address exchange, string calldata reason) external {
        _requireRegulator();
        Exchange storage e = _exchanges[exchange];
        if (e.status != ParticipantStatus.Active) revert ParticipantsExchangeNotActive(exchange);
        e.status = ParticipantStatus.Suspended;
        emit ExchangeSuspended(exchange, msg.sender, reason);
    }

    /// @inheritdoc IParticipantRegistry
    function reinstateExchange(address exchange, string calldata reason) external {
        _requireRegulator();
        Exchange storage e = _exchanges[exchange];
        if (e.status != ParticipantStatus.Suspended) revert ParticipantsExchangeNotSuspended(exchange);
        e.status = ParticipantStatus.Active;
        emit ExchangeReinstated(exchange, msg.sender, reason);
    }

    // ---------------------------------------------------------------- merchants

    /// @inheritdoc IParticipantRegistry
    /// @dev Checks: the caller is an active exchange; the merchant is not zero, not an exchange, and not already the
    /// caller's; a merchant of another home must be active (a suspension cannot be escaped by moving); the deadline;
    /// the merchant's signature over its current nonce (used up). A move keeps the record's regulator state (none:
    /// the merchant is active) and emits MerchantMoved; a first onboarding emits MerchantOnboarded.
    function onboardMerchant(
        address merchant,
        MerchantCategory category,
        bytes32 credentialDigest,
        uint64 deadline,
        bytes calldata merchantSignature
    ) external {
        _requireActiveExchange(msg.sender);
        if (merchant == address(0)) revert ParticipantsZeroAddress();
        Merchant storage m = _merchants[merchant];
        address from = m.homeExchange;
        if (m.status != ParticipantStatus.None) {
            if (from == msg.sender) revert ParticipantsMerchantAlreadyOnboarded(merchant, from);
            if (m.status != ParticipantStatus.Active) revert ParticipantsMerchantNotActive(merchant);
        }
        if (_exchanges[merchant].status != ParticipantStatus.None) revert ParticipantsRoleConflict(merchant);
        if (_time() > deadline) revert ParticipantsConsentExpired(deadline);
        bytes32 structHash =
            _onboardingHash(merchant, msg.sender, category, credentialDigest, _useNonce(merchant), deadline);
        _requireValidSignature(merchant, structHash, merchantSignature);

        if (m.status != ParticipantStatus.None) {
            m.homeExchange = msg.sender;
            m.category = category;
            emit MerchantMoved(merchant, from, msg.sender, category, credentialDigest);
            return;
        }
        _merchants[merchant] = Merchant({
            homeExchange: msg.sender,
            category: category,
            status: ParticipantStatus.Active,
            heldByRegulator: false,
            onboardedAt: uint40(block.timestamp),
            suspendedByHome: false
        });
        emit MerchantOnboarded(merchant, msg.sender, category, credentialDigest);
    }

    /// @inheritdoc IParticipantRegistry
    /// @dev Two independent suspensions: the home exchange's (`suspendedByHome`) and the regulator's
    /// (`heldByRegulator`). The merchant is suspended while either stands; each party lifts only its own. The home
    /// exchange must itself be active to act.
    function suspendMerchant(address merchant, string calldata reason) external {
        Merchant storage m = _merchants[merchant];
        if (m.status == ParticipantStatus.None) revert ParticipantsMerchantNotFound(merchant);

        bool byRegulator = _isRegulator(msg.sender);
        if (byRegulator) {
            if (m.heldByRegulator) revert ParticipantsMerchantAlreadySuspended(merchant);
            m.heldByRegulator = true;
        } else {
            _requireHomeExchange(m, merchant);
            if (m.suspendedByHome) revert ParticipantsMerchantAlreadySuspended(merchant);
            m.suspendedByHome = true;
        }
        m.status = ParticipantStatus.Suspended;
        emit MerchantSuspended(merchant, msg.sender, byRegulator, reason);
    }

    /// @inheritdoc IParticipantRegistry
    /// @dev The regulator lifts its own hold (and nothing else); the home exchange lifts its own suspension (a hold
    /// by the regulator alone reverts ParticipantsMerchantHeldByRegulator). The merchant is active again only when
    /// neither stands: then MerchantReinstated is emitted; a lift that leaves the other suspension standing emits
    /// MerchantSuspensionLifted instead.
    function reinstateMerchant(address merchant, string calldata reason) external {
        Merchant storage m = _merchants[merchant];
        if (m.status == ParticipantStatus.None) revert ParticipantsMerchantNotFound(merchant);
        if (m.status != ParticipantStatus.Suspended) revert ParticipantsMerchantNotSuspended(merchant);

        if (m.heldByRegulator && _isRegulator(msg.sender)) {
            m.heldByRegulator = false;
        } else {
            _requireHomeExchange(m, merchant);
            if (!m.suspendedByHome) revert ParticipantsMerchantHeldByRegulator(merchant);
            m.suspendedByHome = false;
        }
        if (m.heldByRegulator || m.suspendedByHome) {
            emit MerchantSuspensionLifted(merchant, msg.sender, !m.heldByRegulator, reason);
            return;
        }
        m.status = ParticipantStatus.Active;
        emit MerchantReinstated(merchant, msg.sender, reason);
    }

    /// @inheritdoc IParticipantRegistry
    function cancelOnboardingConsent() external {
        emit OnboardingConsentCancelled(msg.sender, _useNonce(msg.sender));
    }

    /// @inheritdoc IParticipantRegistry
    /// @dev The old home's suspension falls away with the old home; a hold by the regulator stays.
    function rehomeMerchant(address merchant, address newHome, string calldata reason) external {
        _requireRegulator();
        Merchant storage m = _merchants[merchant];
        if (m.status == ParticipantStatus.None) revert ParticipantsMerchantNotFound(merchant);
        _requireActiveExchange(newHome);
        address from = m.homeExchange;
        if (from == newHome) revert ParticipantsSameHome(merchant, newHome);
        m.homeExchange = newHome;
        m.suspendedByHome = false;
        if (!m.heldByRegulator) m.status = ParticipantStatus.Active;
        emit MerchantRehomed(merchant, from, newHome, msg.sender, reason);
    }

    /// @inheritdoc IParticipantRegistry
    /// @dev Recognitions of the merchant by other exchanges stay recorded (they confer nothing while it is not
    /// onboarded); the assets it holds stay its own, but it cannot act until onboarded again.
    function offboardMerchant(address merchant, string calldata reason) external {
        _requireRegulator();
        Merchant storage m = _merchants[merchant];
        if (m.status == ParticipantStatus.None) revert ParticipantsMerchantNotFound(merchant);
        address home = m.homeExchange;
        delete _merchants[merchant];
        emit MerchantOffboarded(merchant, home, msg.sender, reason);
    }

    // ---------------------------------------------------------------- recognition (互认)

    /// @inheritdoc IParticipantRegistry
    /// @dev The recognised exchange must be active when recognised; a later suspension makes the recognition
    /// confer nothing until it is reinstated.
    function recogniseExchange(address exchange) external {
        _requireActiveExchange(msg.sender);
        if (exchange == msg.sender) revert ParticipantsSelfRecognition(msg.sender);
        if (_exchanges[exchange].status != ParticipantStatus.Active) revert ParticipantsExchangeNotActive(exchange);
        if (_exchangeRecognitions[msg.sender][exchange]) revert ParticipantsAlreadyRecognised(msg.sender, exchange);
        _exchangeRecognitions[msg.sender][exchange] = true;
        emit ExchangeRecognised(msg.sender, exchange);
    }

    /// @inheritdoc IParticipantRegistry
    /// @dev Allowed to a suspended exchange too: withdrawing only narrows what it accepts.
    function withdrawExchangeRecognition(address exchange) external {
        if (!_exchangeRecognitions[msg.sender][exchange]) {
            revert ParticipantsRecognitionNotFound(msg.sender, exchange);
        }
        _exchangeRecognitions[msg.sender][exchange] = false;
        emit ExchangeRecognitionWithdrawn(msg.sender, exchange);
    }

    /// @inheritdoc IParticipantRegistry
    /// @dev The merchant must be onboarded (at any status) by another exchange.
    function recogniseMerchant(address merchant) external {
        _requireActiveExchange(msg.sender);
        Merchant storage m = _merchants[merchant];
        if (m.status == ParticipantStatus.None) revert ParticipantsMerchantNotFound(merchant);
        if (m.homeExchange == msg.sender) revert ParticipantsSelfRecognition(msg.sender);
        if (_merchantRecognitions[msg.sender][merchant]) revert ParticipantsAlreadyRecognised(msg.sender, merchant);
        _merchantRecognitions[msg.sender][merchant] = true;
        emit MerchantRecognised(msg.sender, merchant);
    }

    /// @inheritdoc IParticipantRegistry
    /// @dev Allowed to a suspended exchange too: withdrawing only narrows what it accepts.
    function withdrawMerchantRecognition(address merchant) external {
        if (!_merchantRecognitions[msg.sender][merchant]) {
            revert ParticipantsRecognitionNotFound(msg.sender, merchant);
        }
        _merchantRecognitions[msg.sender][merchant] = false;
        emit MerchantRecognitionWithdrawn(msg.sender, merchant);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IParticipantRegistry
    /// @dev When both a whole-exchange and a single-merchant recognition exist, WholeExchange is reported.
    function recognitionPath(address merchant, address exchange) public view returns (RecognitionPath) {
        if (_exchanges[exchange].status != ParticipantStatus.Active) return RecognitionPath.None;
        return _pathAtActiveExchange(merchant, exchange);
    }

    /// @inheritdoc IParticipantRegistry
    function isRecognised(address merchant, address exchange) external view returns (bool) {
        return recognitionPath(merchant, exchange) != RecognitionPath.None;
    }

    /// @inheritdoc IParticipantRegistry
    /// @dev Loops over the caller-supplied `parties` (calldata, bounded by the caller), not over stored data.
    function requireRecognised(address exchange, address[] calldata parties) external view returns (bytes4 code) {
        Exchange storage e = _exchanges[exchange];
        if (e.status != ParticipantStatus.Active) revert ParticipantsExchangeNotActive(exchange);
        uint256 n = parties.length;
        for (uint256 i; i < n; ++i) {
            if (_pathAtActiveExchange(parties[i], exchange) == RecognitionPath.None) {
                revert ParticipantsNotRecognised(parties[i], exchange);
            }
        }
        return e.code;
    }

    /// @inheritdoc IParticipantRegistry
    function isActiveExchange(address exchange) external view returns (bool) {
        return _exchanges[exchange].status == ParticipantStatus.Active;
    }

    /// @inheritdoc IParticipantRegistry
    function isActiveMerchant(address merchant) external view returns (bool) {
        Merchant storage m = _merchants[merchant];
        return m.status == ParticipantStatus.Active && _exchanges[m.homeExchange].status == ParticipantStatus.Active;
    }

    /// @inheritdoc IParticipantRegistry
    function isRegulator(address account) external view returns (bool) {
        return _isRegulator(account);
    }

    /// @inheritdoc IParticipantRegistry
    function getExchange(address exchange) external view returns (Exchange memory) {
        return _exchanges[exchange];
    }

    /// @inheritdoc IParticipantRegistry
    function getMerchant(address merchant) external view returns (Merchant memory) {
        return _merchants[merchant];
    }

    /// @inheritdoc IParticipantRegistry
    function recognisesExchange(address recogniser, address recognised) external view returns (bool) {
        return _exchangeRecognitions[recogniser][recognised];
    }

    /// @inheritdoc IParticipantRegistry
    function recognisesMerchant(address recogniser, address merchant) external view returns (bool) {
        return _merchantRecognitions[recogniser][merchant];
    }

    /// @inheritdoc IParticipantRegistry
    function exchangeOfCode(bytes4 code) external view returns (address) {
        return _codeHolders[code];
    }

    /// @inheritdoc IParticipantRegistry
    function onboardingNonce(address merchant) external view returns (uint256) {
        return nonces(merchant);
    }

    /// @inheritdoc IParticipantRegistry
    function hashOnboarding(
        address merchant,
        address exchange,
        MerchantCategory category,
        bytes32 credentialDigest,
        uint256 nonce,
        uint64 deadline
    ) external view returns (bytes32) {
        return _hashTypedDataV4(_onboardingHash(merchant, exchange, category, credentialDigest, nonce, deadline));
    }

    /// @inheritdoc IParticipantRegistry
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    // ---------------------------------------------------------------- internals

    /// @dev The regulator's role follows the default-admin handover: the new admin becomes the regulator and the
    /// old admin stops being one (otherwise a handed-over key would keep every regulator power).
    function _acceptDefaultAdminTransfer() internal override {
        address previous = defaultAdmin();
        (address next,) = pendingDefaultAdmin();
        super._acceptDefaultAdminTransfer();
        if (previous != address(0)) _revokeRole(GOVERNOR_ROLE, previous);
        _grantRole(GOVERNOR_ROLE, next);
    }

    /// @dev `recognitionPath` once `exchange` is known to be active.
    function _pathAtActiveExchange(address merchant, address exchange) private view returns (RecognitionPath) {
        Merchant storage m = _merchants[merchant];
        if (m.status != ParticipantStatus.Active) return RecognitionPath.None;
        address home = m.homeExchange;
        if (home == exchange) return RecognitionPath.Home;
        if (_exchanges[home].status != ParticipantStatus.Active) return RecognitionPath.None;
        if (_exchangeRecognitions[exchange][home]) return RecognitionPath.WholeExchange;
        if (_merchantRecognitions[exchange][merchant]) return RecognitionPath.SingleMerchant;
        return RecognitionPath.None;
    }

    /// @dev The EIP-712 struct hash of an `Onboarding`.
    function _onboardingHash(
        address merchant,
        address exchange,
        MerchantCategory category,
        bytes32 credentialDigest,
        uint256 nonce,
        uint64 deadline
    ) private pure returns (bytes32) {
        return keccak256(
            abi.encode(ONBOARDING_TYPEHASH, merchant, exchange, category, credentialDigest, nonce, deadline)
        );
    }

    /// @dev Invalid onboarding signatures revert with this contract's interface error.
    function _revertInvalidSignature(address signer) internal pure override {
        revert ParticipantsInvalidSignature(signer);
    }

    function _isRegulator(address account) private view returns (bool) {
        return hasRole(GOVERNOR_ROLE, account);
    }

    function _requireRegulator() private view {
        if (!_isRegulator(msg.sender)) revert ParticipantsUnauthorized(msg.sender);
    }

    function _requireActiveExchange(address exchange) private view {
        if (_exchanges[exchange].status != ParticipantStatus.Active) revert ParticipantsExchangeNotActive(exchange);
    }

    /// @dev The caller must be `m`'s home exchange, and active.
    function _requireHomeExchange(Merchant storage m, address merchant) private view {
        if (m.homeExchange != msg.sender) revert ParticipantsNotHomeExchange(merchant, msg.sender);
        _requireActiveExchange(msg.sender);
    }

    /// @dev 2-4 characters of [A-Z0-9], left-aligned, then zero bytes only.
    function _isValidCode(bytes4 code) private pure returns (bool) {
        uint256 len;
        for (uint256 i; i < 4; ++i) {
            bytes1 c = code[i];
            if (c == 0) break;
            if (!((c >= "A" && c <= "Z") || (c >= "0" && c <= "9"))) return false;
            ++len;
        }
        if (len < 2) return false;
        // Everything after the first zero byte must be zero too.
        return uint256(uint32(code)) << (8 * len + 224) == 0;
    }
}

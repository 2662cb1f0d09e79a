// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {MerchantCategory, ParticipantStatus, RecognitionPath} from "../common/Types.sol";

/// @title Participants and mutual recognition (数商互认, 交易机构互联)
/// @notice The regulator accredits exchanges; an exchange onboards merchants and recognises other exchanges
/// (as a whole) or single merchants. Suspension by the home exchange or the regulator takes effect everywhere.
/// The regulator is any account holding GOVERNOR_ROLE here; the other Shuquan contracts ask this contract.
interface IParticipantRegistry {
    /// @dev A stored exchange record (one slot).
    struct Exchange {
        bytes4 code; // short ASCII code used in registration numbers, e.g. "SHDE"
        ParticipantStatus status; // Active or Suspended once accredited
        uint40 accreditedAt; // unix time of accreditation
    }

    /// @dev A stored merchant record (one slot).
    struct Merchant {
        address homeExchange; // the exchange that onboarded it
        MerchantCategory category; // 数商类别
        ParticipantStatus status; // Active or Suspended
        bool heldByRegulator; // suspended by the regulator: only the regulator lifts this
        uint40 onboardedAt; // unix time of onboarding
        bool suspendedByHome; // suspended by the home exchange: only the home exchange lifts this
    }

    error ParticipantsUnauthorized(address account); // caller lacks the role the call needs
    error ParticipantsZeroAddress(); // an address argument is zero
    error ParticipantsInvalidExchangeCode(bytes4 code); // code not 2-4 ASCII [A-Z0-9], left-aligned
    error ParticipantsExchangeCodeTaken(bytes4 code, address holder); // code already used by another exchange
    error ParticipantsExchangeAlreadyAccredited(address exchange); // accrediting twice
    error ParticipantsExchangeNotActive(address exchange); // unknown or suspended exchange
    error ParticipantsExchangeNotSuspended(address exchange); // reinstating an exchange that is not suspended
    error ParticipantsMerchantAlreadyOnboarded(address merchant, address homeExchange); // one home per merchant
    error ParticipantsMerchantNotFound(address merchant); // never onboarded
    error ParticipantsMerchantNotSuspended(address merchant); // reinstating an active merchant
    error ParticipantsMerchantAlreadySuspended(address merchant); // suspending twice (the regulator may escalate once)
    error ParticipantsMerchantHeldByRegulator(address merchant); // only the regulator can reinstate
    error ParticipantsNotHomeExchange(address merchant, address caller); // exchange acting on another's merchant
    error ParticipantsSelfRecognition(address exchange); // an exchange recognising itself
    error ParticipantsAlreadyRecognised(address recogniser, address subject); // duplicate recognition
    error ParticipantsNotRecognised(address merchant, address exchange); // merchant not recognised there
    error ParticipantsRecognitionNotFound(address recogniser, address subject); // withdrawing a missing one
    error ParticipantsRoleConflict(address account); // an exchange cannot be a merchant, nor a merchant an exchange
    error ParticipantsInvalidSignature(address merchant); // not the merchant's signature over the onboarding
    error ParticipantsConsentExpired(uint64 deadline); // the merchant's onboarding consent has expired
    error ParticipantsMerchantNotActive(address merchant); // a suspended merchant cannot move its home
    error ParticipantsSameHome(address merchant, address exchange); // re-homing to the current home

    /// @notice Emitted when the regulator accredits an exchange.
    event ExchangeAccredited(address indexed exchange, bytes4 code, string name, address indexed regulator);
    /// @notice Emitted when the regulator suspends an exchange.
    event ExchangeSuspended(address indexed exchange, address indexed regulator, string reason);
    /// @notice Emitted when the regulator reinstates a suspended exchange.
    event ExchangeReinstated(address indexed exchange, address indexed regulator, string reason);
    /// @notice Emitted when an exchange onboards a merchant.
    event MerchantOnboarded(
        address indexed merchant,
        address indexed homeExchange,
        MerchantCategory category,
        bytes32 credentialDigest
    );
    /// @notice Emitted when a merchant moves its home to another exchange with its own signed consent and the new
    /// exchange's call.
    event MerchantMoved(
        address indexed merchant,
        address indexed from,
        address indexed to,
        MerchantCategory category,
        bytes32 credentialDigest
    );
    /// @notice Emitted when the regulator re-homes a merchant (the old home's suspension, if any, falls away).
    event MerchantRehomed(
        address indexed merchant, address indexed from, address indexed to, address regulator, string reason
    );
    /// @notice Emitted when the regulator offboards a merchant: it is no one's merchant (and may later be onboarded
    /// again, with its consent, or become an exchange).
    event MerchantOffboarded(address indexed merchant, address indexed home, address indexed regulator, string reason);
    /// @notice Emitted when a merchant voids the onboarding consents it signed with its current nonce.
    event OnboardingConsentCancelled(address indexed merchant, uint256 nonce);
    /// @notice Emitted when the home exchange or the regulator suspends a merchant.
    event MerchantSuspended(address indexed merchant, address indexed by, bool byRegulator, string reason);
    /// @notice Emitted when one party lifts its suspension of a merchant while the other's still stands (the merchant
    /// stays suspended); `byRegulator` says whose was lifted.
    event MerchantSuspensionLifted(address indexed merchant, address indexed by, bool byRegulator, string reason);
    /// @notice Emitted when a suspended merchant is reinstated (active again).
    event MerchantReinstated(address indexed merchant, address indexed by, string reason);
    /// @notice Emitted when `recogniser` recognises every merchant onboarded by `recognised`.
    event ExchangeRecognised(address indexed recogniser, address indexed recognised);
    /// @notice Emitted when `recogniser` withdraws its whole-exchange recognition of `recognised`.
    event ExchangeRecognitionWithdrawn(address indexed recogniser, address indexed recognised);
    /// @notice Emitted when `recogniser` recognises a single merchant of another exchange.
    event MerchantRecognised(address indexed recogniser, address indexed merchant);
    /// @notice Emitted when `recogniser` withdraws its recognition of a single merchant.
    event MerchantRecognitionWithdrawn(address indexed recogniser, address indexed merchant);

    /// @notice Accredits an exchange. Regulator only.
    /// @param exchange The exchange's account (its own key or multisig).
    /// @param code 2-4 upper-case ASCII letters or digits, left-aligned, zero-padded; unique.
    /// @param name The exchange's name, for the record.
    function accreditExchange(address exchange, bytes4 code, string calldata name) external;

    /// @notice Suspends an exchange: all its actions, and every recognition through it, fail. Regulator only.
    function suspendExchange(address exchange, string calldata reason) external;

    /// @notice Reinstates a suspended exchange. Regulator only.
    function reinstateExchange(address exchange, string calldata reason) external;

    /// @notice Onboards a merchant with the caller (an active exchange) as its home exchange, with the merchant's
    /// signed consent (EIP-712 `Onboarding`, ECDSA or ERC-1271, the merchant's current nonce). An accredited exchange
    /// cannot be onboarded as a merchant (it would hold rights and record its own trades). A merchant onboarded at
    /// another exchange, active, moves its home to the caller (both sides consent: its signature, the caller's call).
    /// @param credentialDigest SHA-256 of the exchange's onboarding credential for this merchant.
    /// @param deadline The merchant's consent is void after this unix time.
    /// @param merchantSignature The merchant's signature of the `Onboarding` naming the caller.
    function onboardMerchant(
        address merchant,
        MerchantCategory category,
        bytes32 credentialDigest,
        uint64 deadline,
        bytes calldata merchantSignature
    ) external;

    /// @notice Voids the caller's outstanding onboarding consent (uses up its current nonce).
    function cancelOnboardingConsent() external;

    /// @notice The merchant's current onboarding-consent nonce.
    function onboardingNonce(address merchant) external view returns (uint256);

    /// @notice The EIP-712 digest the merchant signs to be onboarded by `exchange`.
    function hashOnboarding(
        address merchant,
        address exchange,
        MerchantCategory category,
        bytes32 credentialDigest,
        uint256 nonce,
        uint64 deadline
    ) external view returns (bytes32);

    /// @notice Moves a merchant to another active home exchange. Regulator only, with a reason.
    function rehomeMerchant(address merchant, address newHome, string calldata reason) external;

    /// @notice Removes a merchant's onboarding. Regulator only, with a reason.
    function offboardMerchant(address merchant, string calldata reason) external;

    /// @notice Suspends a merchant: by its home exchange, or by the regulator (who alone can then reinstate).
    function suspendMerchant(address merchant, string calldata reason) external;

    /// @notice Reinstates a suspended merchant: by its home exchange, or the regulator if it holds the suspension.
    function reinstateMerchant(address merchant, string calldata reason) external;

    /// @notice The caller (an active exchange) recognises every merchant onboarded by `exchange`.
    function recogniseExchange(address exchange) external;

    /// @notice The caller withdraws its whole-exchange recognition of `exchange`.
    function withdrawExchangeRecognition(address exchange) external;

    /// @notice The caller (an active exchange) recognises a single merchant onboarded elsewhere.
    function recogniseMerchant(address merchant) external;

    /// @notice The caller withdraws its recognition of a single merchant.
    function withdrawMerchantRecognition(address merchant) external;

    /// @notice Is `merchant` recognised at `exchange`, and by which path? `None` if either party is unknown or
    /// suspended, or the merchant's home exchange is suspended.
    function recognitionPath(address merchant, address exchange) external view returns (RecognitionPath);

    /// @notice True when `recognitionPath(merchant, exchange) != None`.
    function isRecognised(address merchant, address exchange) external view returns (bool);

    /// @notice Reverts with `ParticipantsExchangeNotActive` unless `exchange` is active, and with
    /// `ParticipantsNotRecognised` unless every one of `parties` is recognised there.
    /// @return code The exchange's code, for registration numbers.
    function requireRecognised(address exchange, address[] calldata parties) external view returns (bytes4 code);

    /// @notice True when `exchange` is accredited and not suspended.
    function isActiveExchange(address exchange) external view returns (bool);

    /// @notice True when `merchant` is onboarded, not suspended, and its home exchange is active.
    function isActiveMerchant(address merchant) external view returns (bool);

    /// @notice True when `account` holds the regulator's GOVERNOR_ROLE.
    function isRegulator(address account) external view returns (bool);

    /// @notice The stored record of an exchange (zeroed if never accredited).
    function getExchange(address exchange) external view returns (Exchange memory);

    /// @notice The stored record of a merchant (zeroed if never onboarded).
    function getMerchant(address merchant) external view returns (Merchant memory);

    /// @notice True when `recogniser` recognises `recognised` as a whole exchange (regardless of status).
    function recognisesExchange(address recogniser, address recognised) external view returns (bool);

    /// @notice True when `recogniser` recognises `merchant` singly (regardless of status).
    function recognisesMerchant(address recogniser, address merchant) external view returns (bool);

    // ----- additive (v1.0.0) -----

    /// @notice The exchange that holds `code` (codes stay reserved after suspension), or zero.
    function exchangeOfCode(bytes4 code) external view returns (address);

    /// @notice The implementation version, "1.0.0".
    function version() external pure returns (string memory);
}

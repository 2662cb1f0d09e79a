// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {
    Right, Venue, LicenceTerms, EnforcementSale, CrossBorderMechanism, CrossBorderTerms
} from "../common/Types.sol";

/// @title Trade records (交易凭证) that apply the right they move
/// @notice An accredited exchange records a trade; the right moves in the same transaction, so the proof and the
/// state cannot disagree. The seller authorises each trade with an EIP-712 signature over every term, including
/// the recording exchange, the trade id (which is also the signature's nonce) and a deadline.
/// Trade ids are namespaced per exchange: the top 160 bits are the recording exchange's address, the low 96 bits
/// its own serial. A used id can never be recorded again, so a signature cannot be replayed.
/// Anti-replay window (as in IPsec's, RFC 4303 §3.4.3): per exchange the recorder keeps only the 160 serials
/// [base, base + 160) and which of them are used. An exchange may record those out of order; recording a serial at or
/// above base + 160 slides the window up so that serial is its top, closing every serial below the new base, used or
/// not. An authorisation whose serial has fallen below the window can never be recorded (`TradeIdTooOld`): the seller
/// signs again with a new id. So an exchange should allocate serials in sequence (a counter, not random numbers) and
/// have at most 160 authorisations outstanding; the seller's `deadline` already bounds how long one stays outstanding.
interface ITradeRecorder {
    /// @dev What the recorder can say about a trade id from its exchange's window (`tradeIdStatus`).
    enum TradeIdStatus {
        Unused, // in or above the window and not used: recordable (an id at or above base + 160 slides the window)
        Recorded, // in the window and used: this id has been recorded
        Closed // below the window: recorded, or abandoned when the window slid past it; either way never recordable
    }

    /// @dev A trade as the exchange submits it and the seller signs it.
    struct Trade {
        uint256 tradeId; // (uint256(uint160(exchange)) << 96) | serial; unique, doubles as the signature nonce
        uint256 assetId; // the asset traded
        address seller; // holding transfer: the holder; licences: the grantor
        address buyer; // new holder or licensee
        Right right; // which right moves
        LicenceTerms licence; // terms of the licence granted; ignored (must be zero) for Holding
        uint128 price; // in the currency's minor unit (fen for CNY); zero when confidential
        bytes3 currency; // ISO 4217 code, e.g. "CNY"; zero when confidential
        bytes32 priceCommitment; // keccak256 commitment to a confidential price; zero when price is disclosed
        bytes32 contractDigest; // SHA-256 of the signed trade contract; required
        Venue venue; // on-exchange (场内) or reported off-exchange (场外)
        uint256 linkedTradeId; // an earlier recorded trade this one links to (场内场外交易链接), or 0
        uint64 deadline; // the seller's and the buyer's signatures are void after this unix time
        uint64 stateNonce; // the asset's state nonce both sides agreed on; checked for holding transfers
    }

    error TradeUnauthorized(address account); // caller is not an active exchange
    error TradeZeroAddress(); // an address argument is zero
    error TradeIdNotOwnedByExchange(uint256 tradeId, address exchange); // top 160 bits are not the caller
    error TradeIdUsed(uint256 tradeId); // recorded already (its bit is set in the window): no replays
    error TradeIdTooOld(uint256 tradeId, uint96 base); // serial below the exchange's window base: re-sign a new id
    error TradeWindowNotAdvanced(uint96 below, uint96 base); // closing ids below a serial that is not above the base
    error TradeExpired(uint64 deadline); // the seller's authorisation has expired
    error TradeInvalidSignature(address party); // the signature is not the seller's (or buyer's) over these terms
    error TradeSameParty(address party); // seller and buyer are the same account
    error TradeInvalidPrice(); // neither a disclosed price with currency nor a commitment, or both
    error TradeMissingContractDigest(); // no contract digest
    error TradeLinkedTradeNotFound(uint256 linkedTradeId); // linked id is Unused (see `tradeIdStatus`)
    error TradeHoldingTermsNotEmpty(); // licence terms given for a holding transfer
    error TradeUnknownTrade(uint256 tradeId); // lookup of an unrecorded trade
    error TradeCrossBorderCoreData(uint256 assetId); // core-level data never crosses the border
    // the mechanism is not enough for the asset's class (personal: none; important: not an assessment or exemption)
    error TradeCrossBorderMechanismRequired(uint256 assetId, CrossBorderMechanism mechanism);
    error TradeCrossBorderInvalidTerms(); // no destination, destination CN, or filing digest and mechanism disagree

    /// @notice Emitted when an exchange closes its trade ids below `below` (they can no longer be recorded).
    event TradeIdsClosed(address indexed exchange, uint96 below);

    /// @notice Emitted when a trade is recorded; the right moved in the same transaction (see the registry's
    /// HoldingTransferred or LicenceGranted with the same tradeId).
    event TradeRecorded(
        uint256 indexed tradeId,
        uint256 indexed assetId,
        address indexed exchange,
        address seller,
        address buyer,
        Right right,
        bytes32 licenceId,
        uint128 price,
        bytes3 currency,
        bytes32 priceCommitment,
        bytes32 contractDigest,
        Venue venue,
        uint256 linkedTradeId
    );

    /// @notice Emitted after TradeRecorded when the trade crosses the border (数据出境).
    event CrossBorderTradeRecorded(
        uint256 indexed tradeId,
        uint256 indexed assetId,
        CrossBorderMechanism mechanism,
        bytes32 filingDigest,
        bytes2 destination
    );

    /// @notice Records a trade and applies it. Caller: an active exchange whose address is the trade id's prefix,
    /// at which both seller and buyer are recognised.
    /// @param trade Every term of the trade.
    /// @param sellerSignature The seller's EIP-712 signature of `trade` (ECDSA, or ERC-1271 for contract wallets).
    /// @param buyerSignature The buyer's signature of the same digest: its acceptance of the terms and, for a
    /// holding transfer, of the asset's state (`stateNonce`).
    /// @return licenceId The licence granted, or zero for a holding transfer.
    function recordTrade(Trade calldata trade, bytes calldata sellerSignature, bytes calldata buyerSignature)
        external
        returns (bytes32 licenceId);

    /// @notice Records the enforcement of a pledge (质权实现) as an off-exchange holding transfer from `holder` to
    /// `sale.to` and applies it. Caller: the registry's pledge registry, which checked the default, the objection
    /// window and the buyer's acceptance. The trade id's prefix is the pledge registry, its serial `pledgeId`.
    function recordEnforcement(uint256 assetId, address holder, uint256 pledgeId, EnforcementSale calldata sale)
        external
        returns (uint256 tradeId);

    /// @notice Records a cross-border trade and applies it, as `recordTrade` does, after checking the asset's class
    /// against the mechanism: core-level never; important-level only with SecurityAssessment or Exemption;
    /// personal-source only with a mechanism. The seller and the buyer both sign the EIP-712 `CrossBorderTrade` (the
    /// trade, with the asset's state nonce, and its cross-border terms), so no exchange can move a domestic
    /// authorisation abroad and no buyer is made to import terms or a state it did not accept.
    /// @param trade Every term of the trade.
    /// @param crossBorder The mechanism, filing digest and destination.
    /// @param sellerSignature The seller's EIP-712 signature of the `CrossBorderTrade`.
    /// @param buyerSignature The buyer's signature of the same digest.
    /// @return licenceId The licence granted, or zero for a holding transfer.
    function recordCrossBorderTrade(
        Trade calldata trade,
        CrossBorderTerms calldata crossBorder,
        bytes calldata sellerSignature,
        bytes calldata buyerSignature
    ) external returns (bytes32 licenceId);

    /// @notice The EIP-712 digest the seller and the buyer sign for a cross-border trade.
    function hashCrossBorderTrade(Trade calldata trade, CrossBorderTerms calldata crossBorder)
        external
        view
        returns (bytes32);

    /// @notice True when `tradeId` has been recorded, as far as the recorder still knows: its bit is set in its
    /// exchange's window (`tradeIdStatus` is Recorded). A `true` is proof; a `false` is not proof of absence when the
    /// id is below the window (`tradeIdStatus` is Closed: recorded or abandoned, which the recorder no longer knows).
    /// The TradeRecorded events (the indexer) are the authority on whether an id was ever recorded.
    function isRecorded(uint256 tradeId) external view returns (bool);

    /// @notice The EIP-712 digest the seller signs for `trade`.
    function hashTrade(Trade calldata trade) external view returns (bytes32);

    /// @notice The trade id for `exchange` and its serial.
    function tradeIdOf(address exchange, uint96 serial) external pure returns (uint256);

    // ----- additive (v1.0.0): configuration views -----

    /// @notice The participant registry this recorder asks about roles and recognition.
    function participants() external view returns (address);

    /// @notice The data asset registry whose rights the trades move.
    function registry() external view returns (address);

    /// @notice The implementation version, "1.0.0".
    function version() external pure returns (string memory);

    // ----- additive: the anti-replay window -----

    /// @notice Where `tradeId` stands in its exchange's window: Unused (recordable), Recorded (its bit is set) or
    /// Closed (below the window: recorded or abandoned — ask the indexer which; never recordable again).
    function tradeIdStatus(uint256 tradeId) external view returns (TradeIdStatus);

    /// @notice `exchange`'s anti-replay window: serial `base + i` is used when bit `i` of `bits` is set
    /// (0 <= i < 160); serials below `base` are closed. (0, 0) before the exchange's first trade. The serial after the
    /// highest recorded is `base + bitLength(bits)` (or `base` when `bits` is 0); an exchange hands out serials from
    /// its own counter, which also counts the authorisations it has not recorded yet.
    function tradeWindow(address exchange) external view returns (uint96 base, uint160 bits);

    /// @notice Closes the caller's trade ids with a serial below `below`: outstanding authorisations for them can no
    /// longer be recorded (an exchange voids what it handed out), and ids from `below` on stay usable. Caller: an
    /// active exchange. Calling it once with `below` = 1 before the first trade also opens the window slot, so that
    /// no trade ever pays for writing it the first time (about 17k gas).
    /// @param below The new window base; must be above the current one.
    function closeTradeIds(uint96 below) external;
}

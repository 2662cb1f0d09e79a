// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @dev What a third-party assessment judges (数商评估类别). Bit `k` of an assessor's or a policy's mask is kind `k`.
enum AssessmentKind {
    Quality, // 质量评估
    Compliance, // 合规评估
    Valuation, // 价值评估 (carries a value and currency)
    Security // 安全评估
}

/// @dev The assessor's verdict.
enum AssessmentResult {
    Pass, // meets the standard
    Conditional, // meets it with conditions (in the report)
    Fail // does not meet it; never satisfies a policy
}

/// @dev What an exchange's assessment policy guards.
enum PolicyPurpose {
    Listing, // listing the asset for trade at the exchange (挂牌)
    Pledge // accepting the asset as a pledge (质押)
}

/// @title Third-party assessments of data assets (第三方评估)
/// @notice A recognised third-party service merchant whose home exchange (or the regulator) has granted it assessor
/// categories attaches assessments to registered assets; the holder may respond; the assessor or the regulator may
/// withdraw. Each exchange sets which kinds of current assessment it requires before a listing or a pledge, and
/// anyone (its listing system, a lender, the pledge desk) checks an asset against that policy with one view call.
/// The latest assessment of each kind on an asset decides whether that kind is current: a newer failing or
/// withdrawn assessment is not outweighed by an older pass. An assessment is addressed by its asset and its id.
interface IAssessmentRegistry {
    /// @dev A stored assessment (one slot, keyed by keccak256(abi.encode(assetId, assessmentId))).
    struct Assessment {
        address assessor; // the third-party service merchant
        uint40 validUntil; // first second the assessment is no longer current
        AssessmentKind kind;
        AssessmentResult result;
        bool withdrawn; // withdrawn by its assessor or the regulator
    }

    /// @dev What an assessor submits.
    struct AssessmentInput {
        uint256 assetId; // the registered asset assessed
        AssessmentKind kind;
        AssessmentResult result;
        uint128 value; // valuation only: the value in the currency's minor unit; zero for other kinds
        bytes3 currency; // valuation only: ISO 4217 code; zero for other kinds
        bytes32 reportDigest; // SHA-256 of the assessment report; required
        string reportCid; // IPFS CID of the report (or of its public summary); required
        uint40 validUntil; // end of validity (exclusive); must be in the future
    }

    error AssessmentUnauthorized(address account); // caller may not do this
    error AssessmentZeroAddress(); // a constructor dependency is the zero address
    error AssessmentNotAssessor(address account, AssessmentKind kind); // not an active assessor of this kind
    error AssessmentNotThirdPartyService(address merchant); // assessor categories go to third-party service merchants
    error AssessmentInvalidCategories(uint8 mask); // a mask with bits above the four kinds
    error AssessmentAssetNotFound(uint256 assetId); // unknown asset
    error AssessmentConflictOfInterest(uint256 assetId, address assessor); // the holder cannot assess its own asset
    error AssessmentInvalidTerms(); // missing report digest or CID, validity not in the future, value/kind mismatch
    error AssessmentNotFound(uint256 assetId, uint256 assessmentId); // no such assessment of this asset
    error AssessmentAlreadyWithdrawn(uint256 assessmentId); // withdrawing twice
    error AssessmentNotHolder(uint256 assetId, address account); // only the holder responds
    error AssessmentPolicyNotMet(address exchange, uint256 assetId, AssessmentKind kind); // a required kind is missing

    /// @notice Emitted when a home exchange or the regulator sets a merchant's assessor categories (bit k = kind k).
    event AssessorCategoriesSet(address indexed merchant, address indexed by, uint8 categories, bool byRegulator);
    /// @notice Emitted when an assessor attaches an assessment.
    event AssessmentAttached(
        uint256 indexed assessmentId,
        uint256 indexed assetId,
        address indexed assessor,
        AssessmentKind kind,
        AssessmentResult result,
        uint128 value,
        bytes3 currency,
        bytes32 reportDigest,
        string reportCid,
        uint40 validUntil
    );
    /// @notice Emitted when the asset's holder responds to an assessment.
    event AssessmentResponded(
        uint256 indexed assessmentId,
        uint256 indexed assetId,
        address indexed holder,
        bytes32 responseDigest,
        string responseCid
    );
    /// @notice Emitted when the assessor or the regulator withdraws an assessment.
    event AssessmentWithdrawn(
        uint256 indexed assessmentId,
        uint256 indexed assetId,
        address indexed by,
        bool byRegulator,
        string reason
    );
    /// @notice Emitted when an exchange sets its assessment policy (bit k = kind k required).
    event AssessmentPolicySet(address indexed exchange, uint8 listingKinds, uint8 pledgeKinds);

    /// @notice Grants (or, with 0, removes) assessor categories. Caller: the merchant's active home exchange, or the
    /// regulator. The merchant must be onboarded as a third-party service merchant.
    function setAssessorCategories(address merchant, uint8 categories) external;

    /// @notice Attaches an assessment. Caller: an active merchant holding the assessor category of `input.kind`,
    /// not the asset's holder.
    /// @return assessmentId Sequential from 1.
    function assess(AssessmentInput calldata input) external returns (uint256 assessmentId);

    /// @notice The asset's current holder responds to an assessment (any number of times; the events keep them all).
    function respond(uint256 assetId, uint256 assessmentId, bytes32 responseDigest, string calldata responseCid)
        external;

    /// @notice Withdraws an assessment. Caller: its assessor (even if suspended since), or the regulator.
    function withdraw(uint256 assetId, uint256 assessmentId, string calldata reason) external;

    /// @notice The caller (an active exchange) sets the kinds it requires before a listing and before a pledge.
    function setPolicy(uint8 listingKinds, uint8 pledgeKinds) external;

    /// @notice `merchant`'s assessor categories (bit k = kind k); zero when it is not an active merchant.
    function assessorCategories(address merchant) external view returns (uint8);

    /// @notice The stored assessment; reverts with AssessmentNotFound unless `assessmentId` assessed `assetId`.
    function getAssessment(uint256 assetId, uint256 assessmentId) external view returns (Assessment memory);

    /// @notice The latest assessment of `kind` on `assetId`, or 0.
    function latestAssessment(uint256 assetId, AssessmentKind kind) external view returns (uint256);

    /// @notice True when the latest assessment of `kind` on `assetId` exists, is not withdrawn, has not expired and
    /// did not fail.
    function isCurrent(uint256 assetId, AssessmentKind kind) external view returns (bool);

    /// @notice `exchange`'s policy masks.
    function policyOf(address exchange) external view returns (uint8 listingKinds, uint8 pledgeKinds);

    /// @notice True when every kind `exchange` requires for `purpose` is current on `assetId`.
    function meetsPolicy(address exchange, uint256 assetId, PolicyPurpose purpose) external view returns (bool);

    /// @notice Reverts with AssessmentPolicyNotMet naming the first missing kind unless `meetsPolicy`.
    function requirePolicy(address exchange, uint256 assetId, PolicyPurpose purpose) external view;

    /// @notice The number of assessments ever attached (= the last id).
    function assessmentCount() external view returns (uint256);

    /// @notice The participant registry (roles, recognition, regulator).
    function participants() external view returns (address);

    /// @notice The data asset registry (assets and holders).
    function registry() external view returns (address);

    /// @notice The implementation version, "1.0.0".
    function version() external pure returns (string memory);
}

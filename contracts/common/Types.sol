// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @dev What an asset is (资产类型).
enum AssetKind {
    Resource, // data resource (数据资源)
    Product, // data product or service (数据产品/服务)
    Compute, // compute resource (算力资源)
    Model // algorithm model (算法模型)
}

/// @dev Where the data comes from (数据来源, 分类分级确权授权).
enum AssetSource {
    Public, // public data (公共数据)
    Enterprise, // enterprise data (企业数据)
    Personal // personal data (个人数据): needs a consent-proof digest
}

/// @dev Classification level (分级). Core data is never tradeable.
enum DataLevel {
    General, // 一般数据
    Important, // 重要数据
    Core // 核心数据
}

/// @dev The rights a trade can move (三权分置 plus the product-use licence an operator grants).
enum Right {
    Holding, // 数据资源持有权: the ERC-721 owner; moves only by a recorded trade
    Processing, // 数据加工使用权: a processing/use licence
    Operating, // 数据产品经营权: a product-operating licence
    ProductUse // use of a data product, licensed by the holder or a sub-licensing operator
}

/// @dev Where a trade happened.
enum Venue {
    OnExchange, // 场内
    OffExchange // 场外, reported to the recording exchange
}

/// @dev A merchant's category (数商类别).
enum MerchantCategory {
    DataResource, // 数据资源类
    Technology, // 数据技术类
    ThirdPartyService // 第三方专业服务类
}

/// @dev Lifecycle of an exchange or a merchant record.
enum ParticipantStatus {
    None, // never accredited / onboarded
    Active, // may act
    Suspended // every action fails, everywhere
}

/// @dev How a merchant is recognised at an exchange (数商互认).
enum RecognitionPath {
    None, // not recognised
    Home, // onboarded by this exchange
    WholeExchange, // this exchange recognises the merchant's home exchange as a whole
    SingleMerchant // this exchange recognises this merchant alone
}

/// @dev Lifecycle of a pledge (数据资产质押).
enum PledgeStatus {
    None, // no such pledge
    Active, // the asset is locked
    Released, // released by the lender
    Lifted, // lifted by the regulator
    Defaulted, // the lender declared default at or after the term's end; the regulator may object within a window
    Enforced // enforced (质权实现): the holding right moved to the lender or a buyer through a recorded trade
}

/// @dev The sale that enforces a pledge (质权实现): who takes the holding right, and on what terms.
struct EnforcementSale {
    address to; // the lender itself, or a buyer who signed an EnforcementAcceptance
    uint128 price; // in the currency's minor unit; zero when the lender takes the asset in satisfaction
    bytes3 currency; // ISO 4217 code, or zero
    bytes32 contractDigest; // SHA-256 of the enforcement (sale or transfer) document
}

/// @dev Terms of a processing, operating or product-use licence.
struct LicenceTerms {
    bytes32 scopeDigest; // SHA-256 of the scenario/purpose document; zero is refused (无场景不授权)
    uint40 start; // first second the licence confers the right (unix time)
    uint40 end; // first second it no longer does (exclusive bound)
    bool exclusive; // no other licence of the same right may overlap it
    bool sublicensable; // an operating licensee may grant product-use licences
    bool revocable; // the grantor may revoke it; the regulator always may
}

/// @dev A licence as stored: one packed slot. Keyed by keccak256(abi.encode(assetId, grantee, right)).
struct Licence {
    address grantor; // who granted it (holder, or sub-licensing operator)
    uint40 start; // first second in force
    uint40 end; // first second no longer in force; set to the revocation time when revoked
    uint8 flags; // bit 0 exclusive, bit 1 sublicensable, bit 2 revocable, bit 3 revoked, bit 4 replaced an earlier one
    uint8 epoch; // the asset's registration epoch when granted: a licence of a cancelled registration confers nothing
}

/// @dev The legal basis of a cross-border trade (数据出境). Personal-source data needs a mechanism; important-level
/// data needs a security assessment or an exemption; core-level data never leaves.
enum CrossBorderMechanism {
    None, // general-level, non-personal data: no mechanism needed
    SecurityAssessment, // 数据出境安全评估 passed
    StandardContract, // 个人信息出境标准合同 filed
    Certification, // 个人信息保护认证
    Exemption // an exemption, e.g. a free-trade-zone negative list (自贸区负面清单)
}

/// @dev The cross-border terms of a trade, signed by the seller with the trade.
struct CrossBorderTerms {
    CrossBorderMechanism mechanism; // the legal basis
    bytes32 filingDigest; // SHA-256 of the filing or approval number (备案/审批编号); zero only with mechanism None
    bytes2 destination; // ISO 3166-1 alpha-2 code of the destination jurisdiction; never "CN"
}

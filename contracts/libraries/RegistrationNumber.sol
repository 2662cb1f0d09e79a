// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AssetKind, AssetSource} from "../common/Types.sol";

/// @title Human-readable registration numbers (登记编号) for data assets
/// @notice Formats `CODE-YYYY-KS-NNNNNNNN-C`, for example `SHDE-2026-RE-00000012-M`:
/// - `CODE`: the registering exchange's code (2-4 characters `[A-Z0-9]`, the bytes4 without its zero padding);
/// - `YYYY`: the UTC (proleptic Gregorian) year of the registration time;
/// - `K`: the asset kind, `R` resource, `P` product, `C` compute, `M` model;
/// - `S`: the data source, `G` public (government), `E` enterprise, `P` personal;
/// - `NNNNNNNN`: the exchange's registration sequence in decimal, zero-padded to 8 digits (more digits, never
///   truncated, past 99,999,999);
/// - `C`: the ISO/IEC 7064 hybrid MOD 37,36 check character computed over every alphanumeric character before it
///   (the hyphens are not part of the input), from the alphabet `0-9A-Z` (values 0-35).
/// The exact algorithm and worked examples are in docs/registration-number.md; the TypeScript twin in
/// service/src/digest/ must give the same string for the same inputs.
library RegistrationNumber {
    /// @notice A character outside `[0-9A-Z]` was given to the check-character computation.
    error RegistrationNumberInvalidCharacter(bytes1 character);

    /// @dev ISO 7064 hybrid system parameters: modulus M = 36 and M + 1 = 37.
    uint256 private constant _M = 36;

    /// @notice The full registration number.
    /// @param code The exchange code: left-aligned ASCII `[A-Z0-9]`, zero-padded (e.g. 0x53484445 for "SHDE").
    /// @param registeredAt The registration time (unix seconds); its UTC year is used.
    /// @param kind The asset kind.
    /// @param source The data source.
    /// @param sequence The exchange's registration sequence (starts at 1).
    function format(bytes4 code, uint256 registeredAt, AssetKind kind, AssetSource source, uint256 sequence)
        internal
        pure
        returns (string memory)
    {
        uint256 codeLen;
        while (codeLen < 4 && code[codeLen] != 0) ++codeLen;
        uint256 seqLen = 8;
        // Widen past 8 digits rather than truncate (a sequence above 99,999,999 is not expected).
        for (uint256 v = sequence / 100_000_000; v != 0; v /= 10) ++seqLen;

        // code + "-" + YYYY + "-" + KS + "-" + sequence + "-" + C
        bytes memory out = new bytes(codeLen + seqLen + 11);
        uint256 i;
        for (; i < codeLen; ++i) out[i] = code[i];
        out[i++] = "-";
        _writeDecimal(out, i, utcYear(registeredAt), 4);
        i += 4;
        out[i++] = "-";
        out[i++] = bytes("RPCM")[uint8(kind)];
        out[i++] = bytes("GEP")[uint8(source)];
        out[i++] = "-";
        _writeDecimal(out, i, sequence, seqLen);
        i += seqLen;
        out[i++] = "-";
        out[i] = checkCharacter(out, i);
        return string(out);
    }

    /// @notice The ISO 7064 MOD 37,36 check character over the alphanumeric characters of `text[0:len]`; hyphens are
    /// skipped, any other character outside `[0-9A-Z]` reverts.
    /// @dev Hybrid system: p = 36; for each character value v: s = (p + v) mod 36, s = 36 if s is 0,
    /// p = 2s mod 37; the check value is (37 - p) mod 36. A string with its check character appended then ends with
    /// s = 1, which is how a reader validates it.
    function checkCharacter(bytes memory text, uint256 len) internal pure returns (bytes1) {
        uint256 p = _M;
        for (uint256 i; i < len; ++i) {
            bytes1 c = text[i];
            if (c == "-") continue;
            uint256 v;
            if (c >= "0" && c <= "9") v = uint8(c) - 48;
            else if (c >= "A" && c <= "Z") v = uint8(c) - 55;
            else revert RegistrationNumberInvalidCharacter(c);
            uint256 s = (p + v) % _M;
            if (s == 0) s = _M;
            p = (2 * s) % (_M + 1);
        }
        uint256 check = (_M + 1 - p) % _M;
        return bytes1(uint8(check < 10 ? 48 + check : 55 + check));
    }

    /// @notice The UTC year (proleptic Gregorian) of a unix time.
    /// @dev Howard Hinnant's `civil_from_days`, restricted to non-negative day counts.
    function utcYear(uint256 timestamp) internal pure returns (uint256 year) {
        uint256 z = timestamp / 86_400 + 719_468; // days since 0000-03-01
        uint256 era = z / 146_097;
        uint256 doe = z - era * 146_097; // [0, 146096]
        uint256 yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
        uint256 doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365], March-based
        uint256 mp = (5 * doy + 2) / 153; // [0, 11]: 0 = March ... 10 = January, 11 = February
        year = yoe + era * 400;
        if (mp >= 10) ++year; // January and February belong to the next civil year
    }

    /// @dev Writes `value` in decimal into `out[at:at+width]`, zero-padded on the left.
    function _writeDecimal(bytes memory out, uint256 at, uint256 value, uint256 width) private pure {
        for (uint256 k = width; k > 0; --k) {
            out[at + k - 1] = bytes1(uint8(48 + (value % 10)));
            value /= 10;
        }
    }
}

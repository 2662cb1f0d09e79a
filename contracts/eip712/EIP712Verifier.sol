// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

/// @title EIP-712 signature checking shared by the Shuquan contracts that act on a party's signed consent
/// @notice Builds the EIP-712 digest of a struct hash under this contract's domain and checks it against the
/// expected signer: ECDSA first (OpenZeppelin ECDSA, malleable `s` values rejected), then, if that fails and the
/// signer has code, ERC-1271 `isValidSignature` through OpenZeppelin's SignatureChecker (multisigs, smart
/// accounts). An ECDSA signature may be the usual 65 bytes (r, s, v) or the 64-byte ERC-2098 compact form (r, vs:
/// the parity of v in the top bit of s), which saves a calldata word (about 100 gas net) per signature; both forms go
/// through the same low-`s` and `v` checks. Accepting both means one signature has two byte encodings: nothing here
/// uses signature bytes as an identifier (replay protection is by nonce, trade id or registered digest). Trying
/// ECDSA first spares an EOA signer the cold EXTCODESIZE (2,600 gas) that
/// `SignatureChecker.isValidSignatureNow` pays before recovering; a contract cannot be the ECDSA signer of a digest
/// unless someone holds a private key for its address, which is as hard as breaking secp256k1/keccak.
/// @dev The domain is (name, version, chainId, verifyingContract); ERC-5267 `eip712Domain()` is inherited from
/// OpenZeppelin's EIP712. Each child declares its typehashes (with the type string in a comment) and overrides
/// `_revertInvalidSignature` to revert with its own interface error. Time is read through the virtual `_time()`
/// so that a test double can move it.
abstract contract EIP712Verifier is EIP712 {
    /// @notice The signature is not `signer`'s over the given struct (default error; children override).
    error EIP712InvalidSignature(address signer);

    /// @param name The EIP-712 domain name, e.g. "Shuquan PledgeRegistry".
    /// @param version The EIP-712 domain version, e.g. "1".
    constructor(string memory name, string memory version) EIP712(name, version) {}

    /// @notice The EIP-712 domain separator of this contract on the current chain.
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @dev Reverts (through `_revertInvalidSignature`) unless `sig` is `signer`'s signature of the EIP-712 digest
    /// of `structHash`. A zero `signer` never passes.
    function _requireValidSignature(address signer, bytes32 structHash, bytes calldata sig) internal view {
        if (!_isValidSignature(signer, structHash, sig)) _revertInvalidSignature(signer);
    }

    /// @dev True when `sig` is `signer`'s signature (ECDSA or ERC-1271) of the EIP-712 digest of `structHash`.
    function _isValidSignature(address signer, bytes32 structHash, bytes calldata sig) internal view returns (bool) {
        if (signer == address(0)) return false;
        bytes32 digest = _hashTypedDataV4(structHash);
        // 65 bytes (r, s, v) or ERC-2098's 64 (r, vs); any other length parses to v = 0, which never recovers
        (uint8 v, bytes32 r, bytes32 s) = ECDSA.parseCalldata(sig);
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, v, r, s);
        if (err == ECDSA.RecoverError.NoError && recovered == signer) return true;
        return signer.code.length != 0 && SignatureChecker.isValidERC1271SignatureNowCalldata(signer, digest, sig);
    }

    /// @dev Reverts for an invalid signature; override to revert with the contract's own error.
    function _revertInvalidSignature(address signer) internal view virtual {
        revert EIP712InvalidSignature(signer);
    }

    /// @dev The current unix time; virtual so that test doubles can override it.
    function _time() internal view virtual returns (uint40) {
        return uint40(block.timestamp);
    }
}

"""Request signing for the AliExpress Open Platform.

Pure and staged like botocore's signers: :func:`string_to_sign` builds the exact
text the platform signs, :func:`compute_signature` turns it into the digest, and
:func:`sign_request` assembles a complete, signed parameter set for a business
method. The clock is an argument, never read here.

Two methods exist:

* ``sha256`` - HMAC-SHA256 keyed with the app secret over the UTF-8 string,
  uppercase hex. System interfaces (``/rest/...``) prefix their API path.
* ``md5`` - the TOP scheme: MD5 of ``secret + string + secret``, uppercase hex.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Literal

SignMethod = Literal["sha256", "md5"]


def signable_params(params: Mapping[str, object]) -> dict[str, str]:
    """The parameters that are sent and signed: ``sign`` and empty values dropped.

    The platform rejects a signature that covers a parameter it never received, so
    the same filtered set must be both signed and sent.
    """
    return {
        name: _as_text(value)
        for name, value in params.items()
        if name != "sign" and value is not None and _as_text(value) != ""
    }


def string_to_sign(params: Mapping[str, object], api_path: str = "") -> str:
    """Concatenate ``name + value`` for every signable parameter in byte order.

    Python compares ``str`` by code point, which for UTF-8 is the same order as
    comparing the encoded bytes, so a plain sort is the platform's ASCII order.
    """
    signable = signable_params(params)
    return api_path + "".join(name + signable[name] for name in sorted(signable))


def compute_signature(text: str, secret: str, sign_method: SignMethod) -> str:
    """Digest ``text`` with ``secret``; uppercase hex as the platform expects."""
    if sign_method == "sha256":
        digest = hmac.new(secret.encode(), text.encode(), hashlib.sha256)
        return digest.hexdigest().upper()
    if sign_method == "md5":
        # MD5 is what the TOP scheme specifies; choosing it is the caller's config.
        return hashlib.md5((secret + text + secret).encode()).hexdigest().upper()  # noqa: S324
    raise ValueError(f"unsupported sign method {sign_method!r}")


def sign(
    params: Mapping[str, object],
    secret: str,
    sign_method: SignMethod,
    api_path: str = "",
) -> str:
    """The signature of ``params`` (``sign`` itself and empty values excluded)."""
    return compute_signature(string_to_sign(params, api_path), secret, sign_method)


def sign_request(
    method: str,
    params: Mapping[str, object],
    *,
    app_key: str,
    secret: str,
    sign_method: SignMethod,
    timestamp_ms: int,
) -> dict[str, str]:
    """A complete signed parameter set for a business method (``/sync`` gateway).

    ``timestamp_ms`` is milliseconds since the epoch, supplied by the caller so
    the result is reproducible.
    """
    system = {
        "app_key": app_key,
        "method": method,
        "timestamp": str(timestamp_ms),
        "sign_method": sign_method,
        "format": "json",
        "v": "2.0",
    }
    # Business parameters never override the system ones.
    signed = signable_params({**params, **system})
    signed["sign"] = sign(signed, secret, sign_method)
    return signed


def _as_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)

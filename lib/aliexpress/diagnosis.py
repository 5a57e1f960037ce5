"""What the deployment's owner should do about an AliExpress API error.

The platform's own texts ("This publisher is not registered", "IncompleteSignature")
leave owners guessing; :func:`diagnose` turns the ones with a known cause into one
sentence naming the setting to check and where. It names environment variables,
never their values. The codes and texts matched are the ones the platform is seen
to send (devtools/fake_gateway/faults.py cites where each was found).
"""

from __future__ import annotations

NOT_A_PUBLISHER = (
    "The AliExpress account behind ALIEXPRESS_APP_KEY must be an approved affiliate "
    "publisher: sign in at https://portals.aliexpress.com to join the affiliate programme "
    "or see its status, and check that the app's Affiliate API access is approved in the "
    "AliExpress Open Platform console (https://openservice.aliexpress.com)."
)
BAD_SIGNATURE = (
    "AliExpress rejected the request signature: check ALIEXPRESS_APP_SECRET (the app's "
    "secret, copied whole, not the app key) and ALIEXPRESS_SIGN_METHOD (sha256, the "
    "default, or md5)."
)
BAD_APP_KEY = (
    "AliExpress does not know this app key: check ALIEXPRESS_APP_KEY against the App Key "
    "shown in the AliExpress Open Platform console (https://openservice.aliexpress.com)."
)


def diagnose(api_code: str, api_message: str) -> str | None:
    """One sentence saying what to fix for a known cause, else ``None``."""
    message = api_message.lower()
    # resp_code 401 "This publisher is not registered"; TOP-style code 11 /
    # isv.permission-*: "Insufficient isv permissions" (the app is not approved).
    if "not registered" in message or api_code == "401":
        return NOT_A_PUBLISHER
    if api_code in ("11", "InsufficientIsvPermissions") or api_code.startswith("isv.permission"):
        return NOT_A_PUBLISHER
    if api_code in ("IncompleteSignature", "InvalidSignature", "isv.invalid-signature"):
        return BAD_SIGNATURE
    if api_code in ("InvalidAppKey", "isv.appkey-not-exists"):
        return BAD_APP_KEY
    return None

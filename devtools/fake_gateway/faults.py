"""Faults the fake gateway injects on demand, as the real platform shows them.

Where the account and credential faults come from (public reports of live answers):

- ``publisher_not_registered``: ``resp_result`` ``{"resp_code": 401, "resp_msg": "This
  publisher is not registered"}`` inside the method's envelope - reported as "Response
  code 401 - This publisher is not registered" in sergioteula/python-aliexpress-api
  issue #34, whose client formats ``resp_code``/``resp_msg`` exactly so
  (aliexpress_api/helpers/requests.py); the answer there was to get the account approved.
- ``insufficient_permissions``: ``{"code": 11, "msg": "Insufficient isv permissions",
  "sub_code": "isv.permission-api-package-limit"}`` - the Open Platform's answer for an
  app without the API's permission (alibaba/top issue #5, flc1125/alidayu issue #17,
  ltt1987/alidayu issue #4).
- ``invalid_app_key``: ``{"type": "ISV", "code": "InvalidAppKey", "msg": "The specified
  App Key is invalid"}`` - the api-sg gateway family's text, quoted in several public
  projects' notes and tests.
- ``incomplete_signature``: ``{"type": "ISV", "code": "IncompleteSignature", "msg": "The
  request signature does not conform to platform standards"}`` - quoted in
  ofekb/n8n-nodes-aliexpress-affiliate issue #2 and a StackOverflow question on
  ``aliexpress.affiliate.link.generate``.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import StrEnum


class Fault(StrEnum):
    SLOW = "slow"  # answers only after `slow_seconds` (longer than any deadline)
    HTTP_500 = "http_500"
    HTTP_503 = "http_503"
    HTML_PAGE = "html_page"  # 200 with an HTML page, as a captive proxy sends
    MALFORMED_JSON = "malformed_json"
    WRONG_ENVELOPE = "wrong_envelope"
    INCOMPLETE_SIGNATURE = "incomplete_signature"
    API_CALL_LIMIT = "api_call_limit"
    BUSINESS_ERROR = "business_error"  # resp_code != 200 inside resp_result
    ISV_ERROR = "isv_error"  # numeric code with sub_code / sub_msg
    PUBLISHER_NOT_REGISTERED = "publisher_not_registered"  # resp_code 401 in resp_result
    INSUFFICIENT_PERMISSIONS = "insufficient_permissions"  # the app is not approved
    INVALID_APP_KEY = "invalid_app_key"
    EMPTY = "empty"  # resp_code 405: no result
    DEEP_JSON = "deep_json"  # 100 000 nested arrays: RecursionError for a naive parser
    HUGE_BAN = "huge_ban"  # ApiCallLimit whose ban lasts a number of 5 000 digits
    ABSURD_NUMBERS = "absurd_numbers"  # a normal answer whose numbers and prices are absurd


@dataclass
class _Injection:
    fault: Fault
    remaining: int | None  # None: until cleared
    method: str | None


class FaultPlan:
    """A queue of faults; each matching request consumes one."""

    def __init__(self) -> None:
        self._queue: deque[_Injection] = deque()

    def inject(self, fault: Fault | str, times: int | None = 1, method: str | None = None) -> None:
        self._queue.append(_Injection(Fault(fault), times, method))

    def clear(self) -> None:
        self._queue.clear()

    def take(self, method: str) -> Fault | None:
        for injection in self._queue:
            if injection.method in (None, method):
                if injection.remaining is not None:
                    injection.remaining -= 1
                    if injection.remaining <= 0:
                        self._queue.remove(injection)
                return injection.fault
        return None

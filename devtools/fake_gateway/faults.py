"""Faults the fake gateway injects on demand, as the real platform shows them."""

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

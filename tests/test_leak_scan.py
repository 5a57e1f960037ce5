"""The secret scan itself finds what it is meant to find."""

from tests.leak_scan import find_leaks


def test_a_leak_is_found_and_not_repeated_in_full() -> None:
    leaks = find_leaks([("log", 'x {"sign":"ABCDEF0123456789"} y')], {"ABCDEF0123456789"})
    assert leaks == ["log: contains ABCD..."]


def test_clean_output_passes() -> None:
    assert find_leaks([("log", "nothing to see")], {"s3cret-value"}) == []

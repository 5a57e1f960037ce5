"""The secret scan itself finds what it is meant to find."""

from tests.leak_scan import find_leaks


def test_a_leak_is_found_and_not_repeated_in_full() -> None:
    leaks = find_leaks([("log", 'x {"sign":"ABCDEF0123456789"} y')], {"ABCDEF0123456789"})
    assert leaks == ["log: contains ABCD..."]


def test_clean_output_passes() -> None:
    assert find_leaks([("log", "nothing to see")], {"s3cret-value"}) == []


def test_order_amounts_are_collected_from_answers_and_found_in_logs() -> None:
    from tests import leak_scan

    saved_logs, saved_amounts = list(leak_scan.LOGS), set(leak_scan.ORDER_AMOUNTS)
    try:
        leak_scan.record_order_amounts(
            {
                "orders": [{"paid_amount": {"amount": "31.17", "currency": "USD"}}],
                "totals": [{"paid_amount": "4711.08", "estimated_commission": "0.00"}],
            }
        )
        assert {"31.17", "4711.08"} <= leak_scan.ORDER_AMOUNTS
        assert "0.00" not in leak_scan.ORDER_AMOUNTS  # zero is no secret and too common
        leak_scan.LOGS[:] = [("log", '{"latency_ms":31.17,"route":"/api/orders"}')]
        assert leak_scan.logged_amounts() == []  # a bare number is a timing
        leak_scan.LOGS.append(("log", '{"route":"/api/orders","paid":"4711.08"}'))
        assert leak_scan.logged_amounts() == ['log: contains "471...']
    finally:
        leak_scan.LOGS[:] = saved_logs
        leak_scan.ORDER_AMOUNTS.clear()
        leak_scan.ORDER_AMOUNTS.update(saved_amounts)

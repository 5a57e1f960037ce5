"""The checked-in spec is exactly what the data functions' apps generate."""

from devtools.gpt_spec import SPEC_FILE, build_spec, render


def test_checked_in_spec_matches_the_apps() -> None:
    assert SPEC_FILE.read_text() == render(build_spec()), (
        "lib/openapi_gpt.json is stale: run `make spec` and commit it"
    )


def test_operations_are_described_for_a_model() -> None:
    spec = build_spec()
    for item in spec["paths"].values():
        for operation in item.values():
            assert operation["summary"] and operation["description"]
            assert all(p["description"] for p in operation["parameters"])
            assert set(operation["responses"]) == {"200", "default"}


def test_the_owners_orders_stay_out_of_the_gpt_spec() -> None:
    from devtools.gpt_spec import DATA_FUNCTIONS

    assert "orders" not in DATA_FUNCTIONS
    spec_text = SPEC_FILE.read_text()
    assert "/api/orders" not in spec_text and "OWNER_API_KEY" not in spec_text
    assert not [path for path in build_spec()["paths"] if "order" in path]

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

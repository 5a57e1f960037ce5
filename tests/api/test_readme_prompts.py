"""Every test prompt in the README ("Connect a GPT") finds something in demo data: each
call in its table is made against the demo catalog and must answer with results."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from devtools.fake_gateway.catalog import Catalog
from lib.routes.openapi_gpt import SPEC_FILE
from tests.api.conftest import Caller

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("configured")]
README = Path(__file__).resolve().parents[2] / "README.md"
OPERATIONS = {
    operation["operationId"]: path
    for path, item in json.loads(SPEC_FILE.read_text())["paths"].items()
    for operation in item.values()
}


def prompt_rows() -> list[tuple[str, str]]:
    """(prompt, calls) for each row of the README's test-prompt table."""
    text = README.read_text()
    table = text[text.index("Test prompts and what they call:") :].split("\n\n")[1]
    rows = [line.strip("|").split("|") for line in table.splitlines()[2:]]
    # The prompt is the quoted part; a note may follow it in brackets.
    return [(prompt.strip().split('" (')[0].strip('"'), calls.strip()) for prompt, calls in rows]


def calls_in(prompt: str, calls: str) -> list[tuple[str, dict[str, str]]]:
    """The operations a row names, each with its parameters, placeholders filled in."""
    urls = re.findall(r"https://\S+", prompt)
    demo_urls = [p["product_detail_url"] for p in Catalog.load().products[:2]]
    filled = {"<that URL>": urls[0] if urls else "", "<url 1>": demo_urls[0]}
    filled["<url 2>"] = demo_urls[1]
    found: list[tuple[str, dict[str, str]]] = []
    for token in re.findall(r"`([^`]*)`", calls):
        if token in OPERATIONS:
            found.append((token, {}))
            continue
        for placeholder, value in filled.items():
            token = token.replace(placeholder, value)
        found[-1][1].update(part.split("=", 1) for part in token.split("&"))
    return found


ROWS = prompt_rows()


def test_the_readme_has_its_test_prompts() -> None:
    assert len(ROWS) >= 6
    assert any("clear phone case" in prompt.lower() for prompt, _ in ROWS)


@pytest.mark.parametrize(("prompt", "calls"), ROWS, ids=[prompt for prompt, _ in ROWS])
async def test_each_test_prompt_finds_demo_data(call: Caller, prompt: str, calls: str) -> None:
    made = calls_in(prompt, calls)
    assert made, f"no operation named for {prompt!r}"
    for operation, params in made:
        function = OPERATIONS[operation].split("/")[2]
        path = OPERATIONS[operation]
        for name in re.findall(r"{(\w+)}", path):  # a path parameter, e.g. {product_id}
            path = path.replace("{" + name + "}", params.pop(name))
        # want_<attribute>=<value>: a variant the prompt asks for (checked, not sent).
        wanted = {params.pop(k) for k in list(params) if k.startswith("want_")}
        response = await call(function, path, params=params)
        assert response.status_code == 200, (operation, params, response.text)
        body = response.json()
        if operation in ("searchProducts", "listHotProducts"):
            prices = [Decimal(p["price"]["amount"]) for p in body["products"]]
            assert prices, f"{prompt!r}: {operation} {params} found nothing"
            if "max_price" in params:
                assert max(prices) <= Decimal(params["max_price"])
            if params.get("sort") == "price_asc":
                assert prices == sorted(prices)
            if "currency" in params:
                assert params["currency"] in {p["price"]["currency"] for p in body["products"]}
        elif operation == "getProducts":
            assert body["products"] and body["not_found"] == [], body
        elif operation == "createAffiliateLinks":
            assert all(link["affiliate_url"] for link in body["links"]) and body["links"]
        elif operation == "listPromotions":
            assert body["promotions"]
        elif operation == "listPromotionProducts":
            assert body["products"], f"{prompt!r}: {operation} {params} found nothing"
            if "coupon" in prompt.lower():
                assert any(p["promo_code"] for p in body["products"])
            if params.get("sort") == "price_asc":
                prices = [Decimal(p["price"]["amount"]) for p in body["products"]]
                assert prices == sorted(prices)
        elif operation == "getShipping":
            assert body["ships"] and body["fee"] and body["max_delivery_days"], body
        elif operation == "getVariants":
            assert body["variants"] and body["options"], body
            assert any(wanted <= {a["value"] for a in v["attributes"]} for v in body["variants"]), (
                wanted,
                body["options"],
            )
        elif operation == "listSimilarProducts":
            assert body["products"], f"{prompt!r}: {operation} {params} found nothing"
        else:
            assert body["categories"]

"""What several operations take: the shopper's locale, and turning arguments into
an operation's input model with the contract's 422 when they do not fit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from lib.aliexpress.models import Locale
from lib.aliexpress.platform import CURRENCIES, LANGUAGES
from lib.config import Settings
from lib.http.errors import InvalidRequest

Currency = Literal[CURRENCIES]  # type: ignore[valid-type]
Language = Literal[LANGUAGES]  # type: ignore[valid-type]


class LocaleParams(BaseModel):
    """Where the shopper is; unset parts come from the deployment's defaults."""

    ship_to: str | None = Field(
        default=None,
        pattern="^[A-Za-z]{2}$",
        description="Destination country, ISO 3166-1 alpha-2 (e.g. US, GB, DE). "
        "Prices and availability depend on it.",
        examples=["US"],
    )
    currency: Currency | None = Field(
        default=None, description="Currency of the returned prices.", examples=["USD"]
    )
    language: Language | None = Field(
        default=None, description="Language of product titles.", examples=["EN"]
    )

    def locale(self, settings: Settings) -> Locale:
        """The caller's locale, else the deployment's defaults, else US/USD/EN.

        Bad defaults are Settings.problems: no client (so no upstream call) is made
        for an unconfigured deployment, and health reports them.
        """
        return Locale(
            ship_to=(self.ship_to or settings.ship_to or "US").upper(),
            currency=self.currency or settings.currency or "USD",
            language=self.language or settings.language or "EN",
        )

    def locale_fields(self) -> dict[str, Any]:
        return {"ship_to": self.ship_to, "currency": self.currency, "language": self.language}


def parse_params[Params: BaseModel](
    model: type[Params],
    arguments: Mapping[str, Any],
    *,
    names: Mapping[str, str] | None = None,
) -> Params:
    """``model`` from ``arguments``, or :class:`InvalidRequest` naming every bad one.

    ``names`` maps a field to the name this caller knows it by (REST ``url`` for
    the model's ``urls``).
    """
    try:
        return model.model_validate(arguments)
    except ValidationError as error:
        raise InvalidRequest(validation_message(error.errors(), names or {})) from None


def validation_message(errors: list[Any], names: Mapping[str, str]) -> str:
    parts = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        field = names.get(location[0], location[0]) if location else "arguments"
        name = ".".join([field, *location[1:]])
        parts.append(f"parameter '{name}': {error.get('msg', 'invalid')}")
    return "Invalid " + "; ".join(parts) + "."

"""What several operations take: the shopper's locale, and turning arguments into
an operation's input model with the contract's 422 when they do not fit."""

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from lib.aliexpress.platform import (
    CURRENCIES,
    LANGUAGES,
    normalise_country,
    normalise_currency,
    normalise_language,
)
from lib.aliexpress.queries import Locale
from lib.config import Settings
from lib.http.errors import InvalidRequest

MAX_PAGE = 1000  # the deepest page any listing operation serves

# One rule for codes, shared with the settings (lib.aliexpress.platform).
_NORMALISE = {
    "ship_to": normalise_country,
    "currency": normalise_currency,
    "language": normalise_language,
}


class LocaleParams(BaseModel):
    """Where the shopper is; unset parts come from the deployment's defaults."""

    # Built on first use: the operations take subclasses, each with its own validator.
    model_config = ConfigDict(defer_build=True)

    ship_to: str | None = Field(
        default=None,
        pattern="^[A-Za-z]{2}$",
        description="Destination country, ISO 3166-1 alpha-2 (e.g. US, GB, DE). "
        "Prices and availability depend on it.",
        examples=["US"],
    )
    # str, not a Literal: codes are case-insensitive ("eur"); the enum is for readers.
    currency: str | None = Field(
        default=None,
        description="Currency of the returned prices.",
        examples=["USD"],
        json_schema_extra={"enum": list(CURRENCIES)},
    )
    language: str | None = Field(
        default=None,
        description="Language of product titles.",
        examples=["EN"],
        json_schema_extra={"enum": list(LANGUAGES)},
    )

    @field_validator("ship_to", "currency", "language")
    @classmethod
    def _normalised(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        try:
            return _NORMALISE[info.field_name](value)
        except ValueError as rule:  # the rule's text, without pydantic's "Value error, "
            raise PydanticCustomError("code", str(rule)) from None

    def locale(self, settings: Settings) -> Locale:
        """The caller's locale, else the deployment's defaults, else US/USD/EN.

        Codes are already normalised (here and in the settings). Bad defaults are
        Settings.problems: no client (so no upstream call) is made for an
        unconfigured deployment, and health reports them.
        """
        return Locale(
            ship_to=self.ship_to or settings.ship_to or "US",
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

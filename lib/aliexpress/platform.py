"""What the AliExpress affiliate platform accepts: sign methods, currencies,
languages, countries, delivery windows. Plain tuples and functions, standard
library only, so settings (read by health) check a deployment's defaults with
the same rule the routes apply to query parameters.

The rule for codes (``ship_to``, ``currency``, ``language``): case-insensitive,
surrounding whitespace ignored, normalised to upper case; anything else is
refused with a text that says what is allowed and never repeats the value (a
caller adds the parameter or variable name in front).
"""

SIGN_METHODS = ("sha256", "md5")
CURRENCIES = tuple(
    "USD GBP CAD EUR UAH MXN TRY RUB BRL AUD INR JPY IDR SEK KRW ILS THB CLP VND".split()
)
LANGUAGES = tuple("EN RU PT ES FR ID IT TH JA AR VI TR DE HE KO NL PL MX CL IW IN".split())
DELIVERY_DAYS = (3, 5, 7, 10)
# product.query's platform_product_type (bububa/opentaobao
# model/aecreatives/AliexpressAffiliateProductQueryAPIRequest.go).
PLATFORM_PRODUCT_TYPES = ("ALL", "PLAZA", "TMALL")
# The 249 assigned ISO 3166-1 alpha-2 codes (as listed by tzdata's iso3166.tab).
COUNTRIES = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW
    """.split()
)

COUNTRY_RULE = "must be an assigned ISO 3166-1 alpha-2 country code, e.g. US, GB, DE"
CURRENCY_RULE = "must be one of " + ", ".join(CURRENCIES)
LANGUAGE_RULE = "must be one of " + ", ".join(LANGUAGES)


def normalise_country(code: str) -> str:
    """``code`` in upper case; ``ValueError(COUNTRY_RULE)`` unless it names a country."""
    return _normalise(code, COUNTRIES, COUNTRY_RULE)


def normalise_currency(code: str) -> str:
    """``code`` in upper case; ``ValueError(CURRENCY_RULE)`` unless the platform prices in it."""
    return _normalise(code, CURRENCIES, CURRENCY_RULE)


def normalise_language(code: str) -> str:
    """``code`` in upper case; ``ValueError(LANGUAGE_RULE)`` unless the platform has it."""
    return _normalise(code, LANGUAGES, LANGUAGE_RULE)


def _normalise(code: str, allowed: frozenset[str] | tuple[str, ...], rule: str) -> str:
    upper = code.strip().upper()
    # ASCII only: str.upper() would turn a dotless i (U+0131) into "I".
    if not code.isascii() or upper not in allowed:
        raise ValueError(rule)
    return upper

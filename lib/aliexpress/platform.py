"""What the AliExpress affiliate platform accepts: sign methods, currencies,
languages, delivery windows. Plain tuples, standard library only, so settings
(read by health) can check a deployment's defaults against the same lists the
models and routes use."""

SIGN_METHODS = ("sha256", "md5")
CURRENCIES = tuple(
    "USD GBP CAD EUR UAH MXN TRY RUB BRL AUD INR JPY IDR SEK KRW ILS THB CLP VND".split()
)
LANGUAGES = tuple("EN RU PT ES FR ID IT TH JA AR VI TR DE HE KO NL PL MX CL IW IN".split())
DELIVERY_DAYS = (3, 5, 7, 10)

"""The AliExpress Open Platform (affiliate API): signing, client, models, errors.

Importing this package is free of side effects: it reads no environment variable,
opens no connection and imports neither httpx nor pydantic. Import the submodule
you need (``lib.aliexpress.signing``, ``.client``, ``.models``, ``.errors``).
"""

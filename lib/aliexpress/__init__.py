"""The AliExpress Open Platform (affiliate API): signing, client, models, errors.

Importing this package is free of side effects: it reads no environment variable,
opens no connection and imports nothing heavy (no pydantic). Import the submodule you
need (``lib.aliexpress.signing``, ``.client``, ``.transport``, ``.models``, ``.errors``).
"""

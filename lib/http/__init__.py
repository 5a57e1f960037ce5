"""HTTP behaviour every function shares: the error envelope, request ids, bearer
auth, the per-request JSON log line and a tiny ASGI toolkit for functions that
must stay free of FastAPI. Knows nothing of AliExpress; standard library only
except :mod:`lib.http.fastapi_errors`."""

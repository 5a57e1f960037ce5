"""Code shared by every function under ``api/``.

Layers: ``lib.aliexpress`` speaks the AliExpress Open Platform protocol and knows
nothing of HTTP serving; ``lib.http`` is the HTTP behaviour every function shares
and knows nothing of AliExpress; ``lib.functions`` wires the two together for the
data functions. Nothing here reads the environment or opens a connection at import.
"""

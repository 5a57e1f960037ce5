"""Development and test tooling: the fake AliExpress gateway and the local dev
server. Never imported by a deployed function and excluded from every bundle."""

"""State shared by every instance of a deployment, on Redis when ``REDIS_URL`` is set.

::

    redis_link.RedisLink     one pooled connection per event loop, bounded timeouts,
                             a failure degrades to in-process (one log line)
    cache.SharedCache        lib.cache's interface over Redis, with a local front
    limits.ClientRateLimit   requests per minute per client IP
    limits.UpstreamBudget    AliExpress calls per second / per day, and ban memory

Nothing here imports ``redis`` at load: a deployment without ``REDIS_URL`` never pays
for it, and every class works in-process (per instance) when Redis is absent or down.
"""

"""Redis Cluster: the :class:`~interceptor.store.redis.RedisStore` on a ``RedisCluster`` client.

Only the client differs. The store's scripts touch the keys of one context at a time, which share
the ``{<id>}`` hash tag and therefore one slot, so they run unchanged on whichever primary owns it;
``list_ids`` scans every primary. The client follows MOVED/ASK redirections and re-reads the slot
map after failovers and restarts.
"""

from __future__ import annotations

from collections.abc import Callable

from redis.asyncio.cluster import ClusterNode, RedisCluster

from interceptor.store.redis import RedisStore, client_options
from interceptor.store.url import cluster_address


def open_redis_cluster(
    url: str, *, url_for_display: str, idle_seconds: float | None, clock: Callable[[], float]
) -> RedisStore:
    """A store on the Cluster named by ``redis+cluster://host:port[,host:port...]``. Connects lazily."""
    address = cluster_address(url)
    client = RedisCluster(
        startup_nodes=[ClusterNode(host, port) for host, port in address.nodes],
        username=address.username,
        password=address.password,
        ssl=address.tls,
        **client_options(),
    )
    return RedisStore(client, url_for_display=url_for_display, idle_seconds=idle_seconds, clock=clock)

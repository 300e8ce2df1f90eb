"""The lock that checked writes of every process take on Neo4j (graph/store/write_lock.py)."""

from neomodel import StringProperty, StructuredNode


class Lock(StructuredNode):
    """The one node whose write lock a checked write holds on Neo4j, in a transaction that is never committed.

    `name` is always `checked writes`: unique, so that two processes merging it at once wait for each other
    instead of creating two.
    """

    name = StringProperty(unique_index=True, required=True)

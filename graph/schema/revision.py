"""The revision of the graph's data: what readers that keep derived data in memory compare with."""

from neomodel import StringProperty, StructuredNode


class Revision(StructuredNode):
    """The one node that every write gives a new random token, in the transaction of the write.

    `name` is always `data`. A reader that notes the token before reading and finds it unchanged later
    knows that nothing was written in between (graph/snapshot.py).
    """

    name = StringProperty(unique_index=True, required=True)
    token = StringProperty(required=True)

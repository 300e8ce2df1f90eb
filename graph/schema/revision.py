"""The revision of the graph's data and the record of its changes: what readers that keep derived data in memory
compare with and follow (graph/snapshot.py, graph/changes.py)."""

from neomodel import ArrayProperty, BooleanProperty, IntegerProperty, StringProperty, StructuredNode


class Revision(StructuredNode):
    """The one node that every write gives a new random token and the next sequence number, in its transaction.

    `name` is always `data`. A reader that notes the token before reading and finds it unchanged later
    knows that nothing was written in between (graph/snapshot.py).
    """

    name = StringProperty(unique_index=True, required=True)
    token = StringProperty(required=True)
    sequence = IntegerProperty()


class Change(StructuredNode):
    """What one write changed of what the snapshot holds, written in the write's transaction (graph/changes.py).

    The graph keeps the last `graph.changes.CHANGES_KEPT` of them. `previous` is the token the write replaced,
    so a reader knows the record continues from the revision it holds.
    """

    sequence = IntegerProperty(unique_index=True, required=True)
    token = StringProperty(required=True)
    previous = StringProperty()
    organisations = ArrayProperty(StringProperty())
    children_of = ArrayProperty(StringProperty())
    territories = BooleanProperty()
    properties = BooleanProperty()
    everything = BooleanProperty()

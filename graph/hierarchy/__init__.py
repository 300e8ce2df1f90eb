"""The organisation hierarchy: `PARENT_OF` and `MEMBER_OF` links over time.

Import the module you need; this package re-exports nothing, so that each module's imports show which way
they run: reads -> graph.visibility -> chains, rules -> chains, and neither chains nor rules imports
graph.visibility. The modules:

- :mod:`graph.hierarchy.rules`: the rules a link must keep before it is written;
- :mod:`graph.hierarchy.chains`: the lookups along `PARENT_OF` links other modules build on;
- :mod:`graph.hierarchy.reads`: the hierarchy as a viewer sees it, behind the organisation endpoints.
"""

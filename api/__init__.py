"""crmgraph's HTTP API: thin routes over the graph services."""

"""crmgraph's engine: the graph model, its queries and the stores that run them."""

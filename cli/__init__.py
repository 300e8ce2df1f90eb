"""crmgraph's command line."""

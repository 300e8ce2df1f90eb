"""Demo data and data generators."""

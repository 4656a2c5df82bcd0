"""The journey's structure and arithmetic: graph, funnel, cross-references."""

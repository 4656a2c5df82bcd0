"""The static site: page paths and links, templates, rendering, search."""

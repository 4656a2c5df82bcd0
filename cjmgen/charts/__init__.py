"""Inline SVG charts of a map, shared by the site and the PDFs."""

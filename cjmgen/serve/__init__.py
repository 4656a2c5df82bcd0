"""The live-preview server."""

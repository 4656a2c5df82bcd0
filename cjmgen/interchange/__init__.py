"""Maps to and from other tools: Mermaid, JSON, CSV."""

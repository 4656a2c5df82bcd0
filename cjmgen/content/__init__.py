"""Reading a map repository: files, YAML, Markdown and git into the model."""

"""The command line: a module per command group; the only code that prints."""

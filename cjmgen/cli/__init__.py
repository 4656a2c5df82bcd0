"""The command line: a module per command over common.py; the only code that prints and picks exit statuses."""

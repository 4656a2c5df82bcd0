"""Everything cjmgen keeps between runs to do less work: every cache lives here."""

"""The build pipeline and what it needs: atomic output, worker processes, clean ends."""

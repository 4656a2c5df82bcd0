"""Maps through time: the semantic diff between revisions, in every format."""

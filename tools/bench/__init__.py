"""cjmgen's benchmark (`make bench`, `python -m tools.bench`): not part of the package.

corpus.py generates the map repositories (the tests use it too), run.py times
them against MkDocs, Hugo and a Python floor, sidebyside.py times two checkouts
alternately, review.py times `cjmgen diff`. See docs/benchmarks.md.
"""

"""cjmgen: Customer Journey Maps kept as text in git, published as a static site."""

__version__ = "0.1.0"

"""Starting files: `cjmgen init`, `cjmgen new` and the CI templates."""

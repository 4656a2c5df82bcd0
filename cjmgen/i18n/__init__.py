"""Labels, phrases, plurals and number formats in every site language."""

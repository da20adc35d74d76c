"""Quality checks on translations (numbers, copies, loops, length, names, brackets, empty
output, glossary terms) and the glossary's TSV form.

A pure layer: imports only align.errors, align.text and its own modules; the project-level
run (reading the store, dismissals, caching) is align/quality.py."""

"""Text handling: reading user files (encodings, limits), sentence splitting, speaker labels,
segmentation into blocks, clause splitting for long sentences, the document model.

A pure layer: imports only align.errors and its own modules (and alignment/ never imports
it back except for speaker labels)."""

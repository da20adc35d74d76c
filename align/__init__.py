"""bitext core: pure Python plus numpy; never imports torch, transformers or streamlit.

The layers, each a subpackage, and what each may import (checked by tests/test_layers.py):

    text/        reading files, sentences, speakers, segmentation, the document model
    alignment/   scoring signals, the banded search, anchors and blocks, link formats, transcripts
                 (text/ and alignment/ are the pure layers: they import only each other, errors)
    store/       the project database, one public `Project` (takes text/'s document model)
    imports/     bringing a German text or an existing translation into a project (on the store)
    formats/     export/import formats and safe XML parsing (on the store's rows)
    reader.py    the app's view model (on the store)
    cli/         the `bitext` command: one module per command group, on everything above;
                 the only part of align/ that reaches into models/, lazily, inside handlers
    errors.py, safepath.py   shared by every layer

Nothing in align/ imports models/ except cli/ (lazily); only app.py imports streamlit.
"""

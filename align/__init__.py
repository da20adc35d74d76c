"""bitext core: document model, segmentation, alignment, project store, formats.

Pure Python plus numpy; never imports torch, transformers or streamlit.
"""

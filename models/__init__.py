"""Everything that loads a model: MarianMT (torch/transformers), the CTranslate2 backend,
sentence encoders for alignment, the model cache; and the services the app calls
(`app_services.py`). May import any of align/ except align.cli; never streamlit."""

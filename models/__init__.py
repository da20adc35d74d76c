"""Everything that loads a model: MarianMT (torch/transformers), the optional
CTranslate2 backend, sentence encoders for alignment, the model cache."""

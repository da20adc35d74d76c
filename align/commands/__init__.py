"""One module per CLI command group; each exposes `register(subparsers)`.

Command modules import heavy libraries (torch, transformers) only inside their handlers,
so `bitext --help` stays fast.
"""

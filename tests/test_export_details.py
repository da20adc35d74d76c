"""What the exports carry besides text: the alignment score, the model's confidence and the
suggestion mark, checked with independent readers (lxml against the TMX DTD, Translate
Toolkit's TMX and XLIFF 2 stores, Python's csv module, json), and kept when an export is
imported again.

The project: the interview (gold segmentation) with Chinese machine translations of its
opening (each with a confidence) and a human English imported with three links the aligner
was unsure of (suggestions). Two Chinese sentences begin with a double quote, one of them
unbalanced: what a CSV reader misreads in a TSV written without care.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from lxml import etree
from translate.storage import tmx as tt_tmx
from translate.storage import xliff2 as tt_xliff2

from align.cli import main
from align.store import Project
from tests.conftest import REFERENCE, make_gold_project

DTD = Path(__file__).resolve().parent.parent / "align" / "formats" / "tmx14b.dtd"
SUGGESTED = {4, 7, 9}            # positions (among the translated sentences) of suggested links
UNITS = len(REFERENCE)
MDA = "urn:oasis:names:tc:xliff:metadata:2.0"
XLF = "urn:oasis:names:tc:xliff:document:2.0"


def chinese(k: int, german: str) -> str:
    text = REFERENCE[german][1]
    if k == 1:
        return '"' + text                     # an unbalanced quote opens the sentence
    if k == 2:
        return '"引文" ' + text                # a quoted word opens it
    return text


def confidence(k: int) -> float:
    return round(-0.1 * (k + 1) - 0.0123, 4)


def make_project(directory: Path) -> Path:
    make_gold_project(directory)
    with Project.open(directory) as p:
        src = [s for s in p.source_segments() if s.text in REFERENCE]
        assert len(src) == UNITS
        for k, s in enumerate(src):
            p.set_machine_translation(s.id, "zh", chinese(k, s.text), {"model": "tiny-zh"},
                                      confidence=confidence(k))
        p.import_target_track("en", [REFERENCE[s.text][0] for s in src],
                              [([s.id], [k], 0.5 if k in SUGGESTED else 0.95)
                               for k, s in enumerate(src)],
                              suggested=[k in SUGGESTED for k in range(UNITS)])
    return directory


@pytest.fixture(scope="module")
def project_dir(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("details") / "davos")


def german() -> list[str]:
    return list(REFERENCE)


def expected_suggested() -> set[str]:
    """The German sentences whose English link is a suggestion."""
    return {g for k, g in enumerate(german()) if k in SUGGESTED}


def export(capsys, project_dir, fmt, out, *extra) -> str:
    assert main(["export", str(project_dir), "--format", fmt, "--output", str(out), "--force",
                 *extra]) == 0
    return capsys.readouterr().out


def tmx_units(path: Path) -> list[etree._Element]:
    doc = etree.parse(str(path))
    dtd = etree.DTD(str(DTD))
    assert dtd.validate(doc), dtd.error_log.filter_from_errors()
    return doc.getroot().findall("body/tu")


def tuv(tu, lang: str):
    return next(t for t in tu.findall("tuv")
                if t.get("{http://www.w3.org/XML/1998/namespace}lang").startswith(lang))


def props(element) -> dict[str, str]:
    return {p.get("type"): p.text for p in element.findall("prop")}


def tsv_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def jsonl_rows(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def xliff_units(path: Path):
    store = tt_xliff2.Xliff2File.parsefile(str(path))
    return store.units


def moses_lines(prefix: Path, lang: str) -> list[str]:
    return Path(f"{prefix}.{lang}").read_text(encoding="utf-8").splitlines()


def unit_counts(capsys, project_dir, folder: Path, *extra) -> dict[str, int]:
    """Units each format holds, as an independent reader counts them."""
    out = {}
    text = export(capsys, project_dir, "tmx", folder / "a.tmx", "--langs", "de,en,zh", *extra)
    out["tmx"] = len(tt_tmx.tmxfile.parsefile(str(folder / "a.tmx")).units)
    export(capsys, project_dir, "tsv", folder / "a.tsv", "--langs", "de,en,zh", *extra)
    out["tsv"] = len(tsv_rows(folder / "a.tsv"))
    export(capsys, project_dir, "moses", folder / "a", "--langs", "de,en,zh", *extra)
    counts = {lang: len(moses_lines(folder / "a", lang)) for lang in ("de", "en", "zh")}
    assert len(set(counts.values())) == 1, counts
    for lang in ("de", "en", "zh"):          # no stray line breaks, no empty lines
        data = Path(f"{folder / 'a'}.{lang}").read_bytes()
        assert data.count(b"\n") == counts[lang] and b"\n\n" not in data and b"\r" not in data
    out["moses"] = counts["de"]
    export(capsys, project_dir, "jsonl", folder / "a.jsonl", "--langs", "de,en,zh", *extra)
    out["jsonl"] = len(jsonl_rows(folder / "a.jsonl"))
    export(capsys, project_dir, "xliff", folder / "a.xlf", "--langs", "de,en", *extra)
    out["xliff"] = len(xliff_units(folder / "a.xlf"))
    return out, text


def test_suggested_links_are_left_out_or_kept_alike_in_every_format(project_dir, tmp_path, capsys):
    plain, said = unit_counts(capsys, project_dir, tmp_path)
    assert set(plain.values()) == {UNITS - len(SUGGESTED)}, plain
    assert f"left out {len(SUGGESTED)} suggested links" in said
    kept, said = unit_counts(capsys, project_dir, tmp_path, "--include-suggested")
    assert set(kept.values()) == {UNITS}, kept
    assert f"{len(SUGGESTED)} units hold a suggested link (marked as suggested)" in said
    said = export(capsys, project_dir, "moses", tmp_path / "m", "--langs", "de,en",
                  "--include-suggested")
    assert "(Moses files cannot mark them)" in said


def test_tmx_marks_suggestions_and_carries_score_and_confidence(project_dir, tmp_path, capsys):
    export(capsys, project_dir, "tmx", tmp_path / "s.tmx", "--langs", "de,en,zh",
           "--include-suggested")
    marked = set()
    for tu in tmx_units(tmp_path / "s.tmx"):
        de = tuv(tu, "de").findtext("seg")
        en, zh = props(tuv(tu, "en")), props(tuv(tu, "zh"))
        k = german().index(de)
        if en.get("x-suggested") == "true":
            marked.add(de)
        assert en["x-score"] == ("0.5000" if k in SUGGESTED else "0.9500")
        assert zh["x-mt-confidence"] == f"{confidence(k):.4f}" and "x-suggested" not in zh
        assert tuv(tu, "zh").findtext("seg") == chinese(k, de)
    assert marked == expected_suggested()
    # Without --include-suggested nothing is marked (there is nothing to mark).
    export(capsys, project_dir, "tmx", tmp_path / "n.tmx", "--langs", "de,en,zh")
    assert not any("x-suggested" in props(t) for tu in tmx_units(tmp_path / "n.tmx")
                   for t in tu.findall("tuv"))
    # Translate Toolkit reads the pair's text as written, quotes and all.
    export(capsys, project_dir, "tmx", tmp_path / "zh.tmx", "--langs", "de,zh")
    units = tt_tmx.tmxfile.parsefile(str(tmp_path / "zh.tmx")).units
    assert [(u.source, u.target) for u in units] == [
        (g, chinese(k, g)) for k, g in enumerate(german())]


def test_tsv_reads_back_with_the_csv_module(project_dir, tmp_path, capsys):
    export(capsys, project_dir, "tsv", tmp_path / "plain.tsv", "--langs", "de,en,zh")
    rows = tsv_rows(tmp_path / "plain.tsv")
    # The plain layout stays as it was: no confidence or suggestion columns.
    assert list(rows[0]) == ["turn", "speaker", "de", "en", "zh", "status_en", "origin_en",
                             "score_en", "status_zh", "origin_zh", "score_zh"]
    kept = [g for k, g in enumerate(german()) if k not in SUGGESTED]
    assert [r["de"] for r in rows] == kept
    assert [r["zh"] for r in rows] == [chinese(german().index(g), g) for g in kept]
    # Every line is one record: the unbalanced quote does not run into the next line.
    lines = (tmp_path / "plain.tsv").read_text(encoding="utf-8").split("\n")
    assert len(lines) == len(kept) + 2 and lines[-1] == ""
    assert all(line.count("\t") == 10 for line in lines[:-1])
    # A field without a leading quote is written as it is (cut -f reads it).
    assert all(line.split("\t")[2] == g for line, g in zip(lines[1:], kept))


def test_tsv_confidence_and_suggestion_columns(project_dir, tmp_path, capsys):
    export(capsys, project_dir, "tsv", tmp_path / "all.tsv", "--langs", "de,en,zh",
           "--include-suggested", "--with-confidence")
    rows = tsv_rows(tmp_path / "all.tsv")
    assert list(rows[0])[5:] == ["status_en", "origin_en", "score_en", "confidence_en",
                                 "suggested_en", "status_zh", "origin_zh", "score_zh",
                                 "confidence_zh", "suggested_zh"]
    assert {r["de"] for r in rows if r["suggested_en"] == "1"} == expected_suggested()
    assert {r["suggested_en"] for r in rows} == {"0", "1"} and {r["suggested_zh"] for r in rows} == {"0"}
    for r in rows:
        k = german().index(r["de"])
        assert r["confidence_zh"] == f"{confidence(k):.4f}" and r["confidence_en"] == ""
        assert r["zh"] == chinese(k, r["de"])
    # pandas with its defaults reads the same fields.
    import pandas as pd

    frame = pd.read_csv(tmp_path / "all.tsv", sep="\t", keep_default_na=False, dtype=str)
    assert frame["zh"].tolist() == [r["zh"] for r in rows]


def test_jsonl_marks_suggestions_only_when_they_are_exported(project_dir, tmp_path, capsys):
    export(capsys, project_dir, "jsonl", tmp_path / "s.jsonl", "--include-suggested")
    rows = jsonl_rows(tmp_path / "s.jsonl")
    assert {r["translation"]["de"] for r in rows if r["suggested"]["en"]} == expected_suggested()
    assert not any(r["suggested"]["zh"] for r in rows)
    assert all(r["confidence"]["zh"] == confidence(german().index(r["translation"]["de"]))
               for r in rows)
    export(capsys, project_dir, "jsonl", tmp_path / "n.jsonl")
    assert not any("suggested" in r for r in jsonl_rows(tmp_path / "n.jsonl"))


def test_xliff_marks_suggestions_as_needing_review(project_dir, tmp_path, capsys):
    export(capsys, project_dir, "xliff", tmp_path / "en.xlf", "--langs", "de,en",
           "--include-suggested")
    units = xliff_units(tmp_path / "en.xlf")
    assert len(units) == UNITS
    # Translate Toolkit sees a suggested link as fuzzy, every other one as translated.
    assert {u.source for u in units if u.isfuzzy()} == expected_suggested()
    assert all(u.istranslated() for u in units if u.source not in expected_suggested())
    root = etree.parse(str(tmp_path / "en.xlf")).getroot()
    for unit in root.iter(f"{{{XLF}}}unit"):
        meta = {m.get("type"): m.text for m in unit.iter(f"{{{MDA}}}meta")}
        segment = unit.find(f"{{{XLF}}}segment")
        if segment.findtext(f"{{{XLF}}}source") in expected_suggested():
            assert meta["suggested"] == "true" and meta["status"] == "edited"
            assert segment.get("subState") == "bitext:suggested"
        else:
            assert "suggested" not in meta and segment.get("subState") is None
    export(capsys, project_dir, "xliff", tmp_path / "zh.xlf", "--langs", "de,zh")
    root = etree.parse(str(tmp_path / "zh.xlf")).getroot()
    for unit in root.iter(f"{{{XLF}}}unit"):
        meta = {m.get("type"): m.text for m in unit.iter(f"{{{MDA}}}meta")}
        k = german().index(unit.find(f"{{{XLF}}}segment").findtext(f"{{{XLF}}}source"))
        assert meta["mt-confidence"] == f"{confidence(k):.4f}"


@pytest.mark.parametrize("fmt,name,extra", [
    ("tmx", "x.tmx", []), ("tsv", "x.tsv", ["--with-confidence"]), ("jsonl", "x.jsonl", []),
    ("xliff", "x.xlf", [])])
def test_an_imported_export_keeps_suggestions_and_confidence(project_dir, tmp_path, capsys,
                                                             fmt, name, extra):
    pairs = [["de", "en"], ["de", "zh"]] if fmt == "xliff" else [["de", "en", "zh"]]
    target = make_gold_project(tmp_path / "again")
    for langs in pairs:
        path = tmp_path / f"{'-'.join(langs)}-{name}"
        export(capsys, project_dir, fmt, path, "--langs", ",".join(langs),
               "--include-suggested", *extra)
        for lang in langs[1:]:
            assert main(["import-translation", str(target), "--lang", lang, str(path)]) == 0
            said = capsys.readouterr().out
            assert ("3 of them marked as suggested" in said) == (lang == "en")
    with Project.open(target) as p:
        text = {s.id: s.text for s in p.source_segments()}
        links = p.links("en")
        assert {text[link.src_ids[0]] for link in links if link.suggested} == expected_suggested()
        assert {round(link.score, 4) for link in links if link.suggested} == {0.5}
        got = {text[link.src_ids[0]]: p.mt_confidences("zh").get(link.tgt_ids[0])
               for link in p.links("zh")}
    assert got == {g: confidence(k) for k, g in enumerate(german())}


def test_tsv_reader_takes_quoted_fields_and_files_written_before_quoting():
    from align.formats import tsv

    head = "turn\tspeaker\tde\ten\tstatus_en\torigin_en\tscore_en\n"
    # As this version writes it, and as a spreadsheet quotes it.
    quoted = head + '1\tSorkin\tA\t"""Ja"", sagte er."\tedited\thuman\t0.9000\n'
    # As bitext wrote it before fields were quoted: a bare leading quote, taken as it is.
    bare = head + '1\tSorkin\tA\t"Ja, sagte er.\tedited\thuman\t0.9000\n2\t\tB\t"B" und C\tmt\t\t\n'
    assert [r.cells["en"].text for r in tsv.read(quoted.encode()).rows] == ['"Ja", sagte er.']
    assert [r.cells["en"].text for r in tsv.read(bare.encode()).rows] == ['"Ja, sagte er.',
                                                                         '"B" und C']
    # What the writer quotes, the reader gives back exactly.
    for text in ['"', '""', '"a" "b"', 'a "b"', '"unbalanced', '" lone']:
        assert tsv.unquote(tsv.field(text)) == text


def test_names_xml_cannot_hold_do_not_stop_an_export(tmp_path):
    """A speaker, title or model name with a control character or a line separator (the
    source import refuses them in text, but names come from elsewhere too): every format is
    still written, every XML file parses, every JSONL object stays on its line."""
    from align.formats import FORMATS, export_table
    from align.text.document import Block, Document

    with Project.create(tmp_path / "p") as p:
        p.import_document(Document([Block(kind="turn", sentences=["Eins zwei.", "Drei vier."],
                                          speaker="Jack\u2028Ma\x07", speaker_label="Jack Ma")],
                                   lang="de", speakers={}, title="Ti\x07tle\u2029"), "t.txt", "t")
        for s in p.source_segments():
            p.set_machine_translation(s.id, "en", "One\u2028two.", {"model": "m\x07\x85x"},
                                      confidence=-0.5)
        for fmt in FORMATS:
            table, data = export_table(p, fmt, ["de", "en"])
            assert len(table.rows) == 2
            if fmt in ("tmx", "xliff"):
                root = etree.fromstring(data)
                assert "Jack Ma" in etree.tostring(root, encoding="unicode")
            if fmt == "jsonl":
                lines = data.decode("utf-8").splitlines()
                assert [json.loads(line)["origin"]["en"] for line in lines] == ["mt:m\x07\x85x"] * 2
            if fmt == "tsv":
                assert [r["speaker"] for r in csv.DictReader(io.StringIO(data.decode("utf-8")),
                                                             delimiter="\t")] == ["Jack Ma"] * 2

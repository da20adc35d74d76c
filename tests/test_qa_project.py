"""QA on a real project: the glossary and dismissals in the store, `bitext qa` and
`bitext glossary` through the command line, and the reader's flags, filter and term marks."""
from __future__ import annotations

import json

import pytest

from align import quality
from align import reader as rd
from align.cli import main
from align.errors import InputError
from align.store import Project
from tests.conftest import add_reference_translations

STAFF = "Alibaba hat 45.000 Mitarbeiter."
SESAME = "Wir haben über Sesame Credit gesprochen."


def cli(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def set_mt(p: Project, german: str, english: str) -> str:
    src = next(s for s in p.source_segments() if s.text == german)
    assert p.set_machine_translation(src.id, "en", english, {"model": "test"})
    return next(l for l in p.links("en") if src.id in l.src_ids).tgt_ids[0]


@pytest.fixture
def project(gold_project):
    add_reference_translations(gold_project)
    return gold_project


def test_flags_follow_edits_and_dismissals(project):
    assert quality.run_qa(project, "en") == []
    seg_id = set_mt(project, STAFF, "Alibaba has 45 employees.")
    [finding] = quality.run_qa(project, "en")
    assert (finding.unit.segment_id, finding.flag.code) == (seg_id, "numbers")
    assert quality.dismiss(project, finding) is True
    assert quality.dismiss(project, finding) is False          # once is enough
    [again] = quality.run_qa(project, "en")
    assert again.dismissed
    history = project.history(seg_id)
    assert history[0].action == "dismiss" and history[0].new_value["code"] == "numbers"
    # A new text is checked again: the dismissal held for the text it was made on.
    seg = project.segment(seg_id)
    project.edit_segment(seg_id, "Alibaba has 46 employees.", seg.version)
    [reopened] = quality.run_qa(project, "en")
    assert not reopened.dismissed and "46" in reopened.flag.reason
    seg = project.segment(seg_id)
    project.edit_segment(seg_id, "Alibaba has 45,000 employees.", seg.version)
    assert quality.run_qa(project, "en") == []


PRONOUNS = "Es war Trump, der auf Jack Ma zuging und fragte, ob sie reden könnten."


def test_a_partly_translated_document_knows_its_names(gold_project):
    """issue 26: a handful of English sentences in a document of 295 German ones; one
    renders both names of its German by pronouns. "Jack Ma" is a speaker of the document,
    "Trump" occurs in a dozen of its German sentences: both are names to keep, although no
    translated sentence shows either kept."""
    p = gold_project
    pronouns = set_mt(p, PRONOUNS, "It was he who walked up to him and asked if they could talk.")
    number = set_mt(p, STAFF, "Alibaba has 45 employees.")
    copied = set_mt(p, "Das Treffen war produktiv und viel besser als ich erwartet hatte.",
                    "Das Treffen war produktiv und viel besser als ich erwartet hatte.")
    loop = set_mt(p, "Wie kam es zu diesem Treffen?",
                  "How did this meeting come about about about about?")
    fine = set_mt(p, "Diese Frage stelle ich mir auch.", "I ask myself that question too.")
    assert {"Jack Ma"} <= {b.speaker for b in p.blocks()}
    flags = {(f.unit.segment_id, f.flag.code): f.flag.reason for f in quality.run_qa(p, "en")}
    assert flags == {
        (pronouns, "names"): "not in the translation: Trump, Jack, Ma",
        (number, "numbers"): "not in the translation: 45.000; not in the source: 45",
        (copied, "untranslated"): "the translation is the source text copied",
        (loop, "repeat"): "“about” 4 times in a row (a decoder loop?)",
    }
    assert not any(seg == fine for seg, _ in flags)
    # Kept names, in a genitive or a compound, raise nothing.
    set_mt(p, PRONOUNS, "It was Trump who walked up to Jack Ma and asked if they could talk.")
    assert (pronouns, "names") not in {(f.unit.segment_id, f.flag.code)
                                       for f in quality.run_qa(p, "en")}


def test_glossary_in_the_store(project):
    assert project.add_glossary_terms("en", [("Sesame Credit", "Sesame Credit"),
                                             ("KMU", "SMEs")]) == 2
    assert project.add_glossary_terms("en", [("KMU", "SMEs")]) == 0
    assert project.add_glossary_terms("en", [("KMU", "small businesses")]) == 1
    assert project.glossary("en") == [("KMU", "small businesses"), ("Sesame Credit", "Sesame Credit")]
    assert project.glossary("zh") == []
    project.remove_glossary_term("en", "KMU")
    assert project.glossary("en") == [("Sesame Credit", "Sesame Credit")]
    with pytest.raises(InputError, match="not in the en glossary"):
        project.remove_glossary_term("en", "KMU")
    with pytest.raises(InputError, match="empty"):
        project.add_glossary_terms("en", [("Alibaba", "Alibaba"), ("  ", "x")])
    assert project.glossary("en") == [("Sesame Credit", "Sesame Credit")]   # all or nothing
    assert [h.action for h in project.history("en:KMU")] == ["remove", "add", "add"]
    set_mt(project, SESAME, "We talked about sesame loans.")
    # The term is broken, and "Credit" (a name of the interview's German) is missing.
    assert {f.flag.code for f in quality.run_qa(project, "en")} == {"glossary", "names"}


def test_qa_command(project, capsys):
    directory = project.dir
    assert cli(capsys, "qa", directory, "--lang", "en")[0] == 0
    seg_id = set_mt(project, STAFF, "Alibaba has 45 employees.")
    code, out, err = cli(capsys, "qa", directory, "--lang", "en")
    assert code == 1
    lang, sid, check, reason, source, target = out.strip().split("\t")
    assert (lang, sid, check, source, target) == ("en", seg_id, "numbers", STAFF,
                                                  "Alibaba has 45 employees.")
    assert "1 open flag(s), 0 dismissed, in en" in err
    code, out, _ = cli(capsys, "qa", directory, "--json")
    assert code == 1 and json.loads(out)["reason"] == reason
    assert cli(capsys, "qa", directory, "--dismiss", seg_id, "numbers")[0] == 2  # which language?
    code, out, _ = cli(capsys, "qa", directory, "--lang", "en", "--dismiss", seg_id, "numbers")
    assert code == 0 and out.startswith(f"dismissed numbers on {seg_id}")
    assert cli(capsys, "qa", directory, "--lang", "en")[0] == 0
    code, out, _ = cli(capsys, "qa", directory, "--lang", "en", "--all")
    assert code == 0 and "numbers (dismissed)" in out
    code, _, err = cli(capsys, "qa", directory, "--lang", "en", "--dismiss", seg_id, "loops")
    assert code == 2 and err.startswith("error: unknown check 'loops'")
    assert cli(capsys, "qa", directory / "nothere")[0] == 2


def test_glossary_command(project, capsys, tmp_path):
    directory = project.dir
    code, out, _ = cli(capsys, "glossary", directory, "add", "Sesame Credit", "Sesame Credit",
                       "--lang", "en")
    assert code == 0 and out.startswith("added: Sesame Credit")
    tsv = tmp_path / "terms.tsv"
    tsv.write_text("source\ttarget\nKMU\tSMEs\nWall Street\tWall Street\n", encoding="utf-8")
    assert cli(capsys, "glossary", directory, "import", tsv)[2] == ""
    code, out, _ = cli(capsys, "glossary", directory, "list")
    assert out.splitlines() == ["KMU\tSMEs", "Sesame Credit\tSesame Credit",
                                "Wall Street\tWall Street"]
    out_file = tmp_path / "out.tsv"
    assert cli(capsys, "glossary", directory, "export", "--output", out_file)[0] == 0
    assert out_file.read_text(encoding="utf-8") == "\n".join(out.splitlines()) + "\n"
    bad = tmp_path / "bad.tsv"
    bad.write_text("Alibaba\tAlibaba\nno tab\n", encoding="utf-8")
    code, _, err = cli(capsys, "glossary", directory, "import", bad)
    assert code == 2 and err.startswith("error: glossary line 2")
    assert len(project.glossary("en")) == 3                  # nothing of the bad file saved
    assert cli(capsys, "glossary", directory, "remove", "KMU")[0] == 0
    assert cli(capsys, "glossary", directory, "remove", "KMU")[0] == 2
    assert cli(capsys, "glossary", directory, "list", "--lang", "xx")[0] == 2
    # The glossary reaches `bitext qa`.
    set_mt(project, SESAME, "We talked about sesame loans.")
    code, out, _ = cli(capsys, "qa", directory, "--lang", "en")
    assert code == 1 and "\tglossary\t“Sesame Credit” should be “Sesame Credit”\t" in out


def test_reader_shows_flags_filters_and_marks_terms(project):
    set_mt(project, STAFF, "Alibaba has 45 employees.")
    project.add_glossary_terms("en", [("Sesame <b>Credit</b>", "x"), ("Jack Ma", "Jack Ma")])
    snap = rd.load_snapshot(project, ["en", "zh"])
    every = rd.build_view(snap, ["en", "zh"])
    flagged = rd.build_view(snap, ["en", "zh"], rd.RowFilter(flagged=True))
    rows = [r for v in flagged for r in v.rows]
    assert [r.sources[0].text for r in rows] == [STAFF]
    html = rd.row_html(rows[0], ["en", "zh"])
    assert "bx-flagged" in html and "⚑ numbers</span> not in the translation: 45.000" in html
    terms = rd.glossary_marks(snap, ["en"])
    welcome = next(r for v in every for r in v.rows
                   if r.sources[0].text == "Nochmals willkommen, Herr Jack Ma!")
    marked = rd.row_html(welcome, ["en"], terms=terms)
    assert '<span class="bx-term" title="glossary · en: Jack Ma">Jack Ma</span>' in marked
    # Search marks win where they overlap a term; a term with markup is escaped.
    assert "<mark>Jack</mark> Ma" in rd.highlight("Herr Jack Ma", "jack", terms)
    assert "&lt;b&gt;" in rd.highlight("Sesame <b>Credit</b>", "", rd.glossary_marks(snap, ["en"]))
    assert "<b>" not in rd.highlight("Sesame <b>Credit</b>", "", rd.glossary_marks(snap, ["en"]))
    # Dismissed: the row leaves the flagged view.
    [finding] = quality.run_qa(project, "en")
    quality.dismiss(project, finding)
    snap = rd.load_snapshot(project, ["en", "zh"])
    assert rd.build_view(snap, ["en"], rd.RowFilter(flagged=True)) == []
    assert rd.empty_message(snap, ["en"], rd.RowFilter(flagged=True)) == \
        "No open QA flags in these columns."

"""Suggested links: stored with an import, shown apart in the reader, accepted or rejected
(recorded in the history), left out of exports unless asked for (CLI and app service)."""
from __future__ import annotations

import sqlite3

import pytest

from align import reader as rd
from align.alignment.suggestions import SUGGESTION_BELOW, is_suggestion
from align.cli import main
from align.errors import InputError
from align.formats import export_project
from align.imports.translation import import_text
from align.store import Project
from tests.conftest import make_gold_project

ENGLISH = ["Welcome back, Mr Jack Ma!", "You just met Donald Trump.", "Tell us about the meeting.",
           "It was productive and much better than I expected."]
GERMAN = ["Nochmals willkommen, Herr Jack Ma!",
          "Sie haben gerade den Trump Tower besucht und den designierten Präsidenten Donald Trump getroffen.",
          "Können Sie uns von diesem Treffen erzählen?",
          "Das Treffen war produktiv und viel besser als ich erwartet hatte."]
SCORES = [0.97, 0.31, 0.88, 0.12]


def scripted_aligner(blocks):
    """Pairs the four sentences above 1:1 with the given scores (what is tested here is what
    happens to a score, not how the aligner finds it)."""
    out = []
    for src, tgt in blocks:
        links = []
        for j, t in enumerate(tgt):
            k = ENGLISH.index(t)
            links.append(((src.index(GERMAN[k]),), (j,), SCORES[k]))
        out.append(links)
    return out


@pytest.fixture
def project(tmp_path):
    directory = make_gold_project(tmp_path / "gold")
    with Project.open(directory) as p:
        result = import_text(p, "\n".join(ENGLISH) + "\n", "en", "en.txt", scripted_aligner)
        assert result.suggested == 2 and "2 of them suggestions" in result.summary()
        yield p


def link_of(p: Project, english: str):
    return next(l for l in p.links("en") if l.tgt_ids and p.segment(l.tgt_ids[0]).text == english)


def test_threshold_is_one_constant():
    assert is_suggestion(SUGGESTION_BELOW - 0.01) and not is_suggestion(SUGGESTION_BELOW)
    assert not is_suggestion(None)


def test_links_below_the_threshold_are_stored_as_suggestions_with_their_score(project):
    suggested = {project.segment(l.tgt_ids[0]).text: l.score for l in project.links("en") if l.suggested}
    assert suggested == {ENGLISH[1]: 0.31, ENGLISH[3]: 0.12}
    assert project.suggested_link_ids("en") == {l.id for l in project.links("en") if l.suggested}


def test_the_column_is_added_to_a_project_made_before_it(tmp_path):
    directory = make_gold_project(tmp_path / "old")
    conn = sqlite3.connect(directory / "project.sqlite")
    assert "suggested" in {r[1] for r in conn.execute("PRAGMA table_info(links)")}
    conn.close()
    with Project.open(directory) as p:
        assert p.suggested_link_ids() == set()


def test_accept_makes_a_normal_link_and_is_recorded(project):
    link = link_of(project, ENGLISH[1])
    assert rd.decide_suggestion(project, link.id, accept=True).startswith("Suggestion accepted")
    now = project.link(link.id)
    assert not now.suggested and now.fixed and now.score == 0.31
    assert project.history(str(link.id))[0].action == "accept-suggestion"
    with pytest.raises(InputError):
        project.accept_suggestion(link.id)       # not a suggestion any more


def test_reject_unlinks_the_sentences_and_keeps_the_translation(project):
    link = link_of(project, ENGLISH[3])
    rd.decide_suggestion(project, link.id, accept=False)
    assert link.id not in {l.id for l in project.links("en")}
    holder = next(l for l in project.links("en") if l.tgt_ids == link.tgt_ids)
    assert holder.src_ids == () and holder.fixed and not holder.suggested
    assert not any(set(link.src_ids) & set(l.src_ids) for l in project.links("en"))
    assert project.history(str(link.id))[0].action == "reject-suggestion"
    assert project.segment(link.tgt_ids[0]).text == ENGLISH[3]


def test_reader_shows_suggestions_apart(project):
    snapshot = rd.load_snapshot(project, ["en"])
    html = "".join(rd.row_html(r, ["en"]) for b in snapshot.blocks for r in rd.block_rows(snapshot, b, ["en"]))
    assert html.count("bx-suggested") == 2 and html.count(">suggested</span>") == 2


def test_export_leaves_suggestions_out_unless_asked(project):
    default = export_project(project, "tsv", ["de", "en"]).decode()
    assert ENGLISH[0] in default and ENGLISH[1] not in default and ENGLISH[3] not in default
    everything = export_project(project, "tsv", ["de", "en"], include_suggested=True).decode()
    assert all(e in everything for e in ENGLISH)


def test_export_cli_flag(project, tmp_path, capsys):
    out = tmp_path / "x.tsv"
    assert main(["export", str(project.dir), "--format", "tsv", "--langs", "de,en",
                 "--output", str(out)]) == 0
    assert "left out 2 suggested links" in capsys.readouterr().out
    assert ENGLISH[1] not in out.read_text(encoding="utf-8")
    assert main(["export", str(project.dir), "--format", "tsv", "--langs", "de,en",
                 "--output", str(out), "--force", "--include-suggested"]) == 0
    assert ENGLISH[1] in out.read_text(encoding="utf-8")


def test_app_export_service_passes_the_choice_on(project):
    from models import app_services as svc

    assert ENGLISH[1] not in svc.export_bytes(project.dir, "tsv", ["en"], "mt", False).decode()
    assert ENGLISH[1] in svc.export_bytes(project.dir, "tsv", ["en"], "mt", False, True).decode()


def test_moving_a_sentence_makes_both_links_a_persons(project):
    link = link_of(project, ENGLISH[1])
    project.move_target(link.id, "up")
    assert not any(l.suggested for l in project.links("en") if l.block_id == link.block_id)


def test_export_dialog_has_the_include_suggested_option(project, monkeypatch, tmp_path):
    from tests.test_app_flows import start

    monkeypatch.setenv("BITEXT_PROJECT", str(project.dir))
    monkeypatch.setenv("BITEXT_CACHE", str(tmp_path / "no-models"))
    monkeypatch.delenv("BITEXT_MODELS", raising=False)
    at = start()
    at.button(key="open_export").click().run()
    box = at.checkbox(key="exp_suggested")
    assert box.label == "Include suggested links" and box.value is False
    box.check().run()
    assert not at.exception


def test_status_filter_lists_the_rows_with_suggestions(project):
    snapshot = rd.load_snapshot(project, ["en"])
    views = rd.build_view(snapshot, ["en"], rd.RowFilter(status="suggested"))
    texts = [s.text for v in views for r in v.rows for s in r.sources]
    assert texts == [GERMAN[1], GERMAN[3]]


def test_a_sentence_with_no_source_is_never_a_units_whole_translation(tmp_path):
    """An English sentence the aligner left without German (a 0:1 link) joins the row before
    it, as a translator's addition; but after a suggestion that is left out, that row would
    hold nothing else and the export would pair it with German it does not translate."""
    directory = make_gold_project(tmp_path / "gold")
    added = "And that was the whole story."

    def aligner(blocks):
        out = []
        for src, tgt in blocks:
            links = []
            for j, t in enumerate(tgt):
                if t == added:
                    links.append(((), (j,), 0.01))
                else:
                    k = ENGLISH.index(t)
                    links.append(((src.index(GERMAN[k]),), (j,), SCORES[k]))
            out.append(links)
        return out

    english = ENGLISH[:2] + [added] + ENGLISH[2:]   # the addition follows a suggestion (0.31)
    with Project.open(directory) as p:
        import_text(p, "\n".join(english) + "\n", "en", "en.txt", aligner)
        pairs = [(row.cells["de"].text, row.cells["en"].text)
                 for row in export_rows(p, include_suggested=False)]
        assert all(added not in en for _, en in pairs), pairs
        assert (GERMAN[0], ENGLISH[0]) in pairs
        # asked for, the suggestion is there and the addition joins it
        pairs = [(row.cells["de"].text, row.cells["en"].text)
                 for row in export_rows(p, include_suggested=True)]
        assert (GERMAN[1], f"{ENGLISH[1]} {added}") in pairs


def export_rows(p, include_suggested):
    from align.formats.rows import build_table

    return build_table(p, ["de", "en"], include_suggested=include_suggested).rows

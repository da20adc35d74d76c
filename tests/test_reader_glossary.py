"""Glossary terms in the reader: the required translation is marked in the translation
column too (where the row's German has the source term), escaped like all user text."""
from __future__ import annotations

from align import reader as rd
from tests.test_qa_project import SESAME, project, set_mt  # noqa: F401 (fixture)


def row_with(snap, german: str, langs):
    return next(r for v in rd.build_view(snap, langs) for r in v.rows
                if r.sources[0].text == german)


def test_the_required_translation_is_marked_in_its_column(project):
    set_mt(project, SESAME, "We talked about Sesame Credit and <b>Sesame Credit</b>.")
    project.add_glossary_terms("en", [("Sesame Credit", "Sesame Credit"), ("Davos", "Davos")])
    project.add_glossary_terms("zh", [("Sesame Credit", "芝麻信用")])
    snap = rd.load_snapshot(project, ["en", "zh"])
    row = row_with(snap, SESAME, ["en", "zh"])
    html = rd.row_html(row, ["en"], glossary=snap.glossary)
    english = html.split('lang="en">', 1)[1]
    mark = ('<span class="bx-term" title="glossary · Sesame Credit → Sesame Credit">'
            'Sesame Credit</span>')
    assert english.count(mark) == 2 and "&lt;b&gt;" in english and "<b>" not in english
    assert rd.required_terms(row, snap.glossary["en"]) == {
        "Sesame Credit": "glossary · Sesame Credit → Sesame Credit"}   # no "Davos" here
    assert rd.required_terms(row, snap.glossary["zh"]) == {
        "芝麻信用": "glossary · Sesame Credit → 芝麻信用"}
    # A term whose German is not in the row is not marked in its translation.
    other = next(r for v in rd.build_view(snap, ["en"]) for r in v.rows
                 if "Sesame" not in r.sources[0].text and r.cells["en"].sentences)
    assert "bx-term" not in rd.row_html(other, ["en"], glossary={"en": [("Davos", "Welcome")]})
    # Without the glossary argument nothing changes (the German keeps its own marks).
    assert "bx-term" not in rd.row_html(row, ["en"]).split('lang="en">', 1)[1]


def test_the_editor_names_the_terms_the_row_asks_for(project):
    project.add_glossary_terms("en", [("Sesame Credit", "Sesame Credit"), ("Davos", "Davos")])
    project.add_glossary_terms("zh", [("Sesame Credit", "芝麻信用")])
    snap = rd.load_snapshot(project, ["en", "zh"])
    row = row_with(snap, SESAME, ["en", "zh"])
    assert rd.glossary_hint(row, snap.glossary, ["en", "zh"]) == (
        "Glossary: Sesame Credit → Sesame Credit (English) · Sesame Credit → 芝麻信用 (中文)")
    assert rd.glossary_hint(row, snap.glossary, ["en"]) == (
        "Glossary: Sesame Credit → Sesame Credit (English)")
    other = next(r for v in rd.build_view(snap, ["en"]) for r in v.rows
                 if "Sesame" not in r.sources[0].text and "Davos" not in r.sources[0].text)
    assert rd.glossary_hint(other, snap.glossary, ["en", "zh"]) == ""
    project.add_glossary_terms("en", [("Sesame", "<b>Sesame</b>")])
    snap = rd.load_snapshot(project, ["en"])
    hint = rd.glossary_hint_html(row_with(snap, SESAME, ["en"]), snap.glossary, ["en"])
    assert "→ &lt;b&gt;Sesame&lt;/b&gt; (English)" in hint and "<b>" not in hint

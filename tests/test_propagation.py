"""Corrections propagate: a correction is offered (never applied) wherever the same or nearly
the same source comes back; accepting is an ordinary edit."""
import pytest

from align.errors import InputError
from align.imports.source import import_text
from align.propagation import offer_memory, propagate_correction, translation_memory
from align.store import Project
from align.text.fuzzy import fuzzy_matches, percent, similarity

TEXT = """Sorkin: Erzählen Sie uns von Sesame Credit. Was ist Alibaba heute?
Jack Ma: Alibaba ist eine Plattform für kleine Firmen. Das ist alles.
Sorkin: Erzählen Sie uns von Sesame Credit! Und Ant Financial?
Jack Ma: Das Wetter in Davos ist kalt. Erzählen Sie uns bitte mehr von Sesame Credit.
Sorkin: Was ist Alibaba heute?
"""

MT = {  # German -> a machine translation that gets the names wrong
    "Erzählen Sie uns von Sesame Credit.": "Tell us about sesame loans.",
    "Erzählen Sie uns von Sesame Credit!": "Tell us about sesame loans!",
    "Erzählen Sie uns bitte mehr von Sesame Credit.": "Please tell us more about sesame loans.",
    "Was ist Alibaba heute?": "What is Ali Baba today?",
}


@pytest.fixture
def project(tmp_path):
    import_text(TEXT, tmp_path / "p", "t.txt")
    p = Project.open(tmp_path / "p")
    for s in p.source_segments():
        p.set_machine_translation(s.id, "en", MT.get(s.text, f"EN {s.text}"), {"model": "m"},
                                  confidence=-1.0)
    yield p
    p.close()


def target_of(p, text, lang="en"):
    src = next(s for s in p.source_segments() if s.text == text)
    link = next(l for l in p.links(lang) if src.id in l.src_ids)
    return src, p.segment(link.tgt_ids[0])


def test_similarity_is_a_cat_style_fuzzy_ratio():
    assert similarity("Was ist Alibaba heute?", "was ist  alibaba heute?") == 1.0
    assert similarity("Erzählen Sie uns von Sesame Credit.",
                      "Erzählen Sie uns von Sesame Credit!") >= 0.95
    assert similarity("Das Wetter in Davos ist kalt.", "Was ist Alibaba heute?") < 0.6
    found = fuzzy_matches("Erzählen Sie uns von Sesame Credit.",
                          {"a": "Erzählen Sie uns von Sesame Credit!", "b": "Das ist alles.",
                           "c": "Erzählen Sie uns bitte mehr von Sesame Credit."})
    assert [k for k, _ in found] == ["a", "c"]          # best first; b is far below 85%
    assert percent(0.8499) == "84%" and percent(0.85) == "85%"


def test_a_correction_is_offered_to_identical_and_near_identical_sources_only(project):
    p = project
    src, seg = target_of(p, "Erzählen Sie uns von Sesame Credit.")
    p.edit_segment(seg.id, "Tell us about Sesame Credit.", seg.version)
    assert propagate_correction(p, seg.id) == 2
    offered = {p.segments_by_id([s.src_id])[s.src_id].text: s for s in p.offers("en")}
    assert set(offered) == {"Erzählen Sie uns von Sesame Credit!",
                            "Erzählen Sie uns bitte mehr von Sesame Credit."}
    assert all(s.text == "Tell us about Sesame Credit." for s in offered.values())
    # Nothing changed yet: the other sentences still say what the machine said.
    _, other = target_of(p, "Erzählen Sie uns von Sesame Credit!")
    assert other.text == "Tell us about sesame loans!" and other.status == "mt"

    # Accepting one is an edit (history, undo); the rest stay offered.
    saved = p.accept_offer(offered["Erzählen Sie uns von Sesame Credit!"].id)
    assert saved.text == "Tell us about Sesame Credit." and saved.status == "edited"
    assert p.undo(saved.id).text == "Tell us about sesame loans!"
    assert len(p.offers("en")) == 1
    with pytest.raises(InputError):
        p.accept_offer(offered["Erzählen Sie uns von Sesame Credit!"].id)   # decided already
    p.dismiss_offer(offered["Erzählen Sie uns bitte mehr von Sesame Credit."].id)
    assert p.offers("en") == []


def test_a_newer_correction_replaces_its_open_suggestions(project):
    p = project
    src, seg = target_of(p, "Was ist Alibaba heute?")
    seg = p.edit_segment(seg.id, "What is Alibaba today", seg.version)
    propagate_correction(p, seg.id)
    seg = p.edit_segment(seg.id, "What is Alibaba today?", seg.version)
    assert propagate_correction(p, seg.id) == 1
    assert [s.text for s in p.offers("en")] == ["What is Alibaba today?"]


def test_reviewed_sentences_are_never_offered_anything(project):
    p = project
    _, done = target_of(p, "Erzählen Sie uns von Sesame Credit!")
    p.set_status(done.id, "reviewed", done.version)
    _, seg = target_of(p, "Erzählen Sie uns von Sesame Credit.")
    seg = p.edit_segment(seg.id, "Tell us about Sesame Credit.", seg.version)
    assert propagate_correction(p, seg.id) == 1
    (sug,) = p.offers("en")
    assert p.segments_by_id([sug.src_id])[sug.src_id].text == \
        "Erzählen Sie uns bitte mehr von Sesame Credit."


def test_imported_text_gets_the_projects_corrections_as_matches(project, tmp_path):
    p = project
    _, seg = target_of(p, "Was ist Alibaba heute?")
    p.edit_segment(seg.id, "What is Alibaba today?", seg.version)
    memory = translation_memory(p)
    assert [(u.source, u.target) for u in memory] == [("Was ist Alibaba heute?", "What is Alibaba today?")]
    import_text("Sorkin: Was ist Alibaba heute eigentlich? Wie kalt ist es?\n"
                "Jack Ma: Was ist Alibaba heute? Eine Plattform.\n"
                "Sorkin: Danke.\nJack Ma: Bitte.\n", tmp_path / "new", "n.txt")
    with Project.open(tmp_path / "new") as new:
        assert offer_memory(new, memory, same_project=False) == 1        # 'eigentlich' puts the other below 85%
        (sug,) = new.offers("en")
        assert new.segments_by_id([sug.src_id])[sug.src_id].text == "Was ist Alibaba heute?"
        saved = new.accept_offer(sug.id)      # no translation yet: one is created
        assert saved.text == "What is Alibaba today?" and saved.status == "edited"
        assert offer_memory(new, memory, same_project=False) == 0      # already says it
    # Within the project (a re-import): the question's second occurrence gets it, the
    # corrected sentence itself does not.
    assert offer_memory(p, memory, same_project=True) == 1
    (sug,) = p.offers("en")
    assert sug.src_id != memory[0].src_id
    assert p.segments_by_id([sug.src_id])[sug.src_id].text == "Was ist Alibaba heute?"


def test_reimport_offers_the_projects_corrections(tmp_path, capsys):
    from align.cli import main

    src_file = tmp_path / "t.txt"
    src_file.write_text(TEXT, encoding="utf-8")
    assert main(["import", str(src_file), "--project", str(tmp_path / "p")]) == 0
    with Project.open(tmp_path / "p") as p:
        for s in p.source_segments():
            p.set_machine_translation(s.id, "en", MT.get(s.text, f"EN {s.text}"), {"model": "m"})
        _, seg = target_of(p, "Was ist Alibaba heute?")
        p.edit_segment(seg.id, "What is Alibaba today?", seg.version)
    # The text comes back with one more turn asking the same question.
    src_file.write_text(TEXT + "Jack Ma: Was ist Alibaba heute? Gute Frage.\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["import", str(src_file), "--project", str(tmp_path / "p")]) == 0
    assert "2 sentences are offered a correction" in capsys.readouterr().out
    with Project.open(tmp_path / "p") as p:
        assert {s.text for s in p.offers("en")} == {"What is Alibaba today?"}
        assert len(p.offers("en")) == 2      # the old repeat and the new one

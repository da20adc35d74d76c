"""The shared round-trip contract: every format that can be read back returns what it wrote.

Two levels, as in Translate Toolkit's store tests:
- file level: a Table written by a format and read back by the same format has the same
  languages and rows (text, speaker, turn, status, origin, score: what the format carries);
- project level: a file exported from one project and imported (`import-translation`) into
  a fresh project holding the same German gives the same export again (text, languages,
  links as rows, speaker, turn, status, score).

The sample project below is real data through the real store: German sentences, English
as machine output (then edited, reviewed, one pair merged by a person), Chinese imported as
a human translation with 2:1, 1:2-as-one and 0:1 links, and a boilerplate block.
"""
from __future__ import annotations

import pytest
from lxml import etree

from align.text.document import Block, Document
from align.errors import InputError
from align.formats import FORMATS, export_project, export_table
from align.formats import moses
from align.formats.rows import build_table
from align.store import Project
from align.imports.translation import import_table, read_parallel

MODEL = {"model": "Helsinki-NLP/opus-mt-de-en"}

BLOCKS = [
    ("narration", None, ["Am frühen Morgen wurde Jack Ma in Davos interviewt.",
                         "Es heißt, dies sei der beliebteste Dialog beim Davos Forum."]),
    ("turn", "Sorkin", ["Nochmals willkommen, Herr Jack Ma!",
                        "Sie haben gerade Donald Trump getroffen.",
                        "Können Sie uns von diesem Treffen erzählen?"]),
    ("turn", "Jack Ma", ["Das Treffen war produktiv.",
                         "Es war viel besser, als ich erwartet hatte.",
                         "Alibaba hat 45.000 Mitarbeiter."]),
    ("boilerplate", None, ["Als Gewinner des Qingyun-Plans hat er viele Auszeichnungen gewonnen."]),
]

ENGLISH = ["Early in the morning Jack Ma was interviewed in Davos.",
           "It is said that this was the most popular dialogue at the Davos Forum.",
           "Welcome again, Mr Jack Ma!",
           "You have just met Donald Trump.",
           "Can you tell us about this meeting?",
           "The meeting was productive.",
           "It was much better than I had expected.",
           "Alibaba has 45,000 employees.",
           "As a winner of the Qingyun plan he has won many awards."]

# Chinese as a person translated it: (source sentence indexes, Chinese sentences, score).
CHINESE = [([0], ["清晨，马云在达沃斯接受了采访。"], 0.91),
           ([1], ["据说这是达沃斯论坛上最受欢迎的对话。"], 0.88),
           ([2], ["再次欢迎马云先生！"], 0.95),
           ([3, 4], ["您刚刚会见了唐纳德·特朗普，能给我们讲讲吗？"], 0.7234),   # 2:1
           ([5], ["会面很有成效。"], 0.9),
           ([], ["（笑）"], None),                                              # 0:1
           ([6], ["比我预想的好得多。"], 0.8),
           ([7], ["阿里巴巴有", "四万五千名员工。"], 0.61)]                   # 1:2


def sample_document() -> Document:
    return Document([Block(kind, list(s), speaker=sp, speaker_label=sp) for kind, sp, s in BLOCKS],
                    lang="de", title="sample interview")


def make_sample_project(directory):
    """A project holding the sample document and its translations; returns the folder."""
    with Project.create(directory) as project:
        project.import_document(sample_document(), "sample.txt", "sample")
        fill_sample(project)
    return directory


def fill_sample(project: Project) -> None:
    """English: MT, one edit, two reviews, one person-merged pair, scores. Chinese: imported."""
    src = project.source_segments()
    for seg, text in zip(src, ENGLISH):
        assert project.set_machine_translation(seg.id, "en", text, MODEL)
    en = {link.src_ids[0]: link for link in project.links("en")}
    tgt = project.segments_by_id([t for link in en.values() for t in link.tgt_ids])
    first = tgt[en[src[0].id].tgt_ids[0]]
    project.set_status(first.id, "reviewed", first.version)
    edited = project.edit_segment(en[src[3].id].tgt_ids[0], "You have just met Donald Trump, "
                                  "the president-elect.", tgt[en[src[3].id].tgt_ids[0]].version)
    project.set_status(edited.id, "reviewed", edited.version)
    project.edit_segment(en[src[4].id].tgt_ids[0], "Can you tell us about that meeting?",
                         tgt[en[src[4].id].tgt_ids[0]].version)
    project.merge_links(en[src[5].id].id, en[src[6].id].id)        # a person's 2:2
    block = src[5].block_id
    project.replace_links(block, "en", [(link.src_ids, link.tgt_ids, score) for link, score in
                                        zip(project.links("en", block), (0.97, 0.8512))],
                          fixed=True)
    sentences, links = [], []
    for src_idx, texts, score in CHINESE:
        links.append(([src[i].id for i in src_idx], list(range(len(sentences), len(sentences) + len(texts))), score))
        sentences.extend(texts)
    project.import_target_track("zh", sentences, links, origin_detail={"translator": "test"})
    zh_first = project.target_segments("zh")[0]
    project.set_status(zh_first.id, "reviewed", zh_first.version)


@pytest.fixture
def sample(tmp_path):
    with Project.create(tmp_path / "sample") as project:
        project.import_document(sample_document(), "sample.txt", "sample")
        fill_sample(project)
        yield project


def fresh_project(tmp_path, name: str) -> Project:
    project = Project.create(tmp_path / name)
    project.import_document(sample_document(), "sample.txt", "sample")
    return project


def texts(table, lang):
    return [row.cells[lang].text for row in table.rows]


# ----- how rows are built --------------------------------------------------------------------

def test_rows_group_links_across_languages(sample):
    table = build_table(sample, ["de", "en", "zh"])
    assert table.langs == ("de", "en", "zh")
    # Sorkin's 2nd and 3rd sentences form one row: Chinese joined them.
    assert texts(table, "de")[3] == ("Sie haben gerade Donald Trump getroffen. "
                                     "Können Sie uns von diesem Treffen erzählen?")
    assert texts(table, "en")[3] == ("You have just met Donald Trump, the president-elect. "
                                     "Can you tell us about that meeting?")
    # Jack Ma's first two sentences: English merged them; the 0:1 Chinese joins that row;
    # Chinese sentences are joined without a space.
    assert texts(table, "zh")[4] == "会面很有成效。（笑）比我预想的好得多。"
    assert texts(table, "zh")[5] == "阿里巴巴有四万五千名员工。"
    assert len(table.rows) == 6 and table.skipped == 0
    row = table.rows[3]
    assert (row.speaker, row.turn) == ("Sorkin", 2)
    # lowest status of the row's sentences; origin of MT names the model
    assert row.cells["en"].status == "edited"
    assert row.cells["en"].origin == "mt:Helsinki-NLP/opus-mt-de-en"
    assert row.cells["zh"].origin == "human" and row.cells["zh"].score == 0.7234
    assert table.rows[4].cells["en"].score == 0.97


def test_boilerplate_status_and_language_filters(sample):
    assert len(build_table(sample, ["de", "en"]).rows) == 7
    with_bp = build_table(sample, ["de", "en"], include_boilerplate=True)
    assert texts(with_bp, "en")[-1] == ENGLISH[-1]
    reviewed = build_table(sample, ["de", "en"], status="reviewed")
    assert texts(reviewed, "en") == [ENGLISH[0], "You have just met Donald Trump, the president-elect."]
    assert reviewed.filtered == 5
    edited = build_table(sample, ["de", "en"], status="edited")
    assert len(edited.rows) == 3
    pair = build_table(sample, ["en", "zh"])
    assert pair.langs == ("en", "zh") and "de" not in pair.rows[0].cells
    with pytest.raises(InputError, match="no fr text"):
        build_table(sample, ["de", "fr"])
    with pytest.raises(InputError, match="at least two languages"):
        build_table(sample, ["de"])
    with pytest.raises(InputError, match="unknown status"):
        build_table(sample, None, status="final")


def test_rows_without_every_language_are_left_out(tmp_path):
    project = fresh_project(tmp_path, "partial")
    src = project.source_segments()
    project.set_machine_translation(src[0].id, "en", ENGLISH[0], MODEL)
    project.set_machine_translation(src[2].id, "en", ENGLISH[2], MODEL)
    table = build_table(project)
    assert texts(table, "en") == [ENGLISH[0], ENGLISH[2]]
    assert table.skipped == 6      # 8 non-boilerplate sentences, 2 translated
    files = export_project(project, "moses")
    assert files["de"].decode().splitlines() == [BLOCKS[0][2][0], BLOCKS[1][2][0]]


def test_exports_are_deterministic(sample):
    for name in FORMATS:
        langs = ["de", "en"] if FORMATS[name].pair_only else None
        assert export_project(sample, name, langs) == export_project(sample, name, langs)


# ----- file level: write, read back, compare ---------------------------------------------------

def _read_back(name: str, table, data):
    if name == "moses":
        return moses.read(data, table.source_lang)
    return FORMATS[name].load().read(data, f"sample.{name}")


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_file_round_trip(sample, name):
    langs = ["de", "en"] if FORMATS[name].pair_only else ["de", "en", "zh"]
    table, data = export_table(sample, name, langs)
    back = _read_back(name, table, data)
    assert back.langs == table.langs and back.source_lang == "de"
    assert len(back.rows) == len(table.rows) == (7 if FORMATS[name].pair_only else 6)
    if name == "moses":   # text is all this format carries
        for lang in table.langs:
            assert texts(back, lang) == texts(table, lang)
        return
    if FORMATS[name].book:  # a book to read: text, speakers, turns and kinds, no status
        assert [(r.turn, r.speaker, r.kind, [c.text for c in r.cells.values()]) for r in back.rows] \
            == [(r.turn, r.speaker, r.kind, [c.text for c in r.cells.values()]) for r in table.rows]
        return
    assert [r.comparable() for r in back.rows] == [r.comparable() for r in table.rows]


def test_tmx_is_valid_against_the_dtd(sample):
    from pathlib import Path

    import align.formats

    dtd = etree.DTD(str(Path(align.formats.__file__).parent / "tmx14b.dtd"))
    data = export_project(sample, "tmx", ["de", "en", "zh"], include_boilerplate=True)
    root = etree.fromstring(data)
    assert dtd.validate(root), dtd.error_log.filter_from_errors()
    tuv_langs = {tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for tuv in root.iter("tuv")}
    assert tuv_langs == {"de-DE", "en-US", "zh-CN"}
    assert root.find("header").get("srclang") == "de-DE"
    # A file that breaks the DTD is caught by the same check (the test can fail).
    broken = etree.fromstring(data)
    broken.find("header").attrib.pop("srclang")
    assert not dtd.validate(broken)


# ----- project level: export, import into a fresh project, export again -----------------------

def _comparable(table):
    return [(r.turn, r.speaker, tuple((lang, c.text, c.status, c.origin, c.score)
                                      for lang, c in sorted(r.cells.items()))) for r in table.rows]


@pytest.mark.parametrize("name", [n for n, f in sorted(FORMATS.items()) if f.readable])
def test_project_round_trip(sample, tmp_path, name):
    langs = ["de", "en"] if FORMATS[name].pair_only else ["de", "en", "zh"]
    original, data = export_table(sample, name, langs)
    path = tmp_path / f"export.{FORMATS[name].extension.lstrip('.')}"
    path.write_bytes(data)
    table = read_parallel(path, name)
    copy = fresh_project(tmp_path, f"copy-{name}")
    for lang in langs[1:]:
        result = import_table(copy, table, lang, str(path), name)
        assert result.linked == len(original.rows) and result.unmatched_count == 0
    again = build_table(copy, langs)
    assert again.langs == original.langs
    assert _comparable(again) == _comparable(original)
    # The MT origin (model id) survives the round trip, not only the text.
    assert "mt:Helsinki-NLP/opus-mt-de-en" in {r.cells["en"].origin for r in again.rows}


def test_import_keeps_previous_translation_archived(sample, tmp_path):
    data = export_project(sample, "tmx", ["de", "en"], status="reviewed")
    path = tmp_path / "reviewed.tmx"
    path.write_bytes(data)
    before = len(sample.list_backups())
    result = import_table(sample, read_parallel(path, "tmx"), "en", str(path), "tmx")
    assert result.linked == 2
    assert len(sample.list_backups()) == before + 1
    assert [t.text for t in sample.target_segments("en")] == [
        ENGLISH[0], "You have just met Donald Trump, the president-elect."]
    assert all(t.status == "reviewed" for t in sample.target_segments("en"))


@pytest.mark.parametrize("name", [n for n, f in sorted(FORMATS.items())])
def test_markup_characters_and_controls_round_trip(tmp_path, name):
    project = fresh_project(tmp_path, f"chars-{name}")
    src = project.source_segments()
    project.set_machine_translation(src[0].id, "en", 'A & B <c> "d" \'e\'\x01 f\tg', MODEL)
    table, data = export_table(project, name, ["de", "en"])
    assert table.rows[0].cells["en"].text == 'A & B <c> "d" \'e\' f g'
    back = _read_back(name, table, data)
    assert texts(back, "en") == texts(table, "en")


TMX_FROM_A_CAT_TOOL = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
<header creationtool="OmegaT" creationtoolversion="6" segtype="sentence" o-tmf="OmegaT TMX"
 adminlang="EN-US" srclang="*all*" datatype="plaintext"/>
<body>
<tu><tuv lang="DE"><seg>Nochmals <hi>willkommen</hi>, Herr Jack Ma!</seg></tuv>
<tuv xml:lang="en-GB"><seg>Welcome back, <bpt i="1">&lt;b&gt;</bpt>Mr Jack Ma<ept i="1">&lt;/b&gt;</ept>!</seg></tuv></tu>
<tu><tuv xml:lang="de-AT"><seg>Alibaba hat 45.000 Mitarbeiter.</seg></tuv>
<tuv xml:lang="en-GB"><seg>Alibaba employs 45,000 people.</seg></tuv>
<tuv xml:lang="fr-FR"><seg>Alibaba compte 45 000 employés.</seg></tuv></tu>
<tu><tuv xml:lang="de-DE"><seg>Dieser Satz steht nicht im Text.</seg></tuv>
<tuv xml:lang="en-GB"><seg>This sentence is not in the text.</seg></tuv></tu>
</body></tmx>
"""


def test_tmx_from_another_tool_is_imported(tmp_path):
    path = tmp_path / "omegat.tmx"
    path.write_text(TMX_FROM_A_CAT_TOOL, encoding="utf-8")
    project = fresh_project(tmp_path, "omegat")
    result = import_table(project, read_parallel(path, "tmx"), "en", str(path), "tmx")
    assert (result.units, result.linked, result.unmatched_count) == (3, 2, 1)
    assert result.unmatched == ["Dieser Satz steht nicht im Text."]
    table = build_table(project, ["de", "en"])
    assert texts(table, "en") == ["Welcome back, Mr Jack Ma!", "Alibaba employs 45,000 people."]
    assert {r.cells["en"].status for r in table.rows} == {"edited"}

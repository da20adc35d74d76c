"""Page flows of app.py through streamlit.testing.v1.AppTest (the real script, a real
project on disk), and the app's services (models/app_services.py) on their own."""
from __future__ import annotations

import json
import zipfile
import io

import pytest
from defusedxml import ElementTree
from streamlit.testing.v1 import AppTest

from align.store import Project
from models import app_services as svc
from tests.conftest import ROOT, add_reference_translations, make_gold_project

APP = str(ROOT / "app.py")


@pytest.fixture
def project_dir(tmp_path, monkeypatch):
    directory = make_gold_project(tmp_path / "davos")
    with Project.open(directory) as p:
        add_reference_translations(p)
    monkeypatch.setenv("BITEXT_PROJECT", str(directory))
    # No model anywhere: the app must say so and keep working.
    monkeypatch.setenv("BITEXT_CACHE", str(tmp_path / "no-models"))
    monkeypatch.delenv("BITEXT_MODELS", raising=False)
    return directory


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def open_row(at: AppTest, key: str) -> None:
    """What a click on a row does in the browser (READER_JS): its key into `pick`."""
    at.text_input(key="pick").input(f"{key}|{len(at.session_state)}").run()
    assert at.session_state["edit_row"] == key


def html_text(at: AppTest) -> str:
    # Only what shows user text (the one script element is the app's own constant code).
    return "\n".join(str(h.proto.body) for h in at.get("html")
                     if not h.proto.unsafe_allow_javascript)


def english(directory, german: str):
    with Project.open(directory) as p:
        src = next(s for s in p.source_segments() if s.text == german)
        link = next(l for l in p.links("en") if src.id in l.src_ids)
        return src.id, p.segment(link.tgt_ids[0])


WELCOME = "Nochmals willkommen, Herr Jack Ma!"


def test_opens_on_the_project_with_progress_and_columns(project_dir):
    at = start()
    body = html_text(at)
    # The file's slug reads as a title, in the page and in the browser tab.
    assert '<div class="bx-title"' in body and ">Davos interview</div>" in body
    assert "Am frühen Morgen des 19. Januar" in body
    assert "Welcome again, Mr Jack Ma!" in body and "再次欢迎马云先生！" in body
    assert [p.proto.text for p in at.get("progress")][:2] == [
        "**English** · 0/13 reviewed · 13/277 Deutsch sentences translated",
        "**中文** · 0/13 reviewed · 13/277 Deutsch sentences translated"]
    # The trailing boilerplate is collapsed into one expander, not shown among the turns.
    at.selectbox(key="per_page").select(50).run()
    assert [e.label for e in at.expander if "Boilerplate" in e.label] == [
        "Boilerplate · 18 sentences · left out of translation and export"]


def test_edit_a_sentence_saves_to_disk_and_shows_the_saved_text(project_dir):
    at = start()
    src_id, seg = english(project_dir, WELCOME)
    open_row(at, src_id)
    box = at.text_area(key=f"ta-{seg.id}-v{seg.version}")
    assert box.value == "Welcome again, Mr Jack Ma!"
    box.input("Welcome back, Mr Ma!")
    at.button(key=f"save-{src_id}").click().run()
    assert not at.exception
    with Project.open(project_dir) as p:
        saved = p.segment(seg.id)
    assert (saved.text, saved.status) == ("Welcome back, Mr Ma!", "edited")
    assert any("Saved 1 sentence" in t.proto.body for t in at.toast)
    assert "Welcome back, Mr Ma!" in html_text(at)
    # Undo walks it back.
    at.button(key=f"undo-{seg.id}").click().run()
    with Project.open(project_dir) as p:
        assert p.segment(seg.id).text == "Welcome again, Mr Jack Ma!"


def test_save_as_reviewed_moves_to_the_next_row(project_dir):
    at = start()
    src_id, seg = english(project_dir, WELCOME)
    next_src, _ = english(project_dir, "Sie haben gerade den Trump Tower besucht und den "
                                       "designierten Präsidenten Donald Trump getroffen.")
    open_row(at, src_id)
    # Untouched machine text is marked reviewed only where the person ticks it as checked.
    at.checkbox(key=f"ok-en-{src_id}").check()
    at.checkbox(key=f"ok-zh-{src_id}").check()
    at.button(key=f"savenext-{src_id}").click().run()
    with Project.open(project_dir) as p:
        assert p.segment(seg.id).status == "reviewed"
        zh = next(l for l in p.links("zh") if src_id in l.src_ids).tgt_ids[0]
        assert p.segment(zh).status == "reviewed"
    assert any("reviewed: English, 中文" in t.proto.body for t in at.toast)
    assert at.session_state["edit_row"] == next_src
    assert at.get("progress")[0].proto.text.startswith("**English** · 1/13 reviewed · ")


def test_a_stale_save_shows_both_versions_and_can_keep_mine(project_dir):
    at = start()
    src_id, seg = english(project_dir, WELCOME)
    open_row(at, src_id)
    with Project.open(project_dir) as other_tab:
        other_tab.edit_segment(seg.id, "Changed in another tab.", seg.version)
    at.text_area(key=f"ta-{seg.id}-v{seg.version}").input("Mine, typed here.")
    at.button(key=f"save-{src_id}").click().run()
    assert any("changed this sentence in another window" in w.value for w in at.warning)
    shown = html_text(at)
    assert "Changed in another tab." in shown and "Mine, typed here." in shown
    at.button(key=f"cf-mine-{seg.id}").click().run()
    with Project.open(project_dir) as p:
        assert p.segment(seg.id).text == "Mine, typed here."


def test_type_a_translation_where_there_is_none(project_dir):
    at = start()
    with Project.open(project_dir) as p:
        first = p.source_segments()[0]
    open_row(at, first.id)
    at.text_area(key=f"new-en-{first.id}").input("Early on 19 January, Jack Ma was interviewed.")
    at.button(key=f"save-{first.id}").click().run()
    with Project.open(project_dir) as p:
        link = next(l for l in p.links("en") if first.id in l.src_ids)
        assert p.segment(link.tgt_ids[0]).text.startswith("Early on 19 January")


def test_merge_two_links_from_the_editor(project_dir):
    at = start()
    src_id, _ = english(project_dir, "Haben Sie ihn angerufen oder hat er Sie angerufen?")
    open_row(at, src_id)
    with Project.open(project_dir) as p:
        link = next(l for l in p.links("en") if src_id in l.src_ids)
    at.button(key=f"merge-{link.id}").click().run()
    with Project.open(project_dir) as p:
        merged = next(l for l in p.links("en") if src_id in l.src_ids)
    assert len(merged.src_ids) == 2 and merged.fixed


def test_search_speaker_and_status_filters(project_dir):
    at = start()
    at.text_input(key="q").input("Trump Tower").run()
    body = html_text(at)
    assert "<mark>Trump Tower</mark>" in body and "Am frühen Morgen" not in body
    at.text_input(key="q").input("").run()
    at.selectbox(key="status").select("untranslated").run()
    assert "Welcome again" not in html_text(at)
    at.selectbox(key="status").select("any").run()
    at.multiselect(key="speakers").select("Publikum").run()
    assert "Wie stellen Sie sicher" in html_text(at)
    assert "Nochmals willkommen" not in html_text(at)


def test_pages_and_columns(project_dir):
    at = start()
    at.selectbox(key="per_page").select(5).run()
    assert "Am frühen Morgen" in html_text(at)
    at.button(key="next").click().run()
    assert "Am frühen Morgen" not in html_text(at)
    at.pills(key="langs").set_value(["en"]).run()
    assert "再次欢迎" not in html_text(at) and "中文" not in html_text(at)


def test_missing_model_offers_a_download_and_the_rest_works(project_dir):
    at = start()
    warnings = [w.value for w in at.warning]
    assert any("not on disk" in w for w in warnings)
    # A button, not a terminal command (tests/test_first_run.py clicks it).
    assert at.button(key="dl-en").label == "Download"
    assert not any("bitext models pull" in e.value for e in [*at.warning, *at.caption])
    # Reading, editing and export still work without a model.
    assert "Welcome again" in html_text(at)


def test_user_text_is_escaped_in_the_page(project_dir):
    src_id, seg = english(project_dir, WELCOME)
    with Project.open(project_dir) as p:
        p.edit_segment(seg.id, "<script>alert('x')</script>", seg.version)
    at = start()
    body = html_text(at)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body
    assert "<script>" not in body


def test_opens_without_a_project_and_imports_the_interview(tmp_path, monkeypatch):
    monkeypatch.setenv("BITEXT_PROJECT", str(tmp_path / "new"))
    at = start()
    assert any("no project" in i.value for i in at.info)
    at.button(key="imp_bundled").click().run()
    assert not at.exception
    assert Project.exists(tmp_path / "new")
    assert "Am frühen Morgen" in html_text(at)


def import_pasted(text: str, name: str) -> AppTest:
    """Paste `text` into the Import dialog as project `name` and press Import."""
    at = start()
    at.button(key="open_import").click().run()
    at.text_area(key="imp_text").input(text)
    at.text_input(key="imp_name").input(name)
    at.button(key="imp_go").click().run()
    return at


def test_import_pasted_text_as_a_new_project(project_dir):
    at = import_pasted("Sorkin: Guten Tag. Wie geht es?\n\nJack Ma: Gut, danke.", "short")
    assert not at.exception
    assert at.session_state["project_dir"].endswith("short")
    where = str((project_dir.parent / "short").resolve())
    assert any(where in t.value for t in at.toast), [t.value for t in at.toast]
    assert "Gut, danke." in html_text(at)


def test_import_refuses_a_name_that_leaves_the_folder(project_dir):
    at = import_pasted("Ein Satz.", "../outside")
    assert any("project name" in e.value and "separator" in e.value for e in at.error)
    assert not (project_dir.parent.parent / "outside").exists()


def test_export_dialog_offers_xliff_with_one_target_language(project_dir):
    at = start()
    at.button(key="open_export").click().run()
    assert "XLIFF" in at.selectbox(key="exp_fmt").options
    at.selectbox(key="exp_fmt").set_value("xliff").run()
    assert not at.exception
    # One language pair: a single target language replaces the languages list.
    assert all(m.key != "exp_langs" for m in at.multiselect)
    at.selectbox(key="exp_pair_lang").set_value("zh").run()
    assert not at.exception
    with Project.open(project_dir) as p:
        assert svc.export_filename(p, "xliff", ["zh"]) == "davos_interview_de.de-zh.xlf"


def test_export_dialog_offers_the_parallel_book(project_dir):
    at = start()
    at.button(key="open_export").click().run()
    fmt = at.selectbox(key="exp_fmt")
    assert {"Book (HTML)", "Book (EPUB)"} <= set(fmt.options)
    for book in ("html", "epub"):
        at.selectbox(key="exp_fmt").set_value(book).run()
        assert not at.exception
        assert any(m.key == "exp_langs" for m in at.multiselect)   # any number of languages
    with Project.open(project_dir) as p:
        assert svc.export_filename(p, "epub", ["en", "zh"]) == "davos_interview_de.de-en-zh.epub"
    assert svc.export_mime("epub") == "application/epub+zip" and svc.export_mime("html") == "text/html"


def test_keep_a_merged_speaker_apart_and_merge_again(tmp_path, monkeypatch):
    # The bundled interview as written: one turn is labelled "Solkin", merged into Sorkin.
    project_dir = tmp_path / "davos"
    svc.import_bundled(project_dir)
    monkeypatch.setenv("BITEXT_PROJECT", str(project_dir))
    monkeypatch.setenv("BITEXT_CACHE", str(tmp_path / "no-models"))
    with Project.open(project_dir) as p:
        solkin = next(b for b in p.blocks() if b.speaker_label == "Solkin")
        first = p.source_segments(solkin.id)[0].text
    at = start()
    at.selectbox(key="per_page").select(50).run()
    assert "Solkin" not in at.multiselect(key="speakers").options
    assert "written “Solkin”" in html_text(at)
    at.button(key="open_project").click().run()
    assert any(t.value == "Solkin → Sorkin" for t in at.text)
    at.button(key="spk-Solkin").click().run()
    assert not at.exception
    with Project.open(project_dir) as p:
        assert p.speaker_merges() == {}
    assert "Solkin" in at.multiselect(key="speakers").options
    assert "written “Solkin”" not in html_text(at)
    at.multiselect(key="speakers").select("Solkin").run()
    body = html_text(at)
    assert first in body and "Nochmals willkommen" not in body and ">Solkin<" in body
    at.multiselect(key="speakers").unselect("Solkin").run()
    # And back: the turn is Sorkin's again.
    at.button(key="spk-Solkin").click().run()
    assert not at.exception
    assert "Solkin" not in at.multiselect(key="speakers").options
    assert "written “Solkin”" in html_text(at)
    with Project.open(project_dir) as p:
        assert p.speaker_merges() == {"Solkin": "Sorkin"}
        assert next(b for b in p.blocks() if b.id == solkin.id).speaker == "Sorkin"


def test_weak_links_filter_explains_machine_translations(tmp_path, monkeypatch):
    # Machine translations are linked by construction: no alignment score to filter on.
    directory = make_gold_project(tmp_path / "mt")
    with Project.open(directory) as p:
        for src in p.source_segments():
            p.set_machine_translation(src.id, "en", "An English sentence.", {"pair": "de-en"})
    monkeypatch.setenv("BITEXT_PROJECT", str(directory))
    monkeypatch.setenv("BITEXT_CACHE", str(tmp_path / "no-models"))
    at = start()
    at.toggle(key="low").set_value(True).run()
    assert not at.exception
    assert any("machine-translated sentences have no alignment score" in i.value
               for i in at.info)


# ----- services ------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", svc.EXPORT_FORMATS)
def test_export_bytes_uses_the_cli_formats(project_dir, fmt):
    langs = ["zh"] if fmt in svc.PAIR_FORMATS else ["en", "zh"]
    data = svc.export_bytes(project_dir, fmt, langs, "mt", False)
    if fmt == "tmx":
        root = ElementTree.fromstring(data)
        units = root.findall("./body/tu")
        assert len(units) == 13
        langs = {tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for tuv in units[0].findall("tuv")}
        assert langs == {"de-DE", "en-US", "zh-CN"}
    elif fmt == "jsonl":
        first = json.loads(data.decode().splitlines()[0])
        assert set(first["translation"]) >= {"de", "en", "zh"}
    elif fmt == "xliff":
        root = ElementTree.fromstring(data)
        assert (root.get("srcLang"), root.get("trgLang")) == ("de-DE", "zh-CN")
        ns = "{urn:oasis:names:tc:xliff:document:2.0}"
        assert len(root.findall(f".//{ns}segment")) == 13
        assert "据说这是达沃斯论坛上最受欢迎的对话。" in [t.text for t in root.iter(f"{ns}target")]
    elif fmt == "html":
        text = data.decode()
        assert text.startswith("<!DOCTYPE html>") and text.count('<div class="bk-row"') == 13
        assert text.count('class="bk-heading"') == 4      # kept, translated or not (issue 23)
        assert "再次欢迎马云先生！" in text and "Welcome again, Mr Jack Ma!" in text
    elif fmt == "epub":
        book = zipfile.ZipFile(io.BytesIO(data))
        assert book.namelist()[0] == "mimetype" and "EPUB/package.opf" in book.namelist()
    elif fmt == "moses":
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        assert sorted(names) == ["davos_interview_de.de", "davos_interview_de.en",
                                 "davos_interview_de.zh"]
    else:
        assert len(data.decode().splitlines()) == 14  # header + 13 rows


def test_model_status_without_models(tmp_path, monkeypatch):
    monkeypatch.setenv("BITEXT_CACHE", str(tmp_path))
    monkeypatch.delenv("BITEXT_MODELS", raising=False)
    svc._status_cache.clear()
    state = svc.model_status("zh")
    # Chinese goes through English: both models are named, with one command.
    assert not state.available and state.fetch_command == "bitext models pull de-en en-zh"
    assert "opus-mt-en-zh" in state.message


def test_configured_models_parse_and_refuse(monkeypatch):
    monkeypatch.setenv("BITEXT_MODELS", "de-en=/m/a, en-zh=/m/b")
    assert svc.configured_models() == {"de-en": "/m/a", "en-zh": "/m/b"}
    monkeypatch.setenv("BITEXT_MODELS", "de-en")
    with pytest.raises(Exception, match="PAIR=MODEL"):
        svc.configured_models()


def test_the_reader_listens_on_this_machine_only():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"


# ----- with a model on disk (a tiny real MarianMT, random weights) ---------------------------
@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory):
    from tests.tiny_marian import build_tiny_marian

    root = tmp_path_factory.mktemp("tiny")
    de_en = build_tiny_marian(root / "de-en")
    en_zh = build_tiny_marian(root / "en-zh", target_tokens=(">>cmn_Hans<<",))
    return f"de-en={de_en},en-zh={en_zh}"


@pytest.fixture
def with_models(project_dir, tiny_models, monkeypatch, tmp_path):
    monkeypatch.setenv("BITEXT_MODELS", tiny_models)
    monkeypatch.setenv("BITEXT_CACHE", str(tmp_path / "cache"))
    svc._status_cache.clear()
    yield project_dir
    svc._status_cache.clear()


@pytest.mark.slow
def test_translate_button_fills_every_missing_sentence(with_models):
    # A short document keeps the random-weight model's work small: only the first turns.
    with Project.open(with_models) as p:
        for block in p.blocks()[3:]:
            p.set_block_excluded(block.id, True)
    at = start()
    assert at.button(key="tr-en").disabled is False
    at.button(key="tr-en").click().run()
    assert not at.exception
    # It runs in its thread (models/background.py); the page says how it ended.
    assert at.session_state["app_job"].wait(300)
    at.run()
    assert not at.exception
    assert any("Translated" in s.value for s in at.success)
    with Project.open(with_models) as p:
        assert p.segments_needing_translation("en") == []
        statuses = {t.status for t in p.target_segments("en")}
    assert statuses == {"mt"}


@pytest.mark.slow
def test_retranslate_never_overwrites_a_correction(with_models):
    src_id, seg = english(with_models, WELCOME)
    with Project.open(with_models) as p:
        outcome = svc.retranslate(p, [src_id], "en")
        assert outcome.saved and p.segment(seg.id).origin == "mt"
        fresh = p.segment(seg.id)
        p.edit_segment(seg.id, "Welcome back, Mr Ma!", fresh.version)
        outcome = svc.retranslate(p, [src_id], "en")
        assert not outcome.saved and seg.id in outcome.suggestions
        assert p.segment(seg.id).text == "Welcome back, Mr Ma!"


@pytest.mark.slow
def test_rederive_chinese_from_the_corrected_english(with_models):
    src_id, seg = english(with_models, WELCOME)
    with Project.open(with_models) as p:
        p.edit_segment(seg.id, "Welcome back, Mr Ma!", seg.version)
        outcome = svc.rederive_chinese(p, [src_id])
        assert outcome.saved
        zh = next(l for l in p.links("zh") if src_id in l.src_ids).tgt_ids[0]
        made = p.segment(zh)
    assert made.origin == "mt" and made.text != "再次欢迎马云先生！"
    assert made.origin_detail["from_english"] == [seg.id]


@pytest.mark.slow
def test_realign_a_turn_with_the_sentence_encoder(project_dir):
    with Project.open(project_dir) as p:
        first = next(s for s in p.source_segments() if s.text.startswith("Haben Sie ihn"))
        sources = p.source_segments(first.block_id)
        targets = [t for l in p.links("en", first.block_id) for t in l.tgt_ids]
        # A wrong machine alignment (not fixed by a person): both sentences in one link.
        p.replace_links(first.block_id, "en", [([s.id for s in sources], targets, 0.2)])
        assert svc.realign_block(p, first.block_id, "en") == 2
        links = p.links("en", first.block_id)
    assert [(l.src_ids, l.tgt_ids) for l in links] == [((sources[0].id,), (targets[0],)),
                                                       ((sources[1].id,), (targets[1],))]
    assert all(l.score is not None and not l.fixed for l in links)


def test_realign_reads_the_linked_neighbouring_turns_for_its_baseline(project_dir):
    with Project.open(project_dir) as p:
        first = next(s for s in p.source_segments() if s.text.startswith("Haben Sie ihn"))
        blocks = [b.id for b in p.blocks(include_excluded=False)]
        at = blocks.index(first.block_id)
        context = svc.neighbour_blocks(p, first.block_id, "en", sentences=10)
        own = [s.text for s in p.source_segments(first.block_id)]
        nearest = [s.text for l in p.links("en", blocks[at - 1]) if l.src_ids and l.tgt_ids
                   for s in p.segments_by_id(list(l.src_ids)).values()]
    assert context and all(src and tgt for src, tgt in context)
    assert not any(set(own) & set(src) for src, _ in context)      # the turn itself is not context
    assert context[0][0] == nearest                                   # nearest turn first
    assert 10 <= sum(len(src) for src, _ in context) < 10 + max(len(src) for src, _ in context)


@pytest.mark.slow  # real e5 encoding of a few sentences
def test_the_apps_translation_import_aligns_a_transcript_turn_by_turn(tmp_path):
    """What the Import dialog's "Import and align" calls, with a Chinese transcript."""
    from tests.test_export_cli import CHINESE_TEXT
    from tests.test_formats_roundtrip import sample_document

    with Project.create(tmp_path / "p") as p:
        p.import_document(sample_document(), "sample.txt", "sample")
        result = svc.import_translation(p, CHINESE_TEXT.encode("utf-8"), "访谈.txt", "zh")
        source = {s.id: s.text for s in p.source_segments()}
        target = {t.id: t.text for t in p.target_segments("zh")}
        pairs = [([source[i] for i in l.src_ids], [target[t] for t in l.tgt_ids]) for l in p.links("zh")]
    assert "imported 7 zh sentences" in result.summary()
    assert (["Nochmals willkommen, Herr Jack Ma!"], ["再次欢迎马云先生！"]) in pairs
    assert (["Alibaba hat 45.000 Mitarbeiter."], ["阿里巴巴有45000名员工。"]) in pairs
    assert not any(t.startswith(("索金", "马云：")) for t in target.values())

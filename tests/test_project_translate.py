"""`translate-project`: only what is missing or out of date, resumable, origin recorded,
human work never overwritten, Chinese re-derived from corrected English."""
import pytest

from align.cli import main
from align.text.document import Document
from align.errors import ModelNotFoundError
from align.store import Project, text_sig
from models import project_translate as pt
from models.marian import GenerationSettings
from tests.conftest import gold_document
from tests.tiny_marian import CHINESE_TARGET_TOKENS, cached_tiny_marian

FAST = GenerationSettings(max_length=8, batch_size=16)


@pytest.fixture(scope="module")
def models():
    return {"de-en": str(cached_tiny_marian()),
            "en-zh": str(cached_tiny_marian(target_tokens=CHINESE_TARGET_TOKENS, seed=1)),
            "de-zh": str(cached_tiny_marian(target_tokens=CHINESE_TARGET_TOKENS, seed=2))}


@pytest.fixture
def project(tmp_path):
    """The interview's first turns (about 40 sentences), stored through the real store."""
    gold = gold_document()
    blocks, count = [], 0
    for block in gold.blocks:
        blocks.append(block)
        count += len(block.sentences)
        if count >= 40:
            break
    with Project.create(tmp_path / "proj") as p:
        p.import_document(Document(blocks, lang="de", speakers=gold.speakers, title="t"),
                          "t.txt", "t")
    with Project.open(tmp_path / "proj") as p:
        yield p


def run(project, models, tmp_path, langs=("en", "zh"), **kw):
    return pt.translate_project(project, list(langs), models=models, cache=tmp_path / "cache",
                                settings=FAST, threads=1, **kw)


def test_translates_everything_missing_and_records_origin(project, models, tmp_path):
    sources = [s for b in project.blocks(include_excluded=False) for s in project.source_segments(b.id)]
    report = run(project, models, tmp_path)
    assert [(r.lang, r.translated) for r in report.languages] == [("en", len(sources)),
                                                                 ("zh", len(sources))]
    assert project.segments_needing_translation("en") == []
    assert project.segments_needing_translation("zh") == []

    en = project.target_segments("en")
    assert len(en) == len(sources) and all(t.origin == "mt" and t.status == "mt" for t in en)
    detail = en[0].origin_detail
    assert detail["model"] == models["de-en"] and detail["revision"].startswith("sha256:")
    # CTranslate2 int8 is the default wherever it is installed (it is, in the tests).
    assert (detail["backend"], detail["beam"], detail["max_length"]) == ("ctranslate2-int8", 4, 8)
    # Every machine translation carries the model's confidence (a mean log-probability).
    conf = project.mt_confidences("en")
    assert set(conf) == {t.id for t in en} and all(c < 0 for c in conf.values())
    assert set(project.mt_confidences("zh")) == {t.id for t in project.target_segments("zh")}

    zh = project.target_segments("zh")[0].origin_detail
    assert zh["route"] == ["de-en", "en-zh"]
    assert zh["steps"][1]["target_token"] == ">>cmn_Hans<<"
    assert zh["steps"][0]["from_stored_english"] is True     # English was done first
    # Exports label a row by detail["model"]: the pivot names both its models.
    assert zh["model"] == f"{models['de-en']}>{models['en-zh']}"
    from align.formats.rows import origin_label
    assert origin_label("mt", zh) == f"mt:{models['de-en']}>{models['en-zh']}"

    # Nothing left: a second run translates nothing.
    again = run(project, models, tmp_path)
    assert again.translated == 0


def test_corrected_english_re_derives_the_chinese(project, models, tmp_path):
    run(project, models, tmp_path)
    link = project.links("en")[3]
    src_id, en_id = link.src_ids[0], link.tgt_ids[0]
    english = project.segment(en_id)
    corrected = "It was Trump who approached Jack Ma."
    project.edit_segment(en_id, corrected, english.version)

    report = run(project, models, tmp_path)
    by_lang = {r.lang: r for r in report.languages}
    assert by_lang["en"].translated == 0                  # the correction stays
    assert by_lang["zh"].translated == 1                  # only the affected Chinese
    assert project.segment(en_id).text == corrected

    zh_link = next(l for l in project.links("zh") if l.src_ids == (src_id,))
    zh = project.segment(zh_link.tgt_ids[0])
    expected = pt.get_translator(models["en-zh"], settings=FAST, cache=tmp_path / "cache",
                                 threads=1).translate([corrected])[0].text
    assert zh.text == expected
    assert zh.origin_detail["pivot_sig"] == text_sig(corrected)


def test_human_chinese_is_never_overwritten(project, models, tmp_path):
    run(project, models, tmp_path)
    link = project.links("en")[2]
    src_id = link.src_ids[0]
    zh_id = next(l for l in project.links("zh") if l.src_ids == (src_id,)).tgt_ids[0]
    project.edit_segment(zh_id, "人工翻译。", project.segment(zh_id).version)
    en = project.segment(link.tgt_ids[0])
    project.edit_segment(en.id, "A corrected English sentence.", en.version)  # makes zh stale

    report = run(project, models, tmp_path)
    zh_report = next(r for r in report.languages if r.lang == "zh")
    assert zh_report.translated == 0
    assert project.segment(zh_id).text == "人工翻译。"


def test_edit_made_while_mt_runs_wins(project, models, tmp_path):
    """A person corrects a sentence in the app while translate-project works on it."""
    run(project, models, tmp_path)
    link = project.links("en")[1]
    en = project.segment(link.tgt_ids[0])
    project.edit_segment(en.id, "Corrected English.", en.version)   # this Chinese is now due
    zh_id = next(l for l in project.links("zh") if l.src_ids == link.src_ids).tgt_ids[0]

    def person_edits_first(done, total):
        if done == 0 and total:
            project.edit_segment(zh_id, "人工翻译。", project.segment(zh_id).version)

    report = run(project, models, tmp_path, progress=person_edits_first)
    zh_report = next(r for r in report.languages if r.lang == "zh")
    assert (zh_report.translated, zh_report.kept_human) == (0, 1)
    assert project.segment(zh_id).text == "人工翻译。"


def test_interrupted_run_resumes_where_it_stopped(project, models, tmp_path, monkeypatch):
    monkeypatch.setattr(pt, "CHUNK", 5)
    total = len(project.segments_needing_translation("en"))

    def stop_after_two_chunks(done, _total):
        if done >= 10:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(project, models, tmp_path, langs=["en"], progress=stop_after_two_chunks)
    assert len(project.target_segments("en")) == 10       # the finished chunks are saved
    report = run(project, models, tmp_path, langs=["en"])
    assert report.translated == total - 10
    assert project.segments_needing_translation("en") == []


def test_direct_chinese_route(project, models, tmp_path):
    report = run(project, models, tmp_path, langs=["zh"], zh_route="direct")
    assert report.translated == len(project.target_segments("zh")) > 0
    detail = project.target_segments("zh")[0].origin_detail
    assert detail["pair"] == "de-zh" and detail["model"] == models["de-zh"]
    assert detail["target_token"] == ">>cmn_Hans<<"
    assert project.target_segments("en") == []


def test_routes_and_missing_models(models, tmp_path):
    assert pt.route("de", "en") == ["de-en"]
    assert pt.route("de", "zh") == ["de-en", "en-zh"]
    assert pt.route("de", "zh", "direct") == ["de-zh"]
    with pytest.raises(ModelNotFoundError, match="bitext models pull de-en"):
        pt.check_route("zh", cache=tmp_path)
    assert pt.check_route("zh", cache=tmp_path, models=models).count("→") == 1
    texts, detail = pt.translate_sentences(["Good morning."], "zh", source_lang="en",
                                           models=models, cache=tmp_path, settings=FAST)
    assert len(texts) == 1 and texts[0] and detail["pair"] == "en-zh"


def test_a_missing_chinese_model_fails_before_any_english_is_translated(project, models, tmp_path):
    only_english = {"de-en": models["de-en"]}
    with pytest.raises(ModelNotFoundError, match="bitext models pull en-zh"):
        run(project, only_english, tmp_path)
    assert project.target_segments("en") == []

    # Several missing: one error naming one command that fetches them all.
    with pytest.raises(ModelNotFoundError, match="bitext models pull de-en en-zh"):
        pt.require_models("de", ["en", "zh"], cache=tmp_path / "empty")


def test_unused_model_is_warned_about(project, models, tmp_path, capsys):
    assert pt.unused_models("de", ["en"], None, {"de-fr": "x", "de-en": "y"}) == ["de-fr"]
    assert pt.unused_models("de", ["zh"], None, {"en-zh": "x", "de-en": "y"}) == []
    code = main(["translate-project", str(project.dir), "--to", "en",
                 "--model", f"de-en={models['de-en']}", "--model", f"de-fr={models['de-zh']}",
                 "--max-length", "8", "--threads", "1", "--cache-dir", str(tmp_path / "cache")])
    assert code == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "de-fr" in warnings[0]


def test_cli(project, models, tmp_path, capsys):
    directory = str(project.dir)
    code = main(["translate-project", directory, "--to", "en", "--model", f"de-en={models['de-en']}",
                 "--max-length", "8", "--threads", "1", "--cache-dir", str(tmp_path / "cache")])
    assert code == 0
    n = len(project.target_segments("en"))
    assert f"en: {n} translated, 0 kept" in capsys.readouterr().out
    assert main(["translate-project", str(tmp_path / "nothing"), "--to", "en"]) == 2
    assert main(["translate-project", directory, "--model", "oops"]) == 2
    assert "PAIR=MODEL" in capsys.readouterr().err

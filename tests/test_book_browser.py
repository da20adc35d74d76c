"""The parallel book in headless Chromium: the bundled interview (imported through
align.imports.source, hand translations for its opening and for a sentence or two of each
section), exported as `bitext export --format html` and as EPUB, opened from file:// with the
network switched off, at a desktop and a phone viewport, light and dark. The Export dialog
of the real app downloads the same book.

These run in CI and never skip. Screenshots go to tests/artifacts/ (git-ignored).
"""
from __future__ import annotations

import zipfile

import pytest

from align.cli import main
from align.store import Project
from tests.browser_util import AppServer, browser, button, open_app, screenshot, wait_idle
from tests.conftest import make_interview_project, add_reference_translations

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# German -> (English, Chinese): the headings and a sentence or two after each.
SECTIONS = {
    "Globalisierung erfordert Optimierung": ("Globalization needs optimization", "全球化需要优化"),
    "Was halten Sie von seiner Rede?": ("What do you think of his speech?", "您如何看待他的讲话？"),
    "Die Globalisierung ist eine gute Sache.": ("Globalization is a good thing.", "全球化是一件好事。"),
    "Unterschied zu Amazon": ("The difference from Amazon", "与亚马逊的区别"),
    "Kann ich versuchen, Sie mit Amazon zu vergleichen?":
        ("May I try to compare you with Amazon?", "我可以试着把你们和亚马逊比较一下吗？"),
    "Sie finden diesen Vergleich vielleicht unfair.":
        ("You may find this comparison unfair.", "您可能觉得这个比较不公平。"),
    "Über „Fälschungen“ und den Einstieg in Hollywood":
        ("On “fakes” and moving into Hollywood", "关于“假货”和进军好莱坞"),
    "Sie müssen zuhören und dann entscheiden, was richtig und was falsch ist.":
        ("You have to listen and then decide what is right and what is wrong.",
         "你必须倾听，然后判断什么是对的，什么是错的。"),
}
XSS = "<script>window.__bitext_xss = 1</script> & <b>not bold</b>"
GERMAN, ENGLISH, CHINESE = ("Nochmals willkommen, Herr Jack Ma!", "Welcome again, Mr Jack Ma!",
                            "再次欢迎马云先生！")
DESKTOP, PHONE = (1280, 800), (390, 844)


@pytest.fixture(scope="module")
def interview(tmp_path_factory):
    directory = tmp_path_factory.mktemp("book-browser") / "davos"
    make_interview_project(directory)
    with Project.open(directory) as p:
        assert add_reference_translations(p) == 26
        by_text = {s.text: s for s in p.source_segments()}
        for german, (english, chinese) in SECTIONS.items():
            p.set_machine_translation(by_text[german].id, "en", english, {"model": "typed"})
            p.set_machine_translation(by_text[german].id, "zh", chinese, {"model": "typed"})
        src = by_text["Was sind Ihre Erwartungen?"]
        link = next(l for l in p.links("en") if src.id in l.src_ids)
        seg = p.segment(link.tgt_ids[0])
        p.edit_segment(seg.id, XSS, seg.version)
    return directory


def export(directory, fmt: str, out, *extra) -> bytes:
    assert main(["export", str(directory), "--format", fmt, "--langs", "de,en,zh",
                 "--output", str(out), *extra]) == 0
    return out.read_bytes()


def open_offline(page, path) -> list[str]:
    """Open a local file with the network off; the URLs the page asked for."""
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.context.set_offline(True)
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_selector(".bk-row")
    return requests


def boxes(page, text: str):
    row = page.locator(".bk-passage .bk-row", has_text=text).first
    return {c.get_attribute("lang"): c.bounding_box() for c in row.locator(".bk-cell").all()}


def assert_three_languages_visible(page):
    for lang, text in (("de", GERMAN), ("en", ENGLISH), ("zh", CHINESE)):
        cell = page.locator(f".bk-passage .bk-cell[lang='{lang}']", has_text=text).first
        assert cell.is_visible(), lang
    assert page.evaluate("window.__bitext_xss") is None
    assert page.locator("script, b").count() == 0
    xss = page.locator(".bk-cell[lang='en']", has_text="window.__bitext_xss").first
    assert xss.inner_text() == XSS                  # shown as text, never run


def test_html_book_side_by_side_on_a_desktop(interview, tmp_path):
    path = tmp_path / "davos.html"
    export(interview, "html", path)
    with browser(DESKTOP) as page:
        requests = open_offline(page, path)
        assert requests == [path.as_uri()]           # the file itself, nothing else
        assert page.title() == "davos_interview_de"
        assert_three_languages_visible(page)
        heads = page.locator(".bk-colhead .bk-cell").all_inner_texts()
        assert [h.strip().lower() for h in heads] == ["deutsch", "english", "中文"]
        cells = boxes(page, GERMAN)
        # Side by side: one line of cells, left to right in language order.
        assert abs(cells["de"]["y"] - cells["en"]["y"]) < 2 and abs(cells["en"]["y"] - cells["zh"]["y"]) < 2
        assert cells["de"]["x"] < cells["en"]["x"] < cells["zh"]["x"]
        font = page.locator(".bk-cell[lang='zh']").first.evaluate("e => getComputedStyle(e).fontFamily")
        assert font.startswith('"Noto Serif CJK SC"')
        screenshot(page, "book-01-desktop")
        # The contents lead to the sections.
        toc = page.locator(".bk-toc a")
        # Every heading, the untranslated first one too (in German alone).
        assert toc.count() == 4 and "全球化需要优化" in toc.nth(1).inner_text()
        assert toc.nth(0).inner_text().startswith("Es sind nicht andere Länder")
        # Side by side, its English column is kept, empty, so the columns stay in place.
        de, en = (page.locator(f"#s1 .bk-cell[lang='{x}']").bounding_box() for x in ("de", "en"))
        assert en is not None and en["x"] > de["x"] + de["width"] - 1
        toc.nth(2).click()
        assert page.evaluate("location.hash") == "#s3"
        heading = page.locator("#s3")
        assert heading.is_visible() and "与亚马逊的区别" in heading.inner_text()
        assert "May I try to compare you with Amazon?" in page.locator("#s3 + .bk-passage").inner_text()
        screenshot(page, "book-02-desktop-section")


def test_html_book_interleaved_on_a_phone_light_and_dark(interview, tmp_path):
    path = tmp_path / "davos.html"
    export(interview, "html", path)
    with browser(PHONE) as page:
        requests = open_offline(page, path)
        assert requests == [path.as_uri()]
        assert_three_languages_visible(page)
        assert not page.locator(".bk-colhead").is_visible()
        cells = boxes(page, GERMAN)
        # Interleaved: German, then English under it, then Chinese.
        assert cells["de"]["y"] < cells["en"]["y"] < cells["zh"]["y"]
        assert abs(cells["de"]["x"] - cells["en"]["x"]) < 2 and abs(cells["en"]["x"] - cells["zh"]["x"]) < 2
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
        # The untranslated heading shows in German alone: no empty English line under it.
        untranslated = page.locator("#s1 .bk-untranslated[lang='en']")
        assert untranslated.count() == 1 and not untranslated.is_visible()
        assert page.locator("#s1 .bk-cell[lang='de']").is_visible()
        page.locator(".bk-passage .bk-row", has_text=GERMAN).first.scroll_into_view_if_needed()
        screenshot(page, "book-03-phone")
        background = "getComputedStyle(document.documentElement).backgroundColor"
        light = page.evaluate(background)
        page.emulate_media(color_scheme="dark")
        dark = page.evaluate(background)
        assert light == "rgb(253, 252, 248)" and dark == "rgb(23, 24, 26)"
        screenshot(page, "book-04-phone-dark")


def test_epub_pages_render_offline(interview, tmp_path):
    data = export(interview, "epub", tmp_path / "davos.epub")
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(tmp_path / "davos.epub") as zf:
        zf.extractall(folder)
    assert data[:4] == b"PK\x03\x04"
    with browser(DESKTOP) as page:
        requests = open_offline(page, folder / "EPUB" / "s0.xhtml")
        # The page itself and its stylesheet, both inside the book.
        assert requests == [(folder / "EPUB" / p).as_uri() for p in ("s0.xhtml", "book.css")]
        assert page.evaluate("document.contentType") == "application/xhtml+xml"
        assert_three_languages_visible(page)
        cells = boxes(page, GERMAN)
        assert abs(cells["de"]["y"] - cells["zh"]["y"]) < 2 and cells["de"]["x"] < cells["zh"]["x"]
        screenshot(page, "book-05-epub-page")
        page.goto((folder / "EPUB" / "nav.xhtml").as_uri())
        links = page.locator("nav a")
        assert links.count() == 5                      # the opening and every heading
        links.nth(3).click()
        page.wait_for_selector(".bk-heading")
        assert "The difference from Amazon" in page.locator(".bk-heading").inner_text()


def test_export_dialog_downloads_the_book(interview, tmp_path):
    cli = export(interview, "html", tmp_path / "cli.html")
    with AppServer(interview, env={"BITEXT_CACHE": str(tmp_path / "no-models"),
                                   "BITEXT_MODELS": ""}) as srv:
        with browser(DESKTOP) as page:
            open_app(page, srv.url)
            button(page, "open_export").click()
            wait_idle(page)
            page.locator("[role='dialog'] .st-key-exp_fmt [role='combobox']").click()
            page.get_by_role("option", name="Book (HTML)").click()
            wait_idle(page)
            assert "Download Book (HTML)" in button(page, "exp_dl").inner_text()
            screenshot(page, "book-06-export-dialog")
            with page.expect_download() as info:
                button(page, "exp_dl").click()
            path = tmp_path / info.value.suggested_filename
            info.value.save_as(path)
            # The untranslated text, shown: the CLI's `--untranslated show` book.
            page.locator("[role='dialog'] .st-key-exp_untranslated").get_by_text("show").click()
            wait_idle(page)
            with page.expect_download() as info:
                button(page, "exp_dl").click()
            shown = tmp_path / "shown.html"
            info.value.save_as(shown)
    assert path.name == "davos_interview_de.de-en-zh.html"
    assert path.read_bytes() == cli                    # the CLI's book, byte for byte
    cli_shown = export(interview, "html", tmp_path / "cli-shown.html", "--untranslated", "show")
    assert shown.read_bytes() == cli_shown and len(cli_shown) > len(cli)


LONG_URL = "https://example.org/" + "/".join(f"abschnitt-{k}-unterabschnitt-{k}" for k in range(40))
LONG_WORD = "Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft" * 3


def test_long_words_and_urls_wrap_on_a_phone(tmp_path):
    """A URL or a compound longer than the screen breaks inside the cell: the page is never
    wider than a 390 px phone (it grew to 4,596 px before the stylesheet let words break)."""
    from align.text.document import Block, Document

    doc = Document([Block("heading", [LONG_WORD]),
                    Block("narration", [f"Mehr unter {LONG_URL} nachlesen.", f"Ein {LONG_WORD}."])],
                   lang="de", title=LONG_WORD)
    with Project.create(tmp_path / "p") as p:
        p.import_document(doc, "long.txt", "long")
        for seg, text in zip(p.source_segments(), [LONG_WORD, f"Read more at {LONG_URL}.",
                                                    f"A {LONG_WORD}."]):
            p.set_machine_translation(seg.id, "en", text, {"model": "typed"})
    path = tmp_path / "long.html"
    assert main(["export", str(tmp_path / "p"), "--format", "html", "--output", str(path)]) == 0
    for size in (PHONE, DESKTOP):
        with browser(size) as page:
            open_offline(page, path)
            assert page.locator(".bk-cell[lang='en']", has_text="Read more at").first.is_visible()
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= size[0], (size, width)
            screenshot(page, f"book-07-long-words-{size[0]}")

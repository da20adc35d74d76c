"""The parallel book (`bitext export --format html|epub`): structure, escaping, no network,
EPUB layout, byte-for-byte repeatability and epubcheck.

The project is real data through the real store: a document with narration, speakers'
turns, two headings and a boilerplate block; English as machine output and Chinese as a
person's translation (with a 2:1 link), and markup in the title and in a sentence.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree, html

from align.cli import main
from align.errors import InputError
from align.formats import epub, export_project, export_table, html_book
from align.formats.book import sections
from align.store import Project
from align.text.document import Block, Document

TITLE = 'Davos <script>alert("title")</script> & "Q"'
XSS_DE = 'Er schrieb <script>window.__bitext_xss = 1</script> & <b>ging</b>.'
BLOCKS = [
    ("narration", None, ["Am frühen Morgen wurde Jack Ma in Davos interviewt.",
                         "Es heißt, dies sei der beliebteste Dialog beim Davos Forum."]),
    ("turn", "Sorkin", ["Nochmals willkommen, Herr Jack Ma!",
                        "Können Sie uns von diesem Treffen erzählen?"]),
    ("heading", None, ["Globalisierung erfordert Optimierung"]),
    ("turn", "Jack Ma", ["Die Globalisierung ist eine gute Sache.", XSS_DE]),
    ("heading", None, ["Unterschied zu Amazon"]),
    ("turn", "Sorkin", ["Kann ich Sie mit Amazon vergleichen?"]),
    ("boilerplate", None, ["Als Gewinner des Qingyun-Plans hat er viele Auszeichnungen gewonnen."]),
]
GERMAN = [s for _, _, sentences in BLOCKS[:-1] for s in sentences]
ENGLISH = ["Early in the morning Jack Ma was interviewed in Davos.",
           "It is said that this was the most popular dialogue at the Davos Forum.",
           "Welcome again, Mr Jack Ma!", "Can you tell us about this meeting?",
           "Globalization needs optimization", "Globalization is a good thing.",
           'He wrote <script>window.__bitext_xss = 2</script> & went.',
           "The difference from Amazon", "May I compare you with Amazon?",
           "As a winner of the Qingyun plan he has won many awards."]
# (source sentence indexes, Chinese sentences): one 2:1 link.
CHINESE = [([0], ["清晨，马云在达沃斯接受了采访。"]), ([1], ["据说这是达沃斯论坛上最受欢迎的对话。"]),
           ([2, 3], ["再次欢迎马云先生！能给我们讲讲这次会面吗？"]), ([4], ["全球化需要优化"]),
           ([5], ["全球化是一件好事。"]), ([6], ["他写了<script>和</script>。"]),
           ([7], ["与亚马逊的区别"]), ([8], ["我可以把您和亚马逊比较吗？"]),
           ([9], ["作为青云计划的获奖者，他获得了许多奖项。"])]
# Namespace names an EPUB must declare: identifiers, never fetched.
NAMESPACES = ["http://www.w3.org/1999/xhtml", "http://www.idpf.org/2007/ops",
              "http://www.idpf.org/2007/opf", "http://purl.org/dc/elements/1.1/"]


def make_book_project(directory: Path) -> Path:
    doc = Document([Block(kind, list(s), speaker=sp, speaker_label=sp) for kind, sp, s in BLOCKS],
                   lang="de", title=TITLE)
    with Project.create(directory) as project:
        project.import_document(doc, "book.txt", "book")
        src = project.source_segments()
        for seg, text in zip(src, ENGLISH):
            assert project.set_machine_translation(seg.id, "en", text, {"model": "test"})
        sentences, links = [], []
        for idx, texts in CHINESE:
            links.append(([src[i].id for i in idx], list(range(len(sentences), len(sentences) + len(texts))), 0.9))
            sentences += texts
        project.import_target_track("zh", sentences, links, origin_detail={"translator": "test"})
    return directory


@pytest.fixture(scope="module")
def book_dir(tmp_path_factory):
    return make_book_project(tmp_path_factory.mktemp("book") / "project")


@pytest.fixture
def project(book_dir):
    with Project.open(book_dir) as p:
        yield p


def cell_texts(root, lang: str) -> list[str]:
    return [" ".join("".join(c.itertext()).split()) for c in root.iter()
            if "bk-cell" in (c.get("class") or "") and c.get("lang") == lang
            and "bk-colhead" not in (c.getparent().get("class") or "")]


def epub_pages(data: bytes) -> list:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [etree.fromstring(zf.read(n)) for n in sorted(zf.namelist())
                if re.fullmatch(r"EPUB/s\d+\.xhtml", n)]


# ----- structure -------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["html", "epub"])
def test_every_source_sentence_is_in_the_book_once(project, fmt):
    data = export_project(project, fmt, ["de", "en", "zh"])
    roots = [html.document_fromstring(data)] if fmt == "html" else epub_pages(data)
    german = " ".join(t for root in roots for t in cell_texts(root, "de"))
    for sentence in GERMAN:
        assert german.count(sentence) == 1, sentence
    assert "Qingyun" not in german                      # boilerplate left out
    english = " ".join(t for root in roots for t in cell_texts(root, "en"))
    assert all(english.count(s) == 1 for s in ENGLISH[:-1])
    chinese = "".join(t for root in roots for t in cell_texts(root, "zh"))
    assert "再次欢迎马云先生！能给我们讲讲这次会面吗？" in chinese and "全球化是一件好事。" in chinese


@pytest.mark.parametrize("fmt", ["html", "epub"])
def test_boilerplate_only_when_asked(project, fmt):
    data = export_project(project, fmt, ["de", "en", "zh"], include_boilerplate=True)
    table = (html_book if fmt == "html" else epub).read(data)
    assert [r.kind for r in table.rows][-1] == "boilerplate"
    assert "Qingyun" in table.rows[-1].cells["de"].text


def test_rows_have_one_cell_per_language_in_order(project):
    data = export_project(project, "html", ["de", "zh", "en"])
    root = html.document_fromstring(data)
    rows = root.find_class("bk-row")
    assert len(rows) == 8                               # 9 sentences, one 2:1 pair
    for row in rows:
        assert [c.get("lang") for c in row] == ["de", "zh", "en"]
    heads = root.find_class("bk-colhead")[0]
    assert [c.text for c in heads] == ["Deutsch", "中文", "English"]
    assert root.find("body").get("style") == "--bk-cols: 3"
    # Two languages, the source left out: two columns and no German at all.
    two = html.document_fromstring(export_project(project, "html", ["en", "zh"]))
    assert {tuple(c.get("lang") for c in row) for row in two.find_class("bk-row")} == {("en", "zh")}
    assert not cell_texts(two, "de") and "Nochmals" not in two.text_content()


def test_title_speakers_sections_and_contents(project):
    table, data = export_table(project, "html", ["de", "en", "zh"])
    root = html.document_fromstring(data)
    assert root.findtext(".//title") == TITLE and root.findtext(".//h1") == TITLE
    secs = sections(table)
    assert [s.number for s in secs] == [0, 1, 2]
    # The contents list the headings, in every language, linking to them.
    links = root.find_class("bk-toc")[0].findall(".//a")
    assert [a.get("href") for a in links] == ["#s1", "#s2"]
    assert [a.text_content() for a in links][0] == ("Globalisierung erfordert Optimierung"
                                                    "Globalization needs optimization全球化需要优化")
    for a in links:
        target = root.get_element_by_id(a.get("href")[1:])
        assert target.tag == "h2" and "bk-heading" in target.get("class")
    assert [s.text_content() for s in root.find_class("bk-speaker")] == ["Sorkin", "Jack Ma", "Sorkin"]
    back = html_book.read(data)
    assert [(r.turn, r.speaker, r.kind) for r in back.rows] == [
        (1, None, "narration"), (1, None, "narration"), (2, "Sorkin", "turn"), (3, None, "heading"),
        (4, "Jack Ma", "turn"), (4, "Jack Ma", "turn"), (5, None, "heading"), (6, "Sorkin", "turn")]


def test_a_book_without_headings_has_no_contents(tmp_path):
    doc = Document([Block("turn", ["Guten Tag."], speaker="A", speaker_label="A")], lang="de")
    with Project.create(tmp_path / "p") as p:
        p.import_document(doc, "a.txt", "a")
        p.set_machine_translation(p.source_segments()[0].id, "en", "Good day.", {"model": "t"})
        root = html.document_fromstring(export_project(p, "html"))
        assert not root.find_class("bk-toc") and root.findtext(".//h1") == "a.txt"
        assert epub.read(export_project(p, "epub")).rows[0].cells["en"].text == "Good day."
        # A right-to-left language reads right to left in its own cells.
        p.set_machine_translation(p.source_segments()[0].id, "ar", "يوم جيد.", {"model": "t"})
        root = html.document_fromstring(export_project(p, "html", ["de", "en", "ar"]))
        assert [c.get("dir") for c in root.find_class("bk-row")[0]] == [None, None, "rtl"]


# ----- escaping and no network -----------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["html", "epub"])
def test_user_text_is_escaped(project, fmt):
    data = export_project(project, fmt, ["de", "en", "zh"])
    files = [data] if fmt == "html" else [zipfile.ZipFile(io.BytesIO(data)).read(n)
                                          for n in zipfile.ZipFile(io.BytesIO(data)).namelist()]
    blob = b"".join(files)
    assert b"<script" not in blob and b"<b>" not in blob
    assert b"&lt;script&gt;window.__bitext_xss = 1&lt;/script&gt; &amp; &lt;b&gt;ging&lt;/b&gt;" in blob
    table = (html_book if fmt == "html" else epub).read(data)
    assert [r.cells["de"].text for r in table.rows][5] == XSS_DE


def test_html_book_loads_nothing_from_anywhere(project):
    text = export_project(project, "html", include_boilerplate=True).decode("utf-8")
    assert not re.search(r"https?:|//[a-z]", text, re.I)
    for pattern in (r"<script", r"<link", r"<img", r"<iframe", r"\bsrc=", r"url\(", r"@import",
                    r"@font-face"):
        assert not re.search(pattern, text, re.I), pattern
    # The CJK font stack is named, for the device's own fonts.
    assert '"Noto Serif CJK SC"' in text and '"PingFang SC"' in text and "prefers-color-scheme: dark" in text


def test_epub_refers_to_nothing_outside_itself(project):
    data = export_project(project, "epub")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        for name in names:
            text = zf.read(name).decode("utf-8")
            for ns in NAMESPACES:
                text = text.replace(f'"{ns}"', '""').replace(f">{ns}<", "><")
            assert not re.search(r"https?:|url\(|@import|@font-face|<script", text, re.I), name
            if name.endswith(".xhtml"):
                for ref in re.findall(r'(?:href|src)="([^"#]*)', text):
                    assert ref == "" or f"EPUB/{ref}" in names, (name, ref)


# ----- EPUB layout -------------------------------------------------------------------------------

def test_epub_zip_layout_and_package(project):
    table, data = export_table(project, "epub", ["de", "en", "zh"])
    zf = zipfile.ZipFile(io.BytesIO(data))
    first = zf.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert zf.read("mimetype") == b"application/epub+zip" and first.extra == b""
    assert data[30:38] == b"mimetype" and data[38:58] == b"application/epub+zip"
    assert zf.namelist() == ["mimetype", "META-INF/container.xml", "EPUB/package.opf",
                             "EPUB/nav.xhtml", "EPUB/book.css", "EPUB/s0.xhtml",
                             "EPUB/s1.xhtml", "EPUB/s2.xhtml"]
    for name in zf.namelist():
        if name.endswith((".xml", ".opf", ".xhtml")):
            etree.fromstring(zf.read(name))             # well-formed, or this raises
    container = etree.fromstring(zf.read("META-INF/container.xml"))
    assert container.find(".//{*}rootfile").get("full-path") == "EPUB/package.opf"
    opf = etree.fromstring(zf.read("EPUB/package.opf"))
    assert opf.get("version") == "3.0"
    dc = "{http://purl.org/dc/elements/1.1/}"
    assert opf.findtext(f".//{dc}title") == TITLE
    assert [e.text for e in opf.iter(f"{dc}language")] == ["de", "en", "zh"]
    ident = opf.find(f".//{dc}identifier")
    assert ident.get("id") == opf.get("unique-identifier") and ident.text.startswith("urn:uuid:")
    modified = opf.find(".//{*}meta[@property='dcterms:modified']").text
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", modified)
    assert modified[:10] == table.created[:10]
    items = {i.get("id"): i for i in opf.iter("{*}item")}
    assert items["nav"].get("properties") == "nav"
    assert all(f"EPUB/{i.get('href')}" in zf.namelist() for i in items.values())
    assert [r.get("idref") for r in opf.iter("{*}itemref")] == ["s0", "s1", "s2"]
    nav = etree.fromstring(zf.read("EPUB/nav.xhtml"))
    toc = nav.find(".//{*}nav[@{http://www.idpf.org/2007/ops}type='toc']")
    assert [a.get("href") for a in toc.iter("{*}a")] == ["s0.xhtml", "s1.xhtml", "s2.xhtml"]
    assert "Unterschied zu Amazon / The difference from Amazon / 与亚马逊的区别" in [
        a.text for a in toc.iter("{*}a")]
    page = etree.fromstring(zf.read("EPUB/s1.xhtml"))
    assert page.tag == "{http://www.w3.org/1999/xhtml}html" and page.get("lang") == "de"
    assert zf.read("EPUB/s1.xhtml").startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE html>")


@pytest.mark.parametrize("fmt", ["html", "epub"])
def test_exports_repeat_byte_for_byte(book_dir, fmt, tmp_path, capsys):
    outputs = []
    for k in range(2):
        out = tmp_path / f"book{k}.{fmt}"
        assert main(["export", str(book_dir), "--format", fmt, "--langs", "de,en,zh",
                     "--output", str(out)]) == 0
        outputs.append(out.read_bytes())
    assert "8 units (de, en, zh)" in capsys.readouterr().out
    assert outputs[0] == outputs[1]
    if fmt == "epub":
        with Project.open(book_dir) as p:
            created = p.document_info()["created_at"]
        stamps = {i.date_time for i in zipfile.ZipFile(io.BytesIO(outputs[0])).infolist()}
        when = [int(x) for x in re.split(r"[-T:.+]", created)[:6]]
        assert stamps == {(*when[:5], when[5] - when[5] % 2)}     # zip keeps even seconds


def test_epub_read_refuses_what_is_not_an_epub():
    with pytest.raises(InputError, match="not a zip"):
        epub.read(b"<html></html>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", "x")
    with pytest.raises(InputError, match="no mimetype"):
        epub.read(buf.getvalue())


# ----- epubcheck (Debian's epubcheck; `make browser` installs it) ------------------------------

def epubcheck_command() -> list[str]:
    jar = Path("/usr/share/java/epubcheck.jar")
    java = shutil.which("java")
    if jar.is_file() and java:
        return [java, "-jar", str(jar)]          # the Debian binary is a jar (binfmt may be off)
    raise RuntimeError("epubcheck not found: install Debian's epubcheck (`make browser`, or "
                       "`apt-get install epubcheck`)")


def test_epub_passes_epubcheck(book_dir, tmp_path):
    out = tmp_path / "book.epub"
    assert main(["export", str(book_dir), "--format", "epub", "--include-boilerplate",
                 "--output", str(out)]) == 0
    result = subprocess.run([*epubcheck_command(), str(out)], capture_output=True, text=True,
                            timeout=300)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "No errors or warnings detected" in report, report

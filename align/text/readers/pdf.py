"""PDF with a text layer (pdfplumber): lines are rebuilt into headings and paragraphs.

* Running heads and page numbers (a page's first or last line, in the margin and set apart
  from the text, that repeats from page to page with only its numbers changed, or is only a
  page number) are dropped.
* Footnote markers (digits or symbols set smaller than their line) are dropped; footnote
  text (small lines in the lower half of a page) is kept as boilerplate at the end.
* A word hyphenated at a line end is joined again ("Leucht-" + "turm" -> "Leuchtturm"); a
  compound keeps its hyphen when the next line starts with a capital ("E-" + "Mail" ->
  "E-Mail"), and a hyphen before a conjunction stays apart ("Ein- und Ausgang").
* Lines set larger than the body text are headings (the larger, the higher the level);
  bold words opening a paragraph and ending in a colon are a speaker label.
* A PDF without any text (scanned pages) or with a password is refused in one line.
"""
from __future__ import annotations

import io
import re
from collections import Counter

from align.errors import InputError
from align.text.readers.model import PartsBuilder, ReadDocument, Run

MAX_PAGES = 3000
MARGIN = 0.1                  # share of the page height that holds running heads and numbers
HEADING_SIZE = 1.15           # a line this much larger than the body text is a heading
SMALL = 0.85                  # footnotes and markers are set this much smaller
PARAGRAPH_GAP = 1.3           # a line gap this much larger than usual starts a paragraph
_PAGE_NUMBER = re.compile(r"(?i)^[\W_]*(?:(?:seite|page|s\.|p\.)\s*)?(?:\d{1,5}|[ivxlcdm]{1,8})"
                          r"(?:\s*(?:/|von|of)\s*\d{1,5})?[\W_]*$")
_DIGITS = re.compile(r"\d+")
_MARKER = re.compile(r"^[\d*†‡§¹²³⁰-⁹]+$")
_SENTENCE_END = re.compile(r"[.!?…:;\"“”»«'’)\]]$")
_KEEP_HYPHEN_BEFORE = {"und", "oder", "bis", "sowie", "bzw", "noch", "and", "or", "to", "nor"}


def read(data: bytes, name: str) -> ReadDocument:
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = pdf.pages
    except Exception as exc:  # pdfminer wraps its errors differently from version to version
        text = f"{type(exc).__name__} {exc}".lower()
        if "password" in text or "encrypt" in text:
            raise InputError(f"{name}: the PDF is encrypted (password-protected); save an "
                             f"unprotected copy and try again") from None
        raise InputError(f"{name}: not a readable PDF file ({type(exc).__name__})") from None
    with pdf:
        if len(pages) > MAX_PAGES:
            raise InputError(f"{name}: {len(pages)} pages; the limit is {MAX_PAGES}")
        try:
            layout = []
            for page in pages:
                layout.append((page.height, _lines(page)))
                page.close()    # pdfplumber caches every page's objects otherwise
        except Exception as exc:
            text = f"{type(exc).__name__} {exc}".lower()
            if "password" in text or "encrypt" in text:
                raise InputError(f"{name}: the PDF is encrypted (password-protected); save "
                                 f"an unprotected copy and try again") from None
            raise InputError(f"{name}: the PDF cannot be read ({type(exc).__name__})") from None
        title = str((pdf.metadata or {}).get("Title") or "").strip()
    if not any(lines for _, lines in layout):
        raise InputError(f"{name}: the PDF has no text layer (scanned pages?); run OCR on it "
                         f"first (e.g. ocrmypdf) and try again")
    return ReadDocument("pdf", _build(layout), title=title)


def _lines(page) -> list[dict]:
    out = []
    for line in page.extract_text_lines(return_chars=True, strip=True):
        chars = [c for c in line["chars"] if c.get("text", "").strip()]
        if not chars:
            continue
        size = Counter(round(c["size"], 1) for c in chars).most_common(1)[0][0]
        out.append({"top": line["top"], "bottom": line["bottom"], "x0": line["x0"],
                    "text": line["text"], "chars": chars, "size": size})
    return out


def _is_bold(char: dict) -> bool:
    font = char.get("fontname", "").lower()
    return any(w in font for w in ("bold", "black", "heavy", "semibold", "demi"))


def _runs(line: dict) -> list[Run]:
    """(text, bold) runs of a line; footnote markers (small digits) dropped."""
    chars = line["chars"]
    runs: list[Run] = []
    k = 0
    bold = False
    text = line["text"]
    i = 0
    while i < len(text):
        if k < len(chars) and text.startswith(chars[k]["text"], i):
            char = chars[k]
            bold = _is_bold(char)
            small = char["size"] < SMALL * line["size"]
            if not (small and _MARKER.match(char["text"])):
                runs.append((char["text"], bold))
            i += len(char["text"])
            k += 1
        else:
            runs.append((text[i], bold))
            i += 1
    return runs


def _signature(text: str) -> str:
    return _DIGITS.sub("#", " ".join(text.lower().split()))


def _build(layout) -> list:
    sizes = Counter()
    for _, lines in layout:
        for line in lines:
            sizes[line["size"]] += len(line["chars"])
    body = sizes.most_common(1)[0][0]
    heading_sizes = sorted({s for s in sizes if s >= HEADING_SIZE * body}, reverse=True)
    gaps = [b["top"] - a["top"] for _, lines in layout for a, b in zip(lines, lines[1:])
            if a["size"] == b["size"] == body and b["top"] > a["top"]]
    # The line pitch: the smallest gap between lines of body text (paragraph gaps are larger).
    pitch = min((g for g in gaps if g >= 0.95 * body), default=1.2 * body)
    # Running heads and feet: a page's first or last line, in the margin, set apart from the
    # text (by a gap or another size), that repeats on other pages with only numbers changed;
    # or that is only a page number.
    furniture = [[l for l in _margin_lines(lines, height, body, pitch)] for height, lines in layout]
    counts = Counter(sig for page in furniture for sig in {_signature(l["text"]) for l in page})
    drop = {id(l) for page in furniture for l in page
            if counts[_signature(l["text"])] >= 2 or _PAGE_NUMBER.match(l["text"].strip())}

    builder = PartsBuilder()
    footnotes: list[str] = []
    paragraph: list[Run] = []
    previous: dict | None = None

    def close() -> None:
        nonlocal paragraph
        if paragraph:
            builder.paragraph(paragraph)
        paragraph = []

    for height, lines in layout:
        page_notes: list[str] = []
        first_on_page = True
        for line in lines:
            text = line["text"].strip()
            if id(line) in drop:
                continue
            if line["size"] < SMALL * body and line["top"] > height / 2:
                if page_notes and not _MARKER.match(text.split()[0][:1] or "x"):
                    page_notes[-1] += " " + text
                else:
                    page_notes.append(re.sub(r"^[\d*†‡]+\s*", "", text))
                continue
            if line["size"] in heading_sizes:
                close()
                if previous is not None and previous.get("heading") and not first_on_page \
                        and line["top"] - previous["top"] < 1.6 * line["size"]:
                    builder.parts[-1].text += " " + text   # a heading set on two lines
                else:
                    builder.heading(text, heading_sizes.index(line["size"]) + 1)
                previous = {**line, "heading": True}
                first_on_page = False
                continue
            runs = _runs(line)
            if previous is not None and not previous.get("heading") and paragraph:
                if first_on_page:
                    new = bool(_SENTENCE_END.search(_plain(paragraph)))
                else:
                    new = line["top"] - previous["top"] > PARAGRAPH_GAP * pitch
                if new:
                    close()
                else:
                    paragraph = _join(paragraph, runs)
                    previous = line
                    first_on_page = False
                    continue
            elif paragraph:
                close()
            paragraph = list(runs)
            previous = line
            first_on_page = False
        footnotes.extend(page_notes)
    close()
    for note in footnotes:
        builder.boilerplate(note)
    return builder.done()


def _margin_lines(lines: list[dict], height: float, body: float, pitch: float) -> list[dict]:
    """The page's first and last lines when they stand in the margin, apart from the text."""
    ordered = sorted(lines, key=lambda l: l["top"])
    out = []
    if ordered and ordered[0]["top"] < MARGIN * height and (
            len(ordered) == 1 or ordered[1]["top"] - ordered[0]["top"] > PARAGRAPH_GAP * pitch
            or ordered[0]["size"] != body):
        out.append(ordered[0])
    if len(ordered) > 1 and ordered[-1]["bottom"] > (1 - MARGIN) * height and (
            ordered[-1]["top"] - ordered[-2]["top"] > PARAGRAPH_GAP * pitch
            or ordered[-1]["size"] != body):
        out.append(ordered[-1])
    return out


def _plain(runs: list[Run]) -> str:
    return "".join(t for t, _ in runs).rstrip()


def _join(paragraph: list[Run], runs: list[Run]) -> list[Run]:
    """The next line joined to the paragraph, a line-end hyphenation undone: "Leucht-" +
    "turm" -> "Leuchtturm"; a compound's own hyphen stays ("E-" + "Mail" -> "E-Mail"), and so
    does a hyphen before a conjunction ("Ein-" + "und Ausgang")."""
    before = _plain(paragraph)
    after = "".join(t for t, _ in runs).lstrip()
    first_word = re.match(r"[^\W\d_]+", after)
    if len(before) > 1 and before[-1] in "-\u00ad" and before[-2].isalpha() and first_word \
            and first_word.group().lower() not in _KEEP_HYPHEN_BEFORE:
        while paragraph and not paragraph[-1][0].strip():
            paragraph.pop()
        if first_word.group()[0].islower():
            text, bold = paragraph[-1]
            paragraph[-1] = (text.rstrip()[:-1], bold)
        return paragraph + runs
    return paragraph + [(" ", paragraph[-1][1] if paragraph else False)] + runs

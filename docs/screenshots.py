"""Take the documentation's screenshots from the real app: `make screenshots`.

The bundled interview is imported into a fresh project, the hand-written English and Chinese
reference translations that ship with the tests are imported into it as a person's work would
be (`bitext import-translation`, TSV), and `streamlit run app.py` is driven in Debian's
Chromium, as the browser tests do (tests/browser_util.py). No machine translation is needed,
so this runs offline. The images are written to docs/images/ and kept in the repository.
"""
from __future__ import annotations

import csv
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser_util import AppServer, browser, open_app, wait_idle  # noqa: E402
from tests.conftest import INTERVIEW, REFERENCE  # noqa: E402
from tests.qa_damage import reference_pairs  # noqa: E402

IMAGES = ROOT / "docs" / "images"


def bitext(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "align.cli", *args], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)


def write_tsv(path: Path, lang: str, pairs: dict[str, str]) -> Path:
    """A parallel TSV as `bitext export` writes it: turn, speaker, German, the translation."""
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, delimiter="\t", lineterminator="\n")
        out.writerow(["turn", "speaker", "de", lang, f"status_{lang}"])
        for german, text in pairs.items():
            out.writerow(["", "", german, text, "edited"])
    return path


def reference_english() -> dict[str, str]:
    pairs = dict(reference_pairs())
    # The opening's hand translations (tests/conftest.py) cover sentences the file may not.
    pairs.update({de: en for de, (en, _) in REFERENCE.items() if de not in pairs})
    return pairs


def make_project(folder: Path) -> Path:
    project = folder / "davos"
    bitext("import", str(INTERVIEW), "--project", str(project))
    en = write_tsv(folder / "en.tsv", "en", reference_english())
    zh = write_tsv(folder / "zh.tsv", "zh", {de: zh for de, (_, zh) in REFERENCE.items()})
    bitext("import-translation", str(project), "--lang", "en", str(en))
    bitext("import-translation", str(project), "--lang", "zh", str(zh))
    return project


def reader_three_columns(page, url: str, path: Path) -> dict[str, int]:
    open_app(page, url)
    # German, English and 中文 (the reader's default columns): three header cells.
    page.wait_for_function(
        "() => document.querySelector('.bx-colhead')?.children.length === 3")
    # A picture of empty columns would show nothing: each language must have text on screen.
    filled = page.evaluate("""() => Object.fromEntries(['de', 'en', 'zh'].map(lang => [lang,
        [...document.querySelectorAll(`.bx-row[data-row] .bx-cell[lang='${lang}']`)]
          .filter(c => c.textContent.trim() && !c.querySelector('.bx-missing')).length]))""")
    if min(filled.values()) < 3:
        raise RuntimeError(f"too few rows with text on screen per language: {filled}")
    page.screenshot(path=str(path))
    return filled


def row_editor(page, path: Path, german: str) -> None:
    """The editor of the row whose German starts with `german`, opened by a click."""
    row = page.locator(".bx-row[data-row]", has_text=german).first
    key = row.get_attribute("data-row")
    row.click()
    wait_idle(page)
    box = page.locator(f".st-key-editor-{key}")
    box.locator("textarea").first.wait_for()
    box.evaluate("el => el.scrollIntoView({block: 'center'})")
    page.wait_for_function("() => new Promise(r => requestAnimationFrame(() => r(true)))")
    page.screenshot(path=str(path))


def take(images: Path = IMAGES) -> list[Path]:
    """Every screenshot of the docs, written to `images`."""
    images.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="bitext-shots-") as tmp:
        project = make_project(Path(tmp))
        with AppServer(project) as server, browser(viewport=(1440, 1280)) as page:
            target = images / "reader-three-columns.png"
            reader_three_columns(page, server.url, target)
            written.append(target)
            target = images / "row-editor.png"
            row_editor(page, target, "Sie haben gerade den Trump Tower")
            written.append(target)
    return written


def main() -> int:
    for path in take():
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

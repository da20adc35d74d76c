"""Hostile and broken inputs to import-translation: each is refused with one clear line naming
the file (and the line where known), and the project is left exactly as it was."""
from __future__ import annotations

import pytest

from align.cli import main
from align.errors import InputError
from align.store import Project
from align.formats.xmlsafe import parse_xml_bytes, parse_xml_file
from tests.test_formats_roundtrip import make_sample_project

TMX_HEAD = ('<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" '
            'o-tmf="t" adminlang="en" srclang="de" datatype="plaintext"/><body>')
TU = ('<tu><tuv xml:lang="de-DE"><seg>{de}</seg></tuv>'
      '<tuv xml:lang="en-US"><seg>{en}</seg></tuv></tu>')
GOOD_DE = "Nochmals willkommen, Herr Jack Ma!"

XXE = ('<?xml version="1.0"?>\n<!DOCTYPE tmx [\n<!ENTITY secret SYSTEM "file:///etc/passwd">\n]>\n'
       + TMX_HEAD + TU.format(de=GOOD_DE, en="&secret;") + "</body></tmx>")
PARAMETER_XXE = ('<?xml version="1.0"?>\n<!DOCTYPE tmx [\n<!ENTITY % remote SYSTEM '
                 '"http://127.0.0.1:9/evil.dtd">\n%remote;\n]>\n' + TMX_HEAD + "</body></tmx>")
LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE tmx [\n<!ENTITY lol "lol">\n'
          + "".join(f'<!ENTITY lol{k} "{("&lol" + str(k - 1) + ";") * 10 if k > 1 else "&lol;" * 10}">\n'
                    for k in range(1, 10))
          + "]>\n" + TMX_HEAD + TU.format(de=GOOD_DE, en="&lol9;") + "</body></tmx>")
TRUNCATED = ('<?xml version="1.0"?>\n' + TMX_HEAD + "\n" + TU.format(de=GOOD_DE, en="Welcome")
             + "\n<tu><tuv xml:lang=\"de-DE\"><seg>Nochmals")
WRONG_ROOT = '<?xml version="1.0"?>\n<html><body><p>not a translation memory</p></body></html>'
UNKNOWN_LANGS = (TMX_HEAD + '<tu><tuv xml:lang="fr-FR"><seg>Bonjour</seg></tuv>'
                 '<tuv xml:lang="it-IT"><seg>Ciao</seg></tuv></tu></body></tmx>')
NOT_A_TAG = (TMX_HEAD + '<tu><tuv xml:lang="de-DE"><seg>' + GOOD_DE + '</seg></tuv>'
             '<tuv xml:lang="Klingon!!"><seg>nuqneH</seg></tuv></tu></body></tmx>')
OTHER_TEXT = TMX_HEAD + TU.format(de="Ein ganz anderer Text.", en="Another text.") + "</body></tmx>"
XLIFF12 = ('<?xml version="1.0"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
           '<file source-language="de" target-language="en" datatype="plaintext" original="x">'
           '<body></body></file></xliff>')

CASES = {
    # name: (file name, bytes, words the one-line error must contain)
    "xxe": ("xxe.tmx", XXE.encode(), ["xxe.tmx", "line 3", "ENTITY"]),
    "xxe-utf16": ("xxe16.tmx", XXE.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
                  .encode("utf-16"), ["xxe16.tmx", "DTD declaration"]),
    "parameter-entity": ("param.tmx", PARAMETER_XXE.encode(), ["param.tmx", "ENTITY"]),
    "billion-laughs": ("laughs.tmx", LAUGHS.encode(), ["laughs.tmx", "line 3", "ENTITY"]),
    "truncated": ("cut.tmx", TRUNCATED.encode(), ["cut.tmx", "line 4", "not well-formed"]),
    "wrong-root": ("page.tmx", WRONG_ROOT.encode(), ["page.tmx", "line 2", "expected a <tmx>", "<html>"]),
    "unknown-languages": ("fr-it.tmx", UNKNOWN_LANGS.encode(), ["fr-it.tmx", "no de or en", "fr, it"]),
    "not-a-language-tag": ("klingon.tmx", NOT_A_TAG.encode(), ["klingon.tmx", "line 1", "Klingon!!"]),
    "another-text": ("other.tmx", OTHER_TEXT.encode(), ["other.tmx", "none of its 1 units"]),
    "xliff-1.2": ("old.xlf", XLIFF12.encode(), ["old.xlf", "XLIFF 2"]),
    "empty": ("empty.tmx", b"", ["empty.tmx", "empty"]),
    "binary": ("noise.tmx", bytes(range(256)) * 4, ["noise.tmx", "not well-formed"]),
}


def snapshot(directory) -> tuple:
    with Project.open(directory) as project:
        return tuple(project.conn.iterdump()), tuple(project.list_backups())


@pytest.fixture
def project_dir(tmp_path):
    return make_sample_project(tmp_path / "project")


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_file_is_refused_and_project_unchanged(project_dir, tmp_path, capsys, case):
    name, data, words = CASES[case]
    path = tmp_path / name
    path.write_bytes(data)
    before = snapshot(project_dir)
    code = main(["import-translation", str(project_dir), "--lang", "en", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1, err
    for word in words:
        assert word in err, (word, err)
    assert "root:" not in err          # the passwd file was never read into anything
    assert snapshot(project_dir) == before


def test_a_plain_doctype_is_accepted_and_not_loaded(tmp_path):
    # CAT tools write this line; the DTD it names is never fetched (it does not exist here).
    data = ('<?xml version="1.0"?>\n<!DOCTYPE tmx SYSTEM "missing/tmx14.dtd">\n'
            + TMX_HEAD + TU.format(de=GOOD_DE, en="Welcome again, Mr Jack Ma!") + "</body></tmx>")
    root = parse_xml_bytes(data.encode(), "plain.tmx", root="tmx")
    assert root.find("body/tu/tuv/seg").text == GOOD_DE


def test_size_bound(tmp_path):
    data = (TMX_HEAD + TU.format(de=GOOD_DE, en="x" * 5000) + "</body></tmx>").encode()
    with pytest.raises(InputError, match=r"big.tmx: file too large"):
        parse_xml_bytes(data, "big.tmx", max_bytes=4096)
    path = tmp_path / "big.tmx"
    path.write_bytes(data)
    with pytest.raises(InputError, match=r"big.tmx: file is too big .* the limit is"):
        parse_xml_file(path, max_bytes=4096)
    assert parse_xml_file(path, root="tmx").tag == "tmx"


def test_deep_nesting_is_refused():
    deep = "<tmx>" + "<a>" * 5000 + "</a>" * 5000 + "</tmx>"
    with pytest.raises(InputError, match=r"deep.tmx, line 1: not well-formed XML"):
        parse_xml_bytes(deep.encode(), "deep.tmx")


def test_missing_file_is_one_line(tmp_path, capsys, project_dir):
    code = main(["import-translation", str(project_dir), "--lang", "en", str(tmp_path / "nope.tmx")])
    assert code == 2 and "nope.tmx: no such file" in capsys.readouterr().err

"""Importing a translation takes the language's current sentences out of view (archived,
backed up): the Import dialog says so before, and a person's own work is replaced only once
they tick "Replace the current English"."""
from __future__ import annotations

from align.store import Project
from models import app_services as svc
from tests.test_app_flows import WELCOME, english, project_dir, start  # noqa: F401 (fixture)


def test_what_an_import_would_replace(project_dir):
    with Project.open(project_dir) as p:
        assert svc.import_replaces(p, "zh").human == 0          # machine output only
        assert svc.import_replaces(p, "xx") is None              # nothing to replace
        n = svc.import_replaces(p, "en").sentences
        assert n > 0 and not svc.import_replaces(p, "en").needs_confirmation
    _, seg = english(project_dir, WELCOME)
    with Project.open(project_dir) as p:
        p.edit_segment(seg.id, "Welcome back, Mr Jack Ma!", seg.version)
        replaces = svc.import_replaces(p, "en")
    assert (replaces.sentences, replaces.human) == (n, 1) and replaces.needs_confirmation
    assert replaces.message("English") == (
        f"Importing replaces the current English ({n} sentences, 1 of them a person's work: "
        "typed, corrected, reviewed or imported): it is archived, and a backup is taken first, "
        "but it is no longer shown or exported.")


def test_the_import_dialog_warns_and_asks_before_replacing_a_persons_work(project_dir):
    at = start()
    at.button(key="open_import").click().run()
    warning = [w.value for w in at.warning if "replaces the current English" in w.value]
    assert len(warning) == 1 and "a person's work" not in warning[0]
    assert not [c for c in at.checkbox if c.key == "imp_tr_replace"]
    _, seg = english(project_dir, WELCOME)
    with Project.open(project_dir) as p:
        p.edit_segment(seg.id, "Welcome back, Mr Jack Ma!", seg.version)
    at.run()
    assert any("1 of them a person's work" in w.value for w in at.warning)
    box = at.checkbox(key="imp_tr_replace")
    assert box.label == "Replace the current English" and box.value is False
    assert at.button(key="imp_tr_go").disabled
    assert not at.exception

"""Two sessions on one project: stale saves are refused with both versions, never lost;
edits to different sentences never conflict; threads and processes share one database."""
from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from align.errors import ConflictError
from align.store import Project
from tests.store_writer import make_project

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def two_sessions(tmp_path):
    directory = make_project(tmp_path / "p", blocks=2, per_block=3)
    with Project.open(directory) as a, Project.open(directory) as b:
        yield a, b


def test_stale_save_is_refused_showing_both_versions_and_both_stay_in_history(two_sessions):
    a, b = two_sessions
    seg = a.target_segments("en")[0]
    seen_by_b = b.segment(seg.id)                    # both tabs loaded version 1
    a.edit_segment(seg.id, "Tab A's correction.", seg.version)
    with pytest.raises(ConflictError) as err:
        b.edit_segment(seg.id, "Tab B's correction.", seen_by_b.version)
    message = str(err.value)
    assert "Tab A's correction." in message and "Tab B's correction." in message
    assert err.value.current_text == "Tab A's correction."
    assert err.value.attempted_text == "Tab B's correction."
    assert err.value.current_version == seg.version + 1
    # Nothing was overwritten ...
    assert a.segment(seg.id).text == "Tab A's correction."
    # ... and both versions are in the history, whichever session reads it.
    texts = {(h.action, (h.new_value or {}).get("text")) for h in a.history(seg.id)}
    assert ("edit", "Tab A's correction.") in texts
    assert ("conflict", "Tab B's correction.") in texts


def test_reloaded_session_can_save_after_a_conflict(two_sessions):
    a, b = two_sessions
    seg = a.target_segments("en")[0]
    a.edit_segment(seg.id, "First.", seg.version)
    with pytest.raises(ConflictError):
        b.edit_segment(seg.id, "Second.", seg.version)
    fresh = b.segment(seg.id)
    saved = b.edit_segment(seg.id, "Second.", fresh.version)
    assert saved.text == "Second." and saved.version == seg.version + 2


def test_stale_save_of_the_text_already_saved_is_not_a_conflict(two_sessions):
    a, b = two_sessions
    seg = a.target_segments("en")[0]
    a.edit_segment(seg.id, "Same words.", seg.version)
    saved = b.edit_segment(seg.id, "Same words.", seg.version)
    assert saved.text == "Same words." and saved.version == seg.version + 1


def test_edits_to_different_sentences_never_conflict(two_sessions):
    a, b = two_sessions
    first, second = a.target_segments("en")[:2]
    a.edit_segment(first.id, "A edits the first.", first.version)
    b.edit_segment(second.id, "B edits the second.", second.version)
    assert a.segment(first.id).text == "A edits the first."
    assert a.segment(second.id).text == "B edits the second."


def test_stale_status_change_and_stale_undo_are_refused(two_sessions):
    a, b = two_sessions
    seg = a.target_segments("en")[0]
    a.edit_segment(seg.id, "Edited in A.", seg.version)
    with pytest.raises(ConflictError) as err:
        b.set_status(seg.id, "reviewed", seg.version)
    assert "Edited in A." in str(err.value) and "yours" not in str(err.value)
    with pytest.raises(ConflictError):
        b.undo(seg.id, expected_version=seg.version)
    assert a.segment(seg.id).text == "Edited in A."
    undone = b.undo(seg.id, expected_version=seg.version + 1)
    assert undone.text == seg.text


def test_a_second_process_saving_a_stale_version_is_refused(tmp_path):
    directory = make_project(tmp_path / "p", blocks=1, per_block=2)
    with Project.open(directory) as app:
        seg = app.target_segments("en")[0]
        app.edit_segment(seg.id, "Saved in the app.", seg.version)
        script = (
            "import sys\n"
            "from align.errors import ConflictError\n"
            "from align.store import Project\n"
            f"with Project.open({str(directory)!r}) as p:\n"
            "    try:\n"
            f"        p.edit_segment({seg.id!r}, 'Saved by the CLI.', {seg.version})\n"
            "    except ConflictError as e:\n"
            "        print(e); sys.exit(3)\n")
        done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 3, done.stderr
        assert "Saved in the app." in done.stdout and "Saved by the CLI." in done.stdout
        assert app.segment(seg.id).text == "Saved in the app."
        assert any((h.new_value or {}).get("text") == "Saved by the CLI."
                   for h in app.history(seg.id))


def test_threads_sharing_one_project_lose_no_edit(tmp_path):
    directory = make_project(tmp_path / "p", blocks=2, per_block=4)
    with Project.open(directory) as project:
        segs = project.target_segments("en")
        errors: list[BaseException] = []

        def work(seg_id: str) -> None:
            try:
                for n in range(15):
                    current = project.segment(seg_id)
                    project.edit_segment(seg_id, f"{seg_id} edit {n}", current.version)
                    # A refused stale save rolls its transaction back; that must never
                    # take another thread's acknowledged edit with it.
                    with pytest.raises(ConflictError):
                        project.edit_segment(seg_id, "stale", current.version)
            except BaseException as exc:  # surfaced below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(s.id,)) for s in segs]
        interval = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)  # switch threads as often as possible: maximum interleaving
        try:
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        finally:
            sys.setswitchinterval(interval)
        assert not errors
        for s in segs:
            final = project.segment(s.id)
            assert final.text == f"{s.id} edit 14" and final.version == s.version + 15
        assert project.integrity_check() == "ok"


def test_threads_racing_on_one_sentence_keep_every_successful_save(tmp_path):
    """Each thread has its own session; all edit the same sentence, retrying on conflict.
    Every save that returned is in the history, in version order, with no gaps."""
    directory = make_project(tmp_path / "p", blocks=1, per_block=1)
    with Project.open(directory) as p:
        seg_id = p.target_segments("en")[0].id
    saved: list[tuple[int, str]] = []
    lock = threading.Lock()

    def work(k: int) -> None:
        with Project.open(directory) as p:
            for n in range(10):
                while True:
                    current = p.segment(seg_id)
                    try:
                        row = p.edit_segment(seg_id, f"thread {k} save {n}", current.version)
                        break
                    except ConflictError:
                        continue
                with lock:
                    saved.append((row.version, row.text))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with Project.open(directory) as p:
        edits = {h.new_value["version"]: h.new_value["text"]
                 for h in p.history(seg_id, limit=10000) if h.action == "edit"}
        assert len(saved) == 40
        for version, text in saved:
            assert edits[version] == text
        assert sorted(edits) == list(range(2, 42))
        assert p.segment(seg_id).version == 41

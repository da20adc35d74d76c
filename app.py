"""bitext reader: read German | English | 中文 side by side, correct, align, export.

Run with `make app` (or `BITEXT_PROJECT=DIR streamlit run app.py`). This file only lays out
widgets: the rules live in align/reader.py (rows, filters, pages, escaping, saving) and
models/app_services.py (translation, re-alignment, import, export).
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import streamlit as st

from align import propagation as prop
from align import quality
from align import reader as rd
from align.errors import BitextError
from align.store import Project
from models import app_services as svc
from models.import_job import ImportJob

DEFAULT_PROJECT = "data/projects/davos"
PAGE_SIZES = (5, 10, 20, 50)
TARGET_CHOICES = ("en", "zh")

st.set_page_config(page_title="bitext reader", layout="wide",
                   initial_sidebar_state="expanded")
ss = st.session_state


# ----- project ------------------------------------------------------------------------------
def project_dir() -> Path:
    if "project_dir" not in ss:
        ss.project_dir = os.environ.get("BITEXT_PROJECT", DEFAULT_PROJECT)
    return Path(ss.project_dir)


def project() -> Project:
    """One connection per browser session (SQLite connections are not shared across threads)."""
    directory = project_dir()
    held = ss.get("_project")
    if held is None or held[0] != str(directory):
        if held is not None:
            held[1].close()
        ss._project = (str(directory), Project.open(directory))
    return ss._project[1]


def flash(message: str, kind: str = "success") -> None:
    ss.setdefault("flashes", []).append((kind, message))


def show_flashes() -> None:
    for kind, message in ss.pop("flashes", []):
        # Material icons, not emoji: emoji need a colour font many systems lack.
        icon = {"success": ":material/check_circle:", "error": ":material/error:",
                "info": ":material/info:"}.get(kind, None)
        st.toast(message, icon=icon)


def guarded(fn, *args, ok: str | None = None):
    """Run a store/service call from a callback; a user-facing error becomes a message."""
    try:
        result = fn(*args)
    except BitextError as exc:
        flash(str(exc), "error")
        return None
    if ok:
        flash(ok)
    return result


# ----- callbacks (run before the script, so the page shows their result) ----------------------
def select_row(key: str | None) -> None:
    ss.edit_row = None if ss.get("edit_row") == key else key


def picked() -> None:
    select_row(rd.parse_pick(ss.get("pick")))


def save_row(row_key: str, fields: list[tuple], mark_reviewed: bool) -> None:
    edits, new, confirmed = [], [], []
    for kind, a, b, widget in fields:
        text = ss.get(widget, "")
        if kind == "confirm":
            if text:
                confirmed.append(a)
        elif kind == "edit":
            edits.append((a, b, text))
        else:
            new.append((a, b, text))
    result = rd.save_edits(project(), edits, new, mark_reviewed=mark_reviewed,
                           confirmed=confirmed, langs=ss.get("langs") or None)
    conflicts = ss.setdefault("conflicts", {})
    for seg_id in [*result.saved, *result.unchanged, *result.created]:
        conflicts.pop(seg_id, None)
    conflicts.update({k: (e.current_text, e.attempted_text, e.current_version)
                      for k, e in result.conflicts.items()})
    n = len(result.saved) + len(result.created)
    stamp = time.strftime("%H:%M:%S")
    if result.conflicts:
        k = len(result.conflicts)
        flash(f"{rd.plural(k, 'sentence')} {'was' if k == 1 else 'were'} changed elsewhere; "
              f"both versions are shown below", "error")
    elif result.cleared and len(result.cleared) == n:
        flash(f"Translation removed ({rd.plural(n, 'sentence')}); Undo brings it back")
    elif n:
        flash(f"Saved {rd.plural(n, 'sentence')} at {stamp}"
              + (f" · {result.review_message()}" if result.review else ""))
    elif result.review:
        flash(f"Nothing changed · {result.review_message()}", "info")
    else:
        flash("Nothing changed", "info")
    # A correction made once is offered wherever the same source comes back (issue 12).
    offered = guarded(prop.propagate_corrections, project(), [*result.saved, *result.created])
    if offered:
        flash(f"Offered to {offered} sentence(s) with the same or a similar source", "info")
    # The "saved / nothing to save" line under the editor; a conflict says it all itself.
    ss.saved_at = None if result.conflicts and not n else (row_key, stamp, n)
    if mark_reviewed and result.ok:
        order = ss.get("_order", [])
        nxt = order[order.index(row_key) + 1] if row_key in order[:-1] else None
        ss.edit_row = nxt
        if nxt is not None:
            ss.page = ss.get("_page_of", {}).get(nxt, ss.get("page", 1))


def resolve_conflict(row_key: str, seg_id: str, keep_mine: bool) -> None:
    current, mine, version = ss.conflicts.pop(seg_id)
    if keep_mine and ":" not in seg_id:
        if guarded(project().edit_segment, seg_id, mine, version, ok="Saved your version"):
            ss.saved_at = (row_key, time.strftime("%H:%M:%S"), 1)


def decide_offer(offer_id: int, accept: bool) -> None:
    if accept:
        guarded(project().accept_offer, offer_id, ok="Suggested correction accepted")
    else:
        guarded(project().dismiss_offer, offer_id, ok="Suggested correction dismissed")


def accept_all_offers() -> None:
    result = guarded(prop.accept_all, project())
    if result is not None:
        n, problems = result
        flash(f"Accepted {n} suggested correction(s)")
        for problem in problems[:3]:
            flash(problem, "error")


def undo(seg_id: str) -> None:
    message = guarded(rd.undo_sentence, project(), seg_id)
    flash(message or "Nothing left to undo for this sentence", "success" if message else "info")


def redo(seg_id: str) -> None:
    if guarded(project().redo, seg_id) is None:
        flash("Nothing to redo for this sentence", "info")
    else:
        flash("Redone")


def toggle_reviewed(seg_id: str, version: int) -> None:
    seg = guarded(rd.toggle_reviewed, project(), seg_id, version)
    if seg is not None:
        flash(f"Marked {seg.status}")


def link_action(action: str, *args) -> None:
    p = project()
    ops = {"merge": p.merge_links, "split": p.split_link, "move": p.move_target}
    guarded(ops[action], *args, ok={"merge": "Links merged", "split": "Link split",
                                    "move": "Sentence moved"}[action])


def decide_suggestion(link_id: int, accept: bool) -> None:
    message = guarded(rd.decide_suggestion, project(), link_id, accept)
    if message:
        flash(message)


def undo_decision(history_id: int) -> None:
    message = guarded(rd.undo_decision, project(), history_id)
    if message:
        flash(message)


def set_excluded(block_id: str, excluded: bool) -> None:
    guarded(project().set_block_excluded, block_id, excluded,
            ok="Excluded from translation and export" if excluded else "Included again")


def show_outcome(outcome, widgets: dict, saved: str, suggested: str) -> None:
    """A new machine translation: saved, or (human work is never overwritten) put into the
    editor as a suggestion to accept."""
    if outcome is None:
        return
    if outcome.saved:
        flash(saved)
        return
    for seg_id, text in outcome.suggestions.items():
        if seg_id in widgets:
            ss[widgets[seg_id]] = text
    flash(suggested, "info")


def retranslate(row_key: str, src_ids: tuple[str, ...], lang: str, widgets: dict) -> None:
    show_outcome(guarded(svc.retranslate, project(), src_ids, lang), widgets,
                 f"Re-translated ({lang_label(lang)})",
                 "The sentence was corrected by hand; the new machine translation is in the "
                 "editor: save it to accept")


def rederive_zh(src_ids: tuple[str, ...], widgets: dict) -> None:
    show_outcome(guarded(svc.rederive_chinese, project(), src_ids), widgets,
                 "Chinese re-derived from the corrected English",
                 "The Chinese was corrected by hand; the new version is in the editor: save it "
                 "to accept")


def dismiss_flag(finding: quality.Finding) -> None:
    guarded(quality.dismiss, project(), finding, ok=f"Dismissed: {finding.flag.label}")


def add_term(lang: str) -> None:
    source, target = ss.get("gl_src", ""), ss.get("gl_tgt", "")
    if guarded(project().add_glossary_terms, lang, [(source, target)],
               ok=f"Added to the {lang_label(lang)} glossary: {source} → {target}") is not None:
        ss.gl_src = ss.gl_tgt = ""


def remove_term(lang: str, source: str) -> None:
    guarded(project().remove_glossary_term, lang, source, ok=f"Removed “{source}”")


def start_job(kind: str, *args) -> None:
    """Translate or re-align in a worker thread (models/background.py): `job_panel` shows
    its progress and Cancel; one at a time."""
    if ss.get("app_job") is None:
        start = {"translate": svc.translate_job, "realign": svc.realign_job}[kind]
        ss.app_job = start(project_dir(), *args)
    ss.pop("app_job_outcome", None)


def job_busy() -> bool:
    return ss.get("app_job") is not None


@st.fragment(run_every=0.5)
def job_panel() -> None:
    """The running translation or re-alignment: what it does, how far, and Cancel (taken at
    once: this fragment re-runs on its own while the work runs in its thread; the work stops
    at its next report, before it saves). Called only while a job exists, so the timer stops
    with the job; its end re-runs the page, which then shows the new text."""
    job = ss.app_job
    if job.done.is_set():
        ss.pop("app_job")
        kind = "info" if job.cancelled else "error" if job.error is not None else "success"
        ss.app_job_outcome = (kind, job.summary())
        st.rerun()
    st.progress(job.fraction, text=f"{job.title} · {job.stage} · {job.elapsed:.0f} s")
    st.button("Cancel", key="job_cancel", on_click=job.cancel, icon=":material/cancel:",
              help="Stop it; the project stays exactly as it was")


def job_outcome() -> None:
    """How the last translation or re-alignment ended, until the next click."""
    outcome = ss.pop("app_job_outcome", None)
    if outcome is not None:
        {"success": st.success, "info": st.info}.get(outcome[0], st.error)(outcome[1])


def lang_label(lang: str) -> str:
    return rd.lang_name(lang)


def go_page(delta: int) -> None:
    ss.page = max(1, ss.get("page", 1) + delta)


# ----- sidebar ------------------------------------------------------------------------------
def sidebar(snapshot: rd.Snapshot) -> tuple[list[str], rd.RowFilter, int]:
    sb = st.sidebar
    sb.markdown("### bitext reader")
    available = list(dict.fromkeys([*TARGET_CHOICES, *snapshot.languages]))
    langs = sb.pills("Columns", available, selection_mode="multi", default=available[:2],
                     format_func=lang_label, key="langs")
    sb.markdown("**Find**")
    text = sb.text_input("Search", key="q", placeholder="word in any column…",
                         label_visibility="collapsed")
    speakers = sb.multiselect("Speaker", rd.speakers(snapshot), key="speakers",
                              placeholder="all speakers")
    status = sb.selectbox("Status", rd.STATUS_FILTERS, key="status",
                          format_func=lambda s: {"any": "any status",
                                                 "untranslated": "not translated yet",
                                                 "mt": "machine (unreviewed)",
                                                 "suggested": "suggested links"}.get(s, s))
    low = sb.toggle("Only weak links", key="low", help="links whose alignment score is below "
                    "the threshold")
    threshold = sb.slider("Score below", 0.0, 1.0, 0.5, 0.05, key="threshold", disabled=not low)
    flagged = sb.toggle("Only flagged", key="flagged",
                        help="rows with an open QA flag (numbers, copies, loops, length, names, "
                             "brackets, empty output, glossary)")
    order = sb.radio("Order", rd.ORDERS, key="order", horizontal=True)
    per_page = sb.selectbox("Turns per page", PAGE_SIZES, index=1, key="per_page",
                            bind="query-params")
    f = rd.RowFilter(frozenset(speakers), status, text, threshold if low else None, order,
                     flagged=flagged)
    return list(langs or []), f, per_page


def translate_panel(p: Project, langs: list[str], snapshot: rd.Snapshot | None = None) -> None:
    with st.sidebar.expander("Machine translation", icon=":material/translate:"):
        for lang in langs:
            if snapshot is not None:
                # The same counts as `bitext show` (align/store/coverage.py).
                st.caption(rd.progress(snapshot, lang).caption(snapshot.source_lang))
            state = svc.model_status(lang)
            if not state.available:
                # Plain text, not st.code: a highlighted code block costs ~1 s of page load.
                st.warning(f"{lang_label(lang)}: {state.message}")
                if state.fetch_command:
                    download_button(lang)
                continue
            todo = svc.count_untranslated(p, lang)   # only worth counting with a model
            st.caption(f"{lang_label(lang)}: {state.message} · {rd.plural(todo, 'sentence')} to "
                       "translate")
            # Runs in its thread; the progress and Cancel show above the text (job_panel).
            st.button(f"Translate into {lang_label(lang)}", key=f"tr-{lang}",
                      disabled=todo == 0 or job_busy(), on_click=start_job,
                      args=("translate", lang))


def download_button(lang: str) -> None:
    """A missing Hub model: fetch it here with a progress bar; offline, the one-line reason."""
    st.caption("Download fetches it from the Hugging Face Hub (an interrupted download "
               "resumes). Reading, correcting, importing and exporting work without it.")
    if not st.button("Download", key=f"dl-{lang}", icon=":material/download:"):
        return
    bar = st.progress(0.0, text="asking the Hugging Face Hub…")

    def report(model_id: str, done: int, total: int) -> None:
        bar.progress(min(done / total, 1.0) if total else 1.0,
                     text=f"{model_id}: {done / 1e6:.1f} of {total / 1e6:.1f} MB")

    try:
        fetched = svc.download_models(lang, report)
    except BitextError as exc:
        bar.empty()
        st.error(getattr(exc, "short", None) or str(exc))
    else:
        flash(f"Downloaded {', '.join(fetched) or 'nothing (already on disk)'}")
        st.rerun()


EXPORT_KEYS = ("exp_fmt", "exp_pair_lang", "exp_langs", "exp_status", "exp_boiler",
               "exp_suggested", "exp_untranslated")


def remember_export_choices() -> None:
    """Streamlit forgets a widget's value once it is not drawn (a closed dialog): keep the
    export choices apart, so the dialog opens as it was left."""
    ss._export_choices = {k: ss[k] for k in EXPORT_KEYS if k in ss}


def restore_export_choices(choices: list[str]) -> None:
    for k, v in ss.get("_export_choices", {}).items():
        if k in ss:
            continue
        if k == "exp_langs":
            v = [lang for lang in v if lang in choices]
        elif k == "exp_pair_lang" and v not in choices:
            continue
        ss[k] = v


def export_body(p: Project, langs: list[str]) -> None:
    # Only languages with text are offered: an export of a language the project lacks would
    # only fail. The ones left out are named, so none goes missing silently.
    choices = svc.export_languages(p)
    lacking = [lang for lang in dict.fromkeys([*(langs or []), *TARGET_CHOICES])
               if lang not in choices]
    if not choices:
        st.info("Nothing to export yet: no sentence has a translation. Translate it "
                "(Machine translation, in the sidebar) or import one (Import).")
        return
    if lacking:
        st.caption(f"No text yet in {', '.join(lang_label(x) for x in lacking)}: "
                   "not offered.")
    restore_export_choices(choices)
    fmt = st.selectbox("Format", svc.EXPORT_FORMATS, key="exp_fmt",
                       format_func=svc.export_label, on_change=remember_export_choices)
    if fmt in svc.PAIR_FORMATS:
        # XLIFF holds one language pair: German and one translation.
        target = st.selectbox("Target language", choices, key="exp_pair_lang",
                              format_func=lang_label, on_change=remember_export_choices)
        exp_langs = [target]
    else:
        exp_langs = st.multiselect("Languages", choices,
                                   default=None if "exp_langs" in ss else
                                   [x for x in langs if x in choices] or choices,
                                   key="exp_langs", format_func=lang_label,
                                   on_change=remember_export_choices)
    status = st.selectbox("Sentences", ("mt", "edited", "reviewed"), key="exp_status",
                          format_func={"mt": "all translations",
                                       "edited": "edited or reviewed",
                                       "reviewed": "reviewed only"}.get,
                          on_change=remember_export_choices)
    boiler = st.checkbox("Include boilerplate", key="exp_boiler",
                         on_change=remember_export_choices)
    suggested = st.checkbox("Include suggested links", key="exp_suggested",
                            help="Links the aligner was unsure of and nobody accepted yet",
                            on_change=remember_export_choices)
    untranslated = None
    if fmt in svc.BOOK_FORMATS:
        untranslated = st.radio("Text not translated yet", ("skip", "show"),
                                key="exp_untranslated", horizontal=True,
                                format_func={"skip": "leave out", "show": "show"}.get,
                                help="Headings and the contents are kept either way",
                                on_change=remember_export_choices)
    remember_export_choices()
    label = f"Download {svc.export_label(fmt)}"
    if not exp_langs:
        st.button(label, key="exp_dl", disabled=True, icon=":material/download:",
                  help="Choose at least one language")
        return
    try:
        prepared = svc.prepare_export(str(p.dir), fmt, exp_langs, status, boiler,
                                      suggested, untranslated)
    except BitextError as exc:
        st.error(f"Cannot export: {exc}")
        return
    if not prepared.rows:
        st.warning("No row to export: none has text in every chosen language"
                   + ("" if status == "mt" else " at this status") + ".")
        return
    left = prepared.skipped + prepared.filtered
    st.caption(f"{rd.plural(prepared.rows, 'row')}" + (
        f" ({left} left out: a chosen language has no text there, or the status is lower)"
        if left else ""))
    st.download_button(label, key="exp_dl", file_name=svc.export_filename(p, fmt, exp_langs),
                       mime=svc.export_mime(fmt), data=prepared.data, on_click="ignore",
                       icon=":material/download:")


def import_body() -> None:
    st.caption("A German text (upload or paste) becomes a new project; optionally add an "
               "existing English or Chinese translation to align against it.")
    up = st.file_uploader("German text file", type=list(svc.SOURCE_TYPES), key="imp_file")
    pasted = st.text_area("…or paste the text", key="imp_text", height=120)
    name = st.text_input("Project name", key="imp_name", placeholder="my-interview")
    if st.button("Import", key="imp_go", type="primary"):
        try:
            raw = up.getvalue() if up is not None else pasted.encode("utf-8")
            source = up.name if up is not None else "pasted.txt"
            target, report = svc.import_source(raw, source, name, svc.projects_root(project_dir()))
        except BitextError as exc:
            st.error(str(exc))
        else:
            # Corrections made in the open project, offered as matches in the new text.
            opened = project() if Project.exists(project_dir()) else None
            offered = guarded(svc.offer_corrections, opened, target)
            ss.project_dir = str(target)
            ss.pop("edit_row", None)
            ss.dialog = None
            # The new project sits next to the open one: say where, in full.
            flash(f"Imported {report.sentences} sentences in {report.blocks} blocks into "
                  f"{Path(target).resolve()}")
            if offered:
                flash(f"{offered} sentence(s) match corrections you made before: open them "
                      f"to accept", "info")
            st.rerun()
    st.divider()
    st.caption("Existing translation of the current project (aligned sentence by sentence)")
    tr = st.file_uploader("Translation file", type=list(svc.TRANSLATION_TYPES),
                          key="imp_tr", disabled=not Project.exists(project_dir()))
    lang = st.selectbox("Its language", TARGET_CHOICES, key="imp_tr_lang",
                        format_func=lang_label)
    # The current translation goes out of view: said up front, and a person's own work
    # is replaced only once they tick the box.
    replaces = svc.import_replaces(project(), lang) if Project.exists(project_dir()) else None
    confirmed = True
    if replaces is not None:
        st.warning(replaces.message(lang_label(lang)))
        if replaces.needs_confirmation:
            confirmed = st.checkbox(f"Replace the current {lang_label(lang)}",
                                    key="imp_tr_replace")
    force = st.checkbox(svc.FORCE_LABEL, key="imp_tr_force",
                        help="A file over four times the German's length is refused as not "
                             "a translation of it (aligning it would take minutes for nothing)")
    if ss.get("imp_job") is not None:
        import_job_panel()
    elif st.button("Import and align", key="imp_tr_go", disabled=tr is None or not confirmed):
        ss.imp_job = ImportJob(project_dir(), tr.getvalue(), tr.name, lang, force=force)
        st.rerun(scope="fragment")
    outcome = ss.pop("imp_job_outcome", None)
    if outcome is not None:
        (st.info if outcome[0] == "info" else st.error)(outcome[1])


def import_job_panel() -> None:
    """The running import: its stage and progress, and Cancel. The dialog re-runs itself
    every half second while the import runs in its worker thread (`ImportJob`), so a click
    on Cancel is taken at once; the import stops at its next report, before it saves."""
    job = ss.imp_job
    if job.done.is_set():
        ss.pop("imp_job")
        if job.result is not None:
            flash(job.result.summary())
            if rd.where_suggestions_are(getattr(job.result, "suggested", 0)):
                flash(rd.where_suggestions_are(job.result.suggested), "info")
            ss.dialog = None
            ss.pop("saved_at", None)   # "✓ saved" under an editor spoke of the replaced text
            st.rerun()
        ss.imp_job_outcome = (("info", "Import cancelled: nothing was changed.") if job.cancelled
                              else ("error", str(job.error)))
        st.rerun(scope="fragment")
    st.progress(job.fraction, text=f"{job.stage} · {job.elapsed:.0f} s")
    st.button("Cancel", key="imp_tr_cancel", on_click=job.cancel,
              help="Stop the import; the project stays exactly as it was")
    time.sleep(0.5)
    st.rerun(scope="fragment")


def project_body() -> None:
    st.caption(f"Open: `{project_dir()}`")
    others = svc.list_projects(svc.projects_root(project_dir()))
    if len(others) > 1:
        choice = st.selectbox("Switch to", others, key="proj_pick",
                              index=others.index(str(project_dir()))
                              if str(project_dir()) in others else 0)
        if choice != str(project_dir()) and st.button("Open", key="proj_open"):
            ss.project_dir = choice
            ss.pop("edit_row", None)
            ss.dialog = None
            st.rerun()
    path = st.text_input("Open a project folder", key="proj_path")
    if path and st.button("Open folder", key="proj_open_path"):
        if Project.exists(path):
            ss.project_dir = path
            ss.pop("edit_row", None)
            ss.dialog = None
            st.rerun()
        else:
            st.error(f"{path}: not a bitext project (no project.sqlite)")
    speakers_body()


def speakers_body() -> None:
    """Speaker labels the segmenter merged (a misspelt name): keep one apart, or merge again.
    A full rerun afterwards, so the turns and the speaker filter show the new names."""
    if not Project.exists(project_dir()):
        return
    merges = rd.speaker_merges(project())
    if not merges:
        return
    st.divider()
    st.markdown("**Speakers**")
    for m in merges:
        line = st.container(horizontal=True, vertical_alignment="center")
        line.text(m.label())  # plain text: a label is the document's own words
        if line.button(m.action(), key=f"spk-{m.alias}"):
            message = guarded(rd.toggle_speaker_merge, project(), m.alias)
            if message:
                flash(message)
            st.rerun()


def close_dialog() -> None:
    ss.dialog = None


def open_dialog(name: str) -> None:
    ss.dialog = name


def glossary_body() -> None:
    """Term pairs per language: add, remove, import and export TSV (source<TAB>target)."""
    p = project()
    lang = st.selectbox("Language", TARGET_CHOICES, key="gl_lang", format_func=lang_label)
    with st.form("gl_add", border=False, enter_to_submit=True):
        a, b, c = st.columns([2, 2, 1], vertical_alignment="bottom")
        a.text_input("German term", key="gl_src")
        b.text_input(f"{lang_label(lang)} term", key="gl_tgt")
        c.form_submit_button("Add", on_click=add_term, args=(lang,), type="primary")
    terms = p.glossary(lang)
    st.caption(f"{len(terms)} term(s) · QA flags a sentence whose German has a term and whose "
               f"translation lacks its {lang_label(lang)} term")
    for i, (source, target) in enumerate(terms):
        line = st.container(horizontal=True, vertical_alignment="center")
        line.text(f"{source} → {target}")  # plain text: terms are user text
        line.button("Remove", key=f"gl-rm-{lang}-{i}", on_click=remove_term,
                    args=(lang, source))
    up = st.file_uploader("Import TSV (source<TAB>target per line)", type=["tsv", "txt"],
                          key="gl_file")
    if up is not None and st.button("Import terms", key="gl_import"):
        n = guarded(quality.import_glossary, p, lang, up.getvalue())
        if n is not None:
            flash(f"{n} term(s) added or changed")
            st.rerun()
    st.download_button("Export TSV", data=quality.export_glossary(p, lang),
                       file_name=f"glossary-{lang}.tsv", mime="text/tab-separated-values",
                       key="gl_export", on_click="ignore", icon=":material/download:")


@st.dialog("Glossary", width="medium", on_dismiss=close_dialog)
def glossary_dialog() -> None:
    glossary_body()


@st.dialog("Export", width="medium", on_dismiss=close_dialog)
def export_dialog() -> None:
    export_body(project(), ss.get("langs") or list(TARGET_CHOICES))


@st.dialog("Import", width="medium", on_dismiss=close_dialog)
def import_dialog() -> None:
    import_body()


@st.dialog("Project", width="medium", on_dismiss=close_dialog)
def project_dialog() -> None:
    project_body()


def tools(has_project: bool) -> None:
    """Import, export and project switching open as dialogs: their widgets cost nothing
    until asked for. The open dialog is remembered, so it survives full reruns."""
    row = st.sidebar.container(horizontal=True, gap="small")
    row.button("Import", key="open_import", icon=":material/upload_file:",
               on_click=open_dialog, args=("import",))
    if has_project:
        row.button("Export", key="open_export", icon=":material/download:",
                   on_click=open_dialog, args=("export",))
    row.button("Project", key="open_project", icon=":material/folder_open:",
               on_click=open_dialog, args=("project",))
    if has_project:
        row.button("Glossary", key="open_glossary", icon=":material/menu_book:",
                   on_click=open_dialog, args=("glossary",))
    dialogs = {"import": import_dialog, "export": export_dialog, "project": project_dialog,
               "glossary": glossary_dialog}
    which = ss.get("dialog")
    if which in dialogs and (has_project or which not in ("export", "glossary")):
        dialogs[which]()


def shortcuts_help() -> None:
    st.sidebar.caption("Click a row (or Tab to it, then Enter) to correct it · "
                       "⌘/Ctrl+Enter saves · "
                       "⌘/Ctrl+Shift+Enter saves as reviewed and opens the next row · "
                       "Alt+←/→ page · Esc closes the editor or a dialog")


# ----- reading view -------------------------------------------------------------------------
def header(snapshot: rd.Snapshot, langs: list[str]) -> None:
    title = rd.display_title(snapshot.title, snapshot.source_lang)
    st.set_page_config(page_title=f"{title} · bitext")
    # One line: the title, then one progress bar per language (no caption under it), so
    # the text starts high up on a laptop screen.
    cols = st.columns([1.2, *([2] * len(langs))], vertical_alignment="bottom")
    cols[0].html(rd.title_html(title, str(project_dir())))
    for col, lang in zip(cols[1:], langs):
        prog = rd.progress(snapshot, lang)
        col.progress(prog.fraction_reviewed,
                     text=f"**{lang_label(lang)}** · {prog.reviewed}/{prog.targets} reviewed"
                          f" · {prog.short_caption(snapshot.source_lang)}")


def editor(row: rd.Row, langs: list[str], snapshot: rd.Snapshot) -> None:
    p = project()
    ss._editor_shown = True
    conflicts = ss.setdefault("conflicts", {})
    with st.container(border=True, key=f"editor-{row.key}"):
        fields: list[tuple] = []
        widgets: dict[str, str] = {}
        with st.form(f"form-{row.key}", border=False, enter_to_submit=False):
            cols = st.columns(len(langs) + 1)
            cols[0].caption(rd.lang_name("de"))
            many = len(row.sources) > 1
            terms = rd.glossary_marks(snapshot, langs)
            # Numbered when there are several, and each box says which German it translates:
            # three Chinese boxes beside one English box are not three translations of it.
            cols[0].html('<div class="bx-edit-src">' + " ".join(
                (f'<span class="bx-n">{i}</span>' if many else "")
                + rd.highlight(s.text, "", terms)
                for i, s in enumerate(row.sources, start=1)) + "</div>")
            hint = rd.glossary_hint_html(row, snapshot.glossary, langs)
            if hint:
                cols[0].html(hint)
            for col, lang in zip(cols[1:], langs):
                cell = row.cells[lang]
                for link in cell.links:
                    span = rd.source_span(row, link.src_ids)
                    for seg in (t for t in cell.sentences if t.id in link.tgt_ids):
                        key = f"ta-{seg.id}-v{seg.version}"
                        widgets[seg.id] = key
                        fields.append(("edit", seg.id, seg.version, key))
                        state = (rd.provenance_label(seg) if seg.text.strip()
                                 else "not translated yet")
                        col.text_area(f"{lang_label(lang)} · {state}"
                                      + (f" · German {span}" if span else ""),
                                      value=seg.text, key=key, height="content")
                if any(t.status == "mt" and t.text.strip() for t in cell.sentences):
                    # Untouched machine text is marked reviewed only when ticked here.
                    key = f"ok-{lang}-{row.key}"
                    fields.append(("confirm", lang, None, key))
                    col.checkbox(f"{lang_label(lang)} checked", key=key,
                                 help="Save as reviewed marks machine text reviewed only "
                                      "when you tick that you read it")
                for src_id in cell.missing:
                    key = f"new-{lang}-{src_id}"
                    fields.append(("new", lang, src_id, key))
                    span = rd.source_span(row, [src_id])
                    col.text_area(f"{lang_label(lang)} · not translated yet"
                                  + (f" · German {span}" if span else ""), key=key,
                                  placeholder="Type the translation…", height="content")
            b1, b2, b3 = st.columns([1, 1.6, 1])
            b1.form_submit_button("Save", type="primary", shortcut="Mod+Enter", key=f"save-{row.key}",
                                  on_click=save_row, args=(row.key, fields, False),
                                  width="stretch")
            b2.form_submit_button("Save as reviewed, next row", shortcut="Mod+Shift+Enter",
                                  key=f"savenext-{row.key}",
                                  on_click=save_row, args=(row.key, fields, True),
                                  width="stretch")
            b3.form_submit_button("Close", shortcut="Esc", on_click=select_row, key=f"close-{row.key}",
                                  args=(None,), width="stretch")
        saved = ss.get("saved_at")
        if saved and saved[0] == row.key:
            st.caption(f"✓ saved to disk at {saved[1]}" if saved[2] else
                       f"nothing to save ({saved[1]})")
        for seg_id, (current, mine, _version) in list(conflicts.items()):
            if seg_id not in widgets and seg_id.split(":")[-1] not in {s.id for s in row.sources}:
                continue
            with st.container(border=True):
                st.warning("Someone changed this sentence in another window while you edited "
                           "it. Both versions are kept:")
                a, b = st.columns(2)
                a.caption("Saved version (shown in the editor)")
                a.html(f'<div class="bx-conflict">{rd.highlight(current)}</div>')
                b.caption("Your version (not saved)")
                b.html(f'<div class="bx-conflict">{rd.highlight(mine)}</div>')
                k1, k2 = st.columns(2)
                k1.button("Keep the saved version", key=f"cf-keep-{seg_id}",
                          on_click=resolve_conflict, args=(row.key, seg_id, False))
                k2.button("Save my version over it", key=f"cf-mine-{seg_id}",
                          on_click=resolve_conflict, args=(row.key, seg_id, True),
                          disabled=":" in seg_id)
        offer_tools(row, langs)
        sentence_tools(row, langs, widgets)
        qa_tools(row, langs)
        link_tools(row, langs, snapshot)
        with st.expander("History of these sentences"):
            for lang in langs:
                for seg in row.cells[lang].sentences:
                    lines = rd.history_lines(p, seg.id)
                    st.caption(f"{lang_label(lang)} · version {seg.version}")
                    st.text("\n".join(lines) or "no changes yet")


def offer_tools(row: rd.Row, langs: list[str]) -> None:
    """Corrections of similar sentences offered to this row: accept or dismiss each."""
    offered = [(lang, s) for lang in langs for s in row.cells[lang].offers]
    if not offered:
        return
    st.caption("Suggested from a correction of a similar sentence")
    for lang, sug in offered:
        box = st.container(horizontal=True, vertical_alignment="center",
                           key=f"offer-{sug.id}")
        box.html(rd.offer_html(sug, lang_label(lang)))
        box.button("Accept", key=f"offer-ok-{sug.id}", on_click=decide_offer,
                   args=(sug.id, True), type="primary")
        box.button("Dismiss", key=f"offer-no-{sug.id}", on_click=decide_offer,
                   args=(sug.id, False))


def sentence_tools(row: rd.Row, langs: list[str], widgets: dict) -> None:
    src_ids = tuple(s.id for s in row.sources)
    cols = st.columns(len(langs) + 1)
    cols[0].caption("Sentence tools")
    for col, lang in zip(cols[1:], langs):
        cell = row.cells[lang]
        for i, seg in enumerate(cell.sentences):
            box = col.container(horizontal=True, gap="small")
            tag = f" {i + 1}" if len(cell.sentences) > 1 else ""
            box.button(f"↶ Undo{tag}", key=f"undo-{seg.id}", on_click=undo, args=(seg.id,),
                       help="Walk this sentence's history back one change")
            box.button(f"↷ Redo{tag}", key=f"redo-{seg.id}", on_click=redo, args=(seg.id,),
                       help="Take back the last undo")
            box.button("Unreview" if seg.status == "reviewed" else f"✓ Reviewed{tag}",
                       key=f"rev-{seg.id}", on_click=toggle_reviewed, args=(seg.id, seg.version))
        if src_ids and (cell.sentences or cell.missing):
            box = col.container(horizontal=True, gap="small")
            # Without the model the buttons say so up front, instead of failing after a click.
            state = svc.model_status(lang)
            box.button("Re-translate", icon=":material/translate:", key=f"retr-{lang}-{row.key}", on_click=retranslate,
                       args=(row.key, src_ids, lang, widgets), disabled=not state.available,
                       help="Ask the model again for this row" if state.available
                       else f"No model: {state.message}")
            if lang == "zh" and "en" in row.cells and row.cells["en"].sentences:
                pivot = svc.model_status("zh", source_lang="en")
                box.button("中文 from English", icon=":material/sync_alt:", key=f"rederive-{row.key}",
                           on_click=rederive_zh, args=(src_ids, widgets),
                           disabled=not pivot.available,
                           help="Translate the corrected English into Chinese (pivot)"
                           if pivot.available else f"No model: {pivot.message}")


def qa_tools(row: rd.Row, langs: list[str]) -> None:
    """The row's QA flags with their reasons; a person may dismiss one (recorded)."""
    if not any(row.cells[lang].flags for lang in langs):
        return
    cols = st.columns(len(langs) + 1)
    cols[0].caption("QA")
    for col, lang in zip(cols[1:], langs):
        for i, finding in enumerate(row.cells[lang].flags):
            box = col.container(horizontal=True, vertical_alignment="center", gap="small")
            state = " (dismissed)" if finding.dismissed else ""
            box.caption(f"⚑ {finding.flag.label}{state}: {finding.flag.reason}")
            if not finding.dismissed:
                box.button("Dismiss", key=f"qa-dismiss-{lang}-{finding.unit.segment_id}-"
                                          f"{finding.flag.code}",
                           on_click=dismiss_flag, args=(finding,),
                           help="The translation is right: hide this flag until the text changes")


def link_tools(row: rd.Row, langs: list[str], snapshot: rd.Snapshot) -> None:
    cols = st.columns(len(langs) + 1)
    cols[0].caption("Alignment")
    # The turn's links from the snapshot, not from the rows shown: a search or filter that
    # hides the next row must not hide "Merge with next".
    block_links = {lang: snapshot.links.get(lang, {}).get(row.block_id, []) for lang in langs}
    decisions = {d.lang: [d] for d in rd.undoable_decisions(project(), row, langs)}
    for col, lang in zip(cols[1:], langs):
        cell = row.cells[lang]
        all_links = block_links[lang]
        for link in cell.links:
            i = next(k for k, l in enumerate(all_links) if l.id == link.id)
            score = rd.link_label(link, [t for t in cell.sentences if t.id in link.tgt_ids])
            col.caption(f"{len(link.src_ids)} Deutsch ↔ {len(link.tgt_ids)} "
                        f"{lang_label(lang)} · {score}" + (" · suggested" if link.suggested else ""))
            box = col.container(horizontal=True, gap="small")
            if link.suggested:
                box.button("✓ Accept", key=f"accept-{link.id}", on_click=decide_suggestion,
                           args=(link.id, True), help="Keep this link: it becomes a normal link")
                box.button("✗ Reject", key=f"reject-{link.id}", on_click=decide_suggestion,
                           args=(link.id, False), help="Unlink these sentences")
            if i + 1 < len(all_links):
                box.button("⊕ Merge with next", key=f"merge-{link.id}", on_click=link_action,
                           args=("merge", link.id, all_links[i + 1].id))
            if max(len(link.src_ids), len(link.tgt_ids)) > 1:
                box.button("⊘ Split", key=f"split-{link.id}", on_click=link_action,
                           args=("split", link.id))
            if link.tgt_ids and i + 1 < len(all_links):
                box.button("↓ Last sentence to next", key=f"down-{link.id}",
                           on_click=link_action, args=("move", link.id, "down"))
            if link.tgt_ids and i > 0:
                box.button("↑ First sentence to previous", key=f"up-{link.id}",
                           on_click=link_action, args=("move", link.id, "up"))
        for d in decisions.get(lang, ()):
            col.button(rd.decision_label(d), key=f"undo-decision-{d.history_id}",
                       on_click=undo_decision, args=(d.history_id,),
                       help="Take back the last Accept or Reject of a suggested link here")
        col.button("Re-align this turn", key=f"realign-{lang}-{row.key}",
                   icon=":material/join_inner:", disabled=job_busy(), on_click=start_job,
                   args=("realign", row.block_id, lang),
                   help="Align the turn's sentences again (links fixed by hand stay); "
                        "the progress and Cancel show above the text")
    cols[0].button("Leave this turn out", key=f"excl-{row.block_id}", on_click=set_excluded,
                   args=(row.block_id, True), icon=":material/visibility_off:",
                   help="Boilerplate: kept, but left out of translation and export")


def render_boilerplate(views: list[rd.BlockView], langs: list[str], f: rd.RowFilter,
                       low: float) -> None:
    """Consecutive excluded blocks, collapsed into one expander."""
    n = sum(len(r.sources) for v in views for r in v.rows)
    with st.expander(f"Boilerplate · {rd.plural(n, 'sentence')} · left out of translation and export",
                     icon=":material/inventory_2:"):
        for view in views:
            for row in view.rows:
                st.html(rd.row_html(row, langs, f.text, low, clickable=False))
            st.button("Include in translation and export", key=f"incl-{view.block.id}",
                      on_click=set_excluded, args=(view.block.id, False))


def render_block(view: rd.BlockView, langs: list[str], f: rd.RowFilter, low: float,
                 snapshot: rd.Snapshot) -> None:
    """A turn is one HTML element (few elements keep a page fast); the row being corrected
    splits it, with its editor in place under the row. Ranked by score, rows of many turns
    follow each other: each names its turn inside the row instead of under a header."""
    rows = list(view.rows)
    chosen = ss.get("edit_row")
    terms = rd.glossary_marks(snapshot, langs)
    ranked = f.order != "document"
    where = rd.where_html(view, f.text) if ranked else ""
    parts = [] if ranked else [rd.block_header_html(view, f.text)]
    for row in rows:
        parts.append(rd.row_html(row, langs, f.text, low, selected=row.key == chosen,
                                 where=where, terms=terms, glossary=snapshot.glossary))
        if row.key in view.held:
            parts.append(rd.HELD_NOTE)
        if row.key == chosen:
            st.html("".join(parts))
            parts = []
            editor(row, langs, snapshot)
    if parts:
        st.html("".join(parts))
        parts.clear()


def flush_html(parts: list[str]) -> None:
    if parts:
        st.html("".join(parts))
        parts.clear()


def reading_view(snapshot: rd.Snapshot, langs: list[str], f: rd.RowFilter, per_page: int) -> None:
    editing = ss.get("edit_row")
    items = rd.build_view(snapshot, langs, f, editing=editing)
    numbers = rd.page_numbers(items, per_page)
    count = max(numbers, default=1)
    seen, ss._filters_seen = ss.get("_filters_seen"), (f, per_page)
    # Follow the editor to its page only if it was on the page shown (not one paged away from).
    shown, ss._editor_shown = ss.get("_editor_shown", False), False
    if seen is not None and seen != (f, per_page) and shown:
        ss.page = rd.page_after_filtering(items, per_page, ss.get("page", 1), editing)
    if ss.get("page", 1) > count:
        ss.page = count
    ss._order = [r.key for it in items if not it.collapsed for r in it.rows]
    ss._page_of = {r.key: n for it, n in zip(items, numbers) for r in it.rows}
    top = st.container(horizontal=True, vertical_alignment="center")
    # A fixed width: sized to its content, the pager kept the width of a one-page result
    # (after a search) and showed no page numbers when the pages came back.
    page = top.pagination(count, key="page", bind="query-params", width=340)
    top.caption(f"{rd.count_label(rd.matching_items(items), f)} · page {page} of {count}")
    waiting = rd.open_offers(snapshot, langs)
    if waiting:
        top.button(f"Accept all {waiting} suggested corrections", key="offer-all",
                   on_click=accept_all_offers, icon=":material/done_all:",
                   help="Corrections offered to sentences with the same or a similar source")
    current = rd.paginate(items, page, per_page)
    if not current.items:
        st.info(rd.empty_message(snapshot, langs, f))
        return
    if not rd.matching_items(items):
        # Only the row being edited, held in view: still say why nothing else matches.
        st.info(rd.empty_message(snapshot, langs, f))
    parts = [rd.column_header_html(langs, snapshot.source_lang)]
    low = f.below_score if f.below_score is not None else 0.5
    pending: list[rd.BlockView] = []
    for view in current.items:
        if view.collapsed:
            pending.append(view)
            continue
        if pending:
            flush_html(parts)
            render_boilerplate(pending, langs, f, low)
            pending = []
        flush_html(parts)
        render_block(view, langs, f, low, snapshot)
    if pending:
        render_boilerplate(pending, langs, f, low)
    # Clicking a row (or Enter on it) writes its key here; see READER_JS.
    st.text_input("Row to correct", key="pick", on_change=picked, label_visibility="collapsed")
    st.html(rd.READER_JS, unsafe_allow_javascript=True)
    nav = st.container(horizontal=True)
    nav.button("← Previous page", key="prev", on_click=go_page, args=(-1,),
               disabled=page <= 1, shortcut="Alt+Left")
    nav.button("Next page →", key="next", on_click=go_page, args=(1,),
               disabled=page >= count, shortcut="Alt+Right")


def welcome() -> None:
    st.markdown("## bitext reader")
    st.info(f"There is no project at `{project_dir()}` yet. Import the bundled Davos "
            f"interview, or a German text of your own below.")
    if st.button("Import the bundled interview", type="primary", key="imp_bundled"):
        try:
            report = svc.import_bundled(project_dir())
        except BitextError as exc:
            st.error(str(exc))
        else:
            flash(f"Imported {report.sentences} sentences")
            st.rerun()
    with st.container(border=True):
        st.markdown("#### Import a German text")
        import_body()


def main() -> None:
    st.html(f"<style>{rd.READER_CSS}</style>")
    show_flashes()
    if not Project.exists(project_dir()):
        welcome()
        return
    try:
        p = project()
    except BitextError as exc:
        st.error(str(exc))
        tools(has_project=False)
        return
    langs_guess = ss.get("langs") or list(TARGET_CHOICES)
    snapshot = rd.load_snapshot(p, [*TARGET_CHOICES, *langs_guess])
    langs, f, per_page = sidebar(snapshot)
    header(snapshot, langs)
    if job_busy():
        job_panel()
    job_outcome()
    reading_view(snapshot, langs, f, per_page)
    # Sidebar tools after the text: the reading view shows first.
    translate_panel(p, langs, snapshot)
    tools(has_project=True)
    shortcuts_help()


main()

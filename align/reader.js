(() => {
  if (window.__bxPick) return;
  window.__bxPick = true;
  const EDITOR = '[class*="st-key-editor-"]';
  const LEAVE_EDITOR = '.st-key-langs, .st-key-imp_go, .st-key-proj_open, .st-key-proj_open_path';
  const send = (key) => {
    const input = document.querySelector('.st-key-pick input');
    if (!input) return;
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    setter.call(input, key + '|' + Date.now());
    input.dispatchEvent(new Event('input', {bubbles: true}));
    input.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', code: 'Enter', keyCode: 13,
                                                      which: 13, bubbles: true}));
  };
  const rowOf = (el) => el && el.closest ? el.closest('.bx-row[data-row][tabindex]') : null;
  const editorOf = (el) => el && el.closest ? el.closest(EDITOR) : null;
  const editable = (el) => !!el && (el.isContentEditable || el.tagName === 'TEXTAREA' ||
    (el.tagName === 'INPUT' && !['checkbox', 'radio', 'button', 'submit', 'range', 'file']
      .includes(el.type)) || el.tagName === 'SELECT');
  const inDialog = (el) => !!(el && el.closest && el.closest('[role="dialog"]'));

  // ----- unsaved text --------------------------------------------------------------------
  // textarea -> its value just before the person first changed it (not when it was drawn:
  // the box may get its text a moment after it appears)
  // Keyed by the box's widget key, not the element: a rerun (a filter moving the row) may
  // draw the same box anew, with the typed text still in it.
  const seen = new Map();
  const boxKey = (ta) => {
    const holder = ta.closest('[class*="st-key-ta-"], [class*="st-key-new-"]');
    return holder ? Array.from(holder.classList).find((c) => c.startsWith('st-key-')) : null;
  };
  const remember = (e) => {
    const ta = e.target;
    const key = ta.tagName === 'TEXTAREA' && editorOf(ta) ? boxKey(ta) : null;
    if (key && !seen.has(key)) seen.set(key, ta.value);
  };
  ['beforeinput', 'keydown', 'paste', 'cut', 'drop'].forEach(
    (type) => document.addEventListener(type, remember, true));
  const boxes = () => Array.from(document.querySelectorAll(EDITOR + ' textarea'));
  const dirty = () => boxes().some((ta) => {
    const key = boxKey(ta);
    return key && seen.has(key) && seen.get(key) !== ta.value;
  });
  const markClean = () => seen.clear();
  // Discard: the boxes get back what they held before the typing (the editor may stay open,
  // e.g. after a column change), as if typed, so the form holds that text again.
  const restore = () => {
    const set = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set;
    boxes().forEach((ta) => {
      const key = boxKey(ta);
      if (!key || !seen.has(key) || seen.get(key) === ta.value) return;
      set.call(ta, seen.get(key));
      ta.dispatchEvent(new Event('input', {bubbles: true}));
    });
    markClean();
  };
  window.__bxDirty = dirty;
  const isSave = (el) => !!(el && el.closest &&
    el.closest('[class*="st-key-save-"], [class*="st-key-savenext-"]'));

  let guard = null;
  let lateKey = null;     // widget key whose own late re-click is still to come (see 'click')
  const closeGuard = () => { if (guard) { guard.remove(); guard = null; } };
  const scriptState = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app ? app.dataset.testScriptState : 'notRunning';
  };
  const afterRerun = (then) => {
    const start = Date.now();
    let ran = false;
    const tick = () => {
      const state = scriptState();
      ran = ran || state === 'running';
      if ((ran || Date.now() - start > 1500) && state !== 'running') return then();
      setTimeout(tick, 50);
    };
    setTimeout(tick, 50);
  };
  const ask = (proceed) => {
    closeGuard();
    const focusBack = document.activeElement;
    guard = document.createElement('div');
    guard.className = 'bx-guard';
    guard.setAttribute('role', 'alertdialog');
    guard.setAttribute('aria-label', 'Unsaved changes');
    // Built node by node: markup in a string would make the sanitiser drop this script.
    const make = (tag, cls, text) => {
      const el = document.createElement(tag);
      if (cls) el.className = cls;
      if (text) el.textContent = text;
      return el;
    };
    const box = make('div', 'bx-guard-box');
    box.appendChild(make('p', '', 'This row has changes that are not saved yet.'));
    const row = make('div', 'bx-guard-buttons');
    [['save', 'Save'], ['discard', 'Discard'], ['keep', 'Keep editing']].forEach(([act, label]) => {
      const b = make('button', '', label);
      b.type = 'button';
      b.dataset.act = act;
      row.appendChild(b);
    });
    box.appendChild(row);
    guard.appendChild(box);
    const keep = () => {
      closeGuard();
      // Back to typing: the box that had the focus, else the editor's first box (not the
      // row or the button whose click raised the question).
      const box = focusBack && document.contains(focusBack) && editorOf(focusBack)
        ? focusBack : boxes()[0];
      if (box) box.focus();
    };
    guard.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') { e.preventDefault(); e.stopImmediatePropagation(); keep(); }
    });
    guard.addEventListener('click', (e) => {
      const act = e.target.dataset && e.target.dataset.act;
      if (!act) return;
      e.stopPropagation();
      if (act === 'keep') return keep();
      closeGuard();
      if (act === 'discard') { restore(); return proceed(); }
      const save = document.querySelector(EDITOR + ' [class*="st-key-save-"] button');
      markClean();
      if (!save) return;
      save.click();
      // Go on only when the save went through (a conflict shows both versions instead).
      afterRerun(() => {
        if (!document.querySelector('[class*="st-key-cf-keep-"]')) proceed();
      });
    });
    // Inside an open dialog, or the modal dialog leaves the question inert.
    (document.querySelector('[role="dialog"]') || document.body).appendChild(guard);
    guard.querySelector('[data-act="keep"]').focus();
  };
  const clickAgain = (selector) => () => {
    const el = document.querySelector(selector);
    if (el) el.click();
  };

  document.addEventListener('click', (e) => {
    if (guard && guard.contains(e.target)) return;
    // The column pills click themselves again ~80 ms after a click they did not see arrive
    // (later on a busy machine): that echo of the click the question held back must not
    // change the columns after "Keep editing" either. A person's own next click on the
    // widget goes down a pointer first, which ends the wait for the echo.
    if (lateKey && e.target.closest && e.target.closest('.' + lateKey)) {
      lateKey = null;
      e.preventDefault();
      e.stopImmediatePropagation();
      return;
    }
    if (guard) {
      // Nothing else is clicked while the question is open: some widgets (the column pills)
      // click themselves again a moment after a click they did not see arrive.
      e.preventDefault();
      e.stopImmediatePropagation();
      return;
    }
    const row = rowOf(e.target);
    if (row) {
      // Selecting text to copy is reading, not a request to edit.
      if (String(window.getSelection() || '')) return;
      const key = row.dataset.row;
      if (dirty() && !editorOf(row)) return ask(() => send(key));
      return send(key);
    }
    if (!dirty() || !e.isTrusted) return;
    // A button that reruns the page while the editor has unsaved text: ask first.
    const btn = e.target.closest && e.target.closest('button');
    // Outside the page itself only what takes the editor's boxes away: the column choice
    // and opening another project (the filters keep the edited row in view instead, see
    // build_view; other dialog buttons leave the editor as it is).
    const leaves = btn && btn.closest(LEAVE_EDITOR);
    if (!btn || isSave(btn) || (inDialog(btn) && !leaves)) return;
    if (!btn.closest('[data-testid="stMain"]') && !leaves) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    const holder = btn.closest('[class*="st-key-"]');
    const keyClass = holder && Array.from(holder.classList).find((c) => c.startsWith('st-key-'));
    const label = btn.getAttribute('aria-label') || btn.textContent;
    lateKey = btn.closest('.st-key-langs') ? 'st-key-langs' : null;   // the pills echo
    ask(() => {
      lateKey = null;
      if (document.contains(btn)) return btn.click();
      const again = keyClass && Array.from(document.querySelectorAll('.' + keyClass + ' button'))
        .find((b) => (b.getAttribute('aria-label') || b.textContent) === label);
      if (again) again.click();
    });
  }, true);

  // Window, capture phase: before Streamlit's own shortcut handler sees the key.
  window.addEventListener('keydown', (e) => {
    if (guard) return;
    const t = e.target;
    const mod = e.ctrlKey || e.metaKey;
    const field = editable(t);
    if (inDialog(t)) return;
    const page = e.altKey && (e.key === 'ArrowLeft' || e.key === 'ArrowRight');
    if (field && page) {           // moves the caret by a word; never turns the page
      e.stopImmediatePropagation();
      return;
    }
    if (field && !editorOf(t) && mod && e.key === 'Enter' && t.closest('[data-testid="stSidebar"]')) {
      e.stopImmediatePropagation();   // the editor's save keys belong to the editor
      return;
    }
    if (field && editorOf(t) && mod && e.key === 'Enter') {
      markClean();                 // saving: what is typed goes to the store
      return;
    }
    if (!dirty()) return;
    if (page) {
      e.preventDefault();
      e.stopImmediatePropagation();
      return ask(clickAgain(e.key === 'ArrowLeft' ? '.st-key-prev button' : '.st-key-next button'));
    }
    if (e.key === 'Escape' && !document.querySelector('[role="dialog"]')) {
      e.preventDefault();
      e.stopImmediatePropagation();
      return ask(clickAgain(EDITOR + ' [class*="st-key-close-"] button'));
    }
  }, true);
  window.addEventListener('beforeunload', (e) => {
    if (dirty()) { e.preventDefault(); e.returnValue = ''; }
  });

  document.addEventListener('keydown', (e) => {
    const row = rowOf(e.target);
    if (row && row === e.target && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      const key = row.dataset.row;
      if (dirty()) return ask(() => send(key));
      send(key);
    }
    // Esc closes an open dialog (Export, Import, Project) even when the focus has left
    // it, e.g. after a download; inside the dialog, the dialog handles Esc itself.
    const dialog = document.querySelector('[role="dialog"]');
    if (e.key === 'Escape' && !e.defaultPrevented && dialog && !dialog.contains(e.target)) {
      const close = dialog.querySelector('button[aria-label="Close"]');
      if (close) close.click();
    }
  });

  // ----- focus -----------------------------------------------------------------------------
  // An editor that opens takes the focus (its first box, caret at the end); when it closes,
  // the focus returns to its row, so the keyboard carries on where it was.
  let openKey = null;
  const settle = () => {
    const ed = document.querySelector(EDITOR);
    const key = ed ? Array.from(ed.classList).find((c) => c.startsWith('st-key-editor-')) : null;
    if (key === openKey) return;
    const closed = openKey;
    if (ed) {
      const ta = ed.querySelector('textarea');
      if (!ta) return;             // drawn in a moment: the next change comes back here
      openKey = key;
      if (!ed.contains(document.activeElement)) {
        ta.focus();
        ta.setSelectionRange(ta.value.length, ta.value.length);
      }
    } else if (closed) {
      openKey = null;
      const row = document.querySelector(
        '.bx-row[data-row="' + CSS.escape(closed.slice('st-key-editor-'.length)) + '"]');
      const active = document.activeElement;
      if (row && (!active || active === document.body || !document.contains(active))) row.focus();
    }
  };
  // A box that takes the focus by the keyboard or from the page (Tab, Keep editing, a
  // rerun that draws it anew) puts the caret at the end of its text, where a person goes
  // on typing; a click places the caret where it was clicked, a selection stays selected,
  // and coming back from another window leaves it where it was.
  // (The box a pointer went down on, not a flag cleared by a timer: a click on "Keep
  // editing" focuses the box from the page, and a busy machine delays timers.)
  let pointed = null;
  let away = null;
  document.addEventListener('pointerdown', (e) => {
    pointed = e.target;
    if (lateKey && e.target.closest && e.target.closest('.' + lateKey)) lateKey = null;
  }, true);
  document.addEventListener('pointerup', () => { pointed = null; }, true);
  document.addEventListener('focusout', (e) => {
    away = document.hasFocus() ? null : e.target;
  }, true);
  document.addEventListener('focusin', (e) => {
    const ta = e.target;
    const back = ta === away;
    const clicked = ta === pointed;
    away = null;
    pointed = null;
    if (clicked || back || ta.tagName !== 'TEXTAREA' || !editorOf(ta)) return;
    if (ta.selectionStart !== ta.selectionEnd) return;   // text selected on purpose: kept
    ta.setSelectionRange(ta.value.length, ta.value.length);
  }, true);
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; settle(); });
  }).observe(document.body, {childList: true, subtree: true});
})();

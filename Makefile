# The README's two commands:  `make app`  and  `make test`.
# Both set everything up on a fresh machine (virtualenv, Python packages, Chromium).
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
PROJECT ?= data/projects/davos
PORT   ?= 8501

.PHONY: app test setup browser bench clean docs docs-serve screenshots

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first and pinned: the CPU wheel; a looser requirement would pull a CUDA build.
	$(PY) -m pip install --quiet torch==2.13.0
	# scale: Ray Data, so the corpus tests run the Ray engine too
	$(PY) -m pip install --quiet -e '.[test,scale]'
	touch $@

setup: $(VENV)/.installed

# Debian's Chromium drives the browser tests (Playwright's own download is not used);
# Noto CJK so the Chinese column renders in screenshots; epubcheck checks the EPUB book.
browser:
	@{ test -x /usr/bin/chromium && test -d /usr/share/fonts/opentype/noto \
	   && test -f /usr/share/java/epubcheck.jar; } || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium fonts-noto-cjk epubcheck; }

$(PROJECT)/project.sqlite: | $(VENV)/.installed
	$(VENV)/bin/bitext import data/davos_interview_de.txt --project $(PROJECT)

# First the models (progress bar) and the English and Chinese translation of whatever is
# missing: resumable, and done at once when nothing is. Offline it says why in one line and
# the reader opens anyway ("-": no failure here keeps the reader from opening).
app: $(VENV)/.installed $(PROJECT)/project.sqlite
	-$(VENV)/bin/bitext prepare $(PROJECT)
	BITEXT_PROJECT=$(PROJECT) $(VENV)/bin/streamlit run app.py \
	  --server.address 127.0.0.1 --server.port $(PORT) --browser.gatherUsageStats false

# The docs site is built strictly too, so a broken link or a missing page fails the tests.
test: $(VENV)/.installed browser
	$(PY) -m pytest -q $(PYTEST_ARGS)
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --quiet

# The documentation site (docs/, mkdocs.yml) into site/ (git-ignored); `docs-serve` serves it
# at http://127.0.0.1:8000 and rebuilds on every change.
docs: $(VENV)/.installed
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict

docs-serve: $(VENV)/.installed
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs serve --dev-addr 127.0.0.1:8000

# The screenshots in docs/images/, taken from the real app in Chromium (offline: the bundled
# interview with the hand-written English and Chinese of tests/).
screenshots: $(VENV)/.installed browser
	$(PY) docs/screenshots.py

bench: $(VENV)/.installed
	for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache tests/artifacts site

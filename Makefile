# Two commands do all set-up on a fresh machine that has only Python:
#   make serve   run the product on its embedded defaults
#   make test    lint and run the whole test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: serve test pytest lint migrate install bench bench-intake

# The embedded install runs in debug mode unless told otherwise, so that it
# starts with nothing set (it generates its keys into var/). Every target
# that loads the settings for it gets this, not only `serve`.
EMBEDDED_ENV := DEBUG=$${DEBUG-1}

# Tests and type checks load the settings, which refuse to start without a
# secret key and an encryption key when DEBUG is off; these protect nothing
# but test data.
CHECK_ENV := SECRET_KEY=test-only-secret-key-protects-nothing-but-test-data-0123456789 \
	FIELD_ENCRYPTION_KEY=dGVzdC1vbmx5LWtleS1ub3Qtc2VjcmV0LTAwMDAwMDA=

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(EMBEDDED_ENV) $(PY) manage.py migrate --no-input
	$(EMBEDDED_ENV) $(PY) manage.py createcachetable

serve: migrate
	$(EMBEDDED_ENV) $(PY) manage.py serve

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(CHECK_ENV) $(PY) -m mypy .

pytest: install
	$(CHECK_ENV) $(PY) -m pytest $(PYTEST_ARGS)

test: lint pytest

# The Salesforce API quota and throughput benchmark (docs/benchmarks.md);
# `make bench-intake` measures intake alone.
bench: install
	$(PY) scripts/bench.py $(BENCH_ARGS)

bench-intake: install
	$(PY) scripts/bench_intake.py

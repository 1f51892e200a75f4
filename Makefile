# Everything runs from the lock file (uv.lock) in ./.venv.
UV_VERSION ?= 0.13.9
PY := .venv/bin/python
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)

.PHONY: chromium dev lint test test-only bench docs lock golden schema demo clean

$(UV):
	python3 -m venv .tools && .tools/bin/pip install -q uv==$(UV_VERSION)

SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

chromium:  ## Debian's Chromium, when no chromium is on PATH (apt-get update first)
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium; }

dev: $(UV)  ## create .venv from uv.lock (exact versions, dev extras)
	$(UV) sync --frozen --extra dev

lint: dev
	$(PY) -m ruff format --check src tests bench
	$(PY) -m ruff check src tests bench
	$(PY) -m mypy src tests

test-only:
	$(PY) -m pytest -q

test: chromium dev lint test-only  ## what CI runs (installs Chromium when missing)

bench: dev  ## side-by-side benchmarks → bench/results.json
	$(PY) bench/run.py

docs: dev  ## regenerate generated docs and schemas
	$(PY) -m pixelproof.checks.docs > docs/rules.md
	-$(PY) -m pixelproof schema > schema/event-map.schema.json

golden: dev  ## regenerate golden files
	$(PY) -m pytest -q --update-golden

lock: $(UV)  ## refresh uv.lock after editing pyproject.toml
	$(UV) lock

demo: chromium dev  ## the bundled demo shop audit, offline (its planted bugs make pixelproof exit 1)
	.venv/bin/pixelproof demo || test $$? -eq 1

clean:
	rm -rf .venv .tools .mypy_cache .ruff_cache

# Two entry points for a fresh clone (see README): `make demo` and `make test`.
# Each builds what it needs from the committed lock files: uv.lock (Python, via a pinned uv)
# and tools/dynamodb-local/package-lock.json (DynamoDB Local's jar, from npm).

PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
DDB_LOCAL := tools/dynamodb-local/node_modules/amplify-dynamodb-simulator/emulator/DynamoDBLocal.jar
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: demo test test-all lint typecheck bench env clean

demo: $(VENV)/.synced
	$(VENV)/bin/fulfil demo

test: $(VENV)/.synced $(DDB_LOCAL)
	FULFIL_REQUIRE_DYNAMODB_LOCAL=1 $(VENV)/bin/pytest

test-all: $(VENV)/.synced $(DDB_LOCAL)
	FULFIL_REQUIRE_DYNAMODB_LOCAL=1 $(VENV)/bin/pytest -m ""

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.synced
	$(VENV)/bin/mypy fulfil flows tasks blocks

env: $(VENV)/.synced

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

$(DDB_LOCAL): tools/dynamodb-local/package-lock.json
	cd tools/dynamodb-local && npm ci --no-audit --no-fund --ignore-scripts
	touch $@

clean:
	rm -rf $(TOOLS) $(VENV) tools/dynamodb-local/node_modules var

# One-command rebuild and test. Needs only Python 3.11 and pip.
#   make report   build everything: environment, notebooks, data, figures, HTML report
#   make test     unit tests + strict notebook validation (what CI runs)
# Other targets: lab, notebooks, notebook NB=... [PARAMS="-p NAME VALUE"], sweep, convergence,
#                uniqueness, bench, lint,
#                dictionary, environment, clean

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export PYTHONHASHSEED := 0
# Bytecode caches: the test suite starts about thirty fresh interpreters (notebook kernels,
# CLI subprocesses, Dask workers); where the environment sets PYTHONDONTWRITEBYTECODE (as
# some containers do), each of them would compile pandas, scipy and the package from
# source again, about 6 CPU seconds apiece. The caches go to .venv/ and __pycache__/,
# which git ignores.
unexport PYTHONDONTWRITEBYTECODE
# JupyterLab refuses to start as root without --allow-root; many containers run as root.
LAB_FLAGS := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)

.PHONY: all report test test-scale lab notebooks notebook bench lint dictionary environment clean install sweep convergence uniqueness

all: report

# Set-up: uv (its version pinned in the lock) installs the same pins in seconds; where uv
# cannot be installed, pip does it (slower, same result). USE_UV=0 forces pip.
UV_PIN := $(shell grep -E '^uv==' requirements/lock.txt)
USE_UV ?= 1
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check

$(STAMP): requirements/lock.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version.split()[0]'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@if [ "$(USE_UV)" = 1 ] && $(PIP) "$(UV_PIN)" \
	  && $(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements/lock.txt \
	  && $(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .; then \
	  echo "set up with $$($(BIN)/uv --version) from requirements/lock.txt"; \
	else \
	  echo "uv not available: setting up with pip from requirements/lock.txt"; \
	  $(PIP) -r requirements/lock.txt && $(PIP) --no-deps --no-build-isolation -e .; \
	fi
	touch $(STAMP)

install: $(STAMP)

report: $(STAMP)
	$(BIN)/python -m analysis.report.build

# Two workers (CI has 2 cores); --dist loadfile keeps each notebook's cells in one kernel.
TEST_WORKERS ?= 2
test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# Tests that take minutes (marked `scale`, left out of `make test`): the fast
# normaliser against phonenumbers on every entry of a 100,000-person world. CI runs both.
test-scale: $(STAMP)
	$(BIN)/python -m pytest -m scale tests/test_scale_normalise.py

notebooks: $(STAMP)
	$(BIN)/python -m analysis.report.notebooks

# With PARAMS (e.g. PARAMS="-p n_people 20000") the run goes to build/runs/<notebook>-<params>/
# and leaves the committed notebook, figures/ and data/processed/ alone.
notebook: $(STAMP)
	$(BIN)/python -m analysis.report.notebooks $(NB) $(PARAMS)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/ $(LAB_FLAGS)

# Morris sensitivity sweep on Dask into data/results/ (resumes if interrupted);
# SWEEP_ARGS="--scheduler tcp://host:8786" sends it to an existing cluster.
sweep: $(STAMP)
	$(BIN)/python -m analysis sweep $(SWEEP_ARGS)

# Every headline against world size (1,500 to 100,000 people) into data/results/convergence/
# (resumes if interrupted), and fingerprint uniqueness against population size with its
# extrapolation to each country's WhatsApp users into data/results/uniqueness/.
convergence: $(STAMP)
	$(BIN)/python -m analysis convergence $(CONVERGENCE_ARGS)

uniqueness: $(STAMP)
	$(BIN)/python -m analysis uniqueness

bench: $(STAMP)
	$(BIN)/python -m pytest benchmarks -p no:nbval -o addopts="" -o python_files="bench_*.py" -s

lint: $(STAMP)
	$(BIN)/ruff check analysis tests benchmarks notebooks

dictionary: $(STAMP)
	$(BIN)/python -c 'from analysis.results.dictionary import write_data_dictionary; write_data_dictionary()'

environment: $(STAMP)
	$(BIN)/python tools/sync_environment.py

clean:
	rm -rf build reports figures data/processed

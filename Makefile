# Contributors' commands. `make check` runs exactly what CI runs (.ci/run), in the existing .venv.
.PHONY: check lint test ci

check:  ## ruff, mypy, import contracts, then the tests: what CI runs
	bash .ci/run --reuse-venv

lint:   ## the static checks alone (ruff, mypy, import contracts)
	bash .ci/lint

test:   ## the tests alone
	.venv/bin/pytest

ci:     ## CI from scratch: a fresh .venv, the install, then `check`
	bash .ci/run

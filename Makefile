# mcc: build, test and demo. `make test` and `make demo` first install what they need (scripts/install-deps.sh).
#
#   make deps    Debian packages + numpy/pytest for python3 (a no-op when present)
#   make build   swift build (debug; the compiler is .build/debug/mcc)
#   make test    swift test, then the Python tests in Tests/python (run last; fails if either fails)
#   make demo    compile examples/mlp.m to out/libmlp.so, run the C++ and the Python demo on it
#   make clean   remove out/ and Swift build products

SHELL := /bin/bash
SWIFT ?= swift
PYTHON ?= python3
CXX := g++
MCC ?= .build/debug/mcc
OUT := out

.PHONY: all deps build test demo clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

# Both suites run even if the first fails, so one `make test` shows every failure.
test: build
	@status=0; \
	$(SWIFT) test || { status=$$?; echo "make test: swift test failed (exit $$status); running pytest anyway"; }; \
	MCC="$(abspath $(MCC))" $(PYTHON) -m pytest -q Tests/python || status=1; \
	exit $$status

demo: build
	@mkdir -p $(OUT)
	$(MCC) examples/mlp.m -o $(OUT)/libmlp.so
	$(CXX) -std=c++17 -O2 -Wall -Wextra -Iinclude examples/cpp/demo.cpp \
	    -L$(OUT) -lmlp -Wl,-rpath,$(abspath $(OUT)) -o $(OUT)/demo
	@echo "== C++ demo (examples/cpp/demo.cpp)"
	@$(OUT)/demo
	@echo "== Python demo (bindings/python/demo.py)"
	@$(PYTHON) bindings/python/demo.py $(OUT)/libmlp.so

clean:
	rm -rf $(OUT)
	-$(SWIFT) package clean
	find bindings Tests/python -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -rf Tests/python/.pytest_cache .pytest_cache

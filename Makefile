# mcc: build, test and demo. `make test` and `make demo` first install what they need (scripts/install-deps.sh).
#
#   make deps    Debian packages + numpy/pytest for python3 (a no-op when present)
#   make build   swift build (debug; the compiler is .build/debug/mcc)
#   make test    swift test, the Java tests (JUnit), then the Python tests in Tests/python (run last;
#                fails if any fails)
#   make demo    compile examples/mlp.m to out/libmlp.so (with its C++, Python and Java wrappers,
#                pkg-config and CMake files), run the C++, Python and Java demos on it
#   make fuzz    the front end's grammar-aware fuzzer for 10 minutes (MCC_FUZZ_SECONDS=N to change;
#                `make test` runs a few seconds of it); prints how many programs it ran
#   make java    the Java binding: out/java-lib/mcc.jar and its JNI glue out/java-lib/libmccjni.so
#   make bench-int8  only the int8 rows (bench/quant.py): mcc --quantize vs ORT quantize_dynamic/static
#   make bench-digits  trained digits models: int8 static, structured pruning + fine-tuning (bench/digits_optimize.py)
#   make bench   all four benchmarks below. Measured, not a test (takes many minutes; the first run
#                downloads onnxruntime and torch into .venv-bench)
#   make bench-inference  mcc vs ONNX Runtime on the issue-#5 models (release mcc, .venv-bench with
#                onnxruntime); writes docs/benchmarks.md and bench/results.json
#   make bench-train  training steps/s of mcc vs PyTorch eager on CPU (bench/train.py, torch from PyPI in
#                .venv-bench); writes docs/benchmarks-training.md and bench/train_results.json
#   make clean   remove out/ and Swift build products

SHELL := /bin/bash
SWIFT ?= swift
PYTHON ?= python3
CXX := g++
MCC ?= .build/debug/mcc
OUT := out

# Java: Debian's OpenJDK 17 and JUnit 5 (scripts/install-deps.sh installs them).
JAVAC ?= javac
JAVA ?= java
JAVA_HOME ?= $(patsubst %/bin/javac,%,$(realpath $(shell command -v $(JAVAC))))
JUNIT ?= /usr/share/java/junit-platform-console-standalone.jar
JAVA_LIB := $(OUT)/java-lib
JAVA_SRC := $(wildcard bindings/java/src/main/java/mcc/*.java)
JAVA_TESTS := $(wildcard bindings/java/src/test/java/mcc/*.java)
# The model every binding test and demo shares, with everything mcc can write beside it.
MODEL_EXTRAS := --emit-bindings python,cpp,java --emit-pkgconfig --emit-cmake

.PHONY: all deps build test demo clean conformance java java-test fuzz bench bench-inference bench-train bench-int8 bench-digits bench-digits

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

# Both suites run even if the first fails, so one `make test` shows every failure.
test: build
	@status=0; \
	$(SWIFT) test || { status=$$?; echo "make test: swift test failed (exit $$status); running the other tests anyway"; }; \
	$(MAKE) --no-print-directory java-test || { status=1; echo "make test: Java tests failed; running pytest anyway"; }; \
	MCC="$(abspath $(MCC))" $(PYTHON) -m pytest -q Tests/python || status=1; \
	exit $$status

# Random M programs (from the grammar, and mutations of stdlib/, examples/paper/ and the error
# cases) through the parser, checker and lowering: no trap, no hang, only verified MIR.
fuzz:
	MCC_FUZZ_SECONDS=$${MCC_FUZZ_SECONDS:-600} $(SWIFT) test --filter grammarFuzz 2>&1 | grep -E 'grammarFuzz|passed|failed|error'; exit $${PIPESTATUS[0]}

# All three languages call the same out/libmlp.so; the demo fails unless they print the same
# probabilities and the same error.
demo: build java $(OUT)/libmlp.so
	@cmake -S examples/cpp-cmake -B $(OUT)/cpp-cmake -Dmlp_DIR=$(abspath $(OUT)) >/dev/null
	@cmake --build $(OUT)/cpp-cmake >/dev/null
	@echo "== C++ (examples/cpp-cmake: find_package(mlp), the generated mlp.hpp over mcc.hpp)"
	@set -o pipefail; $(OUT)/cpp-cmake/mlp_demo | tee $(OUT)/demo-cpp.txt
	@echo "== Python (bindings/python/demo.py: mlang)"
	@set -o pipefail; $(PYTHON) bindings/python/demo.py $(OUT)/libmlp.so | tee $(OUT)/demo-python.txt
	@echo "== Java (bindings/java/demo/Demo.java: mcc.Model over JNI)"
	@set -o pipefail; $(JAVA) -cp $(JAVA_LIB)/mcc.jar bindings/java/demo/Demo.java $(OUT)/libmlp.so | tee $(OUT)/demo-java.txt
	@for lang in python java; do \
	  cmp -s <(grep -E '^(probs|run with)' $(OUT)/demo-cpp.txt) <(grep -E '^(probs|run with)' $(OUT)/demo-$$lang.txt) \
	    || { echo "make demo: the C++ and $$lang demos disagree"; exit 1; }; \
	done
	@echo "== C++, Python and Java called $(OUT)/libmlp.so and printed the same results"

$(OUT)/libmlp.so: examples/mlp.m $(MCC)
	@mkdir -p $(OUT)
	$(MCC) examples/mlp.m -o $@ $(MODEL_EXTRAS)

$(OUT)/test/libcnn.so: examples/cnn.m $(MCC)
	@mkdir -p $(OUT)/test
	$(MCC) examples/cnn.m -o $@

# Hand-written training functions (F.train, F.loss, ...) for the Java training tests.
$(OUT)/test/liblinreg.so: Tests/python/training/linreg.mir $(MCC)
	@mkdir -p $(OUT)/test
	$(MCC) Tests/python/training/linreg.mir -o $@

java: $(JAVA_LIB)/mcc.jar $(JAVA_LIB)/libmccjni.so

# javac -h writes the JNI header the C glue is compiled against, so the two cannot drift apart.
$(JAVA_LIB)/mcc.jar: $(JAVA_SRC)
	@rm -rf $(JAVA_LIB)/classes $(JAVA_LIB)/jni && mkdir -p $(JAVA_LIB)/classes
	$(JAVAC) -Xlint:all -Werror --release 17 -d $(JAVA_LIB)/classes -h $(JAVA_LIB)/jni $(JAVA_SRC)
	jar cf $@ -C $(JAVA_LIB)/classes .

$(JAVA_LIB)/libmccjni.so: bindings/java/src/main/c/mcc_jni.c include/mcc.h $(JAVA_LIB)/mcc.jar
	$(CC) -std=c11 -O2 -fPIC -shared -Wall -Wextra -Werror -I$(JAVA_HOME)/include -I$(JAVA_HOME)/include/linux \
	    -Iinclude -I$(JAVA_LIB)/jni $< -o $@

# JUnit: the binding (ModelTest: metadata, reference outputs, errors, 8 threads, 100k runs with
# flat RSS) and the wrapper mcc generated for examples/mlp.m (GeneratedWrapperTest). A fixed,
# pre-touched heap, the serial GC and C1 only keep the JVM's own RSS still, so that RSS growth
# measures native memory.
java-test: java $(OUT)/libmlp.so $(OUT)/test/libcnn.so $(OUT)/test/liblinreg.so
	@rm -rf $(JAVA_LIB)/test-classes
	$(JAVAC) -Xlint:all -Werror --release 17 -d $(JAVA_LIB)/test-classes -cp $(JAVA_LIB)/mcc.jar:$(JUNIT) \
	    $(JAVA_TESTS) $(OUT)/java/mlp/MLP.java
	$(JAVA) -Xms64m -Xmx64m -XX:+AlwaysPreTouch -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dmcc.jni.library=$(abspath $(JAVA_LIB))/libmccjni.so \
	    -Dmcc.test.library=$(abspath $(OUT))/libmlp.so -Dmcc.test.other.library=$(abspath $(OUT))/test/libcnn.so \
	    -Dmcc.test.training.library=$(abspath $(OUT))/test/liblinreg.so \
	    -jar $(JUNIT) --disable-banner --disable-ansi-colors --fail-if-no-tests --details=tree \
	    --class-path $(JAVA_LIB)/mcc.jar:$(JAVA_LIB)/test-classes --select-package mcc

# Every test of Debian's libonnx-testdata, static and forced-dynamic; writes docs/onnx-conformance.md.
conformance: build
	@mkdir -p $(OUT)
	$(PYTHON) scripts/onnx_conformance.py --mcc $(MCC) --report docs/onnx-conformance.md --json $(OUT)/conformance.json

# The benchmark (bench/run.py): a release mcc in its own scratch dir, ONNX Runtime from PyPI in a
# local virtualenv (created once), models generated by bench/models.py. Not part of `make test`.
BENCH_SCRATCH ?= .build-bench
BENCH_VENV ?= .venv-bench
BENCH_ARGS ?=

$(BENCH_VENV)/.installed:
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet onnxruntime numpy onnx
	@touch $@

# Every benchmark: inference vs ORT (issue #5), int8 vs ORT's quantized models and the trained
# digits models (issue #7), training steps vs PyTorch eager (issue #6).
bench: bench-inference bench-int8 bench-digits bench-train

bench-inference: deps $(BENCH_VENV)/.installed
	$(SWIFT) build -c release --product mcc --scratch-path $(BENCH_SCRATCH)
	$(BENCH_VENV)/bin/python bench/models.py
	$(BENCH_VENV)/bin/python bench/run.py --mcc $(BENCH_SCRATCH)/release/mcc $(BENCH_ARGS)

# PyPI's torch wheel (the only registry reachable here) is large; installed once, only for this target.
$(BENCH_VENV)/.torch: $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/pip install --quiet torch
	@touch $@

bench-train: deps $(BENCH_VENV)/.torch
	$(SWIFT) build -c release --product mcc --scratch-path $(BENCH_SCRATCH)
	$(BENCH_VENV)/bin/python bench/train.py --mcc $(BENCH_SCRATCH)/release/mcc

# Only the int8 rows (issue #7): mcc's quantized libraries vs ORT quantize_dynamic/quantize_static;
# writes bench/results-int8.json (docs/quantization.md quotes it).
bench-int8: deps $(BENCH_VENV)/.installed
	$(SWIFT) build -c release --product mcc --scratch-path $(BENCH_SCRATCH)
	$(BENCH_VENV)/bin/python bench/models.py --only resnet18,mlp
	$(BENCH_VENV)/bin/python bench/run.py --int8 --mcc $(BENCH_SCRATCH)/release/mcc $(BENCH_ARGS)

# Issue #7 on trained digits models (data/digits.csv, from the mccrun branch): int8 static and
# structured pruning + fine-tuning; rewrites the digits table of docs/quantization.md.
bench-digits: build
	$(PYTHON) bench/digits_optimize.py --mcc $(MCC) --docs docs/quantization.md

clean:
	rm -rf $(OUT)
	-$(SWIFT) package clean
	find bindings Tests/python -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -rf bindings/python/build bindings/python/*.egg-info
	rm -rf Tests/python/.pytest_cache .pytest_cache

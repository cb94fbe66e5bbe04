# SoilMap — two commands on a fresh Debian 12 machine:
#   make demo   installs what is missing, builds, runs the main job on SampleData
#   make test   installs what is missing, runs the whole test suite
SHELL := /bin/bash
SWIFT ?= swift
APT_PACKAGES := libgdal-dev libproj-dev gdal-bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_OUT ?= demo-out

.PHONY: deps build release test demo clean bench fuzz tsan slurm-test k8s-validate

deps:
	@missing=""; \
	pkg-config --exists gdal 2>/dev/null || missing="$$missing libgdal-dev"; \
	pkg-config --exists proj 2>/dev/null || missing="$$missing libproj-dev"; \
	command -v gdalinfo >/dev/null 2>&1 || missing="$$missing gdal-bin"; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing missing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	else \
	  echo "make deps: GDAL $$(pkg-config --modversion gdal) and PROJ $$(pkg-config --modversion proj) present"; \
	fi
	@command -v $(SWIFT) >/dev/null 2>&1 || { echo "make deps: no Swift toolchain on PATH (need Swift 6.1 or later from swift.org)"; exit 1; }

build: deps
	$(SWIFT) build --product soilmap

# --static-swift-stdlib: the Swift runtime and Foundation are linked in, so the binary runs on a
# machine (or cluster node) without a Swift toolchain, and starts ~20 ms sooner.
release: deps
	$(SWIFT) build -c release --product soilmap --static-swift-stdlib

test: deps
	$(SWIFT) test

# A tiled run on a real one-node Slurm cluster (slurm-wlm + munge, started here) on a synthetic
# 4-county province: plan → array tasks → merge must equal `soilmap run` byte for byte.
slurm-test: release
	bash deploy/slurm/test/province-test.sh

# The Kubernetes manifests (deploy/k8s), validated against the API schemas offline.
k8s-validate:
	bash deploy/k8s/validate.sh

demo: release
	.build/release/soilmap run SampleData/project.yaml --overwrite
	@echo "Open $(CURDIR)/demo-out/report.html in a browser; GIS layers are in $(CURDIR)/demo-out/"

bench: release
	bash Benchmarks/run.sh

# The whole test suite under ThreadSanitizer (a build of its own in .build/tsan; about 10 minutes
# on 2 cores): fails when any test fails or TSan reports a data race (its exit code 66). Run it
# after changing concurrent code: it found the race that corrupted the heap in ResultSlots.
tsan: deps
	$(SWIFT) build --build-tests --scratch-path .build/tsan -Xswiftc -sanitize=thread
	TSAN_OPTIONS="report_signal_unsafe=0 $$TSAN_OPTIONS" $(SWIFT) test --skip-build --scratch-path .build/tsan

# Coverage-guided fuzzing (libFuzzer, from the Swift toolchain) of the parsers of hand-written
# inputs: the samples CSV, the project file and a threshold CSV, FUZZ_SECONDS each (default 600),
# the three at once. Seeds and dictionaries: Tests/FuzzCorpus; working corpora and any crash
# inputs: .build/fuzz-work/TARGET. Fails when any target found a crash, trap, leak or hang.
# Replay an input: .build/debug/soilmap-fuzz TARGET FILE. Linked with lld: GNU gold crashes
# (internal error in format_file_lineno) on libFuzzer's objects from the Swift toolchain.
FUZZ_SECONDS ?= 600
FUZZ_TARGETS := csv project thresholds
fuzz: deps
	$(SWIFT) build -c release --product soilmap-fuzz --build-path .build/fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -DLIBFUZZER \
	  -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld
	@pids=""; for t in $(FUZZ_TARGETS); do \
	  w=.build/fuzz-work/$$t; rm -rf $$w/findings; mkdir -p $$w/corpus $$w/findings; \
	  dict=""; [ -f Tests/FuzzCorpus/$$t.dict ] && dict="-dict=Tests/FuzzCorpus/$$t.dict"; \
	  echo "make fuzz: $$t for $(FUZZ_SECONDS) s (log: $$w/log.txt)"; \
	  SOILMAP_FUZZ_TARGET=$$t .build/fuzz/release/soilmap-fuzz $$w/corpus Tests/FuzzCorpus/$$t $$dict \
	    -max_total_time=$(FUZZ_SECONDS) -timeout=20 -rss_limit_mb=4096 -max_len=65536 \
	    -artifact_prefix=$$w/findings/ -print_final_stats=1 > $$w/log.txt 2>&1 & pids="$$pids $$!"; \
	done; \
	status=0; for p in $$pids; do wait $$p || status=1; done; \
	for t in $(FUZZ_TARGETS); do \
	  w=.build/fuzz-work/$$t; \
	  runs=$$(grep -o 'stat::number_of_executed_units: *[0-9]*' $$w/log.txt | grep -o '[0-9]*$$'); \
	  cov=$$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' $$w/log.txt | tail -1 | grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*/[0-9a-zA-Z]*'); \
	  found=$$(ls $$w/findings | wc -l); \
	  echo "make fuzz: $$t: $$runs inputs in $(FUZZ_SECONDS) s, $$cov, findings: $$found"; \
	  ls $$w/findings | sed "s|^|    $$w/findings/|"; \
	done; \
	exit $$status

clean:
	rm -rf .build $(DEMO_OUT)

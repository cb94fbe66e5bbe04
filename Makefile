# SoilMap — two commands on a fresh Debian 12 machine:
#   make demo   installs what is missing, builds, runs the main job on SampleData
#   make test   installs what is missing, runs the whole test suite
SHELL := /bin/bash
SWIFT ?= swift
APT_PACKAGES := libgdal-dev libproj-dev gdal-bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_OUT ?= demo-out

.PHONY: deps build release test demo clean bench

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

demo: release
	.build/release/soilmap run SampleData/project.yaml --overwrite
	@echo "Open $(CURDIR)/demo-out/report.html in a browser; GIS layers are in $(CURDIR)/demo-out/"

bench: release
	bash Benchmarks/run.sh

clean:
	rm -rf .build $(DEMO_OUT)

# mudran: `make` builds every manuscript/*.md into dist/, installing what is missing first;
# `make test` runs the whole test suite. Debian packages are installed with apt-get when
# running as root; otherwise the exact command is printed.
SHELL := /bin/bash
.DEFAULT_GOAL := all

MANUSCRIPTS := $(wildcard manuscript/*.md)
NAMES := $(MANUSCRIPTS:manuscript/%.md=%)
OUTPUTS := $(foreach n,$(NAMES),dist/$(n).epub dist/$(n).pdf dist/$(n)-handout.pdf)
SOURCES := $(shell find src templates fonts -type f) bin/mudran
NODE_DEPS := node_modules/.package-lock.json

# command:package pairs of Debian tools.
BUILD_TOOLS := chromium:chromium
TEST_TOOLS := java:default-jre-headless epubcheck:epubcheck pdftotext:poppler-utils pdffonts:poppler-utils pdfinfo:poppler-utils unzip:unzip

# Installs each missing package (as root) or says how, then stops.
define ensure_debian
	@missing=""; for pair in $(1); do \
	  command -v "$${pair%%:*}" >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; \
	done; \
	missing=$$(tr ' ' '\n' <<<"$$missing" | sort -u | xargs); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "mudran needs Debian packages: $$missing"; echo "run: sudo apt-get install $$missing"; exit 2; \
	  fi; \
	fi
endef

.PHONY: all deps test-deps test check lint typecheck format bench bench-check clean

all: $(OUTPUTS)

# One run builds every manuscript, so one browser serves them all.
$(OUTPUTS) &: $(MANUSCRIPTS) $(SOURCES) $(NODE_DEPS) | deps
	bin/mudran build $(MANUSCRIPTS) --out dist

$(NODE_DEPS): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

deps: $(NODE_DEPS)
	$(call ensure_debian,$(BUILD_TOOLS))

test-deps: deps
	$(call ensure_debian,$(TEST_TOOLS))

test: test-deps
	npx tsc --noEmit
	npx eslint .
	npx prettier --check .
	npx vitest run

check: $(NODE_DEPS)
	bin/mudran check $(MANUSCRIPTS)

# Times `check` on the article and on a 100,000-word manuscript (see bench/check-speed.ts).
bench-check: $(NODE_DEPS)
	npx tsx bench/check-speed.ts

clean:
	rm -rf dist/*.epub dist/*.pdf dist/*.tmp dist/.*.tmp .cache

# mudran: `make` builds every manuscript/*.md into dist/, installing what is missing first;
# `make test` runs the whole test suite. Debian packages are installed with apt-get when
# running as root; otherwise the exact command is printed.
SHELL := /bin/bash
.DEFAULT_GOAL := all

MANUSCRIPTS := $(wildcard manuscript/*.md)
NAMES := $(MANUSCRIPTS:manuscript/%.md=%)
OUTPUTS := $(foreach n,$(NAMES),dist/$(n).epub dist/$(n).pdf dist/$(n)-handout.pdf)
SOURCES := $(shell find src templates fonts -type f) bin/mudran bin/compile.js
# What the books use besides their text: pictures and anything else in manuscript/, and the
# project's config. Replacing one rebuilds the books (one run builds them all).
ASSETS := $(shell find manuscript -type f ! -name '*.md' 2>/dev/null) $(wildcard mudran.config.json)
NODE_DEPS := node_modules/.package-lock.json

# The Hindi dictionary the text-recall bench reads (Debian's hunspell-hi).
HINDI_DICTIONARY := /usr/share/hunspell/hi_IN.dic

# command:package pairs of Debian tools (a command, or the absolute path of a file the package installs).
# Debian's headless shell is the renderer; the full Chromium is the fallback (and Ace's browser).
BUILD_TOOLS := chromium:chromium /usr/lib/chromium/chromium-headless-shell:chromium-headless-shell
# script (util-linux) runs the CLI on a terminal in the tests; Apache PDFBox Preflight (with the
# activation and JAXB jars it needs) validates the book as PDF/A-1b.
TEST_TOOLS := script:util-linux java:default-jre-headless epubcheck:epubcheck pdftotext:poppler-utils pdffonts:poppler-utils pdfinfo:poppler-utils unzip:unzip pdftoppm:poppler-utils qpdf:qpdf \
  /usr/share/java/preflight.jar:libpdfbox2-java /usr/share/java/javax.activation.jar:libactivation-java \
  /usr/share/java/jaxb-api.jar:libjaxb-api-java
# Pandoc is the EPUB baseline of `make bench` (which counts CPU time in cgroups of its own).
BENCH_TOOLS := pandoc:pandoc pdfinfo:poppler-utils

# Installs each missing package (as root) or says how, then stops.
define ensure_debian
	@missing=""; for pair in $(1); do \
	  tool="$${pair%%:*}"; \
	  case "$$tool" in /*) [ -e "$$tool" ];; *) command -v "$$tool" >/dev/null 2>&1;; esac || missing="$$missing $${pair#*:}"; \
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

.PHONY: all deps test-deps bench-deps test test-fast check lint typecheck format bench bench-check bench-text clean

all: $(OUTPUTS)

# One run builds every manuscript, so one browser serves them all.
$(OUTPUTS) &: $(MANUSCRIPTS) $(ASSETS) $(SOURCES) $(NODE_DEPS) | deps
	bin/mudran build $(MANUSCRIPTS) --out dist

$(NODE_DEPS): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# bin/mudran runs src/ compiled to JavaScript (it recompiles by itself whenever a source
# changed); compiling here spares the first run that work.
deps: $(NODE_DEPS)
	$(call ensure_debian,$(BUILD_TOOLS))
	@node bin/compile.js >/dev/null

test-deps: deps
	$(call ensure_debian,$(TEST_TOOLS))

# The fast tier: unit tests of src/'s pure parts (tokenizer, ToUnicode, glyph text, sequence
# rules, layout arithmetic, the import graph) in seconds, with their coverage.
test-fast: $(NODE_DEPS)
	npx vitest run --project unit --coverage

# Everything: types, lint, format, the fast tier first, then the real-renderer suite.
test: test-deps
	npx tsc --noEmit
	npx eslint .
	npx prettier --check .
	$(MAKE) --no-print-directory test-fast
	npx vitest run --project renderers

bench-deps: deps
	$(call ensure_debian,$(BENCH_TOOLS))

# Each bench/*.ts prints its figures beside their baselines (bare Chromium, Pandoc).
bench: bench-deps test-deps $(HINDI_DICTIONARY)
	@for bench in bench/*.ts; do npx tsx "$$bench" || exit 1; done

# Word recall of the PDF text layer in poppler, MuPDF and pdf.js, on Debian's Hindi dictionary.
bench-text: test-deps $(HINDI_DICTIONARY)
	npx tsx bench/text-recall.ts --dictionary $(HINDI_DICTIONARY)

$(HINDI_DICTIONARY):
	@if [ "$$(id -u)" = 0 ]; then \
	  echo "installing Debian packages: hunspell-hi"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends hunspell-hi >/dev/null; \
	else \
	  echo "mudran's text bench needs Debian packages: hunspell-hi"; echo "run: sudo apt-get install hunspell-hi"; exit 2; \
	fi

check: $(NODE_DEPS)
	bin/mudran check $(MANUSCRIPTS)

# Times `check` on the article and on a 100,000-word manuscript (see bench/check-speed.ts).
bench-check: $(NODE_DEPS)
	npx tsx bench/check-speed.ts

clean:
	rm -rf dist/*.epub dist/*.pdf dist/*.tmp dist/.*.tmp .cache

# ftls: `make` builds the library and the examples; `make demo` shows a handshake;
# `make test` builds and runs every test; `make install PREFIX=... [DESTDIR=...]` installs the
# library, the headers, and the pkg-config and CMake package files. See README.md.

CARGO    ?= cargo
CC       ?= cc
CFLAGS   ?= -O2 -g
CXXFLAGS ?= -O2 -g
PREFIX   ?= /usr/local

# The crypto provider: aws-lc-rs (the default) or ring, a cargo feature each. Another provider
# builds beside the default one (build/PROVIDER, target/PROVIDER), so that switching back and
# forth never rebuilds everything.
PROVIDER ?= aws-lc-rs
ifeq ($(PROVIDER),aws-lc-rs)
BUILD := build
else
BUILD := build/$(PROVIDER)
export CARGO_TARGET_DIR ?= target/$(PROVIDER)
endif
CARGO_FEATURES := --no-default-features --features $(PROVIDER)

# The release, from the first `version = ` line of Cargo.toml (the [package] table's).
VERSION := $(shell sed -n 's/^version = "\(.*\)"$$/\1/p' Cargo.toml | head -n 1)

# Every C file here must compile cleanly as strict C99.
STRICT_CFLAGS := -std=c99 -Wall -Wextra -Wpedantic -Werror
EXAMPLES      := tls-client tls-server https-get
EXAMPLE_BINS  := $(EXAMPLES:%=$(BUILD)/bin/%)
LIB_SO        := $(BUILD)/lib/libftls.so
LIB_A         := $(BUILD)/lib/libftls.a

# What the tests run besides cargo: a C compiler, nm (export checks), openssl (the interop peer).
TEST_TOOLS    := cc c++ nm openssl

.PHONY: all lib examples certs demo test tools clean FORCE

all: lib examples

lib: $(LIB_SO)

# cargo decides what is stale; scripts/build-lib stages the result in $(BUILD)/lib as it is
# installed (versioned name, soname link), keeping cargo's timestamps, so programs linked
# against the library are rebuilt only when it really changed. (build.rs also refreshes
# include/ftls.h.)
$(LIB_SO) $(LIB_A) &: FORCE
	./scripts/build-lib $(BUILD)/lib $(VERSION) $(PROVIDER)

examples: $(EXAMPLE_BINS)

$(BUILD)/bin/%: $(LIB_SO) c-examples/%.c include/ftls.h
	@mkdir -p $(BUILD)/bin
	$(CC) $(STRICT_CFLAGS) $(CFLAGS) -D_POSIX_C_SOURCE=200809L -Iinclude c-examples/$*.c -o $@ \
		-L$(BUILD)/lib -lftls -Wl,-rpath,'$$ORIGIN/../lib'

# A throwaway CA with server and client certificates, made by tools/mkcerts.rs (rcgen).
certs:
	$(CARGO) run --quiet --release --example mkcerts -- $(BUILD)/certs

demo: all certs
	./scripts/demo.sh $(BUILD)

tools:
	@./scripts/need-tools $(TEST_TOOLS)

test: tools all
	$(CARGO) test

clean:
	$(CARGO) clean
	rm -rf $(BUILD)

FORCE:

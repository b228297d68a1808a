# ftls: `make` builds the library and the examples; `make demo` shows a handshake;
# `make test` builds and runs every test. See README.md.

CARGO  ?= cargo
CC     ?= cc
CFLAGS ?= -O2 -g
BUILD  := build

# Every C file here must compile cleanly as strict C99.
STRICT_CFLAGS := -std=c99 -Wall -Wextra -Wpedantic -Werror
EXAMPLES      := tls-client tls-server
EXAMPLE_BINS  := $(EXAMPLES:%=$(BUILD)/bin/%)
LIB_SO        := $(BUILD)/lib/libftls.so
LIB_A         := $(BUILD)/lib/libftls.a

# What the tests run besides cargo: a C compiler, nm (export checks), openssl (the interop peer),
# and the platform's CA bundle (ca-certificates) for the system trust store tests.
TEST_TOOLS    := cc c++ nm openssl update-ca-certificates

.PHONY: all lib examples certs demo test tools clean FORCE

all: lib examples

lib: $(LIB_SO)

# cargo decides what is stale; copying with -p keeps cargo's timestamps, so programs linked
# against the library are rebuilt only when it really changed. Each file is replaced by a
# rename, never rewritten in place: a program running meanwhile keeps its mapped copy.
# (build.rs also refreshes include/ftls.h.)
$(LIB_SO) $(LIB_A) &: FORCE
	$(CARGO) build --release --lib
	@mkdir -p $(BUILD)/lib
	@for lib in libftls.so libftls.a; do \
		cp -p target/release/$$lib $(BUILD)/lib/.$$lib.new && \
		mv -f $(BUILD)/lib/.$$lib.new $(BUILD)/lib/$$lib || exit 1; \
	done

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

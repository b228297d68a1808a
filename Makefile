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

.PHONY: all lib examples certs demo test clean

all: lib examples

# cargo decides what is stale; copies keep cargo's timestamps so make stays calm.
lib:
	$(CARGO) build --release --lib
	@mkdir -p $(BUILD)/lib
	@cp -p target/release/libftls.so target/release/libftls.a $(BUILD)/lib/

$(LIB_SO) $(LIB_A): lib

examples: $(EXAMPLE_BINS)

$(BUILD)/bin/%: c-examples/%.c include/ftls.h $(LIB_SO)
	@mkdir -p $(BUILD)/bin
	$(CC) $(STRICT_CFLAGS) $(CFLAGS) -D_POSIX_C_SOURCE=200809L -Iinclude $< -o $@ \
		-L$(BUILD)/lib -lftls -Wl,-rpath,'$$ORIGIN/../lib'

# A throwaway CA with server and client certificates, made by tools/mkcerts.rs (rcgen).
certs:
	$(CARGO) run --quiet --release --example mkcerts -- $(BUILD)/certs

demo: all certs
	./scripts/demo.sh $(BUILD)

test: all
	$(CARGO) test

clean:
	$(CARGO) clean
	rm -rf $(BUILD)

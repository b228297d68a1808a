# ftls: `make` builds the library and the examples; `make demo` shows a handshake;
# `make test` builds and runs every test; `make docs` builds the reference documentation;
# `make install PREFIX=... [DESTDIR=...]` installs the library, the headers, the pkg-config and
# CMake package files and the documentation. See README.md and docs/.

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
CARGO_FEATURES := --no-default-features --features $(PROVIDER),capi
# The OpenSSL-compatible library (compat/) is built without ftls' C API.
COMPAT_FEATURES := -p ftls-openssl --no-default-features --features $(PROVIDER)

# The release, from the first `version = ` line of Cargo.toml (the [package] table's).
VERSION := $(shell sed -n 's/^version = "\(.*\)"$$/\1/p' Cargo.toml | head -n 1)
# The OpenSSL-compatible library's own release (compat/Cargo.toml): its soname follows it, not
# ftls' (compat/build.rs).
COMPAT_VERSION := $(shell sed -n 's/^version = "\(.*\)"$$/\1/p' compat/Cargo.toml | head -n 1)

# Every C file here must compile cleanly as strict C99.
STRICT_CFLAGS := -std=c99 -Wall -Wextra -Wpedantic -Werror
EXAMPLES      := tls-client tls-server https-get memory-pipe
EXAMPLE_BINS  := $(EXAMPLES:%=$(BUILD)/bin/%)
LIB_SO        := $(BUILD)/lib/libftls.so
LIB_A         := $(BUILD)/lib/libftls.a

# The C++ examples use include/ftls.hpp, which must compile cleanly as strict C++11.
STRICT_CXXFLAGS  := -std=c++11 -Wall -Wextra -Wpedantic -Werror
CXX_EXAMPLES     := tls-get
CXX_EXAMPLE_BINS := $(CXX_EXAMPLES:%=$(BUILD)/bin/%)

# What the tests run besides cargo: C and C++ compilers, binutils (nm, objdump, readelf: export
# and soname checks), the interop peers (openssl, GnuTLS, Python's ssl module, curl), cmake and
# pkg-config (the packaging tests); doxygen (the reference documentation, which make install
# installs) and man (to read the installed pages).
# OpenSSL's headers: the benchmark's OpenSSL program, whose smoke test runs under `make test`.
TEST_TOOLS    := cc c++ g++ nm objdump readelf openssl gnutls-serv gnutls-cli python3 curl \
		cmake pkg-config update-ca-certificates doxygen man valgrind \
		openssl/ssl.h

.PHONY: all lib header examples openssl-root certs demo test tools docs install clean bench \
	bench-build fuzz soak races FORCE

all: lib examples openssl-root

lib: $(LIB_SO)

# include/ftls.h from src/capi (cbindgen, tools/header), rewritten only when it changed so that
# what includes it is not rebuilt for nothing. Committed: commit it with the change to src/capi.
header:
	$(CARGO) run --quiet -p ftls-header

# cargo decides what is stale; scripts/build-lib stages the result in $(BUILD)/lib as it is
# installed (versioned name, soname link), keeping cargo's timestamps, so programs linked
# against the library are rebuilt only when it really changed. The header is refreshed first.
$(LIB_SO) $(LIB_A) &: FORCE header
	./scripts/build-lib $(BUILD)/lib $(VERSION) $(PROVIDER)

# The OpenSSL-shaped root (README, "Moving a program from OpenSSL"): the compatibility library
# as lib/libssl.{so,a} and lib/libcrypto.{so,a}, include/openssl, lib/pkgconfig; legacy
# programs build against it with -I/-L, CMake's OPENSSL_ROOT_DIR or PKG_CONFIG_PATH.
OPENSSL_ROOT := $(BUILD)/openssl

openssl-root:
	@# A library of another release left in the build tree (the version changed) goes: the
	@# tree holds exactly what an install of this one would.
	@for old in $(OPENSSL_ROOT)/lib/libftls-openssl.so.*.*.*; do \
		[ "$$old" = $(OPENSSL_ROOT)/lib/libftls-openssl.so.$(COMPAT_VERSION) ] || rm -f "$$old"; \
	done
	./scripts/build-openssl-root $(OPENSSL_ROOT) $(COMPAT_VERSION) $(PROVIDER)

examples: $(EXAMPLE_BINS) $(CXX_EXAMPLE_BINS)

$(BUILD)/bin/%: $(LIB_SO) c-examples/%.c include/ftls.h
	@mkdir -p $(BUILD)/bin
	$(CC) $(STRICT_CFLAGS) $(CFLAGS) -D_POSIX_C_SOURCE=200809L -Iinclude c-examples/$*.c -o $@ \
		-L$(BUILD)/lib -lftls -Wl,-rpath,'$$ORIGIN/../lib'

$(CXX_EXAMPLE_BINS): $(BUILD)/bin/%: $(LIB_SO) cpp-examples/%.cpp include/ftls.hpp include/ftls.h
	@mkdir -p $(BUILD)/bin
	$(CXX) $(STRICT_CXXFLAGS) $(CXXFLAGS) -Iinclude cpp-examples/$*.cpp -o $@ \
		-L$(BUILD)/lib -lftls -Wl,-rpath,'$$ORIGIN/../lib'

# A throwaway CA with server and client certificates, made by the test PKI (tools/test-pki).
certs:
	$(CARGO) run --quiet --release $(CARGO_FEATURES) --example mkcerts -- $(BUILD)/certs

demo: all certs
	./scripts/demo.sh $(BUILD)

tools:
	@./scripts/need-tools $(TEST_TOOLS)

test: tools all
	$(CARGO) test $(CARGO_FEATURES)
	$(CARGO) test -p ftls-test-pki
	$(CARGO) test -p ftls-fuzz --test replay
	$(CARGO) test $(COMPAT_FEATURES)

# The soak (docs/testing.md, "Soak"): tls-server under well-behaved and hostile load for SOAK_ARGS'
# --seconds (default 600), its memory and descriptors sampled; e.g. SOAK_ARGS="--seconds 60".
SOAK_ARGS ?=
soak: all $(BUILD)/certs/server.pem
	$(CARGO) build --quiet --release $(CARGO_FEATURES) --example soak
	$(TARGET_DIR)/release/examples/soak $(SOAK_ARGS) $(BUILD)

# The race check (docs/testing.md, "Races"): tests/c/threads.c under ThreadSanitizer with libftls and
# its std instrumented too (nightly toolchain).
races:
	./scripts/races

# The fuzzing campaign (docs/testing.md, "Fuzzing"): every target of fuzz/ for FUZZ_SECONDS (default
# 180) under libFuzzer on the nightly toolchain, then executions, coverage and findings per
# target. `make test` replays the seeds and committed regression inputs on stable.
fuzz:
	./scripts/fuzz

# The benchmark (docs/performance.md): ftls through its C API, OpenSSL's libssl, rustls
# natively and rustls-ffi (rustls' other C binding), interleaved over rounds, one table of
# medians. BENCH_ARGS passes options to the
# driver (bench/run.rs), e.g. BENCH_ARGS="--rounds 3 --bulk-mib 256". Always the default
# provider (aws-lc-rs): the native rustls program uses it directly. jemalloc is preloaded for
# the allocator comparison when Debian's libjemalloc2 is installed (need-tools installs it).
BENCH_ARGS ?=
BENCH_BINS := $(BUILD)/bench/ftls_bench $(BUILD)/bench/openssl_bench \
	$(BUILD)/bench/rustls_ffi_bench $(BUILD)/bench/openssl_on_ftls_bench
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)

# jemalloc is looked up by the shell, after need-tools ran: make expands a recipe's variables
# before its first line runs, which would miss a library installed by that line.
bench: bench-build
	@./scripts/need-tools libjemalloc.so.2 || \
		echo "bench: without libjemalloc2 the allocator comparison is left out" >&2
	jemalloc=$$(ls /usr/lib/*/libjemalloc.so.2 2>/dev/null | head -n 1); \
	$(TARGET_DIR)/release/examples/bench $${jemalloc:+--jemalloc $$jemalloc} \
		$(BENCH_ARGS) $(BUILD)

bench-build: lib $(BUILD)/certs/server.pem $(BENCH_BINS)
	@./scripts/need-tools cc openssl/ssl.h
	$(CARGO) build --quiet --release $(CARGO_FEATURES) --example bench --example rustls-bench

$(BUILD)/bench/ftls_bench: bench/ftls_bench.c bench/bench.h $(LIB_SO) include/ftls.h
	@mkdir -p $(BUILD)/bench
	$(CC) $(STRICT_CFLAGS) -O2 -g -D_POSIX_C_SOURCE=200809L -Iinclude bench/ftls_bench.c -o $@ \
		-L$(BUILD)/lib -lftls -Wl,-rpath,'$$ORIGIN/../lib' -pthread

# rustls-ffi from the registry (bench/rustls-ffi puts it in the workspace): cargo decides what is
# stale; its header is the one its package ships.
$(BUILD)/bench/rustls_ffi_bench: bench/rustls_ffi_bench.c bench/bench.h FORCE
	$(CARGO) build --quiet --release -p rustls-ffi
	@mkdir -p $(BUILD)/bench
	rustls_ffi=$$($(CARGO) metadata --format-version 1 | \
		sed -n 's|.*"manifest_path":"\([^"]*/rustls-ffi-[^"/]*\)/Cargo.toml".*|\1|p'); \
	$(CC) $(STRICT_CFLAGS) -O2 -g -D_POSIX_C_SOURCE=200809L -I$$rustls_ffi/src \
		bench/rustls_ffi_bench.c -o $@ $(TARGET_DIR)/release/librustls_ffi.a -lpthread -ldl -lm

$(BUILD)/bench/openssl_bench: bench/openssl_bench.c bench/bench.h
	@./scripts/need-tools cc openssl/ssl.h
	@mkdir -p $(BUILD)/bench
	$(CC) $(STRICT_CFLAGS) -O2 -g -D_POSIX_C_SOURCE=200809L bench/openssl_bench.c -o $@ \
		-lssl -lcrypto

# "OpenSSL API on ftls": the same source, unchanged, against the compatibility library's root
# (rebuilt each time: the root is refreshed by a phony target).
$(BUILD)/bench/openssl_on_ftls_bench: bench/openssl_bench.c bench/bench.h openssl-root
	@mkdir -p $(BUILD)/bench
	$(CC) $(STRICT_CFLAGS) -O2 -g -D_POSIX_C_SOURCE=200809L -I$(OPENSSL_ROOT)/include \
		bench/openssl_bench.c -o $@ -L$(OPENSSL_ROOT)/lib -lssl -lcrypto \
		-Wl,-rpath,'$$ORIGIN/../openssl/lib'

$(BUILD)/certs/server.pem:
	$(CARGO) run --quiet --release $(CARGO_FEATURES) --example mkcerts -- $(BUILD)/certs >/dev/null

# The reference documentation of include/ftls.h (scripts/docs: Doxygen, then one man page per
# function): build/docs/html, build/docs/man/man3. Fails on any warning of the generator.
docs:
	./scripts/docs build/docs $(VERSION)

# PREFIX/lib: the library as staged in $(BUILD)/lib (symlinks kept); PREFIX/include: both
# headers; the pkg-config modules and the CMake package, made from packaging/*.in with what
# this build knows: the prefix, the version, the provider, the soname and the system libraries
# libftls.a needs; PREFIX/share/man/man3: a man page per function, ftls.h(3) and the structs';
# PREFIX/share/doc/ftls/html: the same as HTML. Existing files are removed first, never
# overwritten in place: a program running meanwhile keeps its mapped copy. The documentation is
# made afresh in a directory of this install's own, so that installs may run side by side, and
# a warning of the generator does not stop the install (`make docs` fails on one).
INSTALL_LIB  := $(DESTDIR)$(PREFIX)/lib
INSTALL_MAN3 := $(DESTDIR)$(PREFIX)/share/man/man3
INSTALL_HTML := $(DESTDIR)$(PREFIX)/share/doc/ftls/html
SONAME       = $(shell readlink $(BUILD)/lib/libftls.so)
SUBSTITUTE   = sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' \
		-e 's|@VERSION_MAJOR@|$(firstword $(subst ., ,$(VERSION)))|g' \
		-e 's|@PROVIDER@|$(PROVIDER)|g' -e 's|@SONAME@|$(SONAME)|g' \
		-e "s|@NATIVE_STATIC_LIBS@|$$(cat $(BUILD)/lib/libftls.native-static-libs)|g"

install: lib openssl-root
	mkdir -p $(INSTALL_LIB)/pkgconfig $(INSTALL_LIB)/cmake/ftls $(DESTDIR)$(PREFIX)/include
	for file in libftls.a libftls.so.$(VERSION) $(SONAME) libftls.so; do \
		rm -f $(INSTALL_LIB)/$$file && cp -P $(BUILD)/lib/$$file $(INSTALL_LIB)/ || exit 1; \
	done
	for header in ftls.h ftls.hpp; do \
		rm -f $(DESTDIR)$(PREFIX)/include/$$header && \
		cp include/$$header $(DESTDIR)$(PREFIX)/include/ || exit 1; \
	done
	$(SUBSTITUTE) packaging/ftls.pc.in > $(INSTALL_LIB)/pkgconfig/ftls.pc
	$(SUBSTITUTE) packaging/ftls-static.pc.in > $(INSTALL_LIB)/pkgconfig/ftls-static.pc
	$(SUBSTITUTE) packaging/ftlsConfig.cmake.in > $(INSTALL_LIB)/cmake/ftls/ftlsConfig.cmake
	$(SUBSTITUTE) packaging/ftlsConfigVersion.cmake.in \
		> $(INSTALL_LIB)/cmake/ftls/ftlsConfigVersion.cmake
	docs=$$(mktemp -d $(BUILD)/install-docs.XXXXXX) && \
	./scripts/docs --warnings-allowed $$docs $(VERSION) && \
	mkdir -p $(INSTALL_MAN3) $(dir $(INSTALL_HTML)) && \
	for page in $$docs/man/man3/*.3; do \
		rm -f $(INSTALL_MAN3)/$${page##*/} && cp $$page $(INSTALL_MAN3)/ || exit 1; \
	done && \
	rm -rf $(INSTALL_HTML) && cp -R $$docs/html $(INSTALL_HTML) && rm -rf $$docs
	./scripts/build-openssl-root $(INSTALL_LIB)/ftls-openssl $(COMPAT_VERSION) $(PROVIDER) \
		$(PREFIX)/lib/ftls-openssl

clean:
	$(CARGO) clean
	rm -rf $(BUILD)

FORCE:

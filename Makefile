# netc — see README.md.  `make` builds ./netc; `make check` runs every test.

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
DATADIR  ?= $(PREFIX)/share
MANDIR   ?= $(DATADIR)/man
DOCDIR   ?= $(DATADIR)/doc/netc
BASHCOMPDIR    ?= $(DATADIR)/bash-completion/completions
# systemd looks in /usr/local/lib/systemd/system too; Debian 12's packages
# use /lib/systemd/system (debian/rules says so).
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
# The unit runs /etc/netc/host.sh whatever the prefix: only a staged
# install (DESTDIR) or a user's own tree should change this.
SYSCONFDIR     ?= /etc
DESTDIR  ?=

CC       ?= cc
OPT      ?= -O2 -g
WERROR   ?= -Werror
CFLAGS   ?= $(OPT)
WARNINGS  = -Wall -Wextra $(WERROR) -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wno-unused-parameter
CPPFLAGS += -D_GNU_SOURCE -std=c11
SAN      ?=
LDLIBS   += -lyaml

BUILD    ?= build
# The binary a build links: ./netc, or e.g. build-asan/netc for check-asan.
BIN      ?= netc
BISON    ?= bison
FLEX     ?= flex
DEPS      = scripts/deps.sh

COMPILER_SRC = $(wildcard compiler/*.c)
BACKEND_SRC  = $(wildcard backends/*.c)
GRAMMAR_SRC  = grammar/yaml_reader.c grammar/netc_reader.c
GEN_SRC      = $(BUILD)/netc_parser.c $(BUILD)/netc_lexer.c $(BUILD)/sh_engine.c \
               $(BUILD)/lab_engine.c
SRC          = $(COMPILER_SRC) $(BACKEND_SRC) $(GRAMMAR_SRC)
OBJ          = $(patsubst %.c,$(BUILD)/%.o,$(SRC)) $(GEN_SRC:.c=.o)
LIB_OBJ      = $(filter-out $(BUILD)/compiler/main.o,$(OBJ))

ALL_CFLAGS   = $(CPPFLAGS) $(CFLAGS) $(WARNINGS) $(SAN) -I$(BUILD) -Icompiler -Igrammar -MMD -MP
# Generated C: flex/bison output is not ours to keep warning-clean in every detail.
GEN_CFLAGS   = $(CPPFLAGS) $(CFLAGS) $(SAN) -Wall $(WERROR) -Wno-unused-function \
               -Wno-sign-compare -Wno-unused-parameter -I$(BUILD) -Icompiler -Igrammar -MMD -MP

.PHONY: all deps demo check check-suite check-unit check-pkg check-asan check-valgrind install uninstall clean golden \
        bench bench-cache fuzz docs asan-build fuzz-build fuzz-harnesses

all: $(BIN)

deps:
	@$(DEPS) build

$(BIN): $(OBJ) | deps
	$(CC) $(CFLAGS) $(SAN) -o $@ $(OBJ) $(LDFLAGS) $(LDLIBS)

$(BUILD)/netc_parser.c $(BUILD)/netc_parser.h: grammar/netc.y | deps
	@mkdir -p $(BUILD)
	$(BISON) -Wall -Werror --defines=$(BUILD)/netc_parser.h -o $(BUILD)/netc_parser.c $<

$(BUILD)/netc_lexer.c $(BUILD)/netc_lexer.h: grammar/netc.l | deps
	@mkdir -p $(BUILD)
	$(FLEX) --header-file=$(BUILD)/netc_lexer.h -o $(BUILD)/netc_lexer.c $<

# The generated scripts' engines are shell files (readable, shellchecked)
# made C strings by the build.
$(BUILD)/%_engine.c: backends/%_engine.sh scripts/embed.sh
	@mkdir -p $(BUILD)
	sh scripts/embed.sh $< $@ $*_engine_text

$(BUILD)/%_engine.o: $(BUILD)/%_engine.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

.SECONDARY: $(GEN_SRC)

$(BUILD)/netc_parser.o: $(BUILD)/netc_parser.c $(BUILD)/netc_lexer.h
	$(CC) $(GEN_CFLAGS) -c -o $@ $<

$(BUILD)/netc_lexer.o: $(BUILD)/netc_lexer.c $(BUILD)/netc_parser.h
	$(CC) $(GEN_CFLAGS) -c -o $@ $<

$(BUILD)/grammar/netc_reader.o: $(BUILD)/netc_parser.h $(BUILD)/netc_lexer.h

$(BUILD)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

-include $(OBJ:.o=.d)

# ---- using it ----

DEMO_OUT = $(BUILD)/demo

demo: netc
	@mkdir -p $(DEMO_OUT)/xl
	./netc samples/classic.yaml -o $(DEMO_OUT)/setup.sh
	./netc -t network-bridge samples/classic.yaml -o $(DEMO_OUT)/network-bridge
	./netc -t xl samples/classic.yaml -o $(DEMO_OUT)/xl
	./netc -t json samples/classic.yaml -o $(DEMO_OUT)/classic.json
	./netc -t dot samples/classic.yaml -o $(DEMO_OUT)/classic.dot
	./netc -t netc samples/classic.yaml -o $(DEMO_OUT)/classic.netc
	./netc -t lab samples/classic.yaml -o $(DEMO_OUT)/lab.sh
	@echo
	@echo "netc compiled samples/classic.yaml; the outputs are in $(DEMO_OUT)/:"
	@echo "  setup.sh        host script: sh $(DEMO_OUT)/setup.sh plan|try|confirm|up|status|down"
	@echo "  network-bridge  drop-in for Xen's network-bridge"
	@echo "  xl/*.cfg        one domU config file per guest"
	@echo "  classic.json    the checked IR;  classic.dot  Graphviz diagram"
	@echo "  classic.netc    the same topology in netc syntax"
	@echo "  lab.sh          the topology in network namespaces: sh $(DEMO_OUT)/lab.sh up|check|down"

# ---- tests ----

BATS      ?= bats
BATS_JOBS ?=
TESTS     ?= tests

# make check: the whole suite against ./netc, then the compiler's tests
# under ASan+UBSan and under valgrind (docs/testing.md).  make check-suite
# TESTS=tests/cli.bats runs only the first part, on the files given.
check:
	@$(MAKE) --no-print-directory check-suite
	@$(MAKE) --no-print-directory check-asan ASAN_TESTS="$(COMPILER_TESTS)"
	@$(MAKE) --no-print-directory check-valgrind

# The whole suite runs in two parts: the files that share nothing, one bats
# job per core; then the namespace tests and the build tests, one at a time.
check-suite: netc tests/xlcheck
	@$(DEPS) check
ifeq ($(TESTS),tests)
	@st=0; \
	 $(BATS) $(TEST_JOBS) $(COMPILER_TESTS) tests/scaling.bats tests/fuzz.bats tests/systemd.bats || st=1; \
	 $(BATS) $(E2E_TESTS) tests/build.bats tests/deb.bats || st=1; \
	 exit $$st
else
	$(BATS) $(BATS_JOBS) $(TESTS)
endif

# make check-pkg: what the Debian package's build runs (debian/rules;
# DEB_BUILD_OPTIONS=nocheck skips it): the compiler's tests that need no
# root, no network and no package beyond the build's and bats (no xlcheck,
# shellcheck, graphviz, valgrind), so no scripts/deps.sh either.
PKG_TESTS = $(addprefix tests/,cli.bats checks.bats diagnostics.bats mac-seed.bats netc_reader.bats \
            samples.bats sha256.bats unit.bats xl-names.bats yaml_reader.bats)

check-pkg: $(BIN)
	$(BATS) $(TEST_JOBS) $(PKG_TESTS)

tests/xlcheck: tests/xlcheck.c | deps
	@$(DEPS) check
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) -o $@ $< -lxlutil

# ---- sanitizers, valgrind, fuzzing (docs/testing.md) ----

# A sanitizer report exits 86, never one of netc's own statuses, and goes to
# a log file rather than into the stderr the tests compare: after the run,
# any log is a failure even where a test did not look at the exit status.
SAN_EXIT      = 86
# Files that test the build, the package or the systemd unit, or measure the
# plain binary with callgrind, or are the fuzz smoke run: nothing for a
# sanitizer to look at there.
SAN_SKIP      = tests/build.bats tests/scaling.bats tests/fuzz.bats tests/deb.bats tests/systemd.bats
SAN_TESTS     = $(filter-out $(SAN_SKIP),$(wildcard tests/*.bats))
# The compiler's tests: all but the end-to-end ones that run the generated
# scripts in network namespaces, tests/sh_*.bats and tests/lab_*.bats (netc
# does the same work in their *_generate.bats, which stay in).
E2E_TESTS      = $(filter-out %_generate.bats,$(wildcard tests/sh_*.bats tests/lab_*.bats))
COMPILER_TESTS = $(filter-out $(E2E_TESTS),$(SAN_TESTS))
# The compiler's tests are CPU-bound and share nothing: one bats job per
# core when GNU parallel (which bats -j needs) is there.
TEST_JOBS     ?= $(shell command -v parallel >/dev/null 2>&1 && echo "-j $$(nproc)")

# make check-asan: the suite against build-asan/netc (ASan, UBSan, LSan);
# make check runs it on the compiler's tests only.
# clang, because gcc's UBSan ignores log_path; -Werror stays with make's gcc
# build, the one that keeps the tree warning-clean.  STRBUF_SINK_AT=1: its
# targets write out at every flush point, so the suite's expected outputs
# prove that none looks back at text it has let go (util.h).
ASAN_CC       = clang
ASAN_BUILD    = build-asan
ASAN_SAN      = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ASAN_LOG      = $(abspath $(ASAN_BUILD))/log
ASAN_TESTS   ?= $(SAN_TESTS)
ASAN_ENV      = NETC=$(abspath $(ASAN_BUILD))/netc NETC_SANITIZER=asan \
                ASAN_OPTIONS=detect_leaks=1:exitcode=$(SAN_EXIT):log_path=$(ASAN_LOG)/asan:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1 \
                UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=$(SAN_EXIT):log_path=$(ASAN_LOG)/ubsan

asan-build:
	@$(DEPS) fuzz
	$(MAKE) CC=$(ASAN_CC) BUILD=$(ASAN_BUILD) BIN=$(ASAN_BUILD)/netc SAN="$(ASAN_SAN)" \
		OPT="-O1 -g -DSTRBUF_SINK_AT=1" WERROR= $(ASAN_BUILD)/netc

check-asan: asan-build tests/xlcheck
	@$(DEPS) check
	@rm -rf $(ASAN_LOG) && mkdir -p $(ASAN_LOG)
	@st=0; $(ASAN_ENV) $(BATS) $(TEST_JOBS) $(filter-out $(E2E_TESTS),$(ASAN_TESTS)) || st=$$?; \
	 $(if $(filter $(E2E_TESTS),$(ASAN_TESTS)),$(ASAN_ENV) $(BATS) $(filter $(E2E_TESTS),$(ASAN_TESTS)) || st=$$?;) \
	 scripts/sanitizer-logs $(ASAN_LOG) || st=1; exit $$st

# make check-valgrind: the compiler's tests against tests/lib/valgrind-netc, a
# copy of ./netc (a rebuild meanwhile cannot pull it from under valgrind)
# under memcheck.
VALGRIND_LOG   = $(abspath $(BUILD))/valgrind
VALGRIND_BIN   = $(abspath $(BUILD))/valgrind-netc
VALGRIND_ENV   = NETC=$(abspath tests/lib/valgrind-netc) NETC_SANITIZER=valgrind \
                 NETC_VALGRIND_BIN=$(VALGRIND_BIN) NETC_VALGRIND_LOG=$(VALGRIND_LOG) \
                 NETC_VALGRIND_EXIT=$(SAN_EXIT)

check-valgrind: netc tests/xlcheck
	@$(DEPS) check
	@rm -rf $(VALGRIND_LOG) && mkdir -p $(VALGRIND_LOG) && cp netc $(VALGRIND_BIN)
	@st=0; $(VALGRIND_ENV) $(BATS) $(TEST_JOBS) $(COMPILER_TESTS) || st=$$?; \
	 scripts/sanitizer-logs $(VALGRIND_LOG) || st=1; exit $$st

# make fuzz FUZZ_SECONDS=N: each libFuzzer harness (fuzz/) for N seconds.
FUZZ_CC        = clang
FUZZ_BUILD     = build-fuzz
FUZZ_SECONDS  ?= 60
FUZZ_HARNESSES = yaml netc pipeline
FUZZ_SAN       = -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
                 -fno-omit-frame-pointer

fuzz-build:
	@$(DEPS) fuzz
	$(MAKE) CC=$(FUZZ_CC) BUILD=$(FUZZ_BUILD) SAN="$(FUZZ_SAN)" OPT="-O1 -g" WERROR= fuzz-harnesses

fuzz-harnesses: $(FUZZ_HARNESSES:%=$(BUILD)/fuzz-%)

$(BUILD)/fuzz-%: fuzz/fuzz_%.c fuzz/fuzz.h $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< $(LIB_OBJ) $(LDFLAGS) $(LDLIBS)

fuzz: fuzz-build
	fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_HARNESSES)

golden: netc
	tests/golden.sh update

# make install and make uninstall: the same set of files as the Debian
# package (tests/deb.bats compares them), under DESTDIR and the prefixes.
INSTALL_DOCS     = README.md $(addprefix docs/,language.md host-script.md boot.md xl.md lab.md limits.md) \
                   $(wildcard docs/*.svg)
INSTALL_EXAMPLES = $(wildcard samples/*.yaml samples/*.netc)
INSTALLED_FILES  = $(BINDIR)/netc $(MANDIR)/man1/netc.1 $(MANDIR)/man5/netc-topology.5 \
                   $(BASHCOMPDIR)/netc $(SYSTEMDUNITDIR)/netc.service \
                   $(addprefix $(DOCDIR)/,$(notdir $(INSTALL_DOCS))) \
                   $(addprefix $(DOCDIR)/examples/,$(notdir $(INSTALL_EXAMPLES)))

install: netc
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(DOCDIR)/examples \
		$(DESTDIR)$(SYSCONFDIR)/netc
	install -m 0755 netc $(DESTDIR)$(BINDIR)/netc
	install -m 0644 docs/netc.1 $(DESTDIR)$(MANDIR)/man1/netc.1
	install -m 0644 docs/netc-topology.5 $(DESTDIR)$(MANDIR)/man5/netc-topology.5
	install -m 0644 completion/netc $(DESTDIR)$(BASHCOMPDIR)/netc
	install -m 0644 systemd/netc.service $(DESTDIR)$(SYSTEMDUNITDIR)/netc.service
	install -m 0644 $(INSTALL_DOCS) $(DESTDIR)$(DOCDIR)/
	install -m 0644 $(INSTALL_EXAMPLES) $(DESTDIR)$(DOCDIR)/examples/

# The directories that are netc's own go too, when empty: /etc/netc stays
# while it holds the admin's host script.
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED_FILES))
	for d in $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) $(DESTDIR)$(SYSCONFDIR)/netc; do \
		if [ -d "$$d" ]; then rmdir "$$d" 2>/dev/null || echo "netc: $$d is not empty: left in place" >&2; fi; \
	done

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) netc tests/xlcheck

# Further targets: bench (mk/bench.mk), docs (mk/docs.mk).
-include mk/*.mk

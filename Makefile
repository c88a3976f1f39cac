# netc — see README.md.  `make` builds ./netc; `make check` runs every test.

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
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
BISON    ?= bison
FLEX     ?= flex
DEPS      = scripts/deps.sh

COMPILER_SRC = $(wildcard compiler/*.c)
BACKEND_SRC  = $(wildcard backends/*.c)
GRAMMAR_SRC  = grammar/yaml_reader.c grammar/netc_reader.c
GEN_SRC      = $(BUILD)/netc_parser.c $(BUILD)/netc_lexer.c
SRC          = $(COMPILER_SRC) $(BACKEND_SRC) $(GRAMMAR_SRC)
OBJ          = $(patsubst %.c,$(BUILD)/%.o,$(SRC)) $(GEN_SRC:.c=.o)
LIB_OBJ      = $(filter-out $(BUILD)/compiler/main.o,$(OBJ))

ALL_CFLAGS   = $(CPPFLAGS) $(CFLAGS) $(WARNINGS) $(SAN) -I$(BUILD) -Icompiler -Igrammar -MMD -MP
# Generated C: flex/bison output is not ours to keep warning-clean in every detail.
GEN_CFLAGS   = $(CPPFLAGS) $(CFLAGS) $(SAN) -Wall $(WERROR) -Wno-unused-function \
               -Wno-sign-compare -Wno-unused-parameter -I$(BUILD) -Icompiler -Igrammar -MMD -MP

.PHONY: all deps demo check check-unit check-asan check-valgrind install clean golden \
        bench fuzz docs

all: netc

deps:
	@$(DEPS) build

netc: $(OBJ) | deps
	$(CC) $(CFLAGS) $(SAN) -o $@ $(OBJ) $(LDFLAGS) $(LDLIBS)

$(BUILD)/netc_parser.c $(BUILD)/netc_parser.h: grammar/netc.y | deps
	@mkdir -p $(BUILD)
	$(BISON) -Wall -Werror --defines=$(BUILD)/netc_parser.h -o $(BUILD)/netc_parser.c $<

$(BUILD)/netc_lexer.c $(BUILD)/netc_lexer.h: grammar/netc.l | deps
	@mkdir -p $(BUILD)
	$(FLEX) --header-file=$(BUILD)/netc_lexer.h -o $(BUILD)/netc_lexer.c $<

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
	@echo "  setup.sh        host script: sh $(DEMO_OUT)/setup.sh plan|up|status|down"
	@echo "  network-bridge  drop-in for Xen's network-bridge"
	@echo "  xl/*.cfg        one domU config file per guest"
	@echo "  classic.json    the checked IR;  classic.dot  Graphviz diagram"
	@echo "  classic.netc    the same topology in netc syntax"
	@echo "  lab.sh          the topology in network namespaces: sh $(DEMO_OUT)/lab.sh up|check|down"

# ---- tests ----

BATS      ?= bats
BATS_JOBS ?=
TESTS     ?= tests

check: netc tests/xlcheck
	@$(DEPS) check
	$(BATS) $(BATS_JOBS) $(TESTS)

tests/xlcheck: tests/xlcheck.c | deps
	@$(DEPS) check
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) -o $@ $< -lxlutil

check-asan:
	$(MAKE) BUILD=build-asan SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" netc
	cp build-asan/../netc netc-asan 2>/dev/null || true

golden: netc
	tests/golden.sh update

install: netc
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 0755 netc $(DESTDIR)$(BINDIR)/netc
	install -m 0644 docs/netc.1 $(DESTDIR)$(MANDIR)/man1/netc.1
	install -m 0644 docs/netc-topology.5 $(DESTDIR)$(MANDIR)/man5/netc-topology.5

clean:
	rm -rf $(BUILD) build-asan build-fuzz netc tests/xlcheck

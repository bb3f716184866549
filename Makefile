# posture: one hand-written Makefile (see STYLE.md, rule 18).
#
#   make               build build/posture
#   make check         unit tests, CLI tests and fuzz-corpus replay
#   make sanitize      the same suite under AddressSanitizer + UBSan
#   make threads       unit tests and report-reading CLI tests under TSan
#   make fuzz          libFuzzer targets (clang) into build-fuzz/
#   make bench         bench/ scripts (print figures, assert nothing)
#   make checksrc      banned calls and line length
#   make CC=clang      any of the above with clang

CC      ?= cc
O       ?= build
PKGS     = yajl sqlite3 libcrypto yaml-0.1 libxml-2.0 zlib libcurl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))

# git's config.mak.dev warning set, trimmed to what gcc 12 and clang 14 share
WARN = -Wall -Wextra -Werror -Wdeclaration-after-statement -Wformat-security \
       -Wold-style-definition -Woverflow -Wpointer-arith -Wstrict-prototypes \
       -Wunused -Wvla -Wshadow -Wno-unused-parameter -Wno-missing-field-initializers
OPT    ?= -O2 -g
# -pthread: reading a report runs on threads of its own (a pipeline of stages)
CFLAGS_ALL = -std=c11 -pthread $(OPT) $(WARN) -Isrc $(PKG_CFLAGS) $(CFLAGS) -MMD -MP
LDLIBS_ALL = $(PKG_LIBS) -lm -pthread $(LDLIBS)

ifdef SANITIZE
O := build-san
CFLAGS_ALL += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
endif

# make fuzz runs make again with FUZZ=1: the library is built by the rules
# above into build-fuzz/ (one object per source path), instrumented for
# libFuzzer, ASan and UBSan; only the targets' link differs. libFuzzer is
# clang's: FUZZ_CC=clang-NN picks another one, CC is ignored.
FUZZ_CC ?= clang
ifdef FUZZ
O := build-fuzz
override CC := $(FUZZ_CC)
OPT := -O1 -g
CFLAGS_ALL += -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
LDFLAGS += -fsanitize=fuzzer,address,undefined
endif

LIB_SRC  := $(sort $(wildcard src/*/*.c))
MIGRATIONS := $(sort $(wildcard src/store/migrations/*.sql))
LIB_OBJ  := $(LIB_SRC:%.c=$(O)/%.o) $(O)/gen/migrations.o
MAIN_OBJ := $(O)/src/main.o
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/unit/%)
# Fuzz targets: one hand-written file per layer (jrec, xrec, cvss, ...) and
# one per report format built from tests/fuzz/fuzz-format.c, for every
# format in the table in src/parse/formats.c.
FUZZ_SRC := $(sort $(filter-out tests/fuzz/fuzz-format.c,$(wildcard tests/fuzz/fuzz-*.c)))
FORMATS  := $(shell sed -n 's/^	{ "\([a-z0-9-]*\)",.*/\1/p' src/parse/formats.c)
FUZZ_NAMES := $(FUZZ_SRC:tests/fuzz/%.c=%) $(FORMATS:%=fuzz-%)
REPLAY_BIN := $(FUZZ_NAMES:%=$(O)/tests/replay/%)
FUZZ_BIN := $(FUZZ_NAMES:%=$(O)/%)

all: $(O)/posture

$(O)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(O)/gen/migrations.c: $(MIGRATIONS) scripts/embed-sql.sh
	@mkdir -p $(@D)
	sh scripts/embed-sql.sh $@ $(MIGRATIONS)

$(O)/gen/migrations.o: $(O)/gen/migrations.c
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(O)/libposture.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(O)/posture: $(MAIN_OBJ) $(O)/libposture.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(O)/tests/unit/%: tests/unit/%.c $(O)/libposture.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -DUNITTEST -Itests/unit $(LDFLAGS) -o $@ $< $(O)/libposture.a \
		$(LDLIBS_ALL) $(shell pkg-config --libs cmocka)

# the source of a fuzz target: its own file, else the per-format one
fuzz_src = $(if $(wildcard tests/fuzz/$(1).c),tests/fuzz/$(1).c,tests/fuzz/fuzz-format.c)
fuzz_def = $(if $(wildcard tests/fuzz/$(1).c),,-DFUZZ_FORMAT='"$(1:fuzz-%=%)"')

.SECONDEXPANSION:
$(O)/tests/replay/%: $$(call fuzz_src,%) tests/fuzz/replay.c $(O)/libposture.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(call fuzz_def,$*) $(LDFLAGS) -o $@ $< tests/fuzz/replay.c \
		$(O)/libposture.a $(LDLIBS_ALL)

ifdef FUZZ
$(FUZZ_BIN): $(O)/%: $$(call fuzz_src,%) $(O)/libposture.a
	$(CC) $(CFLAGS_ALL) $(call fuzz_def,$*) $(LDFLAGS) -o $@ $< $(O)/libposture.a $(LDLIBS_ALL)
endif

units: $(UNIT_BIN)
replays: $(REPLAY_BIN)

check: $(O)/posture units replays
	@O=$(O) sh tests/run.sh

sanitize:
	$(MAKE) SANITIZE=address,undefined check

# Reading a report runs on threads (src/parse/jrec.c, src/cmd/input.c): the
# unit tests and the CLI tests that read reports, under ThreadSanitizer.
TSAN_CLI = t01*.sh t02*.sh t06[0-2]*.sh t07*.sh
threads:
	$(MAKE) SANITIZE=thread O=build-tsan build-tsan/posture units
	@O=build-tsan CLI='$(TSAN_CLI)' REPLAYS=no sh tests/run.sh

# What CI and README run: the style gate, a -Werror build of everything with
# clang, the whole suite under AddressSanitizer + UndefinedBehaviorSanitizer
# (gcc -O2, the compiler and optimisation of the default build), and the
# report-reading tests under ThreadSanitizer.
test:
	sh scripts/checksrc.sh
	$(MAKE) CC=clang O=build-clang all units replays
	$(MAKE) sanitize
	$(MAKE) threads

ifdef FUZZ
fuzz: $(FUZZ_BIN)
else
fuzz:
	$(MAKE) FUZZ=1 fuzz
endif

bench: $(O)/posture
	@for b in bench/*.sh; do POSTURE=$(O)/posture sh $$b || exit 1; done

checksrc:
	@sh scripts/checksrc.sh

demo: $(O)/posture
	@sh scripts/demo.sh $(O)/posture

clean:
	rm -rf build build-san build-tsan build-clang build-fuzz

.PHONY: all check test sanitize threads fuzz bench checksrc demo clean units replays
.SECONDARY:

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(FUZZ_BIN:=.d)

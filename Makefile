# taptop: `make run` and `make test` are the two commands a newcomer needs.
# The source folders are globbed: a new dissector or panel is one file plus
# one line in its list.def, never a Makefile edit.

PKGS	 = glib-2.0 libpcap ncursesw
# Libgcrypt decrypts QUIC's client Initials.
PKGS	+= libgcrypt
# The privilege drop (capabilities, the system-call filter).
PKGS	+= libcap-ng libseccomp
# The Prometheus endpoint (--metrics, core/metrics.c).
PKGS	+= libmicrohttpd
CC	?= cc
BUILD	?= build
SANFLAGS ?=
OPT	?= -O2
VERSION	 = 0.1
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE -DTAPTOP_VERSION=\"$(VERSION)\" -g $(OPT) -Wall -Wextra -Werror \
	-Wshadow -Wstrict-prototypes -I. -Icore $(SANFLAGS) \
	$(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(CFLAGS)
LIBS	 = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null)
# Development and test builds carry the test hooks (hidden
# self-checks, TAPTOP_TEST_HOOKS); `make RELEASE=1` (what install and the
# package use) leaves them out.
RELEASE	?=
CFLAGS_ALL += $(if $(RELEASE),,-DTAPTOP_TEST_HOOKS)

LIB_SRC	 = $(wildcard core/*.c) $(wildcard core/dfilter/*.c) \
	$(wildcard dissectors/*.c) $(wildcard panels/*.c) \
	$(filter-out tui/main.c,$(wildcard tui/*.c))
LIB_OBJ	 = $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_SRC = $(wildcard tests/unit/*.c)
TEST_OBJ = $(TEST_SRC:%.c=$(BUILD)/%.o)
DEFS	 = dissectors/list.def panels/list.def tests/unit/suites.def

# `make V=1` shows the commands.
Q	 = $(if $(V),,@echo "  $(notdir $@)";)
TAPTOP	 = $(BUILD)/taptop
CHECKER	 = $(BUILD)/check_taptop

# `make RELEASE=1` builds the release binary, the one that
# `make install` and the Debian package ship, into a folder of its own so
# that it never mixes objects with the development build.
RELEASE_BUILD = build-release
ifneq ($(RELEASE),)
BUILD	 = $(RELEASE_BUILD)
endif

.PHONY: all deps deps-test run test test-unit test-e2e test-asan test-tsan \
	fuzz bench soak clean

all: $(TAPTOP)

deps:
	@sh tools/deps.sh build

deps-test:
	@sh tools/deps.sh test

$(BUILD)/%.o: %.c $(wildcard core/*.h core/dfilter/*.h dissectors/*.h panels/*.h \
	    tui/*.h) $(DEFS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/libtaptop.a: $(LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(TAPTOP): $(BUILD)/tui/main.o $(BUILD)/libtaptop.a
	$(Q)$(CC) $(CFLAGS_ALL) -o $@ $^ $(LIBS)

$(CHECKER): $(TEST_OBJ) $(BUILD)/libtaptop.a
	$(Q)$(CC) $(CFLAGS_ALL) -o $@ $^ $(CHECK_LIBS) $(LIBS)

# Starts taptop on the default interface (root, or cap_net_raw, is needed).
run: deps
	@$(MAKE) --no-print-directory all
	$(TAPTOP) $(ARGS)

test: deps-test
	@$(MAKE) --no-print-directory test-unit test-e2e

test-unit: $(CHECKER)
	$(CHECKER)

test-e2e: $(TAPTOP)
	TAPTOP=$(TAPTOP) sh tests/e2e/run.sh

# The same tests with AddressSanitizer and UndefinedBehaviorSanitizer.
test-asan: deps-test
	@$(MAKE) --no-print-directory BUILD=build-asan OPT=-O1 \
	    SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    test-unit test-e2e

# The threading contract under ThreadSanitizer.
test-tsan: deps-test
	@$(MAKE) --no-print-directory BUILD=build-tsan OPT=-O1 \
	    SANFLAGS="-fsanitize=thread" build-tsan/check_taptop
	CK_RUN_SUITE=tap_threads TSAN_OPTIONS=halt_on_error=1 build-tsan/check_taptop
	CK_RUN_SUITE=rate_threads TSAN_OPTIONS=halt_on_error=1 build-tsan/check_taptop
	CK_RUN_SUITE=refill TSAN_OPTIONS=halt_on_error=1 build-tsan/check_taptop
	CK_RUN_SUITE=refill_threads TSAN_OPTIONS=halt_on_error=1 build-tsan/check_taptop
	CK_RUN_SUITE=names_threads TSAN_OPTIONS=halt_on_error=1 build-tsan/check_taptop
	CK_RUN_SUITE=deferq_threads TSAN_OPTIONS=halt_on_error=1 build-tsan/check_taptop

fuzz: deps-test
	sh tests/fuzz/run.sh $(FUZZ_SECONDS)

bench: deps-test
	@$(MAKE) --no-print-directory all
	sh bench/run.sh

# Hours of use in minutes: a flood and live traffic with panels churning,
# watched for memory growth and lost packets (tests/soak/soak.py).
soak: deps-test
	@$(MAKE) --no-print-directory all
	TAPTOP=$(TAPTOP) python3 tests/soak/soak.py

clean:
	rm -rf build build-asan build-tsan build-fuzz

# `make install` builds the release binary and copies it, the
# man page and the bash completion under $(DESTDIR)$(PREFIX).  Run as root
# for a real install (DESTDIR empty), it also grants the binary the capture
# capabilities, so that users capture without sudo; README's "Installing"
# says what that costs, and SETCAP=no skips it.  A package being staged
# (DESTDIR set) gets them from its postinst instead: a .deb does not carry
# file capabilities.
PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
SETCAP	?= yes
CAPS	 = cap_net_raw,cap_net_admin+ep

.PHONY: install uninstall clean-release

install:
	@$(MAKE) --no-print-directory RELEASE=1 BUILD=$(RELEASE_BUILD) all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(BASHCOMPDIR)
	install -m 755 $(RELEASE_BUILD)/taptop $(DESTDIR)$(BINDIR)/taptop
	install -m 644 doc/taptop.1 $(DESTDIR)$(MANDIR)/man1/taptop.1
	install -m 644 completion/taptop.bash $(DESTDIR)$(BASHCOMPDIR)/taptop
	@if [ -z "$(DESTDIR)" ] && [ "$(SETCAP)" = yes ] && \
	    [ "$$(id -u)" = 0 ]; then \
		if setcap $(CAPS) $(BINDIR)/taptop; then \
			echo "  $(BINDIR)/taptop: $(CAPS)"; \
		else \
			echo "taptop: could not set file capabilities" \
			    "(setcap, from libcap2-bin, and a file system with" \
			    "extended attributes are needed): live capture" \
			    "will need root" >&2; \
		fi; \
	fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/taptop $(DESTDIR)$(MANDIR)/man1/taptop.1 \
	    $(DESTDIR)$(BASHCOMPDIR)/taptop

clean: clean-release

clean-release:
	rm -rf $(RELEASE_BUILD)

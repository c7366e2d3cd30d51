# netlab — see README.md
PKGS     := libmnl jansson yaml-0.1
PREFIX   ?= /usr/local
DESTDIR  ?=

CPPFLAGS += -Iinclude -D_GNU_SOURCE $(shell pkg-config --cflags $(PKGS))
CFLAGS   += -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
            -Wmissing-prototypes -Wno-format-nonliteral -fstack-protector-strong -D_FORTIFY_SOURCE=2 -MMD -MP
LDLIBS   += $(shell pkg-config --libs $(PKGS)) -lpthread
TEST_LDLIBS := $(LDLIBS) $(shell pkg-config --libs cmocka)

ASAN_CFLAGS := -std=gnu11 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
               -fno-sanitize-recover=undefined -Wall -Wextra -Werror -Wshadow -MMD -MP

# src/ by layer (see docs/architecture.md): cli -> engine -> plan, kernel -> model -> util
LAYERS    := util model plan kernel engine cli
LIB_SRCS  := $(filter-out src/cli/main.c,$(foreach l,$(LAYERS),$(wildcard src/$(l)/*.c)))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)

B ?= build
LIB_OBJS  := $(patsubst %.c,$(B)/%.o,$(notdir $(LIB_SRCS)))
vpath %.c $(addprefix src/,$(LAYERS))
ARCH      := $(shell uname -m)
ifeq ($(ARCH),x86_64)
# the nodes' PID 1: a tiny static binary without libc, embedded in netlab
LIB_OBJS  += $(B)/init_blob.o
CPPFLAGS  += -DNETLAB_EMBEDDED_INIT
endif
# the nodes' systemctl and service (src/node/netlab-service), embedded as the init is; the
# engine binds it read-only in every node with its own mounts
LIB_OBJS  += $(B)/service_blob.o
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRCS))

.PHONY: all asan deps demo check check-steps unit unit-asan valgrind integration clean bench fuzz install uninstall stress

all: $(B)/netlab netlab $(B)/tests/userns-driver

netlab: $(B)/netlab
	ln -sf $(B)/netlab netlab

$(B)/%.o: %.c | $(B)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/netlab-init: src/init/netlab-init.c | $(B)
	$(CC) -std=gnu11 -Os -Wall -Wextra -Werror -static -nostdlib -fno-pie -no-pie \
		-fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none -s -o $@ $<

$(B)/init_blob.o: $(B)/netlab-init
	cd $(B) && $(LD) -r -b binary -z noexecstack -o init_blob.o netlab-init

$(B)/service_blob.o: src/node/netlab-service | $(B)
	cp $< $(B)/netlab-service
	cd $(B) && $(LD) -r -b binary -z noexecstack -o service_blob.o netlab-service

$(B)/libnetlab.a: $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(B)/netlab: $(B)/main.o $(B)/libnetlab.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# the kernel layer's primitives for labs without root, for tests/integration/test_userns_kernel.sh
$(B)/tests/userns-driver: tests/userns_driver.c $(B)/libnetlab.a | $(B)/tests
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libnetlab.a $(LDLIBS)

$(B)/tests/%: tests/unit/%.c $(B)/libnetlab.a | $(B)/tests
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libnetlab.a $(TEST_LDLIBS)

$(B) $(B)/tests:
	mkdir -p $@

asan:
	$(MAKE) B=build-asan CFLAGS="$(ASAN_CFLAGS)" LDFLAGS="-fsanitize=address,undefined" \
		build-asan/netlab build-asan/tests/userns-driver $(patsubst tests/unit/%.c,build-asan/tests/%,$(UNIT_SRCS))

deps:
	@sh scripts/deps.sh

unit: $(UNIT_BINS)
	@sh tests/run-unit.sh $(UNIT_BINS)

unit-asan: asan
	@sh tests/run-unit.sh $(patsubst tests/unit/%.c,build-asan/tests/%,$(UNIT_SRCS))

valgrind: $(UNIT_BINS)
	@VALGRIND=1 sh tests/run-unit.sh $(UNIT_BINS)

integration: $(B)/netlab $(B)/tests/userns-driver asan
	@bash tests/integration/run.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@DEMO_LAB='$(DEMO_LAB)' bash scripts/demo.sh

CHECK_STEPS ?= unit unit-asan valgrind integration
check: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory check-steps

# Every step runs (-k) even when one fails, the summary always prints, and the
# exit status is that of the worst.
check-steps:
	@rc=0; $(MAKE) --no-print-directory -k $(CHECK_STEPS) || rc=1; bash tests/summary.sh || rc=1; exit $$rc

stress: all
	@bash tests/stress.sh

bench:
	@sh scripts/deps.sh --bench
	@$(MAKE) --no-print-directory all
	@bash bench/run.sh

# FUZZ_SECONDS=600 make fuzz for the long run
fuzz:
	@bash tests/fuzz/run.sh

BINDIR   := $(DESTDIR)$(PREFIX)/bin
SHAREDIR := $(DESTDIR)$(PREFIX)/share
install: $(B)/netlab
	install -D -m 0755 $(B)/netlab $(BINDIR)/netlab
	install -d $(SHAREDIR)/netlab/topologies
	cp -R topologies/. $(SHAREDIR)/netlab/topologies/
	$(if $(wildcard man/netlab.1),install -D -m 0644 man/netlab.1 $(SHAREDIR)/man/man1/netlab.1)
	$(if $(wildcard man/netlab-topology.5),install -D -m 0644 man/netlab-topology.5 $(SHAREDIR)/man/man5/netlab-topology.5)
	$(if $(wildcard completion/netlab.bash),install -D -m 0644 completion/netlab.bash $(SHAREDIR)/bash-completion/completions/netlab)
	$(if $(wildcard schema/topology.schema.json),install -D -m 0644 schema/topology.schema.json $(SHAREDIR)/netlab/schema/topology.schema.json)

uninstall:
	rm -f $(BINDIR)/netlab $(SHAREDIR)/man/man1/netlab.1 $(SHAREDIR)/man/man5/netlab-topology.5 \
		$(SHAREDIR)/bash-completion/completions/netlab
	rm -rf $(SHAREDIR)/netlab

clean:
	rm -rf build build-asan build-fuzz netlab

-include $(wildcard $(B)/*.d $(B)/tests/*.d)

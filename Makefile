# virtio-sysmem top-level Makefile.
#
#   make         configure (if needed) and build QEMU with the device, the
#                host tools and the unit tests
#   make run     boot a guest with -device virtio-sysmem and show it working
#   make check   build everything and run every test tier; ends with
#                "N passed, N failed"
#
# Component fragments live in mk/*.mk.  Each one appends to:
#   UNIT_TESTS   test programs (GLib GTest, or exit-status programs) that
#                make check runs through scripts/run-tests.sh
#   CHECK_EXTRA  extra run-tests.sh specs ("prog::arg,arg") e.g. fuzz smoke
#   ALL_TARGETS  host-side things 'make' builds besides QEMU

srcdir := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
BUILD ?= build
Q ?= @

# Configure before anything else is evaluated.  The fragments below ask
# pkg-config and look for kernel images and headers while make reads them,
# and on a fresh machine it is ./configure that installs those packages.
# Including the file configure writes lets GNU make do this itself: it runs
# the rule that makes the missing file, then re-executes from scratch with
# the packages in place ("How Makefiles Are Remade" in the GNU make manual).
# Goals that must work without a configured tree skip it.
NO_CONFIGURE_GOALS := clean distclean print-%
ifeq ($(MAKECMDGOALS),)
include $(BUILD)/config-sysmem.mak
else ifneq ($(filter-out $(NO_CONFIGURE_GOALS),$(MAKECMDGOALS)),)
include $(BUILD)/config-sysmem.mak
endif

# Asked of pkg-config when first used (in a recipe), then remembered: never
# while the Makefile is read, before configure may have installed glib.
GLIB_CFLAGS = $(eval GLIB_CFLAGS := $$(shell pkg-config --cflags glib-2.0 2>/dev/null))$(GLIB_CFLAGS)
GLIB_LIBS = $(eval GLIB_LIBS := $$(shell pkg-config --libs glib-2.0 2>/dev/null))$(GLIB_LIBS)

CC ?= cc
HOST_CFLAGS ?= -O2 -g
WARN_CFLAGS := -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers
UNIT_CFLAGS = -std=gnu11 $(HOST_CFLAGS) $(WARN_CFLAGS) -I$(srcdir)/include \
	-I$(srcdir) $(GLIB_CFLAGS)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
FUZZ_CC ?= clang
FUZZ_FLAGS := -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer -g -O1

UNIT_TESTS :=
CHECK_EXTRA :=
ALL_TARGETS :=

export CCACHE_BASEDIR := $(srcdir)

.PHONY: all check check-unit check-qtest-san run clean distclean qemu qemu-san \
	configure-if-needed bench bench-device soak

all: qemu host

# Host static libraries, one per component and flavour.  The codec and the
# core are compiled once per flavour and every host program of that flavour
# (unit tests, vsysmem-negotiate, benchmarks, fuzzers) links the archives:
#   plain  $(CC), UNIT_CFLAGS            tests, tools, benchmarks
#   san    $(CC), UNIT_CFLAGS + ASan/UBSan   the -san unit tests
#   fuzz   $(FUZZ_CC), libFuzzer coverage + ASan/UBSan   the core fuzzers
FLAVOUR_CC_plain = $(CC)
FLAVOUR_CFLAGS_plain = $(UNIT_CFLAGS)
FLAVOUR_CC_san = $(CC)
FLAVOUR_CFLAGS_san = $(UNIT_CFLAGS) $(SAN_FLAGS)
FLAVOUR_CC_fuzz = $(FUZZ_CC)
FLAVOUR_CFLAGS_fuzz = -std=gnu11 -I$(srcdir)/include -I$(srcdir) $(GLIB_CFLAGS) \
	-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -g -O1
HOST_FLAVOURS := plain san fuzz

host_objs = $(patsubst $(srcdir)/%.c,$(BUILD)/obj/$(1)/%.o,$(2))
# $(call host_lib,LIB,FLAVOUR): the archive's path.
host_lib = $(BUILD)/lib/$(2)/lib$(1).a

# $(1): library name, $(2): flavour, $(3): sources, $(4): headers they use.
define host_static_lib
$(call host_lib,$(1),$(2)): $(call host_objs,$(2),$(3))
	@mkdir -p $$(@D)
	$$(Q)rm -f $$@ && $$(AR) rcs $$@ $$^
$(call host_objs,$(2),$(3)): $(BUILD)/obj/$(2)/%.o: $(srcdir)/%.c $(4)
	@mkdir -p $$(@D)
	$$(Q)$$(FLAVOUR_CC_$(2)) $$(FLAVOUR_CFLAGS_$(2)) -c -o $$@ $$<
endef

# The fragments, in dependency order: each may use what the ones before it
# define (the core links the codec; the benchmarks and the guest tier use
# both).
include $(addprefix $(srcdir)/mk/,codec.mk core.mk bench.mk guest.mk \
	hardening.mk)

host: $(ALL_TARGETS) $(UNIT_TESTS)
.PHONY: host

$(BUILD)/config-sysmem.mak:
	$(srcdir)/configure

configure-if-needed: $(BUILD)/config-sysmem.mak

# The project's qtests live in QEMU's qos-test; run only their paths.
QOS_TEST := $(BUILD)/tests/qtest/qos-test
QOS_PATHS := -r,/x86_64/pc/i440FX-pcihost/pci-bus-pc/pci-bus/virtio-sysmem-pci,-r,/x86_64/virtio-sysmem
QTESTS := $(srcdir)/scripts/run-qtest.sh::$(BUILD)/qemu-system-x86_64,$(QOS_TEST),$(QOS_PATHS) \
	$(srcdir)/scripts/run-qtest.sh::$(BUILD)/qemu-system-x86_64,$(BUILD)/tests/qtest/virtio-sysmem-soak,$(SOAK_CHECK_N)
# make check soaks briefly; make soak runs the long one.
SOAK_CHECK_N ?= 300
SOAK_N ?= 10000

qemu: configure-if-needed
	$(srcdir)/scripts/overlay.sh --refresh
	ninja -C $(BUILD) qemu-system-x86_64 tests/qtest/qos-test \
		tests/qtest/virtio-sysmem-soak
	$(MAKE) -C $(BUILD) pc-bios/optionrom/all
	ln -sf $(abspath $(BUILD))/pc-bios/optionrom/*.bin \
		$(BUILD)/qemu-bundle/usr/local/share/qemu-firmware/

# Benchmarks print tables and write JSON records under $(BUILD)/bench/;
# they are never part of make check's verdict.
BENCH_STAMP := $(shell date +%Y%m%dT%H%M%S)
bench-device: qemu
	ninja -C $(BUILD) tests/qtest/virtio-sysmem-bench
	@mkdir -p $(BUILD)/bench
	QTEST_QEMU_BINARY=$(abspath $(BUILD))/qemu-system-x86_64 \
		$(BUILD)/tests/qtest/virtio-sysmem-bench 7 500 \
		$(BUILD)/bench/device-roundtrip-$(BENCH_STAMP).json

soak: qemu
	$(srcdir)/scripts/run-qtest.sh $(BUILD)/qemu-system-x86_64 \
		$(BUILD)/tests/qtest/virtio-sysmem-soak $(SOAK_N)

bench: bench-device bench-core bench-guest

# make run shows the device as the firmware sees it, then boots Linux and
# negotiates for real.
run: all
	$(srcdir)/scripts/show-device.sh $(BUILD)/qemu-system-x86_64
	$(MAKE) --no-print-directory run-guest-demo

# The same qtests against QEMU built with ASan and UBSan, in its own tree.
SAN_BUILD := $(BUILD)-san
SAN_QTESTS := $(srcdir)/scripts/run-qtest.sh::$(SAN_BUILD)/qemu-system-x86_64,$(SAN_BUILD)/tests/qtest/qos-test,$(QOS_PATHS)

$(SAN_BUILD)/config-sysmem.mak: $(BUILD)/config-sysmem.mak
	$(srcdir)/configure --build-dir=$(SAN_BUILD) --enable-sanitizers

qemu-san: $(SAN_BUILD)/config-sysmem.mak qemu
	ninja -C $(SAN_BUILD) qemu-system-x86_64 tests/qtest/qos-test
	$(MAKE) -C $(SAN_BUILD) pc-bios/optionrom/all
	ln -sf $(abspath $(SAN_BUILD))/pc-bios/optionrom/*.bin \
		$(SAN_BUILD)/qemu-bundle/usr/local/share/qemu-firmware/

check-qtest-san: qemu-san
	$(srcdir)/scripts/run-tests.sh $(SAN_QTESTS)

check-unit: $(UNIT_TESTS)
	$(srcdir)/scripts/run-tests.sh $(UNIT_TESTS) $(CHECK_EXTRA)

# run-tests.sh takes one word per test: a program, optionally followed by
# '::' and its arguments separated by commas ("prog::-runs=5000,-seed=1");
# GLib test programs count one test per TAP line, others one per program.
check: all qemu-san $(GUEST_TESTS)
	$(srcdir)/scripts/run-tests.sh $(UNIT_TESTS) $(CHECK_EXTRA) $(QTESTS) \
		$(SAN_QTESTS) $(GUEST_TESTS)

clean:
	rm -rf $(BUILD)/unit $(BUILD)/fuzz $(BUILD)/test-logs

distclean:
	rm -rf $(BUILD) qemu-src

# scripts/overlay.sh reads the source lists through this.
print-%:
	@echo $($*)

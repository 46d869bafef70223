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

GLIB_CFLAGS := $(shell pkg-config --cflags glib-2.0 2>/dev/null)
GLIB_LIBS := $(shell pkg-config --libs glib-2.0 2>/dev/null)

CC ?= cc
HOST_CFLAGS ?= -O2 -g
WARN_CFLAGS := -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers
UNIT_CFLAGS := -std=gnu11 $(HOST_CFLAGS) $(WARN_CFLAGS) -I$(srcdir)/include \
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

include $(sort $(wildcard $(srcdir)/mk/*.mk))

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

bench: bench-device $(if $(wildcard $(srcdir)/bench/bench-core.c),bench-core) \
	$(if $(wildcard $(srcdir)/mk/guest.mk),bench-guest)

# Without a guest tier, make run shows the device as the firmware sees it;
# with mk/guest.mk present, it also boots Linux and negotiates for real.
run: all
	$(srcdir)/scripts/show-device.sh $(BUILD)/qemu-system-x86_64
	$(if $(wildcard $(srcdir)/mk/guest.mk),$(MAKE) --no-print-directory run-guest-demo)

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

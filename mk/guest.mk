# The guest side (guest-driver/, tests/guest/): the Linux module, libvsysmem,
# vsysmemctl, the guest test programs, the initramfs and the booted-guest
# test runners.  Everything lands under $(BUILD)/guest/.
#
#   make guest            module + library + tools + initramfs
#   make guest-module     just virtio_sysmem.ko (and the example participant)
#   make guest-check      boot the guest and run every guest test
#   make run-guest-demo   boot the guest: vivid captures into sysmem buffers
#                         that a display process reads; the frame as a PNG
#
# Appends to GUEST_TESTS: one runner script per guest test program; each
# boots the guest under build/qemu-system-x86_64 and prints the program's
# TAP (run-tests.sh counts it).

GUEST_KVER ?= $(patsubst /boot/vmlinuz-%,%,$(lastword $(sort $(wildcard /boot/vmlinuz-*))))
GUEST_KERNEL := /boot/vmlinuz-$(GUEST_KVER)
GUEST_QEMU ?= $(BUILD)/qemu-system-x86_64

GB := $(BUILD)/guest
GSRC := $(srcdir)/guest-driver
GUEST_CODEC_SRCS := $(CODEC_SRCS)
GUEST_CODEC_HDRS := $(wildcard $(srcdir)/include/sysmem/*.h $(srcdir)/codec/*.h)

GUEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wno-missing-field-initializers -I$(GSRC)/include/uapi -I$(GSRC)/lib \
	-I$(srcdir)/include -I$(srcdir)/codec -I$(srcdir)
GUEST_LIB_HDRS := $(GSRC)/lib/libvsysmem.h $(GSRC)/lib/vsysmem-formats.h \
	$(GSRC)/include/uapi/linux/vsysmem.h $(srcdir)/hw/sysmem/image-format.h \
	$(GUEST_CODEC_HDRS)

# ---- Kernel modules, initramfs and runners, per guest kernel -------------
# Kbuild builds in place, so the build directory holds symlinks to the
# sources; VSYSMEM_SRCDIR tells Kbuild where the include directories are.
GUEST_MOD_SRCS := $(wildcard $(GSRC)/linux/*.c $(GSRC)/linux/*.h) \
	$(GSRC)/linux/Kbuild $(GSRC)/include/linux/vsysmem.h \
	$(GSRC)/include/uapi/linux/vsysmem.h \
	$(GSRC)/include/uapi/linux/virtio_sysmem.h
GUEST_EXAMPLE_SRCS := $(wildcard $(GSRC)/example/*.c $(GSRC)/example/Kbuild)
# The reference scenarios and the host tool's outputs, under /scenarios in
# the guest: test-ctl-scenarios runs them on the device.
GUEST_SCENARIO_FILES := $(wildcard $(srcdir)/tests/unit/scenarios/*.json \
	$(srcdir)/tests/unit/scenarios/*.expected $(srcdir)/tests/unit/scenarios/*.err)

# Modules of the guest kernel's own that the initramfs carries (loaded by
# what uses them): importers nobody here wrote (vgem, vivid), and virtio-rng
# for the guest benchmark's floor.
GUEST_IMPORTER_MODULES := vgem vivid virtio_rng

# Other installed kernels (image, modules and headers) get their own
# modules and initramfs and run GUEST_EXTRA_KERNEL_TESTS too.
GUEST_ALL_KVERS := $(foreach k,$(patsubst /boot/vmlinuz-%,%,$(wildcard /boot/vmlinuz-*)),\
	$(if $(and $(wildcard /usr/src/linux-headers-$(k)/Makefile),$(wildcard /lib/modules/$(k)/kernel)),$(k)))
GUEST_EXTRA_KVERS ?= $(filter-out $(GUEST_KVER),$(GUEST_ALL_KVERS))
GUEST_EXTRA_KERNEL_TESTS ?= test-transport test-negotiate test-unbind test-vgem \
	test-vivid
# Runner options a test needs beyond the usual ones.  The soak runs with
# a small object limit: the device's sets of remembered ids are bounded
# by it, and a leak into them shows within the soak's 1000 negotiations.
GUEST_RUNNER_ARGS_test-hotplug := -H
GUEST_RUNNER_ARGS_test-soak := -d ,secure-size=8M,max-objects=1024

# $(1): kernel version, $(2): build directory, $(3): runner name suffix,
# $(4): the tests it runs.
define guest_kernel
$(2)/linux/virtio_sysmem.ko: $$(GUEST_MOD_SRCS)
	@mkdir -p $(2)/linux
	$$(Q)ln -sf $$(GSRC)/linux/Kbuild $$(GSRC)/linux/*.c $$(GSRC)/linux/*.h $(2)/linux/
	$$(Q)$$(MAKE) -C /usr/src/linux-headers-$(1) M=$$(abspath $(2)/linux) \
		VSYSMEM_SRCDIR=$$(GSRC)/linux W=1 modules

$(2)/example/vsysmem_example.ko: $$(GUEST_EXAMPLE_SRCS) $(2)/linux/virtio_sysmem.ko $$(GUEST_CODEC_SRCS) $$(GUEST_CODEC_HDRS)
	@mkdir -p $(2)/example
	@# The symbol versions it records come from virtio_sysmem's build:
	@# rebuild from scratch whenever that changes.
	$$(Q)rm -rf $(2)/example && mkdir -p $(2)/example
	$$(Q)ln -sf $$(GSRC)/example/Kbuild $$(GSRC)/example/*.c $(2)/example/
	$$(Q)ln -sf $$(GUEST_CODEC_SRCS) $(2)/example/
	$$(Q)$$(MAKE) -C /usr/src/linux-headers-$(1) M=$$(abspath $(2)/example) \
		VSYSMEM_TOPDIR=$$(srcdir) \
		VSYSMEM_CODEC_OBJS="$$(notdir $$(GUEST_CODEC_SRCS:.c=.o))" \
		KBUILD_EXTRA_SYMBOLS=$$(abspath $(2)/linux/Module.symvers) modules

$(2)/initramfs.cpio.gz: $$(srcdir)/scripts/mkinitramfs.sh $(2)/linux/virtio_sysmem.ko \
		$(2)/example/vsysmem_example.ko $$(GUEST_CTL) $$(GUEST_TEST_BINS) \
		$$(srcdir)/tests/guest/tap.sh $$(GUEST_SCENARIO_FILES)
	$$(Q)$$(srcdir)/scripts/mkinitramfs.sh -o $$@ -k $(1) -m /lib/modules/$(1) \
		-M $(2)/linux/virtio_sysmem.ko -M $(2)/example/vsysmem_example.ko \
		$$(addprefix -K ,$$(GUEST_IMPORTER_MODULES)) \
		$$(addprefix -b ,$$(GUEST_CTL) $$(GUEST_TEST_BINS)) \
		-f $$(srcdir)/tests/guest/tap.sh:/lib/tap.sh \
		$$(foreach f,$$(GUEST_SCENARIO_FILES),-f $$(f):/scenarios/$$(notdir $$(f)))

guest-module: $(2)/linux/virtio_sysmem.ko $(2)/example/vsysmem_example.ko
guest: $(2)/initramfs.cpio.gz

# One runner per test program.  Its text contains "--tap" so that
# run-tests.sh counts the TAP lines the guest prints.
$$(foreach t,$(4),$$(eval $$(call guest_runner,$$(t),$(1),$(2),$(3))))
endef

# $(1): test, $(2): kernel version, $(3): build directory, $(4): suffix
define guest_runner
$$(GB)/run-$(1)$(4).sh: $(3)/initramfs.cpio.gz $$(srcdir)/scripts/run-guest.sh $$(srcdir)/mk/guest.mk
	@printf '%s\n' '#!/bin/sh' \
	  '# Boots Linux $(2) and runs $(1); accepts and ignores --tap.' \
	  'exec $$(srcdir)/scripts/run-guest.sh -q $$(abspath $$(GUEST_QEMU)) -k /boot/vmlinuz-$(2) -i $$(abspath $(3)/initramfs.cpio.gz) -M 64M -d ,secure-size=8M $$(GUEST_RUNNER_ARGS_$(1)) -c "$(1)" $$$${VSYSMEM_GUEST_ARGS:-}' > $$@
	@chmod +x $$@
GUEST_TESTS += $$(GB)/run-$(1)$(4).sh
endef

# ---- libvsysmem ------------------------------------------------------------
# The plane layout maths is the core's own (hw/sysmem/image-format.c is
# freestanding for this).
GUEST_LIB_SRCS := $(GSRC)/lib/vsysmem.c $(GSRC)/lib/vsysmem-formats.c \
	$(GSRC)/lib/vsysmem-fdpass.c $(GSRC)/lib/vsysmem-v4l2.c \
	$(srcdir)/hw/sysmem/image-format.c $(GUEST_CODEC_SRCS)
GUEST_LIB_OBJS := $(patsubst %.c,$(GB)/lib/obj/%.o,$(notdir $(GUEST_LIB_SRCS)))
GUEST_LIB_A := $(GB)/lib/libvsysmem.a
GUEST_LIB_SO := $(GB)/lib/libvsysmem.so.1
GUEST_LIB_PC := $(GB)/lib/pkgconfig/libvsysmem.pc

vpath %.c $(GSRC)/lib $(srcdir)/codec $(srcdir)/hw/sysmem

$(GB)/lib/obj/%.o: %.c $(GUEST_LIB_HDRS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(GUEST_CFLAGS) -fPIC -c -o $@ $<

$(GUEST_LIB_A): $(GUEST_LIB_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(GUEST_LIB_SO): $(GUEST_LIB_OBJS)
	$(Q)$(CC) -shared -Wl,-soname,libvsysmem.so.1 -o $@ $^
	$(Q)ln -sf libvsysmem.so.1 $(GB)/lib/libvsysmem.so

$(GUEST_LIB_PC): $(GSRC)/lib/libvsysmem.pc.in
	@mkdir -p $(@D)
	$(Q)sed -e 's|@prefix@|$(abspath $(GB))|' -e 's|@srcdir@|$(srcdir)|' $< > $@

guest-lib: $(GUEST_LIB_A) $(GUEST_LIB_SO) $(GUEST_LIB_PC)

# The format helpers, tested on the host against the real core.
$(BUILD)/unit/test-vsysmem-formats: $(srcdir)/tests/unit/test-vsysmem-formats.c \
		$(GSRC)/lib/vsysmem-formats.c $(GSRC)/lib/vsysmem-formats.h \
		$(call CORE_DEPS,plain)
	@mkdir -p $(@D)
	$(Q)$(CC) $(UNIT_CFLAGS) -I$(GSRC)/lib -o $@ $< \
		$(GSRC)/lib/vsysmem-formats.c $(call CORE_LIBS,plain) $(GLIB_LIBS)
UNIT_TESTS += $(BUILD)/unit/test-vsysmem-formats

# ---- vsysmemctl and the guest test programs (static: the initramfs has no
# libc) ----------------------------------------------------------------------
GUEST_CTL := $(GB)/tools/vsysmemctl

# vsysmemctl negotiate FILE reads scenarios with the host tool's own
# reader and printer (tools/scenario.c, plain C) and names enums with the
# core's image-format tables (in libvsysmem: hw/sysmem/image-format.c is
# freestanding).
GUEST_CTL_SRCS := $(GSRC)/tools/vsysmemctl.c $(GSRC)/tools/vsysmemctl-scenario.c \
	$(GSRC)/tools/vsysmemctl-camera.c $(srcdir)/tools/scenario.c
GUEST_CTL_HDRS := $(GSRC)/tools/vsysmemctl.h $(srcdir)/tools/scenario.h \
	$(srcdir)/hw/sysmem/image-format.h

$(GUEST_CTL): $(GUEST_CTL_SRCS) $(GUEST_CTL_HDRS) $(GUEST_LIB_A) $(GUEST_LIB_HDRS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(GUEST_CFLAGS) -static -o $@ $(GUEST_CTL_SRCS) $(GUEST_LIB_A)

GUEST_TEST_C := $(patsubst $(srcdir)/tests/guest/%.c,%,$(wildcard $(srcdir)/tests/guest/test-*.c))
GUEST_TEST_SH := $(patsubst $(srcdir)/tests/guest/%.sh,%,$(wildcard $(srcdir)/tests/guest/test-*.sh))
# The transport test again as a 32-bit program: the compat ioctl path.
GUEST_M32 := $(shell echo 'int main(void){return 0;}' | \
	$(CC) -m32 -static -x c -o /dev/null - 2>/dev/null && echo yes)
GUEST_TEST_32 := $(if $(GUEST_M32),test-transport32)
GUEST_TEST_NAMES := $(GUEST_TEST_C) $(GUEST_TEST_SH) $(GUEST_TEST_32)
GUEST_TEST_BINS := $(addprefix $(GB)/tests/,$(GUEST_TEST_NAMES))

$(GB)/tests/test-transport32: $(srcdir)/tests/guest/test-transport.c \
		$(srcdir)/tests/guest/tap.h $(GUEST_LIB_SRCS) $(GUEST_LIB_HDRS)
	@mkdir -p $(@D)
	$(Q)$(CC) -m32 $(GUEST_CFLAGS) -static -o $@ $< $(GUEST_LIB_SRCS)

$(addprefix $(GB)/tests/,$(GUEST_TEST_SH)): $(GB)/tests/%: $(srcdir)/tests/guest/%.sh
	@mkdir -p $(@D)
	$(Q)cp $< $@ && chmod +x $@

$(GB)/tests/%: $(srcdir)/tests/guest/%.c $(wildcard $(srcdir)/tests/guest/*.h) $(GUEST_LIB_A) $(GUEST_LIB_HDRS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(GUEST_CFLAGS) -static -o $@ $< $(GUEST_LIB_A)

# ---- the guest kernels ---------------------------------------------------
GUEST_INITRAMFS := $(GB)/initramfs.cpio.gz
GUEST_TESTS ?=
$(eval $(call guest_kernel,$(GUEST_KVER),$(GB),,$(GUEST_TEST_NAMES)))
$(foreach k,$(GUEST_EXTRA_KVERS),$(eval $(call guest_kernel,$(k),$(GB)/linux-$(k),-$(k),$(GUEST_EXTRA_KERNEL_TESTS))))

guest: guest-lib $(GUEST_CTL) $(GUEST_TEST_BINS)

# QEMU's copy of the device ABI header is generated from the uapi header
# (scripts/update-standard-headers.sh); the checked-in copy must match.
ABI_HDR_KDIR ?= $(firstword $(sort $(wildcard /usr/src/linux-headers-*-amd64)))
$(BUILD)/unit/test-abi-header-generated: $(srcdir)/tests/unit/test-abi-header-generated.sh
	@mkdir -p $(@D)
	$(Q)sed -e 's|@SRCDIR@|$(srcdir)|g' -e 's|@QEMU@|$(QEMU_PRISTINE)|g' \
		-e 's|@KDIR@|$(ABI_HDR_KDIR)|g' $< > $@ && chmod +x $@
UNIT_TESTS += $(BUILD)/unit/test-abi-header-generated

# Build checks: both kernel versions' headers, W=1, sparse (C=1),
# checkpatch --strict.
$(GB)/check-kbuild.sh: $(srcdir)/tests/guest/kbuild-check.sh
	@mkdir -p $(@D)
	@printf '%s\n' '#!/bin/sh' '# TAP build check; accepts and ignores --tap.' \
	  'exec sh $(srcdir)/tests/guest/kbuild-check.sh $(srcdir) $(abspath $(GB))/kbuild-check' > $@
	@chmod +x $@
GUEST_TESTS += $(GB)/check-kbuild.sh

guest-check: guest $(GUEST_TESTS)
	$(srcdir)/scripts/run-tests.sh $(GUEST_TESTS)

# The demo: vivid, a real V4L2 camera driver, fills sysmem-negotiated
# buffers that a display process reads; the host writes the last frame,
# read from the device's memory backend, as a PNG.
GUEST_DEMO_PNG_DIR := $(abspath $(GB))
run-guest-demo: guest
	$(srcdir)/scripts/run-guest.sh -q $(GUEST_QEMU) -k $(GUEST_KERNEL) \
		-i $(GUEST_INITRAMFS) -M 256M -P $(GUEST_DEMO_PNG_DIR) \
		-c "vsysmemctl info && VSYSMEM_HOST_VIEW=1 vsysmemctl camera --frames 30"

# The long guest soak (test-soak runs 1000 negotiations in guest-check).
GUEST_SOAK_N ?= 10000
GUEST_SOAK_SEED ?= 0x50a6
guest-soak: guest
	$(srcdir)/scripts/run-guest.sh -q $(GUEST_QEMU) -k $(GUEST_KERNEL) \
		-i $(GUEST_INITRAMFS) -M 64M -d ,secure-size=8M -t 7200 \
		-c "test-soak $(GUEST_SOAK_N) $(GUEST_SOAK_SEED)"

# Guest numbers: negotiation latency and mapped write bandwidth against a
# memfd, in a booted guest; a JSON record under $(BUILD)/bench/.
bench-guest: guest
	@mkdir -p $(BUILD)/bench
	$(srcdir)/scripts/run-guest.sh -q $(GUEST_QEMU) -k $(GUEST_KERNEL) \
		-i $(GUEST_INITRAMFS) -M 256M -o "-device virtio-rng-pci" \
		-c "modprobe virtio_rng; vsysmemctl bench --size 16M --rounds 200" | \
		tee $(BUILD)/bench/guest.log
	sed -n 's/^bench-json: //p' $(BUILD)/bench/guest.log > \
		$(BUILD)/bench/guest-$(shell date +%Y%m%dT%H%M%S).json

.PHONY: guest guest-module guest-lib guest-check run-guest-demo bench-guest \
	guest-soak

# Host unit test: the codec's status names and how libvsysmem reports a
# closed channel (error codes and vsm_strerror text), no device needed.
$(BUILD)/unit/test-status: $(srcdir)/tests/unit/test-status.c $(GUEST_LIB_SRCS) $(GUEST_LIB_HDRS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(UNIT_CFLAGS) -I$(GSRC)/include/uapi -I$(GSRC)/lib -o $@ $< \
		$(GUEST_LIB_SRCS) $(GLIB_LIBS)
$(BUILD)/unit/test-status-san: $(srcdir)/tests/unit/test-status.c $(GUEST_LIB_SRCS) $(GUEST_LIB_HDRS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(UNIT_CFLAGS) $(SAN_FLAGS) -I$(GSRC)/include/uapi -I$(GSRC)/lib \
		-o $@ $< $(GUEST_LIB_SRCS) $(GLIB_LIBS)
UNIT_TESTS += $(BUILD)/unit/test-status $(BUILD)/unit/test-status-san

# Hardening: QEMU's own generic virtio fuzzer (generic-fuzz, libFuzzer) aimed
# at virtio-sysmem, in a clang + ASan + UBSan build of its own.  Not part of
# make check (building it takes long); see docs/hardening.md.
#
#   make fuzz-device-build   ./configure --enable-fuzzing (once) and build
#                            build-fuzz/qemu-fuzz-x86_64
#   make fuzz-device         run generic-fuzz on the device for FUZZ_SECONDS
#                            (default 60), seeded from fuzz/device/corpus/;
#                            new inputs go to build-fuzz/fuzz-device-corpus/,
#                            crashes to build-fuzz/fuzz-device-artifacts/
#   make fuzz-device-repro FUZZ_INPUT=FILE
#                            replay one input with QTEST_LOG=1 (the qtest
#                            commands it makes, to turn into a qtest)
#   make fuzz-device-qtest   qemu-system-x86_64 and qos-test in build-fuzz/,
#                            and the virtio-sysmem qtests run against them

FUZZ_BUILD ?= $(srcdir)/build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_DEVICE_BIN := $(FUZZ_BUILD)/qemu-fuzz-x86_64
FUZZ_DEVICE_SEEDS := $(srcdir)/fuzz/device/corpus
FUZZ_DEVICE_CORPUS := $(FUZZ_BUILD)/fuzz-device-corpus
FUZZ_DEVICE_ARTIFACTS := $(FUZZ_BUILD)/fuzz-device-artifacts
# The device with small limits (so the fuzzer reaches them), a secure heap
# and its region from a memdev, alone on a q35 machine.
FUZZ_DEVICE_ARGS ?= -M q35 -nodefaults \
	-object memory-backend-ram,id=sysmem0,size=16M \
	-device virtio-sysmem,memdev=sysmem0,secure-size=4M,max-objects=64,max-pending-events=16
# Every MemoryRegion of virtio-sysmem-pci / virtio-sysmem-device: the
# virtio-pci common/isr/device/notify windows and the MSI-X table and PBA.
# The buffer region (virtio-sysmem-region / the memdev) is RAM, which
# generic-fuzz never targets: the guest reads and writes it at will anyway.
FUZZ_DEVICE_OBJECTS ?= virtio-sysmem*
FUZZ_DEVICE_FLAGS ?= -max_len=8192 -rss_limit_mb=4096 -timeout=20 \
	-detect_leaks=0 -print_final_stats=1
FUZZ_DEVICE_ENV := QEMU_FUZZ_ARGS="$(FUZZ_DEVICE_ARGS)" \
	QEMU_FUZZ_OBJECTS="$(FUZZ_DEVICE_OBJECTS)" QEMU_AVOID_DOUBLE_FETCH=1 \
	ASAN_OPTIONS=detect_odr_violation=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# detect_odr_violation=0: the binary holds the codec twice, identically
# (QEMU's sysmem core and libqos's FIDL client; see configure).

.PHONY: fuzz-device-build fuzz-device fuzz-device-repro fuzz-device-qtest

$(FUZZ_BUILD)/config-sysmem.mak:
	$(srcdir)/configure --enable-fuzzing --build-dir=$(FUZZ_BUILD)

fuzz-device-build: $(FUZZ_BUILD)/config-sysmem.mak
	$(srcdir)/scripts/overlay.sh --refresh
	ln -sfn $(srcdir)/fuzz/device/x86_64-devices.mak \
		$(srcdir)/qemu-src/configs/devices/x86_64-softmmu/virtio-sysmem-fuzz.mak
	ninja -C $(FUZZ_BUILD) qemu-fuzz-x86_64

fuzz-device: fuzz-device-build
	@mkdir -p $(FUZZ_DEVICE_CORPUS) $(FUZZ_DEVICE_ARTIFACTS)
	cd $(FUZZ_BUILD) && $(FUZZ_DEVICE_ENV) $(FUZZ_DEVICE_BIN) \
		--fuzz-target=generic-fuzz $(FUZZ_DEVICE_FLAGS) \
		-max_total_time=$(FUZZ_SECONDS) \
		-artifact_prefix=$(FUZZ_DEVICE_ARTIFACTS)/ \
		$(FUZZ_DEVICE_CORPUS) $(FUZZ_DEVICE_SEEDS)

fuzz-device-repro: fuzz-device-build
	@test -n "$(FUZZ_INPUT)" || { echo "usage: make fuzz-device-repro FUZZ_INPUT=FILE" >&2; exit 2; }
	cd $(FUZZ_BUILD) && $(FUZZ_DEVICE_ENV) QTEST_LOG=1 $(FUZZ_DEVICE_BIN) \
		--fuzz-target=generic-fuzz -detect_leaks=0 -runs=1 \
		$(abspath $(FUZZ_INPUT))

# The same qtests as make check-qtest-san, built in the fuzz tree (ASan and
# UBSan, q35/pc + virtio-sysmem only: no microvm, so mmio-device is skipped).
fuzz-device-qtest: fuzz-device-build
	ninja -C $(FUZZ_BUILD) qemu-system-x86_64 tests/qtest/qos-test
	TEST_LOG_DIR=$(FUZZ_BUILD)/test-logs $(srcdir)/scripts/run-tests.sh \
		$(FUZZ_QTEST),-r,/x86_64/pc/i440FX-pcihost/pci-bus-pc/pci-bus/virtio-sysmem-pci \
		$(FUZZ_QTEST)$(subst $(space),,$(foreach t,$(FUZZ_QTEST_FUNCS),$(comma)-p$(comma)/x86_64/virtio-sysmem/$(t)))
FUZZ_QTEST := $(srcdir)/scripts/run-qtest.sh::$(FUZZ_BUILD)/qemu-system-x86_64,$(FUZZ_BUILD)/tests/qtest/qos-test
FUZZ_QTEST_FUNCS := migration bad-properties bad-command-line \
	two-devices-isolated max-objects closed-ids-taken reset-under-load \
	unplug-under-load request-flood bound-tokens-taken-until-seen
comma := ,
space := $(subst ,, )

# The FIDL codec (codec/, include/sysmem/): one freestanding copy compiled
# by the device, the guest library and the guest kernel module.
#
#   CODEC_SRCS          absolute paths of the codec sources, for other
#                       components to compile with -I$(srcdir)/include
#   make check-unit     runs the codec unit tests (plain and -san), the
#                       ordinals freshness check, a short fuzz run and the
#                       Kbuild compile check
#   make fuzz-codec     long fuzz run (FUZZ_SECONDS, default 300)
#   make check-codec-kbuild   compile codec/*.c inside a Linux module

CODEC_SRCS := $(addprefix $(srcdir)/codec/, \
	fidl-codec.c fidl-types.c images2.c sysmem2.c sysmem-v1.c methods.c \
	status.c)
CODEC_HDRS := $(wildcard $(srcdir)/include/sysmem/*.h) \
	$(srcdir)/include/sysmem/selectors.txt $(srcdir)/codec/fidl-desc.h

# libvsysmem-codec.a per host flavour (see the top-level Makefile).
$(foreach f,$(HOST_FLAVOURS),$(eval $(call host_static_lib,vsysmem-codec,$(f),$(CODEC_SRCS),$(CODEC_HDRS))))
CODEC_LIB = $(call host_lib,vsysmem-codec,$(1))

CODEC_TESTS := test-codec-wire test-codec-sysmem

define codec_unit_test
$(BUILD)/unit/$(1): $(srcdir)/tests/unit/$(1).c $(srcdir)/tests/unit/codec-test-util.h $(CODEC_HDRS) $(call CODEC_LIB,plain)
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(UNIT_CFLAGS) -o $$@ $$< $(call CODEC_LIB,plain) $$(GLIB_LIBS)
$(BUILD)/unit/$(1)-san: $(srcdir)/tests/unit/$(1).c $(srcdir)/tests/unit/codec-test-util.h $(CODEC_HDRS) $(call CODEC_LIB,san)
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(UNIT_CFLAGS) $$(SAN_FLAGS) -o $$@ $$< $(call CODEC_LIB,san) $$(GLIB_LIBS)
UNIT_TESTS += $(BUILD)/unit/$(1) $(BUILD)/unit/$(1)-san
endef

$(foreach t,$(CODEC_TESTS),$(eval $(call codec_unit_test,$(t))))

# ordinals.h must be what scripts/gen-ordinals.py makes of selectors.txt.
$(BUILD)/unit/test-codec-ordinals-fresh: $(srcdir)/tests/unit/test-codec-ordinals-fresh.sh
	@mkdir -p $(@D)
	$(Q)sed 's|@SRCDIR@|$(srcdir)|g' $< > $@ && chmod +x $@
UNIT_TESTS += $(BUILD)/unit/test-codec-ordinals-fresh

# The codec must build as part of a Linux kernel module.
CODEC_KDIR ?= $(firstword $(wildcard /usr/src/linux-headers-$(shell uname -r)) \
	$(sort $(wildcard /usr/src/linux-headers-*-amd64)))
$(BUILD)/unit/test-codec-kbuild: $(srcdir)/tests/unit/test-codec-kbuild.sh
	@mkdir -p $(@D)
	$(Q)sed -e 's|@SRCDIR@|$(srcdir)|g' -e 's|@KDIR@|$(CODEC_KDIR)|g' \
		-e 's|@WORKDIR@|$(abspath $(BUILD))/codec-kbuild|g' $< > $@ && chmod +x $@
UNIT_TESTS += $(BUILD)/unit/test-codec-kbuild

.PHONY: check-codec-kbuild
check-codec-kbuild: $(BUILD)/unit/test-codec-kbuild
	$(BUILD)/unit/test-codec-kbuild

# libFuzzer target for the decoder.  The smoke run in make check writes
# what it finds into a scratch corpus under $(BUILD), never into the
# committed seed corpus fuzz/codec-corpus.
CODEC_FUZZ := $(BUILD)/fuzz/codec-fuzz
CODEC_FUZZ_CORPUS := $(srcdir)/fuzz/codec-corpus
CODEC_FUZZ_SCRATCH := $(BUILD)/fuzz/codec-scratch-corpus
$(CODEC_FUZZ): $(srcdir)/fuzz/codec-fuzz.c $(CODEC_HDRS) $(call CODEC_LIB,fuzz)
	@mkdir -p $(@D) $(CODEC_FUZZ_SCRATCH)
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -std=gnu11 -I$(srcdir)/include -I$(srcdir) \
		-o $@ $< $(call CODEC_LIB,fuzz)
ALL_TARGETS += $(CODEC_FUZZ)
CHECK_EXTRA += $(CODEC_FUZZ)::-runs=20000,-seed=1,$(CODEC_FUZZ_SCRATCH),$(CODEC_FUZZ_CORPUS)
check-unit: $(CODEC_FUZZ)

FUZZ_SECONDS ?= 300
.PHONY: fuzz-codec
fuzz-codec: $(CODEC_FUZZ)
	$(CODEC_FUZZ) -max_total_time=$(FUZZ_SECONDS) -max_len=65700 \
		-print_final_stats=1 \
		$(CODEC_FUZZ_SCRATCH) $(CODEC_FUZZ_CORPUS)

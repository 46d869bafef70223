# The sysmem core (hw/sysmem/): sources for the QEMU build, unit tests,
# vsysmem-negotiate, the core fuzzer and the core benchmark.
#
#   CORE_SRCS        absolute paths of the core sources (glib + codec only)
#   make check-unit  runs test-region, test-image-format, test-constraints,
#                    test-core, test-core-v1, test-core-snapshot,
#                    test-negotiate (plain and -san) and short runs of the
#                    core and core-snapshot fuzzers
#   make bench-core  aggregation time for 2/16/64 participants and region
#                    fragmentation under churn
#   make fuzz-core   long fuzz run (FUZZ_SECONDS, default 300)
#   make fuzz-core-snapshot  long fuzz run of sysmem_core_load

CORE_SRCS := $(addprefix $(srcdir)/hw/sysmem/, \
	region.c image-format.c constraints.c core.c allocator.c node.c \
	token.c collection.c group.c logical-collection.c v1.c \
	snapshot.c)
CORE_HDRS := $(wildcard $(srcdir)/hw/sysmem/*.h)
# The in-process host the tests, the tool, the fuzzer and the bench share.
CORE_HOST_SRCS := $(srcdir)/tools/vsysmem-negotiate-host.c
CORE_HOST_HDRS := $(srcdir)/tools/vsysmem-negotiate-host.h \
	$(srcdir)/tests/unit/test-core-util.h
CORE_ALL_SRCS := $(CORE_SRCS) $(CODEC_SRCS) $(CORE_HOST_SRCS)
CORE_DEPS := $(CORE_ALL_SRCS) $(CORE_HDRS) $(CORE_HOST_HDRS) $(CODEC_HDRS)

JSON_GLIB_CFLAGS := $(shell pkg-config --cflags json-glib-1.0 2>/dev/null)
JSON_GLIB_LIBS := $(shell pkg-config --libs json-glib-1.0 2>/dev/null)

CORE_TESTS := test-region test-image-format test-constraints test-core \
	test-core-v1 test-core-snapshot test-core-handles

define core_unit_test
$(BUILD)/unit/$(1): $(srcdir)/tests/unit/$(1).c $(CORE_DEPS)
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(UNIT_CFLAGS) -o $$@ $$< $$(CORE_ALL_SRCS) $$(GLIB_LIBS)
$(BUILD)/unit/$(1)-san: $(srcdir)/tests/unit/$(1).c $(CORE_DEPS)
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(UNIT_CFLAGS) $$(SAN_FLAGS) -o $$@ $$< $$(CORE_ALL_SRCS) \
		$$(GLIB_LIBS)
UNIT_TESTS += $(BUILD)/unit/$(1) $(BUILD)/unit/$(1)-san
endef

$(foreach t,$(CORE_TESTS),$(eval $(call core_unit_test,$(t))))

ifneq ($(wildcard $(srcdir)/tools/vsysmem-negotiate.c),)
# vsysmem-negotiate: a JSON scenario through the real core.
NEGOTIATE_SRCS := $(srcdir)/tools/vsysmem-negotiate.c
$(BUILD)/vsysmem-negotiate: $(NEGOTIATE_SRCS) $(CORE_DEPS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(UNIT_CFLAGS) $(JSON_GLIB_CFLAGS) -o $@ $(NEGOTIATE_SRCS) \
		$(CORE_ALL_SRCS) $(JSON_GLIB_LIBS) $(GLIB_LIBS)
$(BUILD)/unit/vsysmem-negotiate-san: $(NEGOTIATE_SRCS) $(CORE_DEPS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(UNIT_CFLAGS) $(SAN_FLAGS) $(JSON_GLIB_CFLAGS) -o $@ \
		$(NEGOTIATE_SRCS) $(CORE_ALL_SRCS) $(JSON_GLIB_LIBS) $(GLIB_LIBS)
ALL_TARGETS += $(BUILD)/vsysmem-negotiate

# test-negotiate runs the tool (plain and sanitized) over the scenarios in
# tests/unit/scenarios/ and compares with the expected outputs.
$(BUILD)/unit/test-negotiate: $(srcdir)/tests/unit/test-negotiate.sh \
		$(BUILD)/vsysmem-negotiate $(BUILD)/unit/vsysmem-negotiate-san
	@mkdir -p $(@D)
	$(Q)sed -e 's|@SRCDIR@|$(srcdir)|g' \
		-e 's|@TOOLS@|$(abspath $(BUILD))/vsysmem-negotiate $(abspath $(BUILD))/unit/vsysmem-negotiate-san|g' \
		$< > $@ && chmod +x $@
UNIT_TESTS += $(BUILD)/unit/test-negotiate
endif

ifneq ($(wildcard $(srcdir)/fuzz/core-fuzz.c),)
# libFuzzer target: random message sequences against one core.
CORE_FUZZ := $(BUILD)/fuzz/core-fuzz
$(CORE_FUZZ): $(srcdir)/fuzz/core-fuzz.c $(CORE_DEPS)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -std=gnu11 -I$(srcdir)/include -I$(srcdir) \
		$(GLIB_CFLAGS) -o $@ $< $(CORE_ALL_SRCS) $(GLIB_LIBS)
ALL_TARGETS += $(CORE_FUZZ)
CHECK_EXTRA += $(CORE_FUZZ)::-runs=5000,-seed=1
check-unit: $(CORE_FUZZ)

.PHONY: fuzz-core
fuzz-core: $(CORE_FUZZ)
	$(CORE_FUZZ) -max_total_time=$(or $(FUZZ_SECONDS),300) -print_final_stats=1
endif

ifneq ($(wildcard $(srcdir)/bench/bench-core.c),)
.PHONY: bench-core
$(BUILD)/bench/bench-core: $(srcdir)/bench/bench-core.c $(CORE_DEPS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(UNIT_CFLAGS) -O2 -o $@ $< $(CORE_ALL_SRCS) $(GLIB_LIBS)
bench-core: $(BUILD)/bench/bench-core
	$(BUILD)/bench/bench-core
endif

ifneq ($(wildcard $(srcdir)/fuzz/core-snapshot-fuzz.c),)
# libFuzzer target: sysmem_core_load of arbitrary and edited snapshots.
SNAPSHOT_FUZZ := $(BUILD)/fuzz/core-snapshot-fuzz
$(SNAPSHOT_FUZZ): $(srcdir)/fuzz/core-snapshot-fuzz.c $(CORE_DEPS)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -std=gnu11 -I$(srcdir)/include -I$(srcdir) \
		$(GLIB_CFLAGS) -o $@ $< $(CORE_ALL_SRCS) $(GLIB_LIBS)
ALL_TARGETS += $(SNAPSHOT_FUZZ)
CHECK_EXTRA += $(SNAPSHOT_FUZZ)::-runs=2000,-seed=1
check-unit: $(SNAPSHOT_FUZZ)

.PHONY: fuzz-core-snapshot
fuzz-core-snapshot: $(SNAPSHOT_FUZZ)
	$(SNAPSHOT_FUZZ) -max_total_time=$(or $(FUZZ_SECONDS),300) \
		-print_final_stats=1
endif

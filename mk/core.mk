# The sysmem core (hw/sysmem/): sources for the QEMU build, unit tests,
# vsysmem-negotiate, the core fuzzer and the core benchmark.
#
#   CORE_SRCS        absolute paths of the core sources (glib + codec only)
#   make check-unit  runs test-region, test-image-format, test-constraints,
#                    test-core, test-core-v1, test-core-snapshot, the ports
#                    of Fuchsia's suites (test-fuchsia-sysmem2 and -sysmem1,
#                    docs/fuchsia-tests.md), test-negotiate (plain and -san)
#                    and short runs of the core and core-snapshot fuzzers
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
	$(srcdir)/tests/unit/test-core-util.h \
	$(srcdir)/tests/unit/fuchsia-port.h
CORE_LIB_SRCS := $(CORE_SRCS) $(CORE_HOST_SRCS)
CORE_LIB_HDRS := $(CORE_HDRS) $(CORE_HOST_HDRS) $(CODEC_HDRS)

# libsysmem-core.a per host flavour; a program links it before the codec's.
$(foreach f,$(HOST_FLAVOURS),$(eval $(call host_static_lib,sysmem-core,$(f),$(CORE_LIB_SRCS),$(CORE_LIB_HDRS))))
# $(call CORE_LIBS,FLAVOUR): the archives a core program links, in order;
# CORE_DEPS: what such a program is rebuilt for besides its own source.
CORE_LIBS = $(call host_lib,sysmem-core,$(1)) $(call host_lib,vsysmem-codec,$(1))
CORE_DEPS = $(CORE_LIB_HDRS) $(call CORE_LIBS,$(1))

CORE_TESTS := test-region test-image-format test-constraints test-core \
	test-core-format \
	test-core-v1 test-core-snapshot test-core-handles test-fuchsia-sysmem2 \
	test-fuchsia-sysmem1

define core_unit_test
$(BUILD)/unit/$(1): $(srcdir)/tests/unit/$(1).c $(call CORE_DEPS,plain)
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(UNIT_CFLAGS) -o $$@ $$< $(call CORE_LIBS,plain) $$(GLIB_LIBS)
$(BUILD)/unit/$(1)-san: $(srcdir)/tests/unit/$(1).c $(call CORE_DEPS,san)
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(UNIT_CFLAGS) $$(SAN_FLAGS) -o $$@ $$< \
		$(call CORE_LIBS,san) $$(GLIB_LIBS)
UNIT_TESTS += $(BUILD)/unit/$(1) $(BUILD)/unit/$(1)-san
endef

$(foreach t,$(CORE_TESTS),$(eval $(call core_unit_test,$(t))))

# vsysmem-negotiate: a JSON scenario through the real core.
# The scenario reader and printer is shared with vsysmemctl (plain C).
SCENARIO_SRCS := $(srcdir)/tools/scenario.c
NEGOTIATE_SRCS := $(srcdir)/tools/vsysmem-negotiate.c $(SCENARIO_SRCS)
$(BUILD)/vsysmem-negotiate: $(NEGOTIATE_SRCS) $(srcdir)/tools/scenario.h \
		$(call CORE_DEPS,plain)
	@mkdir -p $(@D)
	$(Q)$(CC) $(UNIT_CFLAGS) -o $@ $(NEGOTIATE_SRCS) \
		$(call CORE_LIBS,plain) $(GLIB_LIBS)
$(BUILD)/unit/vsysmem-negotiate-san: $(NEGOTIATE_SRCS) $(srcdir)/tools/scenario.h \
		$(call CORE_DEPS,san)
	@mkdir -p $(@D)
	$(Q)$(CC) $(UNIT_CFLAGS) $(SAN_FLAGS) -o $@ $(NEGOTIATE_SRCS) \
		$(call CORE_LIBS,san) $(GLIB_LIBS)
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

# libFuzzer targets: random message sequences against one core, and
# sysmem_core_load of arbitrary and edited snapshots.
CORE_FUZZ := $(BUILD)/fuzz/core-fuzz
SNAPSHOT_FUZZ := $(BUILD)/fuzz/core-snapshot-fuzz
$(CORE_FUZZ) $(SNAPSHOT_FUZZ): $(BUILD)/fuzz/%: $(srcdir)/fuzz/%.c $(call CORE_DEPS,fuzz)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -std=gnu11 -I$(srcdir)/include -I$(srcdir) \
		$(GLIB_CFLAGS) -o $@ $< $(call CORE_LIBS,fuzz) $(GLIB_LIBS)
ALL_TARGETS += $(CORE_FUZZ) $(SNAPSHOT_FUZZ)
CHECK_EXTRA += $(CORE_FUZZ)::-runs=5000,-seed=1 \
	$(SNAPSHOT_FUZZ)::-runs=2000,-seed=1
check-unit: $(CORE_FUZZ) $(SNAPSHOT_FUZZ)

.PHONY: fuzz-core fuzz-core-snapshot
fuzz-core: $(CORE_FUZZ)
	$(CORE_FUZZ) -max_total_time=$(or $(FUZZ_SECONDS),300) -print_final_stats=1
fuzz-core-snapshot: $(SNAPSHOT_FUZZ)
	$(SNAPSHOT_FUZZ) -max_total_time=$(or $(FUZZ_SECONDS),300) \
		-print_final_stats=1

.PHONY: bench-core
$(BUILD)/bench/bench-core: $(srcdir)/bench/bench-core.c $(call CORE_DEPS,plain)
	@mkdir -p $(@D)
	$(Q)$(CC) $(UNIT_CFLAGS) -o $@ $< $(call CORE_LIBS,plain) $(GLIB_LIBS)
bench-core: $(BUILD)/bench/bench-core
	$(BUILD)/bench/bench-core

# The sysmem core (hw/sysmem/): sources for the QEMU build, unit tests,
# vsysmem-negotiate, the core fuzzer and the core benchmark.

CORE_SRCS := $(addprefix $(srcdir)/hw/sysmem/, region.c)
CORE_HDRS := $(wildcard $(srcdir)/hw/sysmem/*.h)

# Unit tests that need only the region allocator.
CORE_REGION_TESTS := test-region

CORE_TEST_DEPS := $(CORE_SRCS) $(CORE_HDRS)

define core_unit_test
$(BUILD)/unit/$(1): $(srcdir)/tests/unit/$(1).c $(CORE_TEST_DEPS)
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(UNIT_CFLAGS) -o $$@ $$< $$(CORE_SRCS) $$(GLIB_LIBS)
$(BUILD)/unit/$(1)-san: $(srcdir)/tests/unit/$(1).c $(CORE_TEST_DEPS)
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(UNIT_CFLAGS) $$(SAN_FLAGS) -o $$@ $$< $$(CORE_SRCS) $$(GLIB_LIBS)
UNIT_TESTS += $(BUILD)/unit/$(1) $(BUILD)/unit/$(1)-san
endef

$(foreach t,$(CORE_REGION_TESTS),$(eval $(call core_unit_test,$(t))))

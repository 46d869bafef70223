# Benchmarks (issue 7; docs/benchmarks.md).  Never part of make check.
#
#   make bench       all five, each a table (median, min, max over repeated
#                    runs, baseline measured in the same run, ratio) and a
#                    JSON record $(BUILD)/bench/<benchmark>-<stamp>.json
#   make bench-host  only the host-side ones (no QEMU): aggregation,
#                    allocation vs memset, region churn
#   make bench-plot  PNG history per metric under $(BUILD)/bench/plots/
#
#   bench-aggregation  1. core aggregation 2/4/16/64 vs codec decode
#   bench-alloc        2. allocation + zero-fill vs memset / hole punch
#   bench-device       3. device round trip (qtest; top-level Makefile)
#   bench-guest        4. in-guest negotiation and mapping bandwidth
#                         (mk/guest.mk)
#   bench-region       5. region allocator churn vs ideal
#
# BENCH_ROUNDS overrides the repetition count of the host benchmarks.

BENCH_DIR := $(BUILD)/bench
BENCH_HOST_PROGS := bench-aggregation bench-alloc bench-region
BENCH_HDRS := $(srcdir)/bench/bench-util.h

# mk/*.mk are read in name order, so CORE_DEPS (mk/core.mk) is still empty
# here: expand it a second time, when the rule is considered, or a bench
# would not be rebuilt after a change to the core it measures.
.SECONDEXPANSION:
define bench_host_prog
$(BENCH_DIR)/$(1): $(srcdir)/bench/$(1).c $(BENCH_HDRS) $$$$(CORE_DEPS)
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(UNIT_CFLAGS) -O2 -o $$@ $$< $$(CORE_ALL_SRCS) $$(GLIB_LIBS)
.PHONY: $(1)
$(1): $(BENCH_DIR)/$(1)
	BENCH_DIR=$(BENCH_DIR) $(BENCH_DIR)/$(1) $(BENCH_ROUNDS)
endef

$(foreach p,$(BENCH_HOST_PROGS),$(eval $(call bench_host_prog,$(p))))

.PHONY: bench-host bench-plot
bench-host: $(BENCH_HOST_PROGS)

bench-plot:
	python3 $(srcdir)/scripts/bench-plot.py $(BENCH_DIR)

# The top-level Makefile's bench target runs bench-device, bench-core and
# bench-guest; this adds the host benchmarks (first: they need no QEMU).
bench: bench-host

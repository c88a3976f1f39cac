# make bench: compile-time and apply-time figures (docs/performance.md).
# A benchmark, not a test: it prints a table and writes bench/results.csv.

BENCH_BUILD = $(BUILD)/bench
BENCH_RUNS ?= 5
BENCH_SIZES ?= 1000 10000 50000

$(BENCH_BUILD)/gentopo: bench/gentopo.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) -o $@ $<

$(BENCH_BUILD)/measure: bench/measure.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) -o $@ $<

$(BENCH_BUILD)/yaml_baseline: bench/yaml_baseline.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) -o $@ $< -lyaml

$(BENCH_BUILD)/netc_scan: bench/netc_scan.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_OBJ) $(LDLIBS)

bench: netc $(BENCH_BUILD)/gentopo $(BENCH_BUILD)/measure $(BENCH_BUILD)/yaml_baseline \
       $(BENCH_BUILD)/netc_scan
	@$(DEPS) bench
	BENCH_BIN=$(BENCH_BUILD) BENCH_RUNS=$(BENCH_RUNS) BENCH_SIZES="$(BENCH_SIZES)" \
		NETC=./netc sh bench/bench.sh

# tests/scaling.bats generates its topologies with gentopo, and runs
# bench/cachesim.sh (with the baseline) on small ones.
check-suite: $(BENCH_BUILD)/gentopo $(BENCH_BUILD)/yaml_baseline

# make bench-cache: instructions and simulated last-level-cache misses per
# domain under cachegrind (bench/cachesim.sh): counts, not seconds.
BENCH_CACHE_SIZES ?= 10000 50000
BENCH_CACHE_TARGETS ?= check json

bench-cache: netc $(BENCH_BUILD)/gentopo $(BENCH_BUILD)/yaml_baseline
	@$(DEPS) bench
	BENCH_BIN=$(BENCH_BUILD) BENCH_CACHE_SIZES="$(BENCH_CACHE_SIZES)" \
		BENCH_CACHE_TARGETS="$(BENCH_CACHE_TARGETS)" BENCH_CACHE_LL="$(BENCH_CACHE_LL)" \
		NETC=./netc sh bench/cachesim.sh

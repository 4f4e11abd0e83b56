# Toolchains the tests run against, by role: the local go, the oldest and
# newest supported minors and the last minor with _Psyscall, each its
# newest patch (package releases resolves them from the plans' "releases"
# lines and the module proxy's list; offline, from the module cache).
TEST_GO ?= local,oldest,last-psyscall,newest
# Go's own test packages for verify-std; empty for verifystd's default
# (go doc ./tools/verifystd).
STD ?=

.PHONY: demo test bench percall vet versions verify-std snapshots attribution torture stress

# Build the embedded demo with the overlay, run it and print its report.
demo:
	go run ./tools/syscope demo

# Vet, unit tests, and the testscript suites against every toolchain in
# TEST_GO (fetched through the module proxy). Not -short: a skipped
# scenario fails this run, which needs the module proxy (toolchains), gcc,
# strace and root (setuid.txtar). `go test -short ./...` is the quick run
# that needs no network and no root.
test: vet
	SYSCOPE_TEST_GO=$(TEST_GO) go test -count=1 -timeout=40m ./...

vet:
	@test -z "$$(gofmt -l . | tee /dev/stderr)"
	go vet ./...

# Instructions added per syscall.Syscall(SYS_GETPID) and per runtime
# futex call (callgrind), interleaved wall-clock rounds (getpid loop,
# contended sync.Mutex, 4 KiB reads, a net/http server's requests per
# second) against vanilla and runtime/trace compared with benchstat (pinned
# by go.mod's tool directive), and RSS per thread with 2,000 threads,
# written with the date and machine to docs/bench.md. 30 rounds, so that
# the http server's requests per second resolve a few percent.
BENCH_GO ?= local oldest newest
bench:
	go run ./tools/bench -wall bench.out -pairs 30 -o docs/bench.md $(BENCH_GO)

# What syscope adds to a getpid call (paired runs, medians) and the
# recorder's parts each timed alone (clock, slot, histogram, sampling),
# written with the date and machine to docs/percall.md.
percall:
	go run ./tools/percall -o docs/percall.md

# The stop-the-world of one snapshot (SYSCOPE_INTERVAL=50ms): p50, p99 and
# max of stw_ns over 200 snapshots, with 10,000 goroutines and 1,000
# threads in read(2) against a small baseline, with and without stacks,
# cross-checked with runtime/metrics' /sched/pauses/total/other:seconds
# (go1.22+), written with the date and machine to docs/snapshots.md. Slow
# (minutes); not part of `make test`.
SNAP_GO ?= local oldest newest
snapshots:
	go run ./tools/stwbench -o docs/snapshots.md $(SNAP_GO)

# Whom the thread-creation profile charges on patterns that services
# have (blocking reads, fsync, an HTTP handler, cgo calls, two functions
# blocking for different times), 3 runs each on the newest patch of every
# supported minor, every run's totals exact, written with the date and
# machine to docs/attribution.md. Minutes; not part of `make test`.
ATTR_GO ?= all
attribution:
	go run ./tools/attribution -o docs/attribution.md $(ATTR_GO)

# The release matrix: overlay, build, exact counts and the testscript
# suite for the newest patch of every supported minor; ALL=1 generates and
# builds every patch release of them. Written to docs/versions.md.
versions:
	go run ./tools/versions -o docs/versions$(if $(ALL),-all).md $(if $(ALL),-all)

# Go's own tests with and without the overlay, compared test by test.
# VERIFY_GO names other toolchains (oldest,newest,go1.21.13, ...);
# VERIFY_GO=all runs the newest patch of every supported minor and
# writes docs/std.md. Hours on 2 cores.
verify-std:
	go run ./tools/verifystd $(if $(STD),-pkgs $(STD)) $(if $(VERIFY_GO),-go $(VERIFY_GO)) $(if $(filter all,$(VERIFY_GO)),-o docs/std.md)

# The torture scenarios (torture.txtar: metrics.Read loops, snapshots
# every 10ms, stacks that grow and move, thread exits, GCs, SIGPROF,
# exec, cgo and C threads, SIGTERM at a random moment, -race;
# badlive.txtar; unknown.txtar) on the oldest, local and newest
# releases, each torture run TORTURE_DURATION long, TORTURE_COUNT times
# over. make test runs them once, 2s each.
TORTURE_GO ?= local,oldest,newest
TORTURE_DURATION ?= 60s
TORTURE_COUNT ?= 10
torture:
	SYSCOPE_TEST_GO=$(TORTURE_GO) TORTURE_DURATION=$(TORTURE_DURATION) go test -count=$(TORTURE_COUNT) -timeout=0 -v -run 'TestScripts/.*/(torture|badlive|unknown)$$' ./testscript

# The concurrency-sensitive scenarios under golang.org/x/tools/cmd/stress
# (pinned by go.mod's tool directive): the testscript binary, built once,
# run STRESS_P at a time until STRESS_COUNT runs, each scenario against
# STRESS_GO; a failing run's output goes to /tmp/go-stress-*.
STRESS_GO ?= local
STRESS_COUNT ?= 20
STRESS_P ?= 1
STRESS_RUN ?= TestScripts/.*/(unknown|torture|badlive|live|snapshots|endings_signals)$$
stress:
	go test -c -o testscript/testscript.test ./testscript
	cd testscript && SYSCOPE_TEST_GO=$(STRESS_GO) go tool stress -p $(STRESS_P) -count $(STRESS_COUNT) -timeout 20m ./testscript.test -test.run '$(STRESS_RUN)'
	rm -f testscript/testscript.test

# Toolchains the tests run against: the local go, the oldest and newest
# supported releases, and the last release with _Psyscall.
TEST_GO ?= local,go1.16.15,go1.25.14,go1.27.4
# Go's own test packages for verify-std.
STD ?= syscall,os/exec,os/signal,internal/poll,os,net,time,sync,runtime

.PHONY: demo test bench vet versions verify-std

# Build the embedded demo with the overlay, run it and print its report.
demo:
	go run ./tools/syscope demo

# Vet, unit tests, and the testscript suites against every toolchain in
# TEST_GO (fetched through the module proxy with GOTOOLCHAIN).
test: vet
	SYSCOPE_TEST_GO=$(TEST_GO) go test -count=1 -timeout=40m ./...

vet:
	@test -z "$$(gofmt -l . | tee /dev/stderr)"
	go vet ./...

# Instructions added per syscall.Syscall(SYS_GETPID) and per runtime
# futex call (callgrind), and paired wall-clock runs (getpid loop, contended
# sync.Mutex) compared with benchstat.
BENCH_GO ?= local go1.16.15 go1.27.4
bench:
	go run ./tools/bench -wall bench.out $(BENCH_GO)
	for tc in $(BENCH_GO); do go run golang.org/x/perf/cmd/benchstat@latest vanilla=bench.out/$$tc-vanilla.txt syscope=bench.out/$$tc-syscope.txt; done

# The release matrix: overlay, build, exact counts and the testscript
# suite for the newest patch of every minor; ALL=1 generates and builds
# every patch release since go1.16.0.
versions:
	go run ./tools/versions $(if $(ALL),-all)

# Go's own tests with and without the overlay, compared.
verify-std:
	go run ./tools/verifystd -pkgs $(STD)

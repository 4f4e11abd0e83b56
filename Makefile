# Toolchains the tests run against, besides the local go.
TEST_GO ?= local,go1.25.14,go1.27.4

.PHONY: demo test bench vet

# Build the embedded demo with the overlay, run it and print its report.
demo:
	go run ./tools/syscope demo

# Vet, unit tests, and the testscript suites against every toolchain in
# TEST_GO (fetched through the module proxy with GOTOOLCHAIN).
test: vet
	SYSCOPE_TEST_GO=$(TEST_GO) go test -count=1 ./...

vet:
	@test -z "$$(gofmt -l . | tee /dev/stderr)"
	go vet ./...

# Instructions added per syscall.Syscall(SYS_GETPID) (callgrind), and a
# paired wall-clock run compared with benchstat.
bench:
	go run ./tools/bench -wall bench.out local go1.27.4
	go run golang.org/x/perf/cmd/benchstat@latest vanilla=bench.out/vanilla.txt syscope=bench.out/syscope.txt

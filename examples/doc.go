// Package examples holds the scenarios that show what syscope finds
// across Go releases, each with its finding checked by examples_test.go:
//
//   - futex.txtar, for `syscope bisect`: the article's RawSyscall futex
//     wait times out on go1.13 and is cut short with EINTR from go1.14 on;
//     a bisect from go1.13 names go1.14.x.
//   - threadgrowth.txtar, for `syscope matrix`: N goroutines blocked in
//     read(2) with GOMAXPROCS=2 make the runtime create about N threads,
//     on every release.
//   - exitsplit.txtar, for `syscope matrix`: phases that each take one
//     syscall exit path give the same split on go1.25 and go1.26, across
//     the rewrite that removed _Psyscall; under a contended load (-mode
//     contended) go1.26 retakes about twice as many Ps from sleepers.
//   - threadcreate.txtar, for `syscope pprof`: 32 goroutines blocked in
//     read(2) in blockRead make about 32 threads; syscope's threads
//     profile charges them to blockRead, which runtime/pprof's
//     threadcreate profile of the same run never names (golang/go#6104).
//
// The tests run the real command against released toolchains, fetched
// through the module proxy. SYSCOPE_EXAMPLES=all widens them to every
// supported minor release and adds the contended and mixed loads, which
// need a quiet machine.
package examples

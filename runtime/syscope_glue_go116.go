//go:build ignore && !go1.20

// Glue for runtime internals that changed between releases: how the world
// stops, the forcegc and panicking flags, and the extra M's in-C mark. One
// file per range of releases; the go command picks it by release tag.

package runtime

import "runtime/internal/atomic"

func syscopeStopWorld()  { stopTheWorld("syscope dump") }
func syscopeStartWorld() { startTheWorld() }

// forcegchelper takes the snapshots, none once the process is dying
// (syscope_snap.go).
func syscopeForcegcIdle() bool { return atomic.Load(&forcegc.idle) != 0 }
func syscopeForcegcTake()      { forcegc.idle = 0 }
func syscopePanicking() bool   { return atomic.Load(&panicking) != 0 }

// Before go1.21 an extra M is dropped after every callback.
func syscopeInC(mp *m) bool    { return false }
func syscopeInCPrefetch(mp *m) {}

//go:build ignore && go1.20 && !go1.21

// Glue for runtime internals that changed between releases: how the world
// stops, the forcegc and panicking flags, and the extra M's in-C mark. One
// file per range of releases; the go command picks it by release tag.

package runtime

func syscopeStopWorld()  { stopTheWorld("syscope dump") }
func syscopeStartWorld() { startTheWorld() }

// forcegchelper takes the snapshots, none once the process is dying
// (syscope_snap.go).
func syscopeForcegcIdle() bool { return forcegc.idle.Load() }
func syscopeForcegcTake()      { forcegc.idle.Store(false) }
func syscopePanicking() bool   { return panicking.Load() != 0 }

// Before go1.21 an extra M is dropped after every callback.
func syscopeInC(mp *m) bool    { return false }
func syscopeInCPrefetch(mp *m) {}

//go:build ignore && go1.21 && !go1.22

// Glue for runtime internals that changed between releases: how the world
// stops, the forcegc and panicking flags, and the extra M's in-C mark. One
// file per range of releases; the go command picks it by release tag.

package runtime

import "unsafe"

func syscopeStopWorld()  { stopTheWorld(stwReadMemStats) }
func syscopeStartWorld() { startTheWorld() }

// forcegchelper takes the snapshots, none once the process is dying
// (syscope_snap.go).
func syscopeForcegcIdle() bool { return forcegc.idle.Load() }
func syscopeForcegcTake()      { forcegc.idle.Store(false) }
func syscopePanicking() bool   { return panicking.Load() != 0 }

func syscopeInC(mp *m) bool    { return mp.isExtraInC }
func syscopeInCPrefetch(mp *m) { syscopePrefetch(uintptr(unsafe.Pointer(&mp.isExtraInC))) }

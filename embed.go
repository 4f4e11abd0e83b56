// Package syscope holds the files the overlay generator embeds: the hook
// plans (patches/) and the sources syscope adds to package runtime
// (runtime/), to runtime/metrics (its /syscope/ metrics), to
// runtime/pprof (the live "syscope" profile) and to net/http/pprof (the
// profile's ?seconds=N form and description). Package
// syscall and internal/runtime/syscall get no added file: the plans
// patch their SYSCALL instructions in place, calling into
// runtime/syscope_amd64.s. See tools/syscope for the command.
package syscope

import "embed"

// Files are the plans, the files they include and the added sources.
// go:embed cannot reach "..", so this file sits at the module root.
//
//go:embed patches/*.plan patches/*.inc runtime/*.go runtime/*.s runtime/metrics/*.go runtime/pprof/*.go net/http/pprof/*.go
//go:embed demo/demo.txtar
var Files embed.FS

// Generator is the overlay generator's own source and the system call
// names it writes into every overlay. The overlay cache key hashes it,
// so a change to how overlays are made never reuses one made before.
//
//go:embed overlay/*.go overlay/plan/*.go internal/sysnames/*.go
var Generator embed.FS

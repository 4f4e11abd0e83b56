//go:build ignore

// In an instrumented build, runtime/pprof has the cumulative profile
// "syscope" (runtime/pprof/syscope_profile.go): its ?seconds=N form is
// the difference over N seconds, as for the runtime's own cumulative
// profiles, and the index page says what it is.

package pprof

func init() {
	profileSupportsDelta["syscope"] = true
	profileDescriptions["syscope"] = "System calls by call site, from syscope: calls, time in them, Ps lost and retaken, and threads created"
}

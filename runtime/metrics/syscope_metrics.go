//go:build ignore

// Syscope's metrics in runtime/metrics: the overlay adds this file and
// the generated zsyscope_metrics.go to the package, and the runtime's
// initMetrics registers the same names (runtime/syscope_metrics.go).

package metrics

// init merges syscopeDescs into allDesc, keeping All's list sorted by
// name as the release's own table is. It runs after the package's other
// init functions whatever their order: it inserts by name and needs no
// other entry to be in place. It imports nothing, so it builds on every
// release from go1.16.
func init() {
	merged := make([]Description, 0, len(allDesc)+len(syscopeDescs))
	i := 0
	for _, d := range allDesc {
		for i < len(syscopeDescs) && syscopeDescs[i].Name < d.Name {
			merged = append(merged, syscopeDescs[i])
			i++
		}
		merged = append(merged, d)
	}
	allDesc = append(merged, syscopeDescs[i:]...)
}

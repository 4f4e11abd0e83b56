package matrix

import (
	"fmt"

	"github.com/syscope/syscope/dump"
	"github.com/syscope/syscope/dump/metric"
)

// WallMS is the metric that the matrix measures itself: the run's wall
// time in milliseconds, from start to exit.
const WallMS = "wall_ms"

// MetricHelp describes the metric names, for a flag's help.
func MetricHelp() string {
	return metric.Help() + ", or " + WallMS
}

// CheckMetric reports whether name is a metric the matrix can tabulate:
// one of package metric's, or wall_ms.
func CheckMetric(name string) error {
	if name == WallMS {
		return nil
	}
	_, err := metric.Parse(name)
	return err
}

// Value reads a metric from a dump, as metric.Value does. wall_ms is not
// in a dump: it is an error here.
func Value(d *dump.Dump, name string) (float64, error) {
	if name == WallMS {
		return 0, fmt.Errorf("%s is measured by the matrix, not read from a dump", WallMS)
	}
	return metric.Value(d, name)
}

package main

import (
	"fmt"
	"strings"

	"github.com/syscope/syscope/dump"
	"github.com/syscope/syscope/overlay/plan"
)

const versionsUsage = "versions"

func runVersions(args []string) error {
	if len(args) != 0 {
		return errUsage
	}
	plans, err := plan.All()
	if err != nil {
		return err
	}
	for _, p := range plans {
		fmt.Printf("%s: %s through %s.x\n", p.Name, p.First, p.Last)
		un := map[string]bool{}
		for _, u := range p.Unsupported {
			un[u] = true
		}
		var rec []string
		for _, e := range dump.EventNames {
			if !un[e] {
				rec = append(rec, e)
			}
		}
		fmt.Printf("\trecords: %s\n", strings.Join(rec, " "))
		if len(p.Unsupported) > 0 {
			fmt.Printf("\tcannot occur (n/a): %s\n", strings.Join(p.Unsupported, " "))
		}
	}
	return nil
}

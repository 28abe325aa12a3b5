package main

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
)

func logCount(scanned bool, n int) string {
	if !scanned {
		return "?"
	}
	return strconv.Itoa(n)
}

// percentiles sorts lat and renders its p50, p90, p99 and max as table
// cells.
func percentiles(lat []time.Duration) string {
	if len(lat) == 0 {
		return "-\t-\t-\t-\t"
	}
	slices.Sort(lat)
	return fmt.Sprintf("%s\t%s\t%s\t%s\t", ms(rank(lat, 0.50)), ms(rank(lat, 0.90)), ms(rank(lat, 0.99)), ms(lat[len(lat)-1]))
}

// rank is the q-quantile of sorted (0 when it is empty), the one
// percentile rule of both runs: the nearest rank, the ceil(q·n)-th
// smallest, so that at least q of the requests took that long or less.
func rank(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted))-1e-9)) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond)) }

func mib(b int64) string {
	if b < 0 {
		return "?"
	}
	return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
}

func num(n int64) string {
	if n < 0 {
		return "?"
	}
	return strconv.FormatInt(n, 10)
}

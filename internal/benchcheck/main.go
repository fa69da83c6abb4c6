// Command benchcheck judges benchmark output. It reads `go test -bench`
// output on stdin (with -count repetitions or without), takes the median of
// every benchmark, prints them as a table and exits 1 when a target is
// missed. By default it judges BenchmarkGenerate: generation must grow
// linearly and the provider specs must be fast:
//
//	go test ./generator -run '^$' -bench BenchmarkGenerate -benchmem -count 5 | go run ./internal/benchcheck
//
// With -receive it judges bench/'s receivers (make bench-receive): the
// generated Server at most half of ogen's time and no more allocations,
// within twice the floor, and decoding at least 3x faster than
// encoding/json for every payload; and the shared de-duplication store on
// Redis at most two round trips per delivery and, from 64 clients, within
// 3x the in-memory Server's time per delivery, and hand-off to JetStream
// within 5x.
//
// Medians, not means, because one run disturbed by a busy machine should
// not decide the verdict.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// The benchmarks the verdict is about.
const (
	specsBench = "BenchmarkGenerate/specs"
	smallBench = "BenchmarkGenerate/messages=1000"
	largeBench = "BenchmarkGenerate/messages=10000"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is main with its inputs and outputs passed in, for the tests. It
// returns the exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("benchcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var lim limits
	fs.Float64Var(&lim.ratio, "ratio", 12, "the most time "+largeBench+" may take, as a multiple of "+smallBench)
	fs.DurationVar(&lim.specs, "specs", time.Second, specsBench+" must take less than this")
	receive := fs.Bool("receive", false, "judge the receiver benchmarks of bench/ instead")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	res, err := parse(stdin)
	if err != nil {
		fmt.Fprintf(stderr, "benchcheck: reading the benchmark output: %v\n", err)
		return 1
	}
	if len(res.order) == 0 {
		fmt.Fprintln(stderr, "benchcheck: no benchmark results on stdin; pipe `go test -bench` output into it")
	} else {
		printTable(stdout, res)
		fmt.Fprintln(stdout)
	}
	problems, ok := verdict(stdout, res, lim), "ok: generation grows linearly and the provider specs are fast"
	if *receive {
		problems, ok = receiveVerdict(stdout, res), "ok: the receiver meets the fast path's targets"
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(stderr, "FAIL", p)
		}
		return 1
	}
	fmt.Fprintln(stdout, ok)
	return 0
}

// limits are the thresholds of the verdict.
type limits struct {
	ratio float64       // largeBench / smallBench, at most
	specs time.Duration // specsBench, strictly less than
}

// results are the runs of every benchmark in the input.
type results struct {
	order []string                        // names in order of first appearance
	runs  map[string][]map[string]float64 // name → one unit→value map per run
	fails []string                        // lines saying a test or benchmark failed
}

// procSuffix is the -GOMAXPROCS suffix go test appends to benchmark names;
// runs on machines with different CPU counts compare under one name.
var procSuffix = regexp.MustCompile(`-\d+$`)

// parse reads benchmark result lines, "BenchmarkName-8  100  123 ns/op
// 45 B/op ...", and ignores everything else except failures.
func parse(r io.Reader) (*results, error) {
	res := &results{runs: map[string][]map[string]float64{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "--- FAIL") || strings.HasPrefix(trimmed, "FAIL") || strings.HasPrefix(trimmed, "panic:") {
			res.fails = append(res.fails, trimmed)
			continue
		}
		name, vals, ok := resultLine(line)
		if !ok {
			continue
		}
		if _, seen := res.runs[name]; !seen {
			res.order = append(res.order, name)
		}
		res.runs[name] = append(res.runs[name], vals)
	}
	return res, sc.Err()
}

// resultLine splits one result line into the benchmark's name and its
// measurements by unit. A line that is not a result (a header, a name
// printed before the benchmark logs something) reports false.
func resultLine(line string) (string, map[string]float64, bool) {
	f := strings.Fields(line)
	if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
		return "", nil, false
	}
	if _, err := strconv.Atoi(f[1]); err != nil {
		return "", nil, false
	}
	vals := map[string]float64{}
	for i := 2; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return "", nil, false
		}
		vals[f[i+1]] = v
	}
	if _, ok := vals["ns/op"]; !ok {
		return "", nil, false
	}
	return procSuffix.ReplaceAllString(f[0], ""), vals, true
}

// median returns the median of unit over a benchmark's runs, and whether
// any run measured it.
func (r *results) median(name, unit string) (float64, bool) {
	var xs []float64
	for _, run := range r.runs[name] {
		if v, ok := run[unit]; ok {
			xs = append(xs, v)
		}
	}
	if len(xs) == 0 {
		return 0, false
	}
	slices.Sort(xs)
	if n := len(xs); n%2 == 0 {
		return (xs[n/2-1] + xs[n/2]) / 2, true
	}
	return xs[len(xs)/2], true
}

// printTable writes the median of every benchmark.
func printTable(w io.Writer, r *results) {
	// Numbers align right; names are padded here so they stay on the left.
	width := len("benchmark")
	for _, name := range r.order {
		width = max(width, len(name))
	}
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%-*s\truns\ttime/op\tB/op\tallocs/op\tns/message\t\n", width, "benchmark")
	cell := func(name, unit string, format func(float64) string) string {
		if v, ok := r.median(name, unit); ok {
			return format(v)
		}
		return "-"
	}
	count := func(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }
	for _, name := range r.order {
		fmt.Fprintf(tw, "%-*s\t%d\t%s\t%s\t%s\t%s\t\n", width, name, len(r.runs[name]),
			cell(name, "ns/op", duration), cell(name, "B/op", count),
			cell(name, "allocs/op", count), cell(name, "ns/message", count))
	}
	tw.Flush()
}

// duration spells nanoseconds the way people read them: 81.5ms, 1.2s.
func duration(ns float64) string {
	d := time.Duration(ns)
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(10 * time.Nanosecond).String()
}

// verdict writes what it checked to w and returns the problems found.
func verdict(w io.Writer, r *results, lim limits) []string {
	var problems []string
	for _, f := range r.fails {
		problems = append(problems, "the benchmark run failed: "+f)
	}
	missing := func(name string) string {
		return fmt.Sprintf("no result for %s; run go test ./generator -run '^$' -bench BenchmarkGenerate -benchmem", name)
	}

	if specs, ok := r.median(specsBench, "ns/op"); !ok {
		problems = append(problems, missing(specsBench))
	} else if time.Duration(specs) >= lim.specs {
		problems = append(problems, fmt.Sprintf("%s takes %s for all specs; it must stay under %s", specsBench, duration(specs), lim.specs))
	} else {
		fmt.Fprintf(w, "specs: all provider specs in %s (limit %s)\n", duration(specs), lim.specs)
	}

	small, okSmall := r.median(smallBench, "ns/op")
	large, okLarge := r.median(largeBench, "ns/op")
	switch {
	case !okSmall:
		problems = append(problems, missing(smallBench))
	case !okLarge:
		problems = append(problems, missing(largeBench))
	case small <= 0:
		problems = append(problems, fmt.Sprintf("%s reports %v ns/op; cannot compute a ratio", smallBench, small))
	default:
		ratio := large / small
		if ratio > lim.ratio {
			problems = append(problems, fmt.Sprintf(
				"10x the messages takes %.1fx the time (%s: %s, %s: %s); linear growth allows at most %gx: something in parse or generate is super-linear, profile it with -cpuprofile",
				ratio, largeBench, duration(large), smallBench, duration(small), lim.ratio))
		} else {
			fmt.Fprintf(w, "scaling: 10x the messages takes %.1fx the time (limit %gx)\n", ratio, lim.ratio)
		}
	}
	return problems
}

// The receiver benchmarks of bench/, by the names go test gives them.
const (
	serverBench = "BenchmarkServer/server="
	decodeBench = "BenchmarkDecode/payload="
)

// receiveVerdict writes what it checked of bench/'s results to w and
// returns the problems found: the targets of the fast path, as ratios of
// medians measured in one interleaved run.
func receiveVerdict(w io.Writer, r *results) []string {
	var problems []string
	for _, f := range r.fails {
		problems = append(problems, "the benchmark run failed: "+f)
	}
	get := func(name, unit string) float64 {
		v, ok := r.median(name, unit)
		if !ok || v <= 0 {
			problems = append(problems, fmt.Sprintf("no %s result for %s; run make bench-receive", unit, name))
			return 0
		}
		return v
	}
	check := func(ok bool, format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		if !ok {
			problems = append(problems, msg)
			return
		}
		fmt.Fprintln(w, msg)
	}
	hookgen, ogen, floor := get(serverBench+"hookgen", "ns/op"), get(serverBench+"ogen", "ns/op"), get(serverBench+"floor", "ns/op")
	hookgenAllocs, ogenAllocs := get(serverBench+"hookgen", "allocs/op"), get(serverBench+"ogen", "allocs/op")
	if len(problems) > 0 {
		return problems
	}
	check(hookgen <= ogen/2, "server: hookgen takes %.2fx ogen's time (target at most 0.5x)", hookgen/ogen)
	check(hookgenAllocs <= ogenAllocs, "server: hookgen makes %.0f allocations, ogen %.0f (target no more)", hookgenAllocs, ogenAllocs)
	check(hookgen <= 2*floor, "server: hookgen takes %.2fx the floor's time (target at most 2x)", hookgen/floor)
	if off, ok := r.median(serverBench+"hookgen_otel_off", "ns/op"); ok {
		check(off <= 1.1*hookgen, "server: with OpenTelemetry off hookgen takes %.2fx its time without (target within noise, at most 1.1x)", off/hookgen)
	}
	if on, ok := r.median(serverBench+"hookgen_otel", "ns/op"); ok {
		fmt.Fprintf(w, "server: with OpenTelemetry on (SDK providers, nothing exported) hookgen takes %.2fx its time without\n", on/hookgen)
	}
	payloads := 0
	for _, name := range r.order {
		rest, ok := strings.CutPrefix(name, decodeBench)
		payload, decoder, _ := strings.Cut(rest, "/decoder=")
		if !ok || decoder != "hookgen" {
			continue
		}
		payloads++
		gen, std := get(name, "ns/op"), get(decodeBench+payload+"/decoder=encoding_json", "ns/op")
		if gen > 0 && std > 0 {
			check(std >= 3*gen, "decode %s: %.1fx faster than encoding/json (target at least 3x)", payload, std/gen)
		}
	}
	if payloads == 0 {
		problems = append(problems, "no "+decodeBench+"*/decoder=hookgen results; run make bench-receive")
	}
	problems = append(problems, scaleVerdict(w, r)...)
	return problems
}

// The scale benchmarks of bench/ (scale_test.go): deliveries over loopback
// HTTP, one at a time and from 64 clients, to the Server with the
// in-memory Deduper (receiver=memory), with the Redis one and in
// hand-off mode to JetStream.
const (
	scaleBench         = "BenchmarkScale/receiver="
	scaleParallelBench = "BenchmarkScaleParallel/receiver="
)

// scaleTargets are the shared receivers and the most time a delivery may
// take, as a multiple of the in-memory Server's: from 64 clients, and one
// at a time where one says so. Redis's one at a time is judged against
// the round trips it needs instead (redisFloorSlack).
var scaleTargets = []struct {
	name       string
	ratio      float64
	oneAtATime bool
}{
	{"redis", 3, false},
	{"jetstream", 5, true},
}

// One delivery at a time with the Redis Deduper may take at most
// redisFloorSlack times receiver=redis-floor's: the in-memory Deduper
// plus a Redis PING in its claim and its commit, so the same two round
// trips; the slack is the store's own work (a Lua script for the commit)
// and the noise of those round trips. Its 3x target is reported, not
// judged: on an idle VM a loopback
// round trip to another process costs a CPU wake-up on each side (on the
// 2-core machine 60-90 us idle, 10-25 us with a core kept busy), so two of
// them cost more than three in-process HTTP deliveries.
const redisFloorSlack = 1.5

// maxRedisRoundTrips bounds the Redis round trips of a delivery: the claim
// and the commit.
const maxRedisRoundTrips = 2

// scaleVerdict judges the scale benchmarks against scaleTargets. From 64
// clients the store's round trips overlap as they do in a busy receiver.
func scaleVerdict(w io.Writer, r *results) []string {
	var problems []string
	get := func(name, unit string) float64 {
		v, ok := r.median(name, unit)
		if !ok || v <= 0 {
			problems = append(problems, fmt.Sprintf("no %s result for %s; run make bench-receive (it needs redis-server: make services installs it)", unit, name))
			return 0
		}
		return v
	}
	mem, memPar := get(scaleBench+"memory", "ns/op"), get(scaleParallelBench+"memory", "ns/op")
	for _, t := range scaleTargets {
		one, par := get(scaleBench+t.name, "ns/op"), get(scaleParallelBench+t.name, "ns/op")
		if mem <= 0 || memPar <= 0 || one <= 0 || par <= 0 {
			continue
		}
		judged := "reported"
		if t.oneAtATime {
			judged = fmt.Sprintf("target at most %gx", t.ratio)
		}
		msg := fmt.Sprintf("scale %s: %.2fx the in-memory Server's time per delivery from 64 clients, %.0f deliveries/s (target at most %gx); one at a time %s, %.2fx (%s)",
			t.name, par/memPar, 1e9/par, t.ratio, duration(one), one/mem, judged)
		if par > t.ratio*memPar || t.oneAtATime && one > t.ratio*mem {
			problems = append(problems, msg)
		} else {
			fmt.Fprintln(w, msg)
		}
	}
	if one, floor := get(scaleBench+"redis", "ns/op"), get(scaleBench+"redis-floor", "ns/op"); one > 0 && floor > 0 {
		msg := fmt.Sprintf("scale redis: one at a time %s, %.2fx the in-memory Deduper with the same %d Redis round trips, %s (target at most %gx)",
			duration(one), one/floor, maxRedisRoundTrips, duration(floor), redisFloorSlack)
		if one > redisFloorSlack*floor {
			problems = append(problems, msg)
		} else {
			fmt.Fprintln(w, msg)
		}
	}
	if rt := get(scaleBench+"redis", "redis-rt/op"); rt > 0 {
		msg := fmt.Sprintf("scale redis: %.2f Redis round trips per delivery (target at most %d)", rt, maxRedisRoundTrips)
		if rt > maxRedisRoundTrips {
			problems = append(problems, msg)
		} else {
			fmt.Fprintln(w, msg)
		}
	}
	return problems
}

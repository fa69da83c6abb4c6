package main

import (
	"bytes"
	"strings"
	"testing"
)

// passing is go test -bench -count 3 output in which 10,000 messages take
// 10.5x the time of 1,000 (medians 1.05s and 100ms) and the specs 80ms.
const passing = `goos: linux
goarch: amd64
pkg: github.com/hookgen/hookgen/generator
cpu: AMD EPYC
BenchmarkGenerate/specs-2         	      20	  81500098 ns/op	         2.000 specs	 5839982 B/op	   93520 allocs/op
BenchmarkGenerate/specs-2         	      20	  80000000 ns/op	         2.000 specs	 5839990 B/op	   93520 allocs/op
BenchmarkGenerate/specs-2         	      20	  79000000 ns/op	         2.000 specs	 5839970 B/op	   93520 allocs/op
BenchmarkGenerate/messages=100-2  	      12	  10000000 ns/op	   0.23 MB/s	    100000 ns/message	58520064 B/op	  835505 allocs/op
BenchmarkGenerate/messages=100-2  	      12	  11000000 ns/op	   0.23 MB/s	    110000 ns/message	58520064 B/op	  835505 allocs/op
BenchmarkGenerate/messages=100-2  	      12	   9000000 ns/op	   0.23 MB/s	     90000 ns/message	58520064 B/op	  835505 allocs/op
BenchmarkGenerate/messages=1000-2 	       1	 100000000 ns/op	   0.22 MB/s	    100000 ns/message	627258856 B/op	 8262707 allocs/op
BenchmarkGenerate/messages=1000-2 	       1	 500000000 ns/op	   0.22 MB/s	    500000 ns/message	627258856 B/op	 8262707 allocs/op
BenchmarkGenerate/messages=1000-2 	       1	  90000000 ns/op	   0.22 MB/s	     90000 ns/message	627258856 B/op	 8262707 allocs/op
BenchmarkGenerate/messages=10000-2	       1	1050000000 ns/op	   0.22 MB/s	    105000 ns/message	6272588560 B/op	82627070 allocs/op
BenchmarkGenerate/messages=10000-2	       1	1000000000 ns/op	   0.22 MB/s	    100000 ns/message	6272588560 B/op	82627070 allocs/op
BenchmarkGenerate/messages=10000-2	       1	1100000000 ns/op	   0.22 MB/s	    110000 ns/message	6272588560 B/op	82627070 allocs/op
PASS
ok  	github.com/hookgen/hookgen/generator	21.218s
`

func TestParseMedians(t *testing.T) {
	r, err := parse(strings.NewReader(passing))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{specsBench, "BenchmarkGenerate/messages=100", smallBench, largeBench}
	if strings.Join(r.order, " ") != strings.Join(want, " ") {
		t.Fatalf("benchmarks %q, want %q", r.order, want)
	}
	for _, c := range []struct {
		name, unit string
		want       float64
	}{
		{specsBench, "ns/op", 80000000},
		{smallBench, "ns/op", 100000000}, // the 500ms outlier does not count
		{largeBench, "ns/op", 1050000000},
		{largeBench, "allocs/op", 82627070},
		{"BenchmarkGenerate/messages=100", "ns/message", 100000},
	} {
		got, ok := r.median(c.name, c.unit)
		if !ok || got != c.want {
			t.Errorf("median %s %s = %v, %v; want %v", c.name, c.unit, got, ok, c.want)
		}
	}
	if _, ok := r.median(specsBench, "ns/message"); ok {
		t.Error("a unit no run reported has a median")
	}
}

func TestMedianOfEvenCount(t *testing.T) {
	r, err := parse(strings.NewReader("BenchmarkX-4 1 10 ns/op\nBenchmarkX-4 1 40 ns/op\nBenchmarkX-4 1 20 ns/op\nBenchmarkX-4 1 30 ns/op\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := r.median("BenchmarkX", "ns/op"); got != 25 {
		t.Errorf("median = %v, want 25", got)
	}
}

func TestIgnoresNonResults(t *testing.T) {
	for _, line := range []string{
		"BenchmarkGenerate/specs",             // printed before a benchmark logs
		"BenchmarkGenerate/specs-2 x 1 ns/op", // no iteration count
		"BenchmarkGenerate/specs-2 10 1 B/op", // no ns/op
		"goos: linux",
		"    bench_test.go:12: hello",
	} {
		if _, _, ok := resultLine(line); ok {
			t.Errorf("%q read as a result", line)
		}
	}
}

func TestVerdict(t *testing.T) {
	superLinear := strings.ReplaceAll(passing, "1050000000 ns/op", "9050000000 ns/op")
	superLinear = strings.ReplaceAll(superLinear, "1100000000 ns/op", "9100000000 ns/op")
	slowSpecs := strings.ReplaceAll(passing, "  80000000 ns/op", "1000000000 ns/op")
	slowSpecs = strings.ReplaceAll(slowSpecs, "  79000000 ns/op", "1200000000 ns/op")
	for _, c := range []struct {
		name, input string
		args        []string
		code        int
		stdout      []string
		stderr      []string
	}{
		{name: "passing", input: passing, code: 0,
			stdout: []string{"10.5x the time (limit 12x)", "all provider specs in 80ms", "ok:", "BenchmarkGenerate/messages=10000", "1.05s"}},
		{name: "super-linear", input: superLinear, code: 1,
			stderr: []string{"FAIL 10x the messages takes 90.5x the time", "at most 12x"}},
		{name: "slow specs", input: slowSpecs, code: 1,
			stderr: []string{"FAIL BenchmarkGenerate/specs takes 1s for all specs; it must stay under 1s"}},
		{name: "stricter ratio flag", input: passing, args: []string{"-ratio", "10"}, code: 1,
			stderr: []string{"10.5x the time", "at most 10x"}},
		{name: "missing size", input: strings.ReplaceAll(passing, "messages=10000", "messages=20000"), code: 1,
			stderr: []string{"no result for BenchmarkGenerate/messages=10000"}},
		{name: "failed run", input: "BenchmarkGenerate/specs-2 1 100 ns/op\n--- FAIL: BenchmarkGenerate/messages=100\nFAIL\n", code: 1,
			stderr: []string{"the benchmark run failed: --- FAIL: BenchmarkGenerate/messages=100", "no result for BenchmarkGenerate/messages=1000"}},
		{name: "empty input", input: "", code: 1,
			stderr: []string{"no benchmark results on stdin"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(c.args, strings.NewReader(c.input), &stdout, &stderr)
			if code != c.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.code, &stdout, &stderr)
			}
			for _, want := range c.stdout {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, &stdout)
				}
			}
			for _, want := range c.stderr {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, &stderr)
				}
			}
		})
	}
}

// receiving is bench/ output: two interleaved rounds of the servers and
// the decoders, as make bench-receive writes them.
const receiving = `goos: linux
BenchmarkServer/server=floor-2         	  300000	      3600 ns/op	 290.00 MB/s	    2352 B/op	       6 allocs/op
BenchmarkServer/server=hookgen-2       	  200000	      6000 ns/op	 170.00 MB/s	    2112 B/op	       6 allocs/op
BenchmarkServer/server=ogen-2          	  100000	     13000 ns/op	  80.00 MB/s	    6976 B/op	      50 allocs/op
BenchmarkServer/server=encoding_json-2 	   50000	     21000 ns/op	  50.00 MB/s	    3569 B/op	      53 allocs/op
BenchmarkDecode/payload=doordash/decoder=hookgen-2         	  300000	      3100 ns/op	 330.00 MB/s	    1184 B/op	       3 allocs/op
BenchmarkDecode/payload=doordash/decoder=encoding_json-2   	   60000	     16000 ns/op	  65.00 MB/s	    1152 B/op	      46 allocs/op
BenchmarkDecode/payload=doordash/decoder=ogen-2            	  250000	      3700 ns/op	 280.00 MB/s	     640 B/op	      21 allocs/op
BenchmarkServer/server=floor-2         	  300000	      3700 ns/op	 290.00 MB/s	    2352 B/op	       6 allocs/op
BenchmarkServer/server=hookgen-2       	  200000	      6100 ns/op	 170.00 MB/s	    2112 B/op	       6 allocs/op
BenchmarkServer/server=ogen-2          	  100000	     13200 ns/op	  80.00 MB/s	    6976 B/op	      50 allocs/op
BenchmarkServer/server=encoding_json-2 	   50000	     21500 ns/op	  50.00 MB/s	    3569 B/op	      53 allocs/op
BenchmarkDecode/payload=doordash/decoder=hookgen-2         	  300000	      3200 ns/op	 330.00 MB/s	    1184 B/op	       3 allocs/op
BenchmarkDecode/payload=doordash/decoder=encoding_json-2   	   60000	     16500 ns/op	  65.00 MB/s	    1152 B/op	      46 allocs/op
BenchmarkDecode/payload=doordash/decoder=ogen-2            	  250000	      3800 ns/op	 280.00 MB/s	     640 B/op	      21 allocs/op
BenchmarkScale/receiver=memory-2         	    9360	     25136 ns/op	    8516 B/op	      94 allocs/op
BenchmarkScale/receiver=redis-2          	    1797	    143225 ns/op	         2.000 redis-rt/op	    9551 B/op	     139 allocs/op
BenchmarkScaleParallel/receiver=memory-2 	   10000	     18384 ns/op	     54232 deliveries/s	    8530 B/op	      93 allocs/op
BenchmarkScaleParallel/receiver=redis-2  	    3072	     45541 ns/op	     21958 deliveries/s	         2.000 redis-rt/op	    9604 B/op	     140 allocs/op
BenchmarkScale/receiver=jetstream-2      	    4256	     62827 ns/op	   14683 B/op	     153 allocs/op
BenchmarkScale/receiver=redis-floor-2    	    1800	    135000 ns/op	         2.000 redis-rt/op	    8600 B/op	     110 allocs/op
BenchmarkScaleParallel/receiver=jetstream-2         	    3808	     55967 ns/op	     17868 deliveries/s	   15332 B/op	     149 allocs/op
PASS
`

// TestReceive checks the fast path's targets: met by the output above,
// and each one missed when one benchmark's measurement changes.
func TestReceive(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run([]string{"-receive"}, strings.NewReader(receiving), &out, &errs); code != 0 {
		t.Fatalf("exit %d on passing output: %s", code, errs.String())
	}
	for _, c := range []struct {
		bench, unit, value, want string
	}{
		{"BenchmarkServer/server=hookgen", "ns/op", "6800", "ogen's time"},
		{"BenchmarkServer/server=floor", "ns/op", "2900", "the floor's time"},
		{"BenchmarkServer/server=ogen", "allocs/op", "5", "allocations"},
		{"BenchmarkDecode/payload=doordash/decoder=encoding_json", "ns/op", "9000", "decode doordash"},
		{"BenchmarkServer/server=ogen", "ns/op", "", "no ns/op result"},
		{"BenchmarkScaleParallel/receiver=redis", "ns/op", "60000", "scale redis: 3.26x"},
		{"BenchmarkScale/receiver=redis", "redis-rt/op", "3.000", "3.00 Redis round trips"},
		{"BenchmarkScale/receiver=redis", "ns/op", "", "needs redis-server"},
		{"BenchmarkScale/receiver=redis", "ns/op", "210000", "one at a time 210µs, 1.56x the in-memory Deduper with the same 2 Redis round trips, 135µs (target at most 1.5x)"},
		{"BenchmarkScale/receiver=redis-floor", "ns/op", "", "no ns/op result for BenchmarkScale/receiver=redis-floor"},
		{"BenchmarkScaleParallel/receiver=jetstream", "ns/op", "95000", "scale jetstream: 5.17x"},
		{"BenchmarkScale/receiver=jetstream", "ns/op", "130000", "one at a time 130µs, 5.17x (target at most 5x)"},
	} {
		in := setResult(receiving, c.bench, c.unit, c.value)
		out.Reset()
		errs.Reset()
		if code := run([]string{"-receive"}, strings.NewReader(in), &out, &errs); code != 1 || !strings.Contains(errs.String(), c.want) {
			t.Errorf("%s %s = %q: exit %d, stderr %q; want a failure about %q", c.bench, c.unit, c.value, code, errs.String(), c.want)
		}
	}
}

// setResult sets unit to value in every result line of bench, or drops
// those lines when value is empty.
func setResult(in, bench, unit, value string) string {
	var lines []string
	for _, line := range strings.Split(in, "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && strings.TrimSuffix(f[0], "-2") == bench {
			if value == "" {
				continue
			}
			for i := 1; i+1 < len(f); i++ {
				if f[i+1] == unit {
					f[i] = value
				}
			}
			line = strings.Join(f, " ")
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

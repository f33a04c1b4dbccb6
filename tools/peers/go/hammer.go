// The hammer of tools/Benchmarks in Go: THREADS goroutines (GOMAXPROCS = the machine's cores)
// share OPERATIONS Lock+Unlock pairs of one sync.Mutex, each guarding one counter increment.
// Timed with Go's contention profiles off, with the mutex profile on
// (runtime.SetMutexProfileFraction(1): every contention event recorded, with its stack), and with
// the mutex and block profiles on (also runtime.SetBlockProfileRate(1)), ROUNDS times each,
// alternating; prints the median ns per Lock+Unlock of each and its ratio to "off".
//
// Usage: go run hammer.go THREADS OPERATIONS ROUNDS
package main

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"time"
)

type counter struct {
	mu    sync.Mutex
	count int
}

//go:noinline
func (c *counter) increment() {
	c.mu.Lock()
	c.count++
	c.mu.Unlock()
}

func hammer(threads, operations int) float64 {
	c := &counter{}
	var ready, done sync.WaitGroup
	gate := make(chan struct{})
	per := operations / threads
	for i := 0; i < threads; i++ {
		ready.Add(1)
		done.Add(1)
		go func() {
			ready.Done()
			<-gate
			for j := 0; j < per; j++ {
				c.increment()
			}
			done.Done()
		}()
	}
	ready.Wait()
	start := time.Now()
	close(gate)
	done.Wait()
	elapsed := time.Since(start)
	if c.count != per*threads {
		fmt.Fprintf(os.Stderr, "hammer: counted %d, expected %d\n", c.count, per*threads)
		os.Exit(1)
	}
	return float64(elapsed.Nanoseconds()) / float64(per*threads)
}

func setProfiles(mode string) {
	switch mode {
	case "off":
		runtime.SetMutexProfileFraction(0)
		runtime.SetBlockProfileRate(0)
	case "mutex":
		runtime.SetMutexProfileFraction(1)
		runtime.SetBlockProfileRate(0)
	case "mutex+block":
		runtime.SetMutexProfileFraction(1)
		runtime.SetBlockProfileRate(1)
	}
}

func median(values []float64) float64 {
	sorted := append([]float64(nil), values...)
	sort.Float64s(sorted)
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: go run hammer.go THREADS OPERATIONS ROUNDS")
		os.Exit(2)
	}
	threads, err1 := strconv.Atoi(os.Args[1])
	operations, err2 := strconv.Atoi(os.Args[2])
	rounds, err3 := strconv.Atoi(os.Args[3])
	if err1 != nil || err2 != nil || err3 != nil || threads < 1 || operations < threads || rounds < 1 {
		fmt.Fprintln(os.Stderr, "hammer: THREADS, OPERATIONS and ROUNDS must be positive integers")
		os.Exit(2)
	}
	modes := []string{"off", "mutex", "mutex+block"}
	results := map[string][]float64{}
	hammer(threads, operations) // warm-up
	for r := 0; r < rounds; r++ {
		for _, mode := range modes {
			setProfiles(mode)
			results[mode] = append(results[mode], hammer(threads, operations))
		}
	}
	setProfiles("off")
	off := median(results["off"])
	for _, mode := range modes {
		m := median(results[mode])
		fmt.Printf("go hammer-%d %s ns/op %.2f ratio %.2f\n", threads, mode, m, m/off)
	}
}

//go:build linux

package cputime

import (
	"runtime"
	"testing"
)

// spin burns CPU: a sum the compiler cannot drop.
func spin(n int) (s int) {
	for i := range n {
		s += i ^ (s >> 3)
	}
	return s
}

var sink int

// TestGrows: both clocks move forward over work done on the
// thread, and the process's clock counts at least what the thread did.
func TestGrows(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	p0, t0 := Process(), Thread()
	if p0 <= 0 || t0 <= 0 {
		t.Fatalf("Process() = %v, Thread() = %v, want both above 0", p0, t0)
	}
	for Thread()-t0 < 20e6 { // 20 ms of this thread's CPU
		sink += spin(1e6)
	}
	thread, process := Thread()-t0, Process()-p0
	if thread < 20e6 || process < thread*9/10 {
		t.Errorf("after 20 ms of work the thread's clock moved %v and the process's %v", thread, process)
	}
}

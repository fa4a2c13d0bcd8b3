//go:build !linux

package main

import "time"

// processCPU and threadCPU are measured on Linux only; elsewhere CPU
// times read 0.
func processCPU() time.Duration { return 0 }

func threadCPU() time.Duration { return 0 }

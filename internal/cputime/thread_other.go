//go:build !linux

package cputime

import "time"

// Thread is measured on Linux only.
func Thread() time.Duration { return 0 }

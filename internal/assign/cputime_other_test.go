//go:build !unix

package assign

import "time"

func processCPU() (time.Duration, bool) { return 0, false }

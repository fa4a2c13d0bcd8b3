// Package cputime reads how much CPU time the process, or the calling
// thread, has used. Benchmarks report it beside the wall clock: on a
// shared machine it says how much work was done, where the wall clock
// also counts the time other processes held the CPUs.
//
// Where the system does not tell, the functions return 0, and a
// difference of two readings is 0 too.
package cputime

/*
 * The monotonic clock, in the two units taptop uses: nanoseconds for the
 * capture thread's pacing and statistics, milliseconds for the
 * interface's ticks and messages.  Monotonic, so that a wall-clock step
 * (NTP, a user's date) never stretches or freezes a refresh or a replay.
 * Header-only: both are one system call (a vDSO one on Linux).
 */
#ifndef TAPTOP_CLOCK_H
#define TAPTOP_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec);
}

static inline int64_t
mono_ms(void)
{
	return (mono_ns() / 1000000);
}

#endif

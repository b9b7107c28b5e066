/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Small helpers shared by the library and the agents: scoped cleanup
 * (in the style of libnl's nl-base-utils.h) and array sizing.
 */
#ifndef VPNHA_UTIL_H
#define VPNHA_UTIL_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define VPNHA_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void vpnha_freep(void *p)
{
	free(*(void **)p);
}

static inline void vpnha_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;

		close(*fd);
		errno = saved;
	}
}

/* Free the pointed-to pointer when the variable goes out of scope. */
#define _vpnha_auto_free __attribute__((cleanup(vpnha_freep)))
/* Close the file descriptor (if >= 0) when the variable goes out of scope. */
#define _vpnha_auto_close __attribute__((cleanup(vpnha_closep)))

/* Microseconds and milliseconds on CLOCK_MONOTONIC: the one clock for
 * deadlines and intervals. */
static inline uint64_t vpnha_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static inline uint64_t vpnha_now_ms(void)
{
	return vpnha_now_us() / 1000u;
}

/* Microseconds on CLOCK_REALTIME: for timestamps compared across processes
 * (benchmarks), never for deadlines. */
static inline uint64_t vpnha_realtime_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Steal a pointer out of a scoped variable. */
#define vpnha_steal(pp) ({ __typeof__(*(pp)) _p = *(pp); *(pp) = NULL; _p; })

#endif

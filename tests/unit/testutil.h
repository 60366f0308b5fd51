/*
 * Helpers shared by the unit tests: dissect a byte array as a whole frame
 * and look at what came out.
 */
#ifndef TAPTOP_TESTUTIL_H
#define TAPTOP_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "core/packet.h"

/* Puts a no-op listener on every tap, so dissectors build tap data
 * (they skip it for taps nobody listens to).  Once per process. */
void	 test_listen_all(void);

/* Dissects p as a frame of the given DLT link type; caplen <= len. */
void	 test_dissect(struct dissect *, int linktype, const uint8_t *p,
	    size_t caplen, size_t len);

/* The protocol path as "eth:ip:tcp" (static buffer). */
const char *test_path(const struct dissect *);

/* Number of queued tap entries for a tap name, and the i-th one's data. */
int	 test_tap_count(const struct dissect *, const char *tap);
const void *test_tap_data(const struct dissect *, const char *tap, int i);

/* First recorded value of a field (wants every field while testing). */
const struct field_value *test_field(const struct dissect *, const char *name);
int	 test_field_count(const struct dissect *, const char *name);

#endif

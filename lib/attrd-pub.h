/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A daemon's node attributes kept published (mii-linkd): each attribute is
 * set through attrd (attrd.h) whenever its value differs from what attrd
 * last accepted; a restarted pacemaker-attrd (its pid, read from /proc:
 * nothing is run) gets everything again; and the CIB is checked to hold
 * what attrd accepted (Pacemaker 2.1's controller can erase a rejoining
 * node's transient attributes after attrd rewrote them, and attrd never
 * writes an unchanged value again): on a mismatch the values are published
 * again and attrd is told to write all its values (attrd_updater -R).
 */
#ifndef VPNHA_ATTRD_PUB_H
#define VPNHA_ATTRD_PUB_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "attrd.h"

#define VPNHA_ATTRD_PUB_MAX 17

/* How publishing goes: the daemon's status file shows vpnha_attrd_pub_state_str(). */
enum vpnha_attrd_pub_state {
	VPNHA_PUB_PENDING,
	VPNHA_PUB_OK,
	VPNHA_PUB_NO_CLUSTER, /* attrd not reachable */
	VPNHA_PUB_FAILING,    /* three failures in a row, for failing_after_ms at least */
};

struct vpnha_attrd_attr {
	char name[VPNHA_ATTRD_NAME_MAX + 1];
	char published[32]; /* last value attrd accepted */
	bool ok;            /* published[] is current in attrd */
	bool take_over;     /* first publish: value first, under attrd's current delay */
};

struct vpnha_attrd_pub {
	struct vpnha_attrd_attr attrs[VPNHA_ATTRD_PUB_MAX];
	size_t n;
	/* attribute i's current value; < 0: unknown, not published */
	int64_t (*value)(size_t i, void *arg);
	void *arg;
	uint64_t dampen_ms;                    /* attrd's delay (-d) */
	unsigned retry_s;                      /* how often the caller retries (said in a warning) */
	const volatile sig_atomic_t *stopping; /* once set, no tool is run */
	/* a start's hold: values set under the delay in force (a deletion may be
	 * pending in attrd), a lost link (0) all the same at once */
	bool holding;
	bool announce; /* say "attributes published" when publishing recovers */
	/* failing only once the failures have lasted this long (0: at the third):
	 * an attrd_updater timed out under load is not yet a broken attrd */
	uint64_t failing_after_ms;

	enum vpnha_attrd_pub_state state;
	unsigned failures;
	pid_t attrd_pid; /* the attrd our values went to (0: none seen) */
	char error[400];
	uint64_t publishes, cib_refreshes;
	uint64_t publish_rt_us; /* CLOCK_REALTIME us when attrd last accepted a value */
	/* CLOCK_MONOTONIC ms of the first failure in a row */
	uint64_t failing_since_ms;
};

const char *vpnha_attrd_pub_state_str(enum vpnha_attrd_pub_state s);
/* Publish every attribute whose value attrd does not hold yet. */
void vpnha_attrd_pub_publish(struct vpnha_attrd_pub *p);
/* Forget what attrd holds: the next publish sets everything. */
void vpnha_attrd_pub_invalidate(struct vpnha_attrd_pub *p);
/* Note the attrd that took the values (after a first successful publish). */
void vpnha_attrd_pub_note_attrd(struct vpnha_attrd_pub *p);
/* Retry what never made it; publish everything again to a restarted attrd. */
void vpnha_attrd_pub_watch(struct vpnha_attrd_pub *p);
/* Does the CIB hold, for node, what attrd accepted? If not: publish, attrd_updater -R. */
void vpnha_attrd_pub_cib_check(struct vpnha_attrd_pub *p, const char *node);
void vpnha_attrd_pub_hold_check(struct vpnha_attrd_pub *p, const char *node);

#endif

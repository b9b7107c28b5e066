/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mii-linkd's status as the agent that supervises it reads it: the record
 * the daemon rewrites at every change and every poll (lib/records.h,
 * VPNHA_REC_MII_STATUS, <agent>/<instance>.status, beside its .pid), its
 * freshness (a hung daemon), whether it publishes, and start's wait for the
 * initial link state. Failures are reported with vpnha_fail.
 */
#ifndef VPNHA_MIISTATUS_H
#define VPNHA_MIISTATUS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "vpnha.h"

/* how long one attrd_updater run of the daemon may take (its publishing bound) */
#define VPNHA_MII_ATTRD_TIMEOUT_MS 5000u

struct vpnha_mii_status {
	pid_t pid;
	uint64_t updated_ms, interval_ms; /* CLOCK_MONOTONIC ms; the poll interval */
	bool initial;                     /* the initial link state is published */
	char attrd[32];                   /* "ok", "no-cluster", "failing", ... */
	char error[256];                  /* "" when none */
	char quorum[32];                  /* "not quorate" when the node lost it */
};

/* Read the record: 0, or vpnha_record_read()'s negative errno (st zeroed). */
int vpnha_mii_status_read(const char *agent, const char *instance, struct vpnha_mii_status *st);

/*
 * monitor, for a running daemon pid: its record is there and its own,
 * refreshed within 3 polls (plus what publishing may block for), and it can
 * publish. VPNHA_RC_OK (a lost quorum is logged as a warning) or
 * VPNHA_RC_ERROR with the reason.
 */
enum vpnha_rc vpnha_mii_status_check(struct vpnha_ctx *ctx, const char *agent, pid_t pid);

/*
 * start: wait until the daemon pid (our child, started from path) has
 * published the initial link state, and log how publishing went. When it
 * exits first: its error, VPNHA_RC_NOT_INSTALLED for exit status 127, else
 * VPNHA_RC_ERROR; at the deadline it is killed, its status and pid records
 * removed, and VPNHA_RC_TIMEOUT returned.
 */
enum vpnha_rc vpnha_mii_status_wait_initial(struct vpnha_ctx *ctx, const char *agent, pid_t pid, const char *path);

#endif

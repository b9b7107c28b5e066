/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A daemon an agent supervises (mii-link's mii-linkd): its pid as the daemon
 * records it (lib/records.h, VPNHA_REC_PID: <agent>/<instance>.<key>), and
 * its end at stop: SIGTERM to its process group, SIGKILL after a grace
 * time or near the op deadline. A pid is only signalled while it is a
 * process of the daemon's name (comm).
 */
#ifndef VPNHA_SUPERVISE_H
#define VPNHA_SUPERVISE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vpnha.h"

/*
 * Start the daemon argv (argv[0] an absolute path) detached (own session,
 * /dev/null, no inherited descriptors: VPNHA_SPAWN_DAEMON), its environment
 * PATH, VPNHA_RUN_DIR and those of the n_pass variables pass[] that are set
 * (vpnha_env_build). *pid is our child. VPNHA_RC_OK; VPNHA_RC_NOT_INSTALLED
 * when argv[0] is not executable ("daemon PATH: why"); VPNHA_RC_ERROR when
 * fork fails.
 */
enum vpnha_rc vpnha_sup_spawn(struct vpnha_ctx *ctx, const char *const argv[], const char *const pass[], size_t n_pass,
			      pid_t *pid);

/* The daemon's recorded pid; 0 when there is none (absent or unreadable). */
pid_t vpnha_sup_pid(const char *agent, const char *instance, const char *key);

/*
 * End the daemon pid (named comm): SIGTERM, then SIGKILL after grace_ms or
 * when less than 500 ms of the op are left (logged as a warning), and wait
 * until it is gone. VPNHA_RC_OK, or VPNHA_RC_ERROR when it does not die
 * before the deadline ("COMM (pid N) does not die").
 */
enum vpnha_rc vpnha_sup_end(struct vpnha_ctx *ctx, pid_t pid, const char *comm, uint64_t grace_ms);

#endif

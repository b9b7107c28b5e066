/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ocf:vpnha:mii-link's parts: the agent (mii-link.c) and its management of
 * vpnha-statusd (mii-link-statusd.c), which shares the daemon helpers below.
 */
#ifndef VPNHA_MII_LINK_H
#define VPNHA_MII_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "proc.h"
#include "vpnha.h"

/* What the daemons' explicit environment passes on (vpnha_env_build): logging, test overrides. */
static const char *const daemon_env_pass[] = { "VPNHA_ATTRD_UPDATER", "VPNHA_STATUS_SOCKET", "HA_LOGFACILITY",
					       "HA_LOGFILE", "HA_debug" };
/* Start a daemon, detached (own session, /dev/null, no inherited fds): 0 or -errno. */
static inline int ml_spawn(const char *const argv[], const char *const envp[], pid_t *pid)
{
	const struct vpnha_spawn sp = { .argv = argv, .envp = envp, .out_fd = -1, .keep_fd = -1, .flags = VPNHA_SPAWN_DAEMON };

	return vpnha_proc_spawn(&sp, pid);
}

/*
 * vpnha-statusd, with the `status` parameter: start it when it is not
 * running; stop it and remove its socket. Neither ever fails the action:
 * the status daemon is an observer, the links must not depend on it.
 */
void ml_statusd_ensure(struct vpnha_ctx *ctx);
void ml_statusd_stop(struct vpnha_ctx *ctx);
/* The parameters, in the order of the table in mii-link.c (VPNHA_STR(ctx, P_...)). */
enum mii_link_param {
	P_INTERFACES,
	P_NAME,
	P_MULTIPLIER,
	P_DAMPEN,
	P_ATTRD_DAMPEN,
	P_FLAP_THRESHOLD,
	P_FLAP_WINDOW,
	P_POLL_INTERVAL,
	P_REQUIRE_ALL,
	P_RUN_DIR,
	P_STOP_GRACE,
	P_STATUS,
	P_COUNT
};

/* Follow the parameter: ensure with status=true, stop with false. */
void ml_statusd_apply(struct vpnha_ctx *ctx);

#endif

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

#include "vpnha.h"

/* An explicit environment for a daemon: PATH, VPNHA_RUN_DIR, logging, test overrides. */
struct ml_env {
	const char *envp[8];
	char buf[6][4200];
};

void ml_env_build(struct ml_env *e);
/* Is pid alive (not a zombie) and named comm? Read from /proc. */
bool ml_pid_alive(pid_t pid, const char *comm);
/* In the child after fork: detach (setsid, /dev/null, no inherited fds) and execve. */
void ml_child_exec(const char *const argv[], const char *const envp[]) __attribute__((noreturn));
/* A daemon's path: $env, else next to this agent's binary, else dflt (buf holds the result). */
const char *ml_prog_path(char *buf, size_t len, const char *env, const char *name, const char *dflt);
/* Signal a daemon and its process group (it leads one). */
void ml_signal(pid_t pid, int sig);

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

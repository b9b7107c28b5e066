/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mii-linkd's parts: the daemon (mii-linkd.c) and its command line (mii-linkd-args.c). */
#ifndef VPNHA_MII_LINKD_H
#define VPNHA_MII_LINKD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "linkstate.h"

struct mld_args {
	const char *instance;
	char node[256]; /* --node, else this host's name (Pacemaker's default) */
	struct vpnha_ls_cfg cfg;
	const char *ifnames[VPNHA_LS_MAX_IFS], *name;
	size_t n_if;
	uint64_t attrd_dampen_ms, poll_ms, hold_ms;
	bool take_over, log_stderr;
};

/*
 * The command line into a (its defaults set by the caller): -1 when it is
 * good, else the exit code (0 for --help, 2 for a usage error, said on stderr).
 */
int mld_parse_args(int argc, char **argv, struct mld_args *a);

#endif

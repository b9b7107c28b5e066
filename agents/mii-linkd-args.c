/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mii-linkd's command line (mii-linkd.h). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "attrd.h"
#include "mii-linkd.h"
#include "params.h"

static void usage(void)
{
	fprintf(stderr,
		"usage: mii-linkd --instance NAME [--node NODE] --interface IFACE [--interface IFACE]...\n"
		"       [--name ATTR]\n"
		"       [--multiplier N] [--dampen-ms MS] [--attrd-dampen-ms MS] [--flap-threshold N]\n"
		"       [--flap-window-ms MS] [--poll-interval-ms MS] [--require-all|--require-any]\n"
		"       [--take-over] [--hold-ms MS] [--log-stderr]\n"
		"Started by the ocf:vpnha:mii-link agent; see its meta-data.\n");
}

static uint64_t num_arg(const char *opt, const char *s, int64_t min, int64_t max)
{
	char why[128];
	int64_t v;

	if (vpnha_parse_int(s, min, max, &v, why, sizeof(why)) < 0) {
		fprintf(stderr, "mii-linkd: --%s: %s\n", opt, why);
		exit(2);
	}
	return (uint64_t)v;
}

static const struct option opts[] = {
	{ "instance", required_argument, NULL, 'i' },
	{ "node", required_argument, NULL, 'N' },
	{ "interface", required_argument, NULL, 'I' },
	{ "name", required_argument, NULL, 'n' },
	{ "multiplier", required_argument, NULL, 'm' },
	{ "dampen-ms", required_argument, NULL, 'd' },
	{ "attrd-dampen-ms", required_argument, NULL, 'D' },
	{ "flap-threshold", required_argument, NULL, 't' },
	{ "flap-window-ms", required_argument, NULL, 'w' },
	{ "poll-interval-ms", required_argument, NULL, 'p' },
	{ "require-all", no_argument, NULL, 'A' },
	{ "require-any", no_argument, NULL, 'a' },
	{ "take-over", no_argument, NULL, 'T' },
	{ "hold-ms", required_argument, NULL, 'H' },
	{ "log-stderr", no_argument, NULL, 'e' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* A numeric option (exits 2 when out of range); false when c is not one. */
static bool num_opt(int c, struct mld_args *a)
{
	switch (c) {
	case 'm':
		a->cfg.multiplier = (int64_t)num_arg("multiplier", optarg, 1, 1000000);
		break;
	case 'd':
		a->cfg.dampen_ms = num_arg("dampen-ms", optarg, 0, 3600000);
		break;
	case 'D':
		a->attrd_dampen_ms = num_arg("attrd-dampen-ms", optarg, 0, 3600000);
		break;
	case 't':
		a->cfg.flap_threshold = (unsigned)num_arg("flap-threshold", optarg, 0, VPNHA_LS_MAX_FLAPS);
		break;
	case 'w':
		a->cfg.flap_window_ms = num_arg("flap-window-ms", optarg, 1, 3600000);
		break;
	case 'p':
		a->poll_ms = num_arg("poll-interval-ms", optarg, 10, 3600000);
		break;
	case 'H':
		a->hold_ms = num_arg("hold-ms", optarg, 0, 3600000);
		break;
	default:
		return false;
	}
	return true;
}

/* One option: -1 to go on, else the exit code. */
static int one_opt(int c, struct mld_args *a)
{
	char why[256];

	if (num_opt(c, a))
		return -1;
	switch (c) {
	case 'i':
		a->instance = optarg;
		return -1;
	case 'N':
		snprintf(a->node, sizeof(a->node), "%s", optarg);
		return -1;
	case 'I':
		if (a->n_if >= VPNHA_LS_MAX_IFS || vpnha_parse_ifname(optarg, why, sizeof(why)) < 0) {
			fprintf(stderr, "mii-linkd: --interface %s: %s\n", optarg,
				a->n_if >= VPNHA_LS_MAX_IFS ? "too many" : why);
			return 2;
		}
		a->ifnames[a->n_if++] = optarg;
		return -1;
	case 'n':
		if (vpnha_attrd_name_check(optarg) < 0) {
			fprintf(stderr, "mii-linkd: --name: invalid attribute name\n");
			return 2;
		}
		a->name = optarg;
		return -1;
	case 'A':
	case 'a':
		a->cfg.require_all = c == 'A';
		return -1;
	case 'e':
		a->log_stderr = true;
		return -1;
	case 'T':
		a->take_over = true;
		return -1;
	}
	usage();
	return c == 'h' ? 0 : 2;
}

/* The command line: -1 when it is good, else the exit code. */
int mld_parse_args(int argc, char **argv, struct mld_args *a)
{
	char why[256];
	int c, r;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		if ((r = one_opt(c, a)) >= 0)
			return r;
	if (optind != argc || !a->instance || !*a->instance || a->n_if == 0) {
		usage();
		return 2;
	}
	if (vpnha_ls_cfg_check(&a->cfg, why, sizeof(why)) < 0) {
		fprintf(stderr, "mii-linkd: %s\n", why);
		return 2;
	}
	if (!a->node[0]) {
		struct utsname u;

		/* Pacemaker's default node name */
		if (uname(&u) == 0)
			snprintf(a->node, sizeof(a->node), "%s", u.nodename);
	}
	return -1;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vpnha: the admin's command. `vpnha status` reads one site snapshot from
 * the local vpnha-statusd's socket (read-only: it sends nothing) and prints
 * it as text, --json or --prometheus; --watch refreshes it in place. The exit
 * code is the site's health (0 healthy, 1 degraded, 2 VPN down) or 3 when
 * the local daemon does not answer.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "params.h"
#include "status.h"
#include "util.h"

#define READ_TIMEOUT_MS 5000

struct opts {
	const char *socket;
	cli_render_fn render;
	bool watch;
	uint64_t interval_s;
};

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* Read the whole answer (the daemon closes after it). 0 or a negative errno. */
static int read_all(int fd, uint8_t *buf, size_t cap, size_t *len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	*len = 0;
	for (;;) {
		if (poll(&p, 1, READ_TIMEOUT_MS) <= 0)
			return -ETIMEDOUT;
		n = read(fd, buf + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		*len += (size_t)n;
		if (*len == cap)
			return -EMSGSIZE;
	}
}

static int fetch(const char *path, struct vpnha_status_site *site)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_vpnha_auto_close int fd = -1;
	_vpnha_auto_free uint8_t *buf = NULL;
	size_t len;
	int r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	buf = malloc(VPNHA_STATUS_MAX_MSG + 1);
	if (!buf)
		return -ENOMEM;
	r = read_all(fd, buf, VPNHA_STATUS_MAX_MSG + 1, &len);
	if (r == 0)
		r = vpnha_status_site_decode(buf, len, site);
	return r;
}

static const char *hint(int err)
{
	switch (err) {
	case -ENOENT:
	case -ECONNREFUSED:
		return " (is the mii-link clone running here, with status=true?)";
	case -EACCES:
	case -EPERM:
		return " (run it as root or as a member of the haclient group)";
	case -EPROTONOSUPPORT:
		return " (vpnha-statusd and this vpnha are of incompatible versions)";
	default:
		return "";
	}
}

static int show_once(const struct opts *o, struct vpnha_status_site *site)
{
	char why[256];
	struct cli_view v = { .site = site, .now = (uint64_t)time(NULL), .why = why };
	int r = fetch(o->socket, site);

	if (r < 0) {
		fprintf(stderr, "vpnha status: cannot read the site's state from vpnha-statusd at %s: %s%s\n", o->socket,
			strerror(-r), hint(r));
		return VPNHA_EXIT_UNREACHABLE;
	}
	v.health = vpnha_status_site_health(site, v.now, why, sizeof(why));
	if (o->render(stdout, &v) < 0 || fflush(stdout) != 0) {
		fprintf(stderr, "vpnha status: cannot write the output: %s\n", strerror(errno));
		return VPNHA_EXIT_UNREACHABLE;
	}
	return (int)v.health;
}

static int watch(const struct opts *o, struct vpnha_status_site *site)
{
	int rc = VPNHA_EXIT_UNREACHABLE;

	signal(SIGINT, on_sigint);
	signal(SIGTERM, on_sigint);
	while (!interrupted) {
		fputs("\033[H\033[2J", stdout); /* home, clear: a refresh in place */
		rc = show_once(o, site);
		fflush(stdout);
		for (uint64_t i = 0; i < o->interval_s * 10 && !interrupted; i++)
			usleep(100000);
	}
	return rc;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: vpnha status [--json | --prometheus] [--watch [--interval SECONDS]] [--socket PATH]\n"
		   "Exit: 0 healthy, 1 degraded, 2 the VPN is down, 3 the local vpnha-statusd does not answer.\n"
		   "See vpnha(8).\n");
}

static int parse_status_args(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "prometheus", no_argument, NULL, 'p' },
		{ "watch", no_argument, NULL, 'w' },
		{ "interval", required_argument, NULL, 'i' },
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char why[128];
	int64_t v;
	int c;

	while ((c = getopt_long(argc, argv, "jpwi:s:h", lo, NULL)) != -1) {
		if (c == 'j' || c == 'p') {
			if (o->render != cli_render_text)
				return -EINVAL; /* one format */
			o->render = c == 'j' ? cli_render_json : cli_render_prometheus;
		} else if (c == 'w') {
			o->watch = true;
		} else if (c == 'i') {
			if (vpnha_parse_int(optarg, 1, 3600, &v, why, sizeof(why)) < 0) {
				fprintf(stderr, "vpnha status: --interval: %s\n", why);
				return -EINVAL;
			}
			o->interval_s = (uint64_t)v;
		} else if (c == 's') {
			o->socket = optarg;
		} else {
			return c == 'h' ? 1 : -EINVAL;
		}
	}
	return optind == argc ? 0 : -EINVAL;
}

static int cmd_status(int argc, char **argv)
{
	struct opts o = { .socket = VPNHA_STATUS_SOCKET, .render = cli_render_text, .interval_s = 2 };
	_vpnha_auto_free struct vpnha_status_site *site = NULL;
	const char *env = getenv("VPNHA_STATUS_SOCKET");
	int r;

	if (env && *env)
		o.socket = env;
	r = parse_status_args(argc, argv, &o);
	if (r != 0) {
		usage(r > 0 ? stdout : stderr);
		return r > 0 ? 0 : VPNHA_EXIT_USAGE;
	}
	site = malloc(sizeof(*site));
	if (!site) {
		fprintf(stderr, "vpnha status: out of memory\n");
		return VPNHA_EXIT_UNREACHABLE;
	}
	return o.watch ? watch(&o, site) : show_once(&o, site);
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "status", cmd_status },
};

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? VPNHA_EXIT_USAGE : 0;
	}
	for (i = 0; i < VPNHA_ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "vpnha: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return VPNHA_EXIT_USAGE;
}

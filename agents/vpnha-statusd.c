/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vpnha-statusd: this gateway's VPN state, shared with the other gateways of
 * the cluster over a corosync CPG group, and served to `vpnha status` on a
 * UNIX socket. Spawned, watched and stopped by ocf:vpnha:mii-link (its
 * `status` parameter); one per node.
 *
 * A libqb main loop with:
 *  - a timer every --interval-ms: collect this node's state
 *    (statusd-collect.c: records, netlink, VICI, XFRM, bgpd's vty; no fork),
 *    note a role change (the node gained or lost its VIPs), and multicast
 *    the report (lib/status.h) to the group;
 *  - the CPG fd: reports from the other nodes, and membership changes, whose
 *    leave reason tells a clean stop from a lost node;
 *  - the listening socket (mode 0660, group haclient): each connection gets
 *    one site snapshot (lib/status.h, kind SITE) and is closed; the daemon
 *    reads nothing from clients (a read-only protocol).
 * Files: the pid in the mii-link instance's run-state ("statusd-pid").
 * SIGTERM/SIGINT: leave the group (the others see "stopped"), remove the
 * socket, exit 0.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <qb/qbloop.h>

#include "cluster.h"
#include "daemon.h"
#include "log.h"
#include "records.h"
#include "runstate.h"
#include "status.h"
#include "statusd.h"
#include "util.h"
#include "vpnha.h"

#define AGENT "mii-link"
#define PID_KEY "statusd-pid"
#define NS_PER_MS 1000000ull
#define SOCKET_GROUP "haclient"

struct sd {
	qb_loop_t *loop;
	const char *instance, *sock_path;
	char node[VPNHA_STATUS_NAME];
	struct statusd_src src;
	uint64_t interval_ms;
	int lfd;
	struct vpnha_cpg cpg;
	struct vpnha_status_site *site;
	struct vpnha_status_node *me; /* this node's report (roles kept here) */
	uint8_t *report;              /* the last one sent */
	size_t report_len;
	bool collected, was_active;
	qb_loop_timer_handle t_tick;
};

static uint64_t wall_s(void)
{
	return (uint64_t)time(NULL);
}

/* ---- the socket ---- */

static void serve(struct sd *d, int fd)
{
	_vpnha_auto_free uint8_t *buf = NULL;
	size_t len = 0, off = 0;
	int sz;
	ssize_t n;

	d->site->generated = wall_s();
	d->site->local_nodeid = d->cpg.nodeid;
	d->site->quorate = d->me->quorate;
	if (vpnha_status_site_encode(d->site, &buf, &len) < 0)
		return;
	/* the whole answer fits in the socket buffer: no wait for a slow client */
	sz = (int)len + 4096;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	while (off < len) {
		n = send(fd, buf + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (off < len)
		vpnha_log_debug("a client got %zu of %zu bytes", off, len);
}

static int32_t on_accept(int32_t fd, int32_t revents, void *data)
{
	struct sd *d = data;
	_vpnha_auto_close int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (c >= 0)
		serve(d, c);
	return 0;
}

static int socket_open(struct sd *d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct group *gr = getgrnam(SOCKET_GROUP);
	mode_t old;
	int r;

	if (strlen(d->sock_path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, d->sock_path, strlen(d->sock_path) + 1);
	d->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (d->lfd < 0)
		return -errno;
	unlink(d->sock_path);
	old = umask(0177);
	r = bind(d->lfd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0 || listen(d->lfd, 16) < 0)
		return -errno;
	/* readable by the cluster's admins (Pacemaker's haclient group) */
	if (gr && chown(d->sock_path, (uid_t)-1, gr->gr_gid) == 0)
		chmod(d->sock_path, 0660);
	else
		vpnha_log_warn("no group '%s': %s is root's only", SOCKET_GROUP, d->sock_path);
	if (qb_loop_poll_add(d->loop, QB_LOOP_MED, d->lfd, POLLIN, d, on_accept) != 0)
		return -EIO;
	return 0;
}

/* ---- CPG ---- */

static void on_deliver(uint32_t nodeid, const void *msg, size_t len, void *arg)
{
	struct sd *d = arg;
	struct vpnha_status_node *r;
	int err;

	if (nodeid == d->cpg.nodeid)
		return;
	r = malloc(sizeof(*r));
	if (!r)
		return;
	err = vpnha_status_report_decode(msg, len, r);
	if (err == 0)
		vpnha_status_site_report(d->site, nodeid, r, wall_s());
	else
		vpnha_log_warn("unreadable report from node %" PRIu32 ": %s", nodeid, strerror(-err));
	free(r);
}

static void on_confchg(const struct vpnha_cpg_member *members, size_t n_members,
		       const struct vpnha_cpg_member *left, size_t n_left, size_t n_joined, void *arg)
{
	struct sd *d = arg;
	uint64_t now = wall_s();
	size_t i;

	for (i = 0; i < n_left; i++) {
		enum vpnha_status_member m;

		if (left[i].nodeid == d->cpg.nodeid) {
			/* another process of this node (a daemon being replaced): not a node change */
			vpnha_log_info("pid %" PRIu32 " of this node left the group (reason %" PRIu32 ")", left[i].pid,
				       left[i].reason);
			continue;
		}
		m = vpnha_status_site_member_left(d->site, left[i].nodeid, left[i].reason, now);
		vpnha_log_notice("node %" PRIu32 " left the group (reason %" PRIu32 "): %s", left[i].nodeid,
				 left[i].reason, vpnha_status_member_str(m));
	}
	for (i = 0; i < n_members; i++)
		vpnha_status_site_member_joined(d->site, members[i].nodeid, now);
	/* a newcomer learns our state at once */
	if (n_joined && d->report)
		vpnha_cpg_send(&d->cpg, d->report, d->report_len);
}

/* Without corosync, nothing is known of the others. */
static void on_cpg_lost(void *arg)
{
	struct sd *d = arg;

	d->site->n_nodes = 0;
}

/* ---- the periodic work ---- */

/* Why this node gained or lost the VIPs, as far as it can tell. */
static void role_reason(struct sd *d, bool active, char *buf, size_t len)
{
	const struct vpnha_status_site *s = d->site;
	size_t i;

	snprintf(buf, len, "%s", active ? "VIPs started here" : "VIPs stopped here (planned)");
	for (i = 0; i < s->n_nodes; i++) {
		const struct vpnha_status_node *n = &s->nodes[i];

		if (n->nodeid == d->cpg.nodeid)
			continue;
		if (!active)
			continue;
		if (n->n_roles && n->roles[n->n_roles - 1].kind == VPNHA_ROLE_GAVE_UP &&
		    n->roles[n->n_roles - 1].at + 60 >= wall_s())
			snprintf(buf, len, "%s gave up: %.60s", n->name[0] ? n->name : "?", n->roles[n->n_roles - 1].reason);
		if (n->member == VPNHA_MEMBER_LOST || n->member == VPNHA_MEMBER_STOPPED)
			snprintf(buf, len, "partner %s %s", n->name[0] ? n->name : "?", vpnha_status_member_str(n->member));
	}
	for (i = 0; !active && i < d->me->n_links; i++)
		if (d->me->links[i].published == VPNHA_ST_DOWN)
			snprintf(buf, len, "link %s down", d->me->links[i].name);
}

static void role_track(struct sd *d)
{
	bool active = vpnha_status_node_active(d->me);
	char why[VPNHA_STATUS_REASON];

	if (d->collected && active != d->was_active) {
		role_reason(d, active, why, sizeof(why));
		vpnha_status_role_add(d->me, wall_s(), active ? VPNHA_ROLE_TOOK_OVER : VPNHA_ROLE_GAVE_UP, why);
		vpnha_log_notice("%s: %s", active ? "took over" : "gave up", why);
	}
	d->was_active = active;
}

static void on_tick(void *data)
{
	struct sd *d = data;
	enum vpnha_quorum q;
	uint64_t t0 = vpnha_now_ms();

	vpnha_cpg_join(&d->cpg);
	statusd_collect(&d->src, d->me);
	q = vpnha_cluster_quorum();
	d->me->quorate = q == VPNHA_QUORUM_QUORATE ? VPNHA_ST_UP : q == VPNHA_QUORUM_INQUORATE ? VPNHA_ST_DOWN
											       : VPNHA_ST_UNKNOWN;
	d->me->updated = wall_s();
	d->me->minor = VPNHA_STATUS_MINOR;
	snprintf(d->me->name, sizeof(d->me->name), "%s", d->node);
	role_track(d);
	d->collected = true;
	if (vpnha_cpg_joined(&d->cpg)) {
		vpnha_status_site_forget(d->site, 0); /* the entry of the time without cluster */
		vpnha_status_site_report(d->site, d->cpg.nodeid, d->me, wall_s());
	} else {
		/* no cluster: the snapshot shows this node alone, membership unknown */
		struct vpnha_status_node *n = vpnha_status_site_node(d->site, 0);

		if (n) {
			*n = *d->me;
			n->nodeid = 0;
			n->member = VPNHA_MEMBER_UNKNOWN;
		}
	}
	free(d->report);
	d->report = NULL;
	if (vpnha_status_report_encode(d->me, &d->report, &d->report_len) == 0)
		vpnha_cpg_send(&d->cpg, d->report, d->report_len);
	vpnha_log_debug("collected in %" PRIu64 " ms", vpnha_now_ms() - t0);
	qb_loop_timer_add(d->loop, QB_LOOP_MED, d->interval_ms * NS_PER_MS, d, on_tick, &d->t_tick);
}

/* ---- set-up ---- */

static void usage(void)
{
	fprintf(stderr, "usage: vpnha-statusd --instance NAME [--node NODE] [--socket PATH] [--interval-ms MS]\n"
			"       [--vici-socket PATH] [--group NAME] [--log-stderr]\n"
			"Started by the ocf:vpnha:mii-link agent (parameter status); see vpnha-statusd(8).\n");
}

static int parse_args(struct sd *d, int argc, char **argv, bool *log_stderr)
{
	static const struct option opts[] = {
		{ "instance", required_argument, NULL, 'i' },
		{ "node", required_argument, NULL, 'N' },
		{ "socket", required_argument, NULL, 's' },
		{ "interval-ms", required_argument, NULL, 't' },
		{ "vici-socket", required_argument, NULL, 'v' },
		{ "group", required_argument, NULL, 'g' },
		{ "log-stderr", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int64_t v;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'i')
			d->instance = optarg;
		else if (c == 'N')
			snprintf(d->node, sizeof(d->node), "%s", optarg);
		else if (c == 's' && vpnha_parse_path(optarg, NULL, 0) == 0)
			d->sock_path = optarg;
		else if (c == 't' && vpnha_parse_int(optarg, 100, 3600000, &v, NULL, 0) == 0)
			d->interval_ms = (uint64_t)v;
		else if (c == 'v' && vpnha_parse_path(optarg, NULL, 0) == 0)
			d->src.vici_socket = optarg;
		else if (c == 'g' && strlen(optarg) > 0 && strlen(optarg) < VPNHA_CPG_NAME_MAX)
			d->cpg.group = optarg;
		else if (c == 'e')
			*log_stderr = true;
		else
			return c == 'h' ? 1 : -EINVAL;
	}
	if (optind != argc || !d->instance || !*d->instance)
		return -EINVAL;
	return 0;
}

static int setup(struct sd *d)
{
	int r;

	r = vpnha_daemon_pidfile(AGENT, d->instance, PID_KEY);
	if (r < 0)
		return r;
	d->loop = d->cpg.loop = qb_loop_create();
	d->site = calloc(1, sizeof(*d->site));
	d->me = calloc(1, sizeof(*d->me));
	if (!d->loop || !d->site || !d->me)
		return -ENOMEM;
	r = socket_open(d);
	if (r < 0)
		return r;
	vpnha_daemon_signals(d->loop);
	return 0;
}

static void teardown(struct sd *d)
{
	vpnha_cpg_leave(&d->cpg); /* the others see a clean leave: "stopped" */
	if (d->lfd >= 0) {
		if (d->loop)
			qb_loop_poll_del(d->loop, d->lfd);
		close(d->lfd);
		unlink(d->sock_path);
	}
	if (d->loop)
		qb_loop_destroy(d->loop);
	free(d->report);
	free(d->site);
	free(d->me);
}

int main(int argc, char **argv)
{
	struct sd d = { .cpg = { .group = "vpnha-status", .fd = -1, .deliver = on_deliver, .confchg = on_confchg, .lost = on_cpg_lost }, .interval_ms = 5000, .lfd = -1, .src = { .vici_socket = "/run/charon.vici", .budget_ms = 1000 } };
	struct vpnha_log_config logcfg;
	bool log_stderr = false, sock_given;
	struct utsname u;
	int r;

	r = parse_args(&d, argc, argv, &log_stderr);
	sock_given = d.sock_path != NULL;
	if (!d.sock_path)
		d.sock_path = VPNHA_STATUS_SOCKET;
	if (r != 0) {
		usage();
		return r > 0 ? 0 : 2;
	}
	d.src.mii_instance = d.instance;
	if (!sock_given && getenv("VPNHA_STATUS_SOCKET") && *getenv("VPNHA_STATUS_SOCKET"))
		d.sock_path = getenv("VPNHA_STATUS_SOCKET"); /* as vpnha status reads it (tests) */
	if (!d.node[0] && uname(&u) == 0)
		snprintf(d.node, sizeof(d.node), "%.63s", u.nodename); /* Pacemaker's default name */
	vpnha_log_config_env(&logcfg);
	logcfg.to_stderr = log_stderr;
	vpnha_log_init("vpnha-statusd", d.instance, &logcfg);
	signal(SIGPIPE, SIG_IGN);
	d.cpg.arg = &d;
	r = setup(&d);
	if (r < 0) {
		vpnha_log_err("cannot start: %s (socket %s, run dir %s)", strerror(-r), d.sock_path, vpnha_run_dir());
	} else {
		on_tick(&d);
		qb_loop_run(d.loop);
	}
	teardown(&d);
	vpnha_log_info("exited");
	vpnha_log_fini();
	return r < 0 ? 1 : 0;
}

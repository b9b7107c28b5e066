/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mii-linkd: the long-running monitor behind ocf:vpnha:mii-link.
 *
 * A libqb main loop with:
 *  - link notifications (lib/linkwatch.h): each one for a watched interface
 *    is fed at once to the flap-suppression state machine (lib/linkstate.h);
 *    changed values are published as node attributes (lib/attrd-pub.h);
 *  - a slow poll (--poll-interval-ms) of every interface's state (netlink,
 *    ethtool, MII: for drivers that send no events); the poll also rewrites
 *    the status file (the agent's monitor checks its freshness);
 *  - every REPUBLISH_MS, a watch on this node's pacemaker-attrd (a restarted
 *    attrd has lost our values: published again; its pid is read from /proc,
 *    nothing is run: attrd_updater -Q cost ~0.4 s of CPU per query in the
 *    lab's UML) and, every CIB_CHECK_MS and 5 s and 20 s after every
 *    corosync membership change, a check that the CIB shows our values (what
 *    the scheduler acts on; attrd-pub.h says why it may not);
 *  - quorum tracking (lib/cluster.h): a node that loses quorum is logged
 *    and flagged.
 *
 * Files (lib/runstate.h, agent "mii-link", the instance): .pid, .status
 * (key=value lines: pid, updated_ms (CLOCK_MONOTONIC), interval_ms,
 * initial (1 once the first state was published or tried), cib_refreshes
 * (attrd_updater -R runs after a CIB check), attrd
 * (pending|ok|no-cluster|failing), quorum, events, error, and one
 * attr.NAME=VALUE and link.IFACE=RAW/PUBLISHED[/suppressed] per item).
 * SIGTERM/SIGINT: clean exit (the agent's stop deletes the attributes); no
 * cluster tool is started once the signal has arrived.
 */
#include "config.h"

#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <qb/qbloop.h>

#include "attrd-pub.h"
#include "cluster.h"
#include "daemon.h"
#include "linkstate.h"
#include "linkwatch.h"
#include "mii-linkd.h"
#include "log.h"
#include "records.h"
#include "runstate.h"
#include "util.h"
#include "vpnha.h"

#define AGENT "mii-link"
#define ATTR_PREFIX "vpnha-link-"
#define REPUBLISH_MS 10000u
#define CIB_CHECK_MS 60000u
#define CIB_AFTER_CHANGE_MS 5000u, 20000u
/* in a start's hold: when to see whether the CIB holds our values */
#define HOLD_CHECK_MS 1000u
/* attrd_updater failing this long makes the monitor fail (mii-link restarts) */
#define FAILING_AFTER_MS 30000u
#define NS_PER_MS 1000000ull

struct mld {
	qb_loop_t *loop;
	const char *instance;
	char node[256]; /* this node's name in the cluster */
	struct vpnha_ls ls;
	struct vpnha_linkmon lm;
	int idx[VPNHA_ATTRD_PUB_MAX]; /* attribute i's interface; -1: the aggregate */
	struct vpnha_attrd_pub pub;
	struct vpnha_quorum_watch qw;
	enum vpnha_quorum quorum;
	uint64_t ring_seq;       /* corosync's, to see membership changes */
	qb_loop_timer_handle t_republish, t_cib[2], t_hold, t_hold_check;
	uint64_t cib_checked_ms; /* CLOCK_MONOTONIC of the last CIB check */
	bool initial;
	bool take_over;   /* --take-over: a deletion may be pending in attrd */
	uint64_t hold_ms; /* --hold-ms: keep attrd's delay this long after the start */
	/* CLOCK_REALTIME us, for the benchmark: the last link event that changed
	 * a value (and pub.publish_rt_us: when attrd_updater then returned) */
	uint64_t change_rt_us;
};

/* ---- status file ---- */

/* mii-link's status record (lib/records.h, VPNHA_REC_MII_STATUS) */
static void status_write(struct mld *d)
{
	struct vpnha_rec_mii_status st = { .pid = (int)getpid(), .updated_ms = vpnha_now_ms() };
	size_t i;

	st.interval_ms = d->lm.poll_ms;
	st.initial = d->initial;
	st.events = d->lm.events;
	st.cib_refreshes = d->pub.cib_refreshes;
	st.publishes = d->pub.publishes;
	st.overruns = d->lm.overruns;
	st.change_rt_us = d->change_rt_us;
	st.publish_rt_us = d->pub.publish_rt_us;
	snprintf(st.attrd, sizeof(st.attrd), "%s", vpnha_attrd_pub_state_str(d->pub.state));
	snprintf(st.quorum, sizeof(st.quorum), "%s", vpnha_quorum_str(d->quorum));
	memcpy(st.error, d->pub.error, sizeof(st.error));
	for (i = 0; i < d->pub.n && st.n_attrs < VPNHA_ARRAY_SIZE(st.attrs); i++, st.n_attrs++) {
		memcpy(st.attrs[i].name, d->pub.attrs[i].name, sizeof(st.attrs[i].name));
		if (d->pub.attrs[i].ok)
			memcpy(st.attrs[i].value, d->pub.attrs[i].published, sizeof(st.attrs[i].value));
	}
	for (i = 0; i < d->ls.n && st.n_links < VPNHA_ARRAY_SIZE(st.links); i++, st.n_links++) {
		memcpy(st.links[i].name, d->ls.ifs[i].name, sizeof(st.links[i].name));
		st.links[i].raw = d->ls.ifs[i].raw;
		st.links[i].stable = d->ls.ifs[i].stable;
		st.links[i].suppressed = d->ls.ifs[i].suppressed;
	}
	if (vpnha_record_write(VPNHA_REC_MII_STATUS, AGENT, d->instance, "status", &st) < 0)
		vpnha_log_err("cannot write the status file in %s", vpnha_run_dir());
}

/* ---- publishing ---- */

static int64_t attr_value(size_t i, void *arg)
{
	const struct mld *d = arg;

	return d->idx[i] < 0 ? vpnha_ls_aggregate(&d->ls) : vpnha_ls_value(&d->ls, (size_t)d->idx[i]);
}

/* ---- links ---- */

/* A published value changed: publish, record. */
static void on_links_changed(void *arg)
{
	struct mld *d = arg;

	d->change_rt_us = vpnha_realtime_us();
	vpnha_attrd_pub_publish(&d->pub);
	status_write(d);
}

/* After every slow poll: the heartbeat the monitor checks. */
static void on_links_polled(void *arg)
{
	status_write(arg);
}

/* ---- the CIB check ---- */

static void cib_check(struct mld *d)
{
	d->cib_checked_ms = vpnha_now_ms();
	if (d->quorum != VPNHA_QUORUM_NO_CLUSTER)
		vpnha_attrd_pub_cib_check(&d->pub, d->node);
}

static void on_cib_check(void *data)
{
	cib_check(data);
}

/* After a membership change: check the CIB once the merge has settled. */
static void cib_checks_schedule(struct mld *d)
{
	static const uint64_t after_ms[] = { CIB_AFTER_CHANGE_MS };
	size_t i;

	for (i = 0; i < 2; i++) {
		if (qb_loop_timer_is_running(d->loop, d->t_cib[i]))
			qb_loop_timer_del(d->loop, d->t_cib[i]);
		qb_loop_timer_add(d->loop, QB_LOOP_LOW, after_ms[i] * NS_PER_MS, d, on_cib_check, &d->t_cib[i]);
	}
}

/* ---- quorum ---- */

static void on_quorum(enum vpnha_quorum q, uint64_t ring_seq, uint32_t n, void *arg)
{
	struct mld *d = arg;

	if (ring_seq != d->ring_seq) {
		if (d->ring_seq)
			cib_checks_schedule(d);
		d->ring_seq = ring_seq;
	}
	if (q == d->quorum)
		return;
	if (q == VPNHA_QUORUM_INQUORATE)
		vpnha_log_warn("this node has lost quorum (%u members)", n);
	else if (q == VPNHA_QUORUM_QUORATE)
		vpnha_log_notice("this node is quorate (%u members)", n);
	d->quorum = q;
	status_write(d);
}

/* ---- the slow timers ---- */

/* Early in the hold: write at once what the CIB does not hold (attrd-pub.h). */
static void on_hold_check(void *data)
{
	struct mld *d = data;

	if (d->quorum != VPNHA_QUORUM_NO_CLUSTER)
		vpnha_attrd_pub_hold_check(&d->pub, d->node);
	status_write(d);
}

/* The hold is over: publish again, now with attrd_dampen as the delay. */
static void on_hold_end(void *data)
{
	struct mld *d = data;

	d->pub.holding = false;
	vpnha_attrd_pub_invalidate(&d->pub);
	vpnha_attrd_pub_publish(&d->pub);
}

static void on_republish(void *data)
{
	struct mld *d = data;

	vpnha_quorum_watch_connect(&d->qw, &d->quorum);
	vpnha_attrd_pub_watch(&d->pub);
	if (vpnha_now_ms() >= d->cib_checked_ms + CIB_CHECK_MS)
		cib_check(d);
	status_write(d);
	qb_loop_timer_add(d->loop, QB_LOOP_LOW, REPUBLISH_MS * NS_PER_MS, d, on_republish, &d->t_republish);
}

/* The initial state (poll, publish, report), then the timers. */
static void initial_state(struct mld *d)
{
	d->pub.holding = d->hold_ms > 0;
	vpnha_linkmon_probe_all(&d->lm);
	vpnha_attrd_pub_publish(&d->pub);
	vpnha_attrd_pub_note_attrd(&d->pub);
	d->initial = d->pub.announce = true;
	status_write(d);
	vpnha_log_notice("watching %zu interface(s), attributes %s", d->ls.n,
			 vpnha_attrd_pub_state_str(d->pub.state));

	vpnha_linkmon_run(&d->lm);
	d->cib_checked_ms = vpnha_now_ms();
	qb_loop_timer_add(d->loop, QB_LOOP_LOW, REPUBLISH_MS * NS_PER_MS, d, on_republish, &d->t_republish);
	if (!d->pub.holding)
		return;
	qb_loop_timer_add(d->loop, QB_LOOP_LOW, d->hold_ms * NS_PER_MS, d, on_hold_end, &d->t_hold);
	if (d->hold_ms > HOLD_CHECK_MS)
		qb_loop_timer_add(d->loop, QB_LOOP_LOW, HOLD_CHECK_MS * NS_PER_MS, d, on_hold_check,
				  &d->t_hold_check);
}

/* ---- set-up ---- */

static void fatal(struct mld *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Record a start-up failure where the agent reads it, then exit. */
static void fatal(struct mld *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->pub.error, sizeof(d->pub.error), fmt, ap);
	va_end(ap);
	vpnha_log_err("%s", d->pub.error);
	status_write(d);
	vpnha_log_fini();
	exit(1);
}

/* One attribute for attrd: name, its interface index (-1: the aggregate). */
static void attr_add(struct mld *d, const char *name, int idx)
{
	struct vpnha_attrd_attr *at = &d->pub.attrs[d->pub.n];

	snprintf(at->name, sizeof(at->name), "%s", name);
	at->take_over = d->take_over;
	d->idx[d->pub.n++] = idx;
}

/* The interfaces and their attributes: -1, or the exit code. */
static int attrs_setup(struct mld *d, const struct mld_args *a)
{
	char attr[VPNHA_ATTRD_NAME_MAX + 1];
	size_t i;
	int idx;

	vpnha_ls_init(&d->ls, &a->cfg);
	for (i = 0; i < a->n_if; i++) {
		idx = vpnha_ls_add(&d->ls, a->ifnames[i]);
		if (idx < 0) {
			fprintf(stderr, "mii-linkd: --interface %s: given twice\n", a->ifnames[i]);
			return 2;
		}
		snprintf(attr, sizeof(attr), ATTR_PREFIX "%s", a->ifnames[i]);
		if (vpnha_attrd_name_check(attr) < 0) {
			fprintf(stderr, "mii-linkd: --interface %s: bad attribute name\n", a->ifnames[i]);
			return 2;
		}
		attr_add(d, attr, idx);
	}
	if (a->name)
		attr_add(d, a->name, -1);
	if (d->take_over)
		vpnha_log_notice("taking over the attributes of the previous instance (their deletion may be "
				 "pending in attrd)");
	return -1;
}

/* The pid file, the loop, the link monitor, the signals. */
static void daemon_setup(struct mld *d)
{
	char err[160];
	int r;

	r = vpnha_daemon_pidfile(AGENT, d->instance, "pid");
	if (r < 0)
		fatal(d, "cannot write the pid file in %s: %s", vpnha_run_dir(), strerror(-r));
	d->loop = d->lm.loop = d->qw.loop = qb_loop_create();
	if (!d->loop)
		fatal(d, "cannot create the main loop");
	d->lm.ls = &d->ls;
	d->lm.changed = on_links_changed;
	d->lm.polled = on_links_polled;
	d->lm.arg = d->qw.arg = d;
	d->qw.fn = on_quorum;
	if (vpnha_linkmon_open(&d->lm, err, sizeof(err)) < 0)
		fatal(d, "%s", err);
	vpnha_daemon_signals(d->loop);
}

int main(int argc, char **argv)
{
	struct mld_args a = { .cfg = { .flap_threshold = 3, .flap_window_ms = 10000, .require_all = true,
				       .multiplier = 1 },
			      .poll_ms = 2000 };
	struct mld d = { .qw.fd = -1 };
	struct vpnha_log_config logcfg;
	int r;

	if ((r = mld_parse_args(argc, argv, &a)) >= 0)
		return r;
	d.instance = a.instance;
	snprintf(d.node, sizeof(d.node), "%s", a.node);
	d.pub.dampen_ms = a.attrd_dampen_ms;
	d.lm.poll_ms = a.poll_ms;
	d.hold_ms = a.hold_ms;
	d.take_over = a.take_over;
	vpnha_log_config_env(&logcfg);
	logcfg.to_stderr = a.log_stderr;
	vpnha_log_init("mii-linkd", d.instance, &logcfg);
	signal(SIGPIPE, SIG_IGN);
	if ((r = attrs_setup(&d, &a)) >= 0)
		return r;
	d.pub.value = attr_value;
	d.pub.arg = &d;
	d.pub.retry_s = REPUBLISH_MS / 1000u;
	d.pub.failing_after_ms = FAILING_AFTER_MS;
	d.pub.stopping = &vpnha_daemon_stopping;
	daemon_setup(&d);

	vpnha_quorum_watch_connect(&d.qw, &d.quorum);
	initial_state(&d);
	qb_loop_run(d.loop);

	/* clean exit: release everything (valgrind checks for leaks) */
	vpnha_quorum_watch_close(&d.qw);
	vpnha_linkmon_close(&d.lm);
	qb_loop_destroy(d.loop);
	vpnha_log_info("exited");
	vpnha_log_fini();
	return 0;
}

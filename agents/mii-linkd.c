/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mii-linkd: the long-running monitor behind ocf:vpnha:mii-link.
 *
 * A libqb main loop with:
 *  - a netlink socket subscribed to RTNLGRP_LINK: each link notification for
 *    a watched interface is fed at once to the flap-suppression state
 *    machine (lib/linkstate.h); changed values are published through
 *    attrd_updater (lib/attrd.h);
 *  - a slow poll (--poll-interval-ms) of every interface's state: netlink
 *    (RTM_GETLINK), ethtool get-link and the MII status register where the
 *    driver has them, for drivers that send no events; the poll also
 *    rewrites the status file (the agent's monitor checks its freshness);
 *  - a watch, every REPUBLISH_MS, on this node's pacemaker-attrd (its pid,
 *    read from /proc: nothing is run): a restarted attrd has lost our
 *    values, which are then published again.  (Asking attrd with
 *    attrd_updater -Q instead cost ~0.4 s of CPU per query inside the lab's
 *    UML: two queries every 10 s on every node were a quarter of the lab's
 *    CPU.);
 *  - a check that the CIB shows our values too (what the scheduler acts on):
 *    5 s and 20 s after every corosync membership change and every
 *    CIB_CHECK_MS.  Pacemaker 2.1's controller can erase a rejoining node's
 *    transient attributes from the CIB after attrd rewrote them (seen after
 *    a partition merge), and attrd never writes an unchanged value again:
 *    the group then "cannot run anywhere".  On a mismatch the values are
 *    published again (attrd may have lost them too, e.g. deleted by hand)
 *    and attrd is told to write all its values again (attrd_updater -R);
 *  - libquorum tracking: a node that loses quorum is logged and flagged.
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

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <net/if.h>
#include <linux/ethtool.h>
#include <linux/if.h>
#include <linux/mii.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>

#include <corosync/corotypes.h>
#include <corosync/quorum.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/route/link.h>
#include <qb/qbloop.h>

#include "attrd.h"
#include "cluster.h"
#include "linkstate.h"
#include "log.h"
#include "proc.h"
#include "records.h"
#include "runstate.h"
#include "util.h"
#include "vpnha.h"

#define AGENT "mii-link"
#define ATTR_PREFIX "vpnha-link-"
#define REPUBLISH_MS 10000u
#define CIB_CHECK_MS 60000u
#define CIB_AFTER_CHANGE_MS 5000u, 20000u
#define ATTRD_TIMEOUT_MS 5000u
#define ATTRD_COMM "pacemaker-attrd"
#define FAILING_AFTER 3u
#define NS_PER_MS 1000000ull

enum attrd_state { ATTRD_PENDING, ATTRD_OK, ATTRD_NO_CLUSTER, ATTRD_FAILING };

static const char *const attrd_state_str[] = { "pending", "ok", "no-cluster", "failing" };

struct attr {
	char name[VPNHA_ATTRD_NAME_MAX + 1];
	int idx;                   /* interface index; -1: the aggregate */
	char published[32];        /* last value attrd accepted */
	bool ok;                   /* published[] is current in attrd */
	bool take_over;            /* first publish: value first, under attrd's current delay */
};

struct probe_caps {
	bool no_glink, no_mii;
};

struct mld {
	qb_loop_t *loop;
	const char *instance;
	char node[256];            /* this node's name in the cluster */
	struct vpnha_ls ls;
	uint64_t attrd_dampen_ms, poll_ms;
	struct attr attrs[VPNHA_LS_MAX_IFS + 1];
	size_t n_attrs;
	struct probe_caps caps[VPNHA_LS_MAX_IFS];

	struct nl_sock *ev, *sync;
	int ethfd;
	bool changed;              /* set by the netlink callback */

	qb_loop_timer_handle t_deadline, t_poll, t_republish, t_cib[2];
	uint64_t ring_seq;         /* corosync's, to see membership changes */
	uint64_t cib_checked_ms;   /* CLOCK_MONOTONIC of the last CIB check */
	uint64_t cib_refreshes;
	bool deadline_armed;
	uint64_t deadline_at;

	quorum_handle_t qh;
	int qfd;
	enum vpnha_quorum quorum;

	enum attrd_state attrd;
	unsigned attrd_failures;
	pid_t attrd_pid;           /* the attrd our values went to (0: none seen) */
	char error[400];
	bool initial;
	bool take_over;            /* --take-over: a deletion may be pending in attrd */
	/* --hold-ms: keep attrd's delay this long after the start (holding) */
	uint64_t hold_ms;
	bool holding;
	qb_loop_timer_handle t_hold;
	uint64_t events, publishes, overruns;
	/* CLOCK_REALTIME us, for the benchmark: the last link event that changed
	 * a value, and when attrd_updater then returned */
	uint64_t change_rt_us, publish_rt_us;
};

static uint64_t rt_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static struct mld *g;

/*
 * SIGTERM/SIGINT: libqb's handler queues the signal for the main loop; ours,
 * chained in front of it, also sets `stopping` at once, so that no new
 * cluster tool is run between the signal and the loop's exit.
 */
static volatile sig_atomic_t stopping;
static struct sigaction qb_sa_term, qb_sa_int;

static void on_stop_signal(int sig, siginfo_t *si, void *uc)
{
	const struct sigaction *o = sig == SIGINT ? &qb_sa_int : &qb_sa_term;

	stopping = 1;
	if (o->sa_flags & SA_SIGINFO) {
		if (o->sa_sigaction)
			o->sa_sigaction(sig, si, uc);
	} else if (o->sa_handler != SIG_DFL && o->sa_handler != SIG_IGN) {
		o->sa_handler(sig);
	}
}

static void stop_signals_chain(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_stop_signal;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, &qb_sa_term);
	sigaction(SIGINT, &sa, &qb_sa_int);
}

/* ---- status file ---- */

/* mii-link's status record (lib/records.h, VPNHA_REC_MII_STATUS) */
static void status_write(struct mld *d)
{
	struct vpnha_rec_mii_status st = { .pid = (int)getpid(), .updated_ms = vpnha_now_ms() };
	size_t i;

	st.interval_ms = d->poll_ms;
	st.initial = d->initial;
	st.events = d->events;
	st.cib_refreshes = d->cib_refreshes;
	st.publishes = d->publishes;
	st.overruns = d->overruns;
	st.change_rt_us = d->change_rt_us;
	st.publish_rt_us = d->publish_rt_us;
	snprintf(st.attrd, sizeof(st.attrd), "%s", attrd_state_str[d->attrd]);
	snprintf(st.quorum, sizeof(st.quorum), "%s", vpnha_quorum_str(d->quorum));
	memcpy(st.error, d->error, sizeof(st.error));
	for (i = 0; i < d->n_attrs && st.n_attrs < VPNHA_ARRAY_SIZE(st.attrs); i++, st.n_attrs++) {
		memcpy(st.attrs[i].name, d->attrs[i].name, sizeof(st.attrs[i].name));
		if (d->attrs[i].ok)
			memcpy(st.attrs[i].value, d->attrs[i].published, sizeof(st.attrs[i].value));
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

static int64_t attr_value(const struct mld *d, const struct attr *a)
{
	return a->idx < 0 ? vpnha_ls_aggregate(&d->ls) : vpnha_ls_value(&d->ls, (size_t)a->idx);
}

/* Publish every attribute whose value attrd doesn't hold yet. */
static void publish(struct mld *d)
{
	enum vpnha_attrd_result r, worst = VPNHA_ATTRD_OK;
	char value[32], detail[256];
	size_t i;
	bool held;

	for (i = 0; i < d->n_attrs && !stopping; i++) {
		struct attr *a = &d->attrs[i];
		int64_t v = attr_value(d, a);

		if (v < 0)
			continue;
		snprintf(value, sizeof(value), "%" PRId64, v);
		if (a->ok && !strcmp(a->published, value))
			continue;
		/* A stop (here or on another node: the clone restarts) may have left a
		 * deletion pending in attrd (mii-link stop_grace). Changing the delay
		 * makes attrd write at once every node's value it holds, a pending
		 * deletion too, so for hold_ms after the start a value is set under
		 * the delay in force; a link lost (0) is written at once all the same. */
		r = VPNHA_ATTRD_OK;
		held = d->holding && v != 0;
		if (a->take_over || held) {
			r = vpnha_attrd_set_value(a->name, value, ATTRD_TIMEOUT_MS, detail, sizeof(detail));
			if (r == VPNHA_ATTRD_OK)
				a->take_over = false;
		}
		if (r == VPNHA_ATTRD_OK && !held)
			r = vpnha_attrd_update(a->name, value, d->attrd_dampen_ms, ATTRD_TIMEOUT_MS,
					       detail, sizeof(detail));
		d->publishes++;
		if (r == VPNHA_ATTRD_OK) {
			d->publish_rt_us = rt_us();
			vpnha_log_notice("%s=%s", a->name, value);
			snprintf(a->published, sizeof(a->published), "%s", value);
			a->ok = true;
			continue;
		}
		a->ok = false;
		if (worst == VPNHA_ATTRD_OK || r != VPNHA_ATTRD_NO_CLUSTER)
			worst = r;
		snprintf(d->error, sizeof(d->error), "%s=%s not published: %s%s%.60s", a->name, value,
			 vpnha_attrd_result_str(r), detail[0] ? ": " : "", detail);
		if (r != VPNHA_ATTRD_NO_CLUSTER)
			vpnha_log_warn("%s", d->error);
	}
	if (worst == VPNHA_ATTRD_OK) {
		if (d->attrd != ATTRD_OK && d->initial)
			vpnha_log_notice("attributes published");
		d->attrd = ATTRD_OK;
		d->attrd_failures = 0;
		d->error[0] = '\0';
	} else if (worst == VPNHA_ATTRD_NO_CLUSTER) {
		if (d->attrd != ATTRD_NO_CLUSTER)
			vpnha_log_warn("attributes could not be published: no cluster on this node "
				       "(attrd not reachable); retrying every %u s", REPUBLISH_MS / 1000u);
		d->attrd = ATTRD_NO_CLUSTER;
	} else {
		d->attrd = ++d->attrd_failures >= FAILING_AFTER ? ATTRD_FAILING : ATTRD_PENDING;
	}
}

/* ---- the state machine's timer ---- */

static void on_deadline(void *data);

static void arm_deadline(struct mld *d)
{
	uint64_t next = vpnha_ls_next_deadline(&d->ls), now;

	if (d->deadline_armed && next == d->deadline_at)
		return;
	if (d->deadline_armed) {
		qb_loop_timer_del(d->loop, d->t_deadline);
		d->deadline_armed = false;
	}
	if (next == UINT64_MAX)
		return;
	now = vpnha_now_ms();
	if (qb_loop_timer_add(d->loop, QB_LOOP_HIGH, (next > now ? next - now : 0) * NS_PER_MS, d,
			      on_deadline, &d->t_deadline) == 0) {
		d->deadline_armed = true;
		d->deadline_at = next;
	}
}

/* After the state machine moved: publish, record, re-arm. */
static void settle(struct mld *d, bool changed)
{
	if (changed) {
		d->change_rt_us = rt_us();
		publish(d);
	}
	arm_deadline(d);
	if (changed)
		status_write(d);
}

static void on_deadline(void *data)
{
	struct mld *d = data;

	d->deadline_armed = false;
	settle(d, vpnha_ls_tick(&d->ls, vpnha_now_ms()));
}

/* ---- link notifications ---- */

static int on_nl_msg(struct nl_msg *msg, void *arg)
{
	struct mld *d = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct vpnha_link_info li;
	int idx;

	if (vpnha_link_info_parse(h, h->nlmsg_len, &li) < 0)
		return NL_OK;
	idx = vpnha_ls_find(&d->ls, li.name);
	if (idx < 0)
		return NL_OK;
	d->events++;
	vpnha_log_debug("%s: flags 0x%x operstate %u carrier %u%s", li.name, li.flags, li.operstate,
			li.carrier, li.deleted ? " (deleted)" : "");
	if (vpnha_ls_observe(&d->ls, (size_t)idx, vpnha_link_info_up(&li), vpnha_now_ms()))
		d->changed = true;
	return NL_OK;
}

static void poll_links(struct mld *d);

static int32_t on_nl_readable(int32_t fd, int32_t revents, void *data)
{
	struct mld *d = data;
	int r;

	d->changed = false;
	r = nl_recvmsgs_default(d->ev);
	if (r < 0 && r != -NLE_AGAIN) {
		/* e.g. an overrun (ENOBUFS) during a storm: resynchronise */
		d->overruns++;
		vpnha_log_warn("link notifications: %s; re-reading link state", nl_geterror(r));
		poll_links(d);
	}
	settle(d, d->changed);
	return 0;
}

/* ---- the slow poll ---- */

/* Link state from the driver: 1 up, 0 down, -1 unsupported. */
static int ethtool_link(int fd, const char *ifname, struct probe_caps *caps)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_GLINK };
	struct ifreq ifr;

	if (caps->no_glink || fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ev;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0) {
		if (errno == EOPNOTSUPP || errno == EINVAL) {
			caps->no_glink = true;
			vpnha_log_info("%s: no ethtool get-link", ifname);
		}
		return -1;
	}
	return ev.data ? 1 : 0;
}

static int mii_link(int fd, const char *ifname, struct probe_caps *caps)
{
	struct ifreq ifr;
	struct mii_ioctl_data *mii = (struct mii_ioctl_data *)(void *)&ifr.ifr_data;

	if (caps->no_mii || fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGMIIPHY, &ifr) < 0) {
		if (errno != ENODEV) {
			caps->no_mii = true;
			vpnha_log_info("%s: no MII registers", ifname);
		}
		return -1;
	}
	mii->reg_num = MII_BMSR;
	/* the link bit latches low: the second read is the current state */
	if (ioctl(fd, SIOCGMIIREG, &ifr) < 0 || ioctl(fd, SIOCGMIIREG, &ifr) < 0)
		return -1;
	return (mii->val_out & BMSR_LSTATUS) ? 1 : 0;
}

static bool probe_link(struct mld *d, size_t i)
{
	const char *name = d->ls.ifs[i].name;
	struct rtnl_link *link = NULL;
	struct vpnha_link_info li = { 0 };
	int r;

	r = rtnl_link_get_kernel(d->sync, 0, name, &link);
	if (r < 0) {
		vpnha_log_debug("%s: %s", name, nl_geterror(r));
		return false;
	}
	li.flags = rtnl_link_get_flags(link);
	li.operstate = rtnl_link_get_operstate(link);
	li.carrier = rtnl_link_get_carrier(link);
	rtnl_link_put(link);
	if (!vpnha_link_info_up(&li))
		return false;
	/* drivers that don't send events: trust what they say when asked */
	if (ethtool_link(d->ethfd, name, &d->caps[i]) == 0)
		return false;
	if (mii_link(d->ethfd, name, &d->caps[i]) == 0)
		return false;
	return true;
}

static void poll_links(struct mld *d)
{
	size_t i;

	for (i = 0; i < d->ls.n; i++)
		if (vpnha_ls_observe(&d->ls, i, probe_link(d, i), vpnha_now_ms()))
			d->changed = true;
}

static void on_poll(void *data)
{
	struct mld *d = data;

	d->changed = false;
	poll_links(d);
	settle(d, d->changed);
	status_write(d); /* the heartbeat monitor checks */
	qb_loop_timer_add(d->loop, QB_LOOP_MED, d->poll_ms * NS_PER_MS, d, on_poll, &d->t_poll);
}

/* ---- quorum ---- */

static void quorum_close(struct mld *d);

static void cib_checks_schedule(struct mld *d);

static void on_quorum(quorum_handle_t h, uint32_t quorate, uint64_t ring_seq, uint32_t n, uint32_t *list)
{
	enum vpnha_quorum q = quorate ? VPNHA_QUORUM_QUORATE : VPNHA_QUORUM_INQUORATE;

	if (!g)
		return;
	if (ring_seq != g->ring_seq) {
		if (g->ring_seq)
			cib_checks_schedule(g);
		g->ring_seq = ring_seq;
	}
	if (q == g->quorum)
		return;
	if (q == VPNHA_QUORUM_INQUORATE)
		vpnha_log_warn("this node has lost quorum (%u members)", n);
	else
		vpnha_log_notice("this node is quorate (%u members)", n);
	g->quorum = q;
	status_write(g);
}

static int32_t on_quorum_readable(int32_t fd, int32_t revents, void *data)
{
	struct mld *d = data;

	if (quorum_dispatch(d->qh, CS_DISPATCH_ALL) != CS_OK) {
		vpnha_log_warn("lost the connection to corosync");
		d->qfd = -1; /* returning -1 removes the poll entry */
		quorum_close(d);
		d->quorum = VPNHA_QUORUM_NO_CLUSTER;
		status_write(d);
		return -1; /* removes the poll entry */
	}
	return 0;
}

static void quorum_close(struct mld *d)
{
	if (d->qfd >= 0) {
		qb_loop_poll_del(d->loop, d->qfd);
		d->qfd = -1;
	}
	if (d->qh) {
		quorum_finalize(d->qh);
		d->qh = 0;
	}
}

static void quorum_open(struct mld *d)
{
	quorum_callbacks_t cb = { .quorum_notify_fn = on_quorum };
	uint32_t type = 0;
	int quorate = 0, fd = -1;

	if (d->qh)
		return;
	if (quorum_initialize(&d->qh, &cb, &type) != CS_OK) {
		d->qh = 0;
		d->quorum = VPNHA_QUORUM_NO_CLUSTER;
		return;
	}
	if (quorum_getquorate(d->qh, &quorate) != CS_OK ||
	    quorum_trackstart(d->qh, CS_TRACK_CHANGES) != CS_OK ||
	    quorum_fd_get(d->qh, &fd) != CS_OK ||
	    qb_loop_poll_add(d->loop, QB_LOOP_LOW, fd, POLLIN, d, on_quorum_readable) != 0) {
		quorum_finalize(d->qh);
		d->qh = 0;
		d->quorum = VPNHA_QUORUM_NO_CLUSTER;
		return;
	}
	d->qfd = fd;
	d->quorum = quorate ? VPNHA_QUORUM_QUORATE : VPNHA_QUORUM_INQUORATE;
	vpnha_log_info("corosync: %s", vpnha_quorum_str(d->quorum));
	if (d->quorum == VPNHA_QUORUM_INQUORATE)
		vpnha_log_warn("this node is not quorate");
}

/* ---- re-publishing ---- */

/*
 * Has this node's pacemaker-attrd been restarted since our values went to it?
 * A restarted attrd starts empty (and erases the node's transient attributes
 * from the CIB): publish everything again.  Read from /proc, nothing run.
 */
static void attrd_watch(struct mld *d)
{
	pid_t pid;
	size_t i;

	if (d->attrd != ATTRD_OK) {
		publish(d); /* retry what never made it */
		if (d->attrd == ATTRD_OK)
			d->attrd_pid = vpnha_pid_find(ATTRD_COMM, 0);
		return;
	}
	pid = vpnha_pid_find(ATTRD_COMM, d->attrd_pid);
	if (pid <= 0 || pid == d->attrd_pid)
		return; /* the same attrd, or none yet: pacemakerd is restarting it */
	vpnha_log_notice("pacemaker-attrd restarted (pid %d, was %d): re-publishing", (int)pid,
			 (int)d->attrd_pid);
	for (i = 0; i < d->n_attrs; i++)
		d->attrs[i].ok = false;
	publish(d);
	if (d->attrd == ATTRD_OK)
		d->attrd_pid = pid;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/*
 * Does the CIB hold what attrd holds for this node?  Only values attrd has
 * accepted (a->ok) and, with dampening, only once the dampening is over.
 * A mismatch: attrd_updater -R (attrd rewrites all its values).
 */
static void cib_check(struct mld *d)
{
	char current[32], detail[256];
	enum vpnha_attrd_result r;
	bool lost = false;
	size_t i;

	d->cib_checked_ms = mono_ms();
	if (stopping || d->holding || d->attrd != ATTRD_OK || d->quorum == VPNHA_QUORUM_NO_CLUSTER)
		return; /* in the hold, attrd writes under a delay of up to hold_ms */
	if (d->publish_rt_us && rt_us() < d->publish_rt_us + (d->attrd_dampen_ms + 5000u) * 1000u)
		return; /* a value may still be on its way to the CIB */
	for (i = 0; i < d->n_attrs && !stopping; i++) {
		struct attr *a = &d->attrs[i];

		if (!a->ok || !a->published[0])
			continue;
		r = vpnha_cib_attr_query(a->name, d->node, current, sizeof(current), ATTRD_TIMEOUT_MS,
					 detail, sizeof(detail));
		if (r == VPNHA_ATTRD_OK && !strcmp(current, a->published))
			continue;
		if (r != VPNHA_ATTRD_OK && r != VPNHA_ATTRD_NOT_FOUND) {
			vpnha_log_info("cannot read %s from the CIB (%s%s%.60s)", a->name, vpnha_attrd_result_str(r),
				       detail[0] ? ": " : "", detail);
			continue;
		}
		vpnha_log_notice("the CIB lost %s (has '%s', attrd has %s): asking attrd to write its values again",
				 a->name, r == VPNHA_ATTRD_OK ? current : "", a->published);
		a->ok = false;
		lost = true;
	}
	if (!lost || stopping)
		return;
	d->cib_refreshes++;
	/* attrd may have lost them too (deleted by hand): an unchanged value
	 * costs attrd nothing, and -R then rewrites what it holds */
	publish(d);
	r = vpnha_attrd_refresh(ATTRD_TIMEOUT_MS, detail, sizeof(detail));
	if (r != VPNHA_ATTRD_OK)
		vpnha_log_warn("attrd_updater -R: %s%s%.60s", vpnha_attrd_result_str(r), detail[0] ? ": " : "",
			       detail);
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

/* The hold is over: publish again, now with attrd_dampen as the delay. */
static void on_hold_end(void *data)
{
	struct mld *d = data;
	size_t i;

	d->holding = false;
	for (i = 0; i < d->n_attrs; i++)
		d->attrs[i].ok = false;
	publish(d);
}

static void on_republish(void *data)
{
	struct mld *d = data;

	quorum_open(d);
	attrd_watch(d);
	if (mono_ms() >= d->cib_checked_ms + CIB_CHECK_MS)
		cib_check(d);
	status_write(d);
	qb_loop_timer_add(d->loop, QB_LOOP_LOW, REPUBLISH_MS * NS_PER_MS, d, on_republish, &d->t_republish);
}

/* ---- set-up ---- */

static int32_t on_signal(int32_t sig, void *data)
{
	struct mld *d = data;

	vpnha_log_info("signal %d: exiting", sig);
	qb_loop_stop(d->loop);
	return 0;
}

static int nl_setup(struct mld *d)
{
	int r;

	d->ev = nl_socket_alloc();
	d->sync = nl_socket_alloc();
	if (!d->ev || !d->sync)
		return -NLE_NOMEM;
	nl_socket_disable_seq_check(d->ev);
	nl_socket_modify_cb(d->ev, NL_CB_VALID, NL_CB_CUSTOM, on_nl_msg, d);
	if ((r = nl_connect(d->ev, NETLINK_ROUTE)) < 0)
		return r;
	if ((r = nl_socket_add_membership(d->ev, RTNLGRP_LINK)) < 0)
		return r;
	if ((r = nl_socket_set_nonblocking(d->ev)) < 0)
		return r;
	/* room for a storm of notifications before an overrun (root may go
	 * past net.core.rmem_max) */
	{
		int sz = 4 << 20;

		if (setsockopt(nl_socket_get_fd(d->ev), SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
			nl_socket_set_buffer_size(d->ev, sz, 0);
	}
	if ((r = nl_connect(d->sync, NETLINK_ROUTE)) < 0)
		return r;
	return 0;
}

static void fatal(struct mld *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Record a start-up failure where the agent reads it, then exit. */
static void fatal(struct mld *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->error, sizeof(d->error), fmt, ap);
	va_end(ap);
	vpnha_log_err("%s", d->error);
	status_write(d);
	vpnha_log_fini();
	exit(1);
}

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

/* The initial state (poll, publish, report), then the timers. */
static void initial_state(struct mld *d, size_t n_if)
{
	d->holding = d->hold_ms > 0;
	poll_links(d);
	publish(d);
	if (d->attrd == ATTRD_OK)
		d->attrd_pid = vpnha_pid_find(ATTRD_COMM, 0);
	d->initial = true;
	arm_deadline(d);
	status_write(d);
	vpnha_log_notice("watching %zu interface(s), attributes %s", n_if, attrd_state_str[d->attrd]);

	qb_loop_timer_add(d->loop, QB_LOOP_MED, d->poll_ms * NS_PER_MS, d, on_poll, &d->t_poll);
	d->cib_checked_ms = mono_ms();
	qb_loop_timer_add(d->loop, QB_LOOP_LOW, REPUBLISH_MS * NS_PER_MS, d, on_republish, &d->t_republish);
	if (d->holding)
		qb_loop_timer_add(d->loop, QB_LOOP_LOW, d->hold_ms * NS_PER_MS, d, on_hold_end, &d->t_hold);
}

int main(int argc, char **argv)
{
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
	struct vpnha_ls_cfg cfg = { .flap_threshold = 3, .flap_window_ms = 10000, .require_all = true,
				    .multiplier = 1 };
	const char *ifnames[VPNHA_LS_MAX_IFS], *name = NULL;
	struct vpnha_log_config logcfg;
	struct mld d = { .instance = NULL, .ethfd = -1, .qfd = -1, .poll_ms = 2000 };
	qb_loop_signal_handle sh;
	size_t n_if = 0, i;
	bool log_stderr = false;
	char why[256];
	int c, r;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			d.instance = optarg;
			break;
		case 'N':
			snprintf(d.node, sizeof(d.node), "%s", optarg);
			break;
		case 'I':
			if (n_if >= VPNHA_LS_MAX_IFS || vpnha_parse_ifname(optarg, why, sizeof(why)) < 0) {
				fprintf(stderr, "mii-linkd: --interface %s: %s\n", optarg,
					n_if >= VPNHA_LS_MAX_IFS ? "too many" : why);
				return 2;
			}
			ifnames[n_if++] = optarg;
			break;
		case 'n':
			if (vpnha_attrd_name_check(optarg) < 0) {
				fprintf(stderr, "mii-linkd: --name: invalid attribute name\n");
				return 2;
			}
			name = optarg;
			break;
		case 'm':
			cfg.multiplier = (int64_t)num_arg("multiplier", optarg, 1, 1000000);
			break;
		case 'd':
			cfg.dampen_ms = num_arg("dampen-ms", optarg, 0, 3600000);
			break;
		case 'D':
			d.attrd_dampen_ms = num_arg("attrd-dampen-ms", optarg, 0, 3600000);
			break;
		case 't':
			cfg.flap_threshold = (unsigned)num_arg("flap-threshold", optarg, 0, VPNHA_LS_MAX_FLAPS);
			break;
		case 'w':
			cfg.flap_window_ms = num_arg("flap-window-ms", optarg, 1, 3600000);
			break;
		case 'p':
			d.poll_ms = num_arg("poll-interval-ms", optarg, 10, 3600000);
			break;
		case 'A':
			cfg.require_all = true;
			break;
		case 'a':
			cfg.require_all = false;
			break;
		case 'e':
			log_stderr = true;
			break;
		case 'T':
			d.take_over = true;
			break;
		case 'H':
			d.hold_ms = num_arg("hold-ms", optarg, 0, 3600000);
			break;
		case 'h':
			usage();
			return 0;
		default:
			usage();
			return 2;
		}
	}
	if (optind != argc || !d.instance || !*d.instance || n_if == 0) {
		usage();
		return 2;
	}
	if (vpnha_ls_cfg_check(&cfg, why, sizeof(why)) < 0) {
		fprintf(stderr, "mii-linkd: %s\n", why);
		return 2;
	}
	if (!d.node[0]) {
		struct utsname u;

		/* Pacemaker's default node name */
		if (uname(&u) == 0)
			snprintf(d.node, sizeof(d.node), "%s", u.nodename);
	}

	vpnha_log_config_env(&logcfg);
	logcfg.to_stderr = log_stderr;
	vpnha_log_init("mii-linkd", d.instance, &logcfg);
	signal(SIGPIPE, SIG_IGN);

	vpnha_ls_init(&d.ls, &cfg);
	for (i = 0; i < n_if; i++) {
		d.attrs[d.n_attrs].idx = vpnha_ls_add(&d.ls, ifnames[i]);
		if (d.attrs[d.n_attrs].idx < 0) {
			fprintf(stderr, "mii-linkd: --interface %s: given twice\n", ifnames[i]);
			return 2;
		}
		snprintf(d.attrs[d.n_attrs].name, sizeof(d.attrs[0].name), ATTR_PREFIX "%s", ifnames[i]);
		if (vpnha_attrd_name_check(d.attrs[d.n_attrs].name) < 0) {
			fprintf(stderr, "mii-linkd: --interface %s: bad attribute name\n", ifnames[i]);
			return 2;
		}
		d.n_attrs++;
	}
	if (name) {
		snprintf(d.attrs[d.n_attrs].name, sizeof(d.attrs[0].name), "%s", name);
		d.attrs[d.n_attrs].idx = -1;
		d.n_attrs++;
	}
	for (i = 0; i < d.n_attrs; i++)
		d.attrs[i].take_over = d.take_over;
	if (d.take_over)
		vpnha_log_notice("taking over the attributes of the previous instance (their deletion may be "
				 "pending in attrd)");
	g = &d;

	r = vpnha_record_write(VPNHA_REC_PID, AGENT, d.instance, "pid", &(struct vpnha_rec_pid){ .pid = (int)getpid() });
	if (r < 0)
		fatal(&d, "cannot write the pid file in %s: %s", vpnha_run_dir(), strerror(-r));

	d.loop = qb_loop_create();
	if (!d.loop)
		fatal(&d, "cannot create the main loop");
	r = nl_setup(&d);
	if (r < 0)
		fatal(&d, "netlink: %s", nl_geterror(r));
	d.ethfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (d.ethfd < 0)
		vpnha_log_info("no socket for ethtool ioctls: %s", strerror(errno));
	if (qb_loop_poll_add(d.loop, QB_LOOP_HIGH, nl_socket_get_fd(d.ev), POLLIN, &d, on_nl_readable) != 0)
		fatal(&d, "cannot watch the netlink socket");
	qb_loop_signal_add(d.loop, QB_LOOP_HIGH, SIGTERM, &d, on_signal, &sh);
	qb_loop_signal_add(d.loop, QB_LOOP_HIGH, SIGINT, &d, on_signal, &sh);
	stop_signals_chain();

	quorum_open(&d);
	initial_state(&d, n_if);
	qb_loop_run(d.loop);

	/* clean exit: release everything (valgrind checks for leaks) */
	quorum_close(&d);
	qb_loop_poll_del(d.loop, nl_socket_get_fd(d.ev));
	qb_loop_destroy(d.loop);
	nl_socket_free(d.ev);
	nl_socket_free(d.sync);
	if (d.ethfd >= 0)
		close(d.ethfd);
	g = NULL;
	vpnha_log_info("exited");
	vpnha_log_fini();
	return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mii-linkd's link events and probes (linkwatch.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <net/if.h>
#include <linux/ethtool.h>
#include <linux/if.h>
#include <linux/mii.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>

#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/route/link.h>

#include "linkwatch.h"
#include "log.h"
#include "util.h"

struct probe_caps {
	bool no_glink, no_mii;
};

struct vpnha_linkwatch {
	struct nl_sock *ev, *sync;
	int ethfd;
	vpnha_linkwatch_fn fn;
	void *arg;
	struct probe_caps caps[VPNHA_LS_MAX_IFS];
};

static int on_nl_msg(struct nl_msg *msg, void *arg)
{
	struct vpnha_linkwatch *w = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct vpnha_link_info li;

	if (vpnha_link_info_parse(h, h->nlmsg_len, &li) == 0)
		w->fn(&li, w->arg);
	return NL_OK;
}

static int nl_setup(struct vpnha_linkwatch *w)
{
	int r, sz = 4 << 20;

	w->ev = nl_socket_alloc();
	w->sync = nl_socket_alloc();
	if (!w->ev || !w->sync)
		return -NLE_NOMEM;
	nl_socket_disable_seq_check(w->ev);
	nl_socket_modify_cb(w->ev, NL_CB_VALID, NL_CB_CUSTOM, on_nl_msg, w);
	if ((r = nl_connect(w->ev, NETLINK_ROUTE)) < 0)
		return r;
	if ((r = nl_socket_add_membership(w->ev, RTNLGRP_LINK)) < 0)
		return r;
	if ((r = nl_socket_set_nonblocking(w->ev)) < 0)
		return r;
	/* room for a storm of notifications before an overrun (root may go
	 * past net.core.rmem_max) */
	if (setsockopt(nl_socket_get_fd(w->ev), SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		nl_socket_set_buffer_size(w->ev, sz, 0);
	return nl_connect(w->sync, NETLINK_ROUTE);
}

int vpnha_linkwatch_open(struct vpnha_linkwatch **out, vpnha_linkwatch_fn fn, void *arg, char *err,
			 size_t errlen)
{
	struct vpnha_linkwatch *w = calloc(1, sizeof(*w));
	int r;

	*out = NULL;
	if (!w) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	w->fn = fn;
	w->arg = arg;
	w->ethfd = -1;
	r = nl_setup(w);
	if (r < 0) {
		snprintf(err, errlen, "%s", nl_geterror(r));
		vpnha_linkwatch_close(w);
		return -EIO;
	}
	w->ethfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (w->ethfd < 0)
		vpnha_log_info("no socket for ethtool ioctls: %s", strerror(errno));
	*out = w;
	return 0;
}

void vpnha_linkwatch_close(struct vpnha_linkwatch *w)
{
	if (!w)
		return;
	nl_socket_free(w->ev);
	nl_socket_free(w->sync);
	if (w->ethfd >= 0)
		close(w->ethfd);
	free(w);
}

int vpnha_linkwatch_fd(const struct vpnha_linkwatch *w)
{
	return nl_socket_get_fd(w->ev);
}

int vpnha_linkwatch_read(struct vpnha_linkwatch *w, char *err, size_t errlen)
{
	int r = nl_recvmsgs_default(w->ev);

	if (r >= 0 || r == -NLE_AGAIN)
		return 0;
	snprintf(err, errlen, "%s", nl_geterror(r));
	return -EIO;
}

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

bool vpnha_linkwatch_probe(struct vpnha_linkwatch *w, size_t i, const char *ifname)
{
	struct rtnl_link *link = NULL;
	struct vpnha_link_info li = { 0 };
	int r;

	if (i >= VPNHA_LS_MAX_IFS)
		return false;
	r = rtnl_link_get_kernel(w->sync, 0, ifname, &link);
	if (r < 0) {
		vpnha_log_debug("%s: %s", ifname, nl_geterror(r));
		return false;
	}
	li.flags = rtnl_link_get_flags(link);
	li.operstate = rtnl_link_get_operstate(link);
	li.carrier = rtnl_link_get_carrier(link);
	rtnl_link_put(link);
	if (!vpnha_link_info_up(&li))
		return false;
	/* drivers that don't send events: trust what they say when asked */
	if (ethtool_link(w->ethfd, ifname, &w->caps[i]) == 0)
		return false;
	if (mii_link(w->ethfd, ifname, &w->caps[i]) == 0)
		return false;
	return true;
}

/* ---- the link monitor ---- */

#define NS_PER_MS 1000000ull

static void on_deadline(void *data);

static void arm_deadline(struct vpnha_linkmon *m)
{
	uint64_t next = vpnha_ls_next_deadline(m->ls), now;

	if (m->deadline_armed && next == m->deadline_at)
		return;
	if (m->deadline_armed) {
		qb_loop_timer_del(m->loop, m->t_deadline);
		m->deadline_armed = false;
	}
	if (next == UINT64_MAX)
		return;
	now = vpnha_now_ms();
	if (qb_loop_timer_add(m->loop, QB_LOOP_HIGH, (next > now ? next - now : 0) * NS_PER_MS, m,
			      on_deadline, &m->t_deadline) == 0) {
		m->deadline_armed = true;
		m->deadline_at = next;
	}
}

/* After the state machine moved: tell, re-arm. */
static void settle(struct vpnha_linkmon *m, bool changed)
{
	if (changed)
		m->changed(m->arg);
	arm_deadline(m);
}

static void on_deadline(void *data)
{
	struct vpnha_linkmon *m = data;

	m->deadline_armed = false;
	settle(m, vpnha_ls_tick(m->ls, vpnha_now_ms()));
}

static void on_link(const struct vpnha_link_info *li, void *arg)
{
	struct vpnha_linkmon *m = arg;
	int idx = vpnha_ls_find(m->ls, li->name);

	if (idx < 0)
		return;
	m->events++;
	vpnha_log_debug("%s: flags 0x%x operstate %u carrier %u%s", li->name, li->flags, li->operstate,
			li->carrier, li->deleted ? " (deleted)" : "");
	if (vpnha_ls_observe(m->ls, (size_t)idx, vpnha_link_info_up(li), vpnha_now_ms()))
		m->moved = true;
}

void vpnha_linkmon_probe_all(struct vpnha_linkmon *m)
{
	size_t i;

	for (i = 0; i < m->ls->n; i++)
		if (vpnha_ls_observe(m->ls, i, vpnha_linkwatch_probe(m->w, i, m->ls->ifs[i].name),
				     vpnha_now_ms()))
			m->moved = true;
}

static int32_t on_readable(int32_t fd, int32_t revents, void *data)
{
	struct vpnha_linkmon *m = data;
	char err[128];

	(void)fd, (void)revents;
	m->moved = false;
	if (vpnha_linkwatch_read(m->w, err, sizeof(err)) < 0) {
		/* e.g. an overrun (ENOBUFS) during a storm: resynchronise */
		m->overruns++;
		vpnha_log_warn("link notifications: %s; re-reading link state", err);
		vpnha_linkmon_probe_all(m);
	}
	settle(m, m->moved);
	return 0;
}

static void on_poll(void *data)
{
	struct vpnha_linkmon *m = data;

	m->moved = false;
	vpnha_linkmon_probe_all(m);
	settle(m, m->moved);
	m->polled(m->arg);
	qb_loop_timer_add(m->loop, QB_LOOP_MED, m->poll_ms * NS_PER_MS, m, on_poll, &m->t_poll);
}

int vpnha_linkmon_open(struct vpnha_linkmon *m, char *err, size_t errlen)
{
	char why[128];
	int r;

	r = vpnha_linkwatch_open(&m->w, on_link, m, why, sizeof(why));
	if (r < 0) {
		snprintf(err, errlen, "netlink: %s", why);
		return r;
	}
	if (qb_loop_poll_add(m->loop, QB_LOOP_HIGH, vpnha_linkwatch_fd(m->w), POLLIN, m, on_readable) != 0) {
		snprintf(err, errlen, "cannot watch the netlink socket");
		return -EIO;
	}
	return 0;
}

void vpnha_linkmon_run(struct vpnha_linkmon *m)
{
	arm_deadline(m);
	qb_loop_timer_add(m->loop, QB_LOOP_MED, m->poll_ms * NS_PER_MS, m, on_poll, &m->t_poll);
}

void vpnha_linkmon_close(struct vpnha_linkmon *m)
{
	if (!m->w)
		return;
	qb_loop_poll_del(m->loop, vpnha_linkwatch_fd(m->w));
	vpnha_linkwatch_close(m->w);
	m->w = NULL;
}

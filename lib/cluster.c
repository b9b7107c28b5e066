/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <inttypes.h>
#include <poll.h>
#include <string.h>
#include <sys/uio.h>
#include <stdlib.h>

#include <corosync/corotypes.h>
#include <corosync/cpg.h>
#include <corosync/quorum.h>

#include "cluster.h"
#include "log.h"

enum vpnha_quorum vpnha_cluster_quorum(void)
{
	quorum_handle_t h;
	uint32_t qtype = 0;
	int quorate = 0;
	cs_error_t err;

	err = quorum_initialize(&h, NULL, &qtype);
	if (err != CS_OK)
		return VPNHA_QUORUM_NO_CLUSTER;
	err = quorum_getquorate(h, &quorate);
	quorum_finalize(h);
	if (err != CS_OK)
		return VPNHA_QUORUM_NO_CLUSTER;
	return quorate ? VPNHA_QUORUM_QUORATE : VPNHA_QUORUM_INQUORATE;
}

const char *vpnha_quorum_str(enum vpnha_quorum q)
{
	switch (q) {
	case VPNHA_QUORUM_NO_CLUSTER:
		return "no cluster";
	case VPNHA_QUORUM_QUORATE:
		return "quorate";
	case VPNHA_QUORUM_INQUORATE:
		return "not quorate";
	}
	return "unknown";
}

static void on_quorum(quorum_handle_t h, uint32_t quorate, uint64_t ring_seq, uint32_t n, uint32_t *list)
{
	const void *ctx = NULL;
	struct vpnha_quorum_watch *w;

	(void)list;
	if (quorum_context_get(h, &ctx) != CS_OK || !ctx)
		return;
	w = (struct vpnha_quorum_watch *)ctx;
	w->ring_seq = ring_seq;
	w->fn(quorate ? VPNHA_QUORUM_QUORATE : VPNHA_QUORUM_INQUORATE, ring_seq, n, w->arg);
}

static int32_t on_readable(int32_t fd, int32_t revents, void *data)
{
	struct vpnha_quorum_watch *w = data;

	(void)fd, (void)revents;
	if (quorum_dispatch(w->handle, CS_DISPATCH_ALL) == CS_OK)
		return 0;
	vpnha_log_warn("lost the connection to corosync");
	w->fd = -1; /* returning -1 removes the poll entry */
	vpnha_quorum_watch_close(w);
	w->fn(VPNHA_QUORUM_NO_CLUSTER, w->ring_seq, 0, w->arg);
	return -1;
}

int vpnha_quorum_watch_connect(struct vpnha_quorum_watch *w, enum vpnha_quorum *q)
{
	quorum_callbacks_t cb = { .quorum_notify_fn = on_quorum };
	quorum_handle_t h = 0;
	uint32_t type = 0;
	int quorate = 0, fd = -1;

	if (w->handle)
		return 0;
	*q = VPNHA_QUORUM_NO_CLUSTER;
	if (quorum_initialize(&h, &cb, &type) != CS_OK)
		return -ENOTCONN;
	w->handle = h;
	w->fd = -1;
	if (quorum_context_set(h, w) != CS_OK || quorum_getquorate(h, &quorate) != CS_OK ||
	    quorum_trackstart(h, CS_TRACK_CHANGES) != CS_OK || quorum_fd_get(h, &fd) != CS_OK ||
	    qb_loop_poll_add(w->loop, QB_LOOP_LOW, fd, POLLIN, w, on_readable) != 0) {
		vpnha_quorum_watch_close(w);
		return -ENOTCONN;
	}
	w->fd = fd;
	*q = quorate ? VPNHA_QUORUM_QUORATE : VPNHA_QUORUM_INQUORATE;
	vpnha_log_info("corosync: %s", vpnha_quorum_str(*q));
	if (*q == VPNHA_QUORUM_INQUORATE)
		vpnha_log_warn("this node is not quorate");
	return 0;
}

void vpnha_quorum_watch_close(struct vpnha_quorum_watch *w)
{
	if (w->fd >= 0) {
		qb_loop_poll_del(w->loop, w->fd);
		w->fd = -1;
	}
	if (w->handle) {
		quorum_finalize(w->handle);
		w->handle = 0;
	}
}

/* ---- CPG ---- */

_Static_assert(VPNHA_CPG_NAME_MAX == CPG_MAX_NAME_LENGTH, "CPG name length");

static struct vpnha_cpg *cpg_of(cpg_handle_t h)
{
	void *ctx = NULL;

	return cpg_context_get(h, &ctx) == CS_OK ? ctx : NULL;
}

static void on_deliver(cpg_handle_t h, const struct cpg_name *grp, uint32_t nodeid, uint32_t pid, void *msg,
		       size_t len)
{
	struct vpnha_cpg *c = cpg_of(h);

	(void)grp, (void)pid;
	if (c && c->deliver)
		c->deliver(nodeid, msg, len, c->arg);
}

static void members_copy(struct vpnha_cpg_member *to, const struct cpg_address *from, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		to[i] = (struct vpnha_cpg_member){ from[i].nodeid, from[i].pid, from[i].reason };
}

static void on_confchg(cpg_handle_t h, const struct cpg_name *grp, const struct cpg_address *members,
		       size_t n_members, const struct cpg_address *left, size_t n_left,
		       const struct cpg_address *joined, size_t n_joined)
{
	struct vpnha_cpg *c = cpg_of(h);
	struct vpnha_cpg_member *m;

	(void)grp, (void)joined;
	if (!c || !c->confchg)
		return;
	m = calloc(n_members + n_left + 1, sizeof(*m));
	if (!m)
		return;
	members_copy(m, members, n_members);
	members_copy(m + n_members, left, n_left);
	c->confchg(m, n_members, m + n_members, n_left, n_joined, c->arg);
	free(m);
}

static int32_t on_cpg_readable(int32_t fd, int32_t revents, void *data)
{
	struct vpnha_cpg *c = data;

	(void)fd, (void)revents;
	if (cpg_dispatch(c->handle, CS_DISPATCH_ALL) == CS_OK)
		return 0;
	vpnha_log_warn("lost the connection to corosync");
	c->fd = -1; /* returning -1 removes the poll entry */
	vpnha_cpg_close(c);
	if (c->lost)
		c->lost(c->arg);
	return -1;
}

int vpnha_cpg_join(struct vpnha_cpg *c)
{
	cpg_callbacks_t cb = { .cpg_deliver_fn = on_deliver, .cpg_confchg_fn = on_confchg };
	struct cpg_name name = { 0 };
	cpg_handle_t h = 0;
	unsigned int nodeid = 0;
	int fd = -1;

	if (c->handle)
		return 0;
	name.length = (uint32_t)strnlen(c->group, VPNHA_CPG_NAME_MAX - 1);
	memcpy(name.value, c->group, name.length);
	if (cpg_initialize(&h, &cb) != CS_OK)
		return -ENOTCONN;
	c->handle = h;
	c->fd = -1;
	if (cpg_context_set(h, c) != CS_OK || cpg_local_get(h, &nodeid) != CS_OK || cpg_fd_get(h, &fd) != CS_OK ||
	    cpg_join(h, &name) != CS_OK || qb_loop_poll_add(c->loop, QB_LOOP_MED, fd, POLLIN, c, on_cpg_readable) != 0) {
		vpnha_cpg_close(c);
		return -ENOTCONN;
	}
	c->fd = fd;
	c->nodeid = nodeid;
	vpnha_log_info("joined CPG group %s as node %" PRIu32, c->group, c->nodeid);
	return 0;
}

bool vpnha_cpg_joined(const struct vpnha_cpg *c)
{
	return c->handle != 0;
}

void vpnha_cpg_send(struct vpnha_cpg *c, const void *buf, size_t len)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	cs_error_t e;

	if (!c->handle)
		return;
	e = cpg_mcast_joined(c->handle, CPG_TYPE_AGREED, &iov, 1);
	if (e != CS_OK && e != CS_ERR_TRY_AGAIN)
		vpnha_log_info("cannot send the report: corosync error %d", (int)e);
}

void vpnha_cpg_leave(struct vpnha_cpg *c)
{
	struct cpg_name name = { 0 };

	if (c->handle) {
		name.length = (uint32_t)strnlen(c->group, VPNHA_CPG_NAME_MAX - 1);
		memcpy(name.value, c->group, name.length);
		cpg_leave(c->handle, &name); /* the others see a clean leave: "stopped" */
	}
	vpnha_cpg_close(c);
}

void vpnha_cpg_close(struct vpnha_cpg *c)
{
	if (c->fd >= 0) {
		qb_loop_poll_del(c->loop, c->fd);
		c->fd = -1;
	}
	if (c->handle) {
		cpg_finalize(c->handle);
		c->handle = 0;
	}
}

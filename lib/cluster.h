/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Cluster state from corosync (libquorum): is corosync running on this
 * node, and is the node quorate. Agents use it to refuse a manual start on a
 * node that has lost quorum.
 */
#ifndef VPNHA_CLUSTER_H
#define VPNHA_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <qb/qbloop.h>

enum vpnha_quorum {
	VPNHA_QUORUM_NO_CLUSTER,  /* corosync not running / not reachable */
	VPNHA_QUORUM_QUORATE,
	VPNHA_QUORUM_INQUORATE,
};

/* Ask corosync. Never blocks for long: corosync IPC is local. */
enum vpnha_quorum vpnha_cluster_quorum(void);
const char *vpnha_quorum_str(enum vpnha_quorum q);

/*
 * Tracking quorum (libquorum, CS_TRACK_CHANGES) in a daemon's libqb loop.
 * fn gets every notification: the quorum, corosync's ring sequence (it
 * changes with the membership) and the number of members; and
 * VPNHA_QUORUM_NO_CLUSTER (with the last ring sequence) when the
 * connection to corosync is lost (then connect again later).
 */
typedef void (*vpnha_quorum_fn)(enum vpnha_quorum q, uint64_t ring_seq, uint32_t members, void *arg);

struct vpnha_quorum_watch {
	qb_loop_t *loop;
	vpnha_quorum_fn fn;
	void *arg;
	/* internal */
	uint64_t handle; /* quorum_handle_t; 0: not connected */
	int fd;
	uint64_t ring_seq;
};

/*
 * Connect unless connected (then nothing changes): *q the quorum now, or
 * NO_CLUSTER and -ENOTCONN when corosync is not reachable. Logs the quorum
 * found.
 */
int vpnha_quorum_watch_connect(struct vpnha_quorum_watch *w, enum vpnha_quorum *q);
void vpnha_quorum_watch_close(struct vpnha_quorum_watch *w);

/*
 * A corosync CPG group in a daemon's libqb loop (libcpg stays in lib/):
 * messages from the group's processes, membership changes (with CPG's
 * leave reason: 2 leave, 3 node down, ...), and the loss of the connection.
 */
#define VPNHA_CPG_NAME_MAX 128 /* CPG_MAX_NAME_LENGTH */

struct vpnha_cpg_member {
	uint32_t nodeid, pid, reason;
};

struct vpnha_cpg {
	qb_loop_t *loop;
	const char *group; /* 1..VPNHA_CPG_NAME_MAX - 1 characters */
	void (*deliver)(uint32_t nodeid, const void *msg, size_t len, void *arg);
	void (*confchg)(const struct vpnha_cpg_member *members, size_t n_members,
			const struct vpnha_cpg_member *left, size_t n_left, size_t n_joined, void *arg);
	void (*lost)(void *arg); /* after the connection was lost (and closed) */
	void *arg;
	uint32_t nodeid; /* this node's, once joined */
	/* internal */
	uint64_t handle; /* cpg_handle_t; 0: not joined */
	int fd;
};

/* Join unless joined (logged): 0, or -ENOTCONN (no corosync). */
int vpnha_cpg_join(struct vpnha_cpg *c);
bool vpnha_cpg_joined(const struct vpnha_cpg *c);
/* Multicast buf to the group (agreed order); not joined: nothing. Failures are logged. */
void vpnha_cpg_send(struct vpnha_cpg *c, const void *buf, size_t len);
/* Leave the group cleanly (the others see "left"), then close. */
void vpnha_cpg_leave(struct vpnha_cpg *c);
void vpnha_cpg_close(struct vpnha_cpg *c);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Cluster state from corosync (libquorum): is corosync running on this
 * node, and is the node quorate. Agents use it to refuse a manual start on a
 * node that has lost quorum.
 */
#ifndef VPNHA_CLUSTER_H
#define VPNHA_CLUSTER_H

#include <stdbool.h>

enum vpnha_quorum {
	VPNHA_QUORUM_NO_CLUSTER,  /* corosync not running / not reachable */
	VPNHA_QUORUM_QUORATE,
	VPNHA_QUORUM_INQUORATE,
};

/* Ask corosync. Never blocks for long: corosync IPC is local. */
enum vpnha_quorum vpnha_cluster_quorum(void);
const char *vpnha_quorum_str(enum vpnha_quorum q);

#endif

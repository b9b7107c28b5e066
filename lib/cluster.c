/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdint.h>

#include <corosync/corotypes.h>
#include <corosync/quorum.h>

#include "cluster.h"

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

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Typed run-state records: every file an agent or daemon keeps under the run
 * directory (lib/runstate.h), read and written through one schema per record
 * kind. A schema names each field's key, type, place in the kind's typed
 * struct (below), and whether it is required; the text format is the one the
 * agents have always written, so a record of an older agent reads back:
 *
 *   VPNHA_REC_VIP_OWNER    vip/NAME.owner          addr=, ifname=, ifindex=
 *   VPNHA_REC_GRE_OWNER    gre-tunnel/NAME.owner   ifname=, ifindex=, kind=, addr=*, route=*
 *   VPNHA_REC_BGP_STATE    bgp-peer/NAME.state     manage=, added=, neighbor=, vrf=, local_as=, ...
 *   VPNHA_REC_IPSEC_OWNED  ipsec-conn/NAME.owned   conn=, loaded_conn=, shared_id=, key_id=, ...
 *   VPNHA_REC_MII_STATUS   mii-link/NAME.status    pid=, updated_ms=, ..., attr.NAME=*, link.IF=*
 *   VPNHA_REC_PID          AGENT/NAME.KEY          one line: a pid (mii-linkd, vpnha-statusd)
 *   VPNHA_REC_SINCE        ipsec-conn/NAME.down-since  one line: a CLOCK_BOOTTIME second
 *   VPNHA_REC_NAMES        mii-link/NAME.attrs     one name a line
 *
 * Reading: an empty line is skipped, an unknown key is ignored, a later line
 * of a single-valued key replaces an earlier one. A kind is strict (a line
 * without '=', a value of the wrong type or a missing required key makes the
 * read fail: -EBADMSG) or lenient (such lines are skipped; a missing required
 * key is still -EBADMSG). The out struct is zeroed first (ifindex fields: -1).
 */
#ifndef VPNHA_RECORDS_H
#define VPNHA_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netlink.h"
#include "params.h"

enum vpnha_rec_kind {
	VPNHA_REC_VIP_OWNER,
	VPNHA_REC_GRE_OWNER,
	VPNHA_REC_BGP_STATE,
	VPNHA_REC_IPSEC_OWNED,
	VPNHA_REC_MII_STATUS,
	VPNHA_REC_PID,
	VPNHA_REC_SINCE,
	VPNHA_REC_NAMES,
	VPNHA_REC_KIND_COUNT
};

/* vip: the address it added (a prefix), on which link */
struct vpnha_rec_vip_owner {
	struct vpnha_addr addr; /* required, a prefix */
	char ifname[16];        /* required, a valid interface name */
	int ifindex;            /* required, >= 1 */
};

#define VPNHA_REC_GRE_ADDRS 4
#define VPNHA_REC_GRE_ROUTES 256
/* gre-tunnel: the link it created, its addresses and routes */
struct vpnha_rec_gre_owner {
	char ifname[16]; /* required */
	int ifindex;     /* required, >= 0 (0: creation under way) */
	char kind[16];   /* required, a GRE kind (vpnha_gre_kind_from_str) */
	size_t n_addrs;  /* addr=PREFIX[ peer ADDR], each valid one adds */
	struct vpnha_nl_addr addrs[VPNHA_REC_GRE_ADDRS];
	size_t n_routes; /* route=PREFIX metric N[ via ADDR] */
	struct vpnha_nl_route routes[VPNHA_REC_GRE_ROUTES];
};

/* bgp-peer (strict: it feeds the vty at stop) */
struct vpnha_rec_bgp_state {
	char manage[16];          /* required; the agent checks it against its modes */
	bool added;               /* added=0|1 */
	char neighbor[64];        /* required, an address (as written) */
	char vrf[64];             /* "" for the default VRF; the agent checks the name */
	int64_t local_as;         /* required, 1..4294967295 */
	char vty_socket_dir[256]; /* required, a path */
	uint64_t started_ms;
};

/* ipsec-conn (lenient; values as the agent always read them) */
struct vpnha_rec_ipsec_owned {
	char conn[96];
	bool loaded_conn;   /* "1" */
	char shared_id[96]; /* "" if none; longer values are cut */
	char key_id[128];
	struct vpnha_addr local, remote; /* family 0: unknown (written empty) */
	uint64_t started;                /* CLOCK_BOOTTIME s (strtoull) */
};

#define VPNHA_REC_MII_MAX 17 /* VPNHA_LS_MAX_IFS + the node's own attribute */
struct vpnha_rec_mii_attr {
	char name[129]; /* attr.NAME=VALUE: VALUE "" when not published */
	char value[32];
};
struct vpnha_rec_mii_link {
	char name[16]; /* link.IF=RAW/STABLE[/suppressed], RAW and STABLE -1 (unknown), 0 or 1 */
	int raw, stable;
	bool suppressed;
};
/* mii-linkd's status (lenient); written by the daemon, read by mii-link and vpnha-statusd */
struct vpnha_rec_mii_status {
	int pid; /* 2.. */
	uint64_t updated_ms, interval_ms;
	bool initial;
	char attrd[32], quorum[32];
	uint64_t events, cib_refreshes, publishes, overruns, change_rt_us, publish_rt_us;
	char error[400]; /* not written when "" */
	size_t n_attrs;
	struct vpnha_rec_mii_attr attrs[VPNHA_REC_MII_MAX];
	size_t n_links;
	struct vpnha_rec_mii_link links[VPNHA_REC_MII_MAX];
};

/* a daemon's pid: its first line, 2..INT32_MAX; otherwise -EBADMSG */
struct vpnha_rec_pid {
	int pid;
};

/* a time in seconds (strtoull of the text: 0 when unreadable) */
struct vpnha_rec_since {
	uint64_t s;
};

/* names, one a line (empty lines skipped, at most VPNHA_REC_MII_MAX) */
struct vpnha_rec_names {
	size_t n;
	char names[VPNHA_REC_MII_MAX][130];
};

/*
 * Parse a record's text (NUL-terminated) into out, the kind's struct.
 * Returns 0 or -EBADMSG (see above).
 */
int vpnha_record_parse(enum vpnha_rec_kind kind, const char *text, void *out);
/* The record's text into buf (NUL-terminated); its length, or -ENOSPC. */
int vpnha_record_format(enum vpnha_rec_kind kind, const void *in, char *buf, size_t size);

/*
 * Read the record <run dir>/<agent>/<instance>.<key>: vpnha_state_read()'s
 * errors (-ENOENT when absent) or vpnha_record_parse()'s.
 */
int vpnha_record_read(enum vpnha_rec_kind kind, const char *agent, const char *instance, const char *key,
		      void *out);
/*
 * An ownership record (the key VPNHA_OWNER_KEY, by convention), read for an
 * action: 1 and out filled when it is there and parses; 0 when it is absent,
 * or unreadable (then logged: "ownership record is unreadable; treating the
 * WHAT as not ours"); or vpnha_state_read()'s negative errno. Unless 1, out
 * holds nothing to use.
 */
#define VPNHA_OWNER_KEY "owner"
int vpnha_record_read_owner(enum vpnha_rec_kind kind, const char *agent, const char *instance, const char *key,
			    void *out, const char *what);
/* Write it atomically (vpnha_state_write, mode 0600). */
int vpnha_record_write(enum vpnha_rec_kind kind, const char *agent, const char *instance, const char *key,
		       const void *in);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The VPN state of a site, as vpnha-statusd shares it between gateways over
 * corosync CPG and serves it to `vpnha status` on its UNIX socket.
 *
 * Data: a node report (one gateway: links, IPsec CHILD_SAs, GRE tunnels, BGP
 * sessions, VIPs, role changes) and a site snapshot (every node the daemon
 * knows of, with its CPG state, plus quorum). Nothing in it is a secret.
 *
 * Wire format (big endian): a 12-byte header
 *     "VPHS"  major:u8  minor:u8  kind:u8  0:u8  body_length:u32
 * then the body, a sequence of TLVs: type:u16 length:u16 value. A container
 * TLV (a node, a link, an SA, ...) holds TLVs itself; an integer is 1 to 8
 * bytes, a string its bytes without NUL. A reader rejects another major
 * version (-EPROTONOSUPPORT) and skips TLV types it does not know, so a
 * newer minor version (new fields, new item kinds) is readable by an older
 * reader: rolling upgrades. Anything malformed is -EBADMSG: truncation,
 * trailing bytes, a string too long for its field, an integer that does not
 * fit, more items than the limits below, nesting a known container where it
 * does not belong.
 *
 * Site bookkeeping (pure, no I/O, no clock: the caller passes "now"):
 * vpnha_status_site_report() files a received report, _member_left() marks a
 * node that left the CPG group ("stopped" for a clean leave or a dead
 * daemon on a live node, "lost" for a node corosync lost).
 */
#ifndef VPNHA_STATUS_H
#define VPNHA_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VPNHA_STATUS_MAJOR 1
#define VPNHA_STATUS_MINOR 0
#define VPNHA_STATUS_HDR_LEN 12
#define VPNHA_STATUS_MAX_MSG (256u * 1024u)

#define VPNHA_STATUS_MAX_NODES 16
#define VPNHA_STATUS_MAX_ITEMS 16 /* links, SAs, tunnels, sessions, VIPs per node */
#define VPNHA_STATUS_MAX_ROLES 8  /* role changes kept per node */
#define VPNHA_STATUS_NAME 64      /* node, connection, CHILD_SA names (with NUL) */
#define VPNHA_STATUS_ADDR 50      /* an address or prefix (with NUL) */
#define VPNHA_STATUS_IFNAME 16
#define VPNHA_STATUS_WORD 24 /* a state word ("INSTALLED", "Established") */
#define VPNHA_STATUS_REASON 96

enum vpnha_status_kind {
	VPNHA_STATUS_KIND_REPORT = 1,
	VPNHA_STATUS_KIND_SITE = 2
};

/* A tri-state for what may not be known (a link never seen, no XFRM answer). */
enum vpnha_status_tri {
	VPNHA_ST_DOWN = 0,
	VPNHA_ST_UP = 1,
	VPNHA_ST_UNKNOWN = 2
};

enum vpnha_status_member {
	VPNHA_MEMBER_UNKNOWN = 0, /* known from a report only */
	VPNHA_MEMBER_ONLINE,      /* in the CPG group */
	VPNHA_MEMBER_STOPPED,     /* left cleanly, or its daemon died on a live node */
	VPNHA_MEMBER_LOST,        /* corosync lost the node */
};

enum vpnha_status_role_kind {
	VPNHA_ROLE_TOOK_OVER = 1,
	VPNHA_ROLE_GAVE_UP = 2
};

struct vpnha_status_link {
	char name[VPNHA_STATUS_IFNAME];
	uint8_t raw;        /* enum vpnha_status_tri: the kernel's state */
	uint8_t published;  /* enum vpnha_status_tri: what mii-link published */
	uint8_t suppressed; /* 1: held down by flap suppression */
};

struct vpnha_status_sa {
	char conn[VPNHA_STATUS_NAME];  /* IKE_SA (connection) name */
	char child[VPNHA_STATUS_NAME]; /* CHILD_SA name */
	char state[VPNHA_STATUS_WORD]; /* VICI's CHILD_SA state ("INSTALLED"), or "" */
	char ike_state[VPNHA_STATUS_WORD];
	char local[VPNHA_STATUS_ADDR], remote[VPNHA_STATUS_ADDR];
	uint32_t spi_in, spi_out; /* host order */
	uint64_t bytes_in, bytes_out, packets_in, packets_out;
	uint64_t established_s; /* seconds since installed */
	uint64_t rekey_s;       /* seconds until rekeyed; 0 unknown or due */
	uint8_t in_kernel;      /* enum vpnha_status_tri: both SPIs in the XFRM SAD */
};

struct vpnha_status_gre {
	char ifname[VPNHA_STATUS_IFNAME];
	char kind[12];
	uint8_t up; /* enum vpnha_status_tri */
	char local[VPNHA_STATUS_ADDR], remote[VPNHA_STATUS_ADDR];
	char inner[VPNHA_STATUS_ADDR]; /* the first inner address, "" none */
	uint64_t rx_bytes, tx_bytes, rx_packets, tx_packets, rx_errors, tx_errors;
};

struct vpnha_status_bgp {
	char neighbor[VPNHA_STATUS_ADDR];
	char vrf[32];
	char state[VPNHA_STATUS_WORD]; /* "Established", ..., "" unknown (bgpd down) */
	uint64_t up_s;
	uint64_t pfx_rx, pfx_tx;
	char bfd[16]; /* "Up", "Down", "" when BFD is off */
};

struct vpnha_status_vip {
	char addr[VPNHA_STATUS_ADDR]; /* with its prefix length */
	char ifname[VPNHA_STATUS_IFNAME];
	uint8_t present; /* enum vpnha_status_tri: on the interface */
};

struct vpnha_status_role {
	uint64_t at;  /* CLOCK_REALTIME s */
	uint8_t kind; /* enum vpnha_status_role_kind */
	char reason[VPNHA_STATUS_REASON];
};

struct vpnha_status_node {
	char name[VPNHA_STATUS_NAME];
	uint32_t nodeid;
	uint8_t member;   /* enum vpnha_status_member (site snapshots) */
	uint64_t since;   /* realtime s of the last member change */
	uint64_t updated; /* realtime s the node made its report */
	uint8_t quorate;  /* enum vpnha_status_tri */
	uint16_t minor;   /* the wire minor version it spoke */
	size_t n_links, n_sas, n_gres, n_bgps, n_vips, n_roles;
	struct vpnha_status_link links[VPNHA_STATUS_MAX_ITEMS];
	struct vpnha_status_sa sas[VPNHA_STATUS_MAX_ITEMS];
	struct vpnha_status_gre gres[VPNHA_STATUS_MAX_ITEMS];
	struct vpnha_status_bgp bgps[VPNHA_STATUS_MAX_ITEMS];
	struct vpnha_status_vip vips[VPNHA_STATUS_MAX_ITEMS];
	struct vpnha_status_role roles[VPNHA_STATUS_MAX_ROLES]; /* oldest first */
};

struct vpnha_status_site {
	uint64_t generated; /* realtime s */
	uint8_t quorate;    /* enum vpnha_status_tri, this node's view */
	uint32_t local_nodeid;
	size_t n_nodes;
	struct vpnha_status_node nodes[VPNHA_STATUS_MAX_NODES];
};

/* ---- the codec ---- */

/*
 * Encode a node report (kind REPORT) or a site snapshot (kind SITE) into a
 * malloc'd buffer. Returns 0 or -ENOMEM/-EMSGSIZE/-EINVAL (a string not
 * NUL-terminated within its field, a count over its limit).
 */
int vpnha_status_report_encode(const struct vpnha_status_node *n, uint8_t **out, size_t *len);
int vpnha_status_site_encode(const struct vpnha_status_site *s, uint8_t **out, size_t *len);

/*
 * Read a header: 0 with the kind, major, minor and the whole message length
 * (header + body) when buf holds at least the header; -EAGAIN when it holds
 * less; -EBADMSG (bad magic, length over VPNHA_STATUS_MAX_MSG) or
 * -EPROTONOSUPPORT (another major).
 */
int vpnha_status_header(const uint8_t *buf, size_t len, uint8_t *kind, uint8_t *minor, size_t *msg_len);

/* Decode a whole message of the given kind (see above for the errors). */
int vpnha_status_report_decode(const uint8_t *buf, size_t len, struct vpnha_status_node *out);
int vpnha_status_site_decode(const uint8_t *buf, size_t len, struct vpnha_status_site *out);

/* ---- names ---- */
const char *vpnha_status_member_str(enum vpnha_status_member m);
const char *vpnha_status_tri_str(enum vpnha_status_tri t);
const char *vpnha_status_role_str(enum vpnha_status_role_kind k);

/* ---- site bookkeeping ---- */

/* The entry of nodeid (created when absent and room is left), or NULL. */
struct vpnha_status_node *vpnha_status_site_node(struct vpnha_status_site *s, uint32_t nodeid);

/* Drop nodeid's entry (absent: nothing); the others keep their order. */
void vpnha_status_site_forget(struct vpnha_status_site *s, uint32_t nodeid);

/* File a report received from nodeid: the node is online. 0 or -ENOSPC. */
int vpnha_status_site_report(struct vpnha_status_site *s, uint32_t nodeid,
			     const struct vpnha_status_node *report, uint64_t now);

/* nodeid joined the group (online since now). 0 or -ENOSPC. */
int vpnha_status_site_member_joined(struct vpnha_status_site *s, uint32_t nodeid, uint64_t now);

/*
 * nodeid left the group with CPG's reason (cpg_reason_t: 2 leave, 3 node
 * down, 5 process down): stopped or lost since now. Unknown nodes are
 * ignored. Returns the new member state.
 */
enum vpnha_status_member vpnha_status_site_member_left(struct vpnha_status_site *s, uint32_t nodeid,
						       uint32_t cpg_reason, uint64_t now);

/* Append a role change to a node (the oldest dropped when full). */
void vpnha_status_role_add(struct vpnha_status_node *n, uint64_t at, enum vpnha_status_role_kind kind,
			   const char *reason);

/* Does the node hold (present) at least one VIP: the active gateway. */
bool vpnha_status_node_active(const struct vpnha_status_node *n);

/* ---- health, for `vpnha status`'s exit code ---- */

enum vpnha_status_health {
	VPNHA_HEALTH_OK = 0,       /* every node online, everything up */
	VPNHA_HEALTH_DEGRADED = 1, /* the VPN carries traffic, something is down */
	VPNHA_HEALTH_DOWN = 2,     /* no gateway carries the VPN */
};

/* A report older than this (s) is stale: the node counts as not reporting. */
#define VPNHA_STATUS_STALE_S 60u

/*
 * Judge a site snapshot at time now (realtime s). The VPN is down when no
 * live node (online, or the local node without a cluster) has an installed
 * CHILD_SA in the kernel, or none holds the VIPs some node reports, or BGP
 * sessions exist and none is Established. Degraded: a node not online, no
 * quorum, a stale report, two nodes holding VIPs, or on a live node a link
 * down or suppressed, an SA not installed or missing from the kernel, a GRE
 * tunnel down, a BGP session not Established, a VIP missing. why gets the
 * first reason of the worst level ("" when healthy).
 */
enum vpnha_status_health vpnha_status_site_health(const struct vpnha_status_site *s, uint64_t now, char *why,
						  size_t whylen);
const char *vpnha_status_health_str(enum vpnha_status_health h);

/* Is the node's report usable at time now: online (or no cluster) and fresh. */
bool vpnha_status_node_live(const struct vpnha_status_node *n, uint64_t now);

#endif

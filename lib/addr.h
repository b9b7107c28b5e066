/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Addresses and routes as the agents handle them (vip, gre-tunnel): their
 * text ("192.0.2.1/24", "10.0.0.0/8 metric 20 via 10.1.1.2"), comparisons,
 * an address looked up on one link, and the route socket opened for an OCF
 * action (its timeout the op deadline, a failure reported as the exit reason).
 * Nothing here prints; vpnha_nl_open_ctx reports through vpnha_fail.
 */
#ifndef VPNHA_ADDR_H
#define VPNHA_ADDR_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netlink.h"
#include "params.h"
#include "vpnha.h"

/* Room for vpnha_prefix_str ("ADDR/LEN"). */
#define VPNHA_PREFIX_STRLEN (INET6_ADDRSTRLEN + 8)

/* "ADDR/LEN" into buf; returns buf. */
const char *vpnha_prefix_str(const struct vpnha_addr *a, char *buf, size_t len);
/* "PREFIX" or "PREFIX peer ADDR" into buf; returns buf. */
const char *vpnha_nl_addr_str(const struct vpnha_nl_addr *a, char *buf, size_t len);
/* "PREFIX metric N" or "PREFIX metric N via ADDR" into buf; returns buf. */
const char *vpnha_nl_route_str(const struct vpnha_nl_route *r, char *buf, size_t len);

/*
 * One item of a routes list: PREFIX or PREFIX@METRIC (metric 0..4294967295,
 * 0 when absent). 0, or a negative errno with a reason in why.
 */
int vpnha_route_item_parse(const char *s, struct vpnha_addr *dst, uint32_t *metric, char *why, size_t whylen);
/* Parameter validator (vpnha_validate_fn) over vpnha_route_item_parse. */
int vpnha_validate_route_item(const struct vpnha_val *v, char *why, size_t whylen);

/* Same host address: family and address bytes, the prefix length ignored. */
bool vpnha_addr_host_equal(const struct vpnha_addr *a, const struct vpnha_addr *b);
/* Same local prefix (with its length) and the same peer (or none). */
bool vpnha_nl_addr_equal(const struct vpnha_nl_addr *a, const struct vpnha_nl_addr *b);
/* Same destination prefix, metric and gateway (or none). */
bool vpnha_nl_route_equal(const struct vpnha_nl_route *a, const struct vpnha_nl_route *b);
/* Index of the first route of v[0..n) equal to r, or n when none is. */
size_t vpnha_nl_route_index(const struct vpnha_nl_route *v, size_t n, const struct vpnha_nl_route *r);

/*
 * The address ip as it is on ifindex: 1 and *live when its host part is
 * there (any prefix length), 0 when absent, or a negative errno.
 */
int vpnha_nl_addr_find(struct vpnha_nl *nl, int ifindex, const struct vpnha_addr *ip, struct vpnha_nl_addr *live);

/* a/len is the directed broadcast of its IPv4 subnet (host part all ones; len 1..30). */
bool vpnha_addr_is_subnet_broadcast(const struct vpnha_addr *a, int64_t len);

/*
 * The address a resource added (vip), as its ownership record holds it
 * (lib/records.h, VPNHA_REC_VIP_OWNER: addr=PREFIX, ifname=, ifindex=) in
 * the run-state file AGENT/INSTANCE.owner. present: a record was read.
 */
struct vpnha_addr_owner {
	bool present;
	struct vpnha_nl_addr addr;
	char ifname[IF_NAMESIZE];
	int ifindex;
};

/* The record's text into o: 0, or -EINVAL when incomplete (o zeroed, not present). */
int vpnha_addr_owner_parse(const char *text, struct vpnha_addr_owner *o);
/* The record's text (what vpnha_addr_owner_parse reads back) into buf: its length, or -ENOSPC. */
int vpnha_addr_owner_format(const struct vpnha_addr_owner *o, char *buf, size_t len);
/*
 * Read the record: 0 (o->present when there and readable; an unreadable one
 * is logged and treated as absent) or a negative errno from reading it.
 */
int vpnha_addr_owner_read(const char *agent, const char *instance, struct vpnha_addr_owner *o);
/* Write the record atomically: 0 or a negative errno. */
int vpnha_addr_owner_write(const char *agent, const char *instance, const struct vpnha_addr_owner *o);
/* Does the record describe the address want (the prefix length ignored) on this link? */
bool vpnha_addr_owner_owns(const struct vpnha_addr_owner *o, const struct vpnha_nl_addr *want, int ifindex);

/*
 * Open the route socket for an action, its receive timeout the time left
 * before the op deadline. VPNHA_RC_OK, or the failure reported with
 * vpnha_fail (VPNHA_RC_PERM for -EPERM, else VPNHA_RC_ERROR).
 */
enum vpnha_rc vpnha_nl_open_ctx(struct vpnha_ctx *ctx, struct vpnha_nl **nl);

#endif

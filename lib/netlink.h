/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A small libnl-route wrapper for the agents: one route socket with
 * NETLINK_EXT_ACK (the kernel's error text is kept for the exit reason),
 * GRE links (gre, gretap, ip6gre, ip6gretap: get, create, change, delete),
 * link state (up, mtu), and addresses and routes on one link (list, add,
 * delete). Callers compare live with desired and change only the difference,
 * as iproute2's link_gre.c does.
 *
 * Every function returns 0 (or a positive count) or a negative errno; after
 * a failure vpnha_nl_error() gives the kernel's extended-ack text when it
 * sent one, else strerror. Nothing here prints, forks or exits.
 */
#ifndef VPNHA_NETLINK_H
#define VPNHA_NETLINK_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "params.h"

struct vpnha_nl;

/*
 * Open a NETLINK_ROUTE socket with extended acks and a receive timeout of
 * timeout_ms (0: none). Returns 0 or a negative errno.
 */
int vpnha_nl_open(struct vpnha_nl **out, uint64_t timeout_ms);
void vpnha_nl_close(struct vpnha_nl *nl);
/* Text of the last failure: the kernel's extended ack, or strerror. */
const char *vpnha_nl_error(const struct vpnha_nl *nl);

enum vpnha_gre_kind {
	VPNHA_GRE_KIND_GRE,        /* "gre": IPv4 underlay, L3 */
	VPNHA_GRE_KIND_GRETAP,     /* "gretap": IPv4 underlay, L2 */
	VPNHA_GRE_KIND_IP6GRE,     /* "ip6gre": IPv6 underlay, L3 */
	VPNHA_GRE_KIND_IP6GRETAP,  /* "ip6gretap": IPv6 underlay, L2 */
	VPNHA_GRE_KIND_OTHER,      /* anything else (only from vpnha_nl_link_get) */
};

/* The kernel's kind string ("gre", ...) and back (-1: not a GRE kind). */
const char *vpnha_gre_kind_str(enum vpnha_gre_kind k);
int vpnha_gre_kind_from_str(const char *s);
/* Underlay family of a kind: AF_INET or AF_INET6. */
int vpnha_gre_kind_family(enum vpnha_gre_kind k);

/* The GRE parameters of a tunnel, in the form the kernel reports them. */
struct vpnha_gre {
	enum vpnha_gre_kind kind;
	struct vpnha_addr local;  /* family 0: unset (wildcard) */
	struct vpnha_addr remote;
	uint32_t link;            /* underlay ifindex, 0: none */
	bool key_set;
	uint32_t ikey, okey;      /* network byte order, as on the wire */
	uint8_t ttl;              /* hop limit for IPv6; 0 = inherit */
	uint8_t tos;              /* traffic class for IPv6 */
	bool tos_inherit;         /* IPv4: tos 1; IPv6: use original tclass */
	bool pmtudisc;            /* IPv4 only */
	uint8_t encaplimit;       /* IPv6 only (create uses 4, like iproute2) */
};

/* What a link looks like: identity, state, and GRE parameters when GRE. */
struct vpnha_link {
	int ifindex;
	char ifname[IF_NAMESIZE];
	char kind[32];            /* IFLA_INFO_KIND, "" when none */
	bool up;                  /* IFF_UP (administrative) */
	/* IFF_LOWER_UP (carrier) */
	bool lower_up;
	uint32_t mtu;
	/* the kernel's counters (IFLA_STATS64) */
	uint64_t rx_bytes, tx_bytes, rx_packets, tx_packets, rx_errors, tx_errors;
	bool is_gre;              /* kind is one of the four GRE kinds */
	struct vpnha_gre gre;     /* valid when is_gre */
};

/* Get a link by name (ifindex 0) or by index. -ENODEV when absent. */
int vpnha_nl_link_get(struct vpnha_nl *nl, const char *ifname, int ifindex, struct vpnha_link *out);

/*
 * Create a GRE link IFNAME (not up) with the parameters of want, and mtu
 * when non-zero. Stores the new ifindex. -EEXIST when the name is taken.
 */
int vpnha_nl_gre_create(struct vpnha_nl *nl, const char *ifname, const struct vpnha_gre *want,
			uint32_t mtu, int *ifindex);
/* Change the GRE parameters of an existing link of the same kind (all of them, as iproute2). */
int vpnha_nl_gre_change(struct vpnha_nl *nl, int ifindex, const struct vpnha_gre *want);
/*
 * Compare live with want; write a human description of the differences
 * ("ttl 64 (want 255), remote 198.51.100.9 (want 198.51.100.2)") into buf.
 * Returns the number of differing fields (0: identical).
 */
int vpnha_gre_diff(const struct vpnha_gre *live, const struct vpnha_gre *want, char *buf, size_t len);

int vpnha_nl_link_set_up(struct vpnha_nl *nl, int ifindex, bool up);
int vpnha_nl_link_set_mtu(struct vpnha_nl *nl, int ifindex, uint32_t mtu);
/* Delete a link by index; -ENODEV when it is already gone. */
int vpnha_nl_link_delete(struct vpnha_nl *nl, int ifindex);

/* An interface address: local (with prefix length), optional peer. */
struct vpnha_nl_addr {
	struct vpnha_addr local;
	bool has_peer;
	struct vpnha_addr peer;
};

/* Addresses on ifindex (0: every link) into a malloc'd array; returns the count. */
int vpnha_nl_addr_list(struct vpnha_nl *nl, int ifindex, struct vpnha_nl_addr **out);
/* Is a (local, prefix, peer) address on ifindex? 1 yes, 0 no, or a negative errno. */
int vpnha_nl_addr_present(struct vpnha_nl *nl, int ifindex, const struct vpnha_nl_addr *a);
/* Is this address (prefix length ignored) configured on any link? 1, 0, or -errno. */
int vpnha_nl_addr_on_host(struct vpnha_nl *nl, const struct vpnha_addr *a);
int vpnha_nl_addr_add(struct vpnha_nl *nl, int ifindex, const struct vpnha_nl_addr *a);
/* -EADDRNOTAVAIL when not there. */
int vpnha_nl_addr_del(struct vpnha_nl *nl, int ifindex, const struct vpnha_nl_addr *a);

/* A unicast route in the main table through one link. */
struct vpnha_nl_route {
	struct vpnha_addr dst;    /* prefix */
	uint32_t metric;          /* priority (IPv6: 0 means the kernel's 1024) */
	bool has_gw;
	struct vpnha_addr gw;
};

/* Main-table routes whose (first) nexthop is ifindex; returns the count. */
int vpnha_nl_route_list(struct vpnha_nl *nl, int ifindex, struct vpnha_nl_route **out);
/* 1 when the route (dst, metric, gateway) through ifindex exists, 0 if not, or -errno. */
int vpnha_nl_route_present(struct vpnha_nl *nl, int ifindex, const struct vpnha_nl_route *r);
/* Add (exclusive: -EEXIST when a route with that key exists). */
int vpnha_nl_route_add(struct vpnha_nl *nl, int ifindex, const struct vpnha_nl_route *r);
/* -ESRCH when not there. */
int vpnha_nl_route_del(struct vpnha_nl *nl, int ifindex, const struct vpnha_nl_route *r);

/* Normalised metric as the kernel stores it (IPv6 0 -> 1024). */
uint32_t vpnha_nl_route_metric(int family, uint32_t metric);

/* ifindex of a name, or -ENODEV. */
int vpnha_nl_ifindex(struct vpnha_nl *nl, const char *ifname);

#endif

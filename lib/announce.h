/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Announcing an address that moved to this host: a gratuitous ARP (an ARP
 * announcement, as arping -U: a broadcast request with sender = target =
 * the address) for IPv4, an unsolicited Neighbor Advertisement to ff02::1
 * (override set, solicited clear) for IPv6. No exec: an AF_PACKET socket for
 * ARP, a raw ICMPv6 socket for NA. The frame building is separate so that it
 * can be tested without a network; the later announcements may go to a
 * detached process so that the caller returns after the first.
 */
#ifndef VPNHA_ANNOUNCE_H
#define VPNHA_ANNOUNCE_H

#include <linux/if_packet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "params.h"
#include "vpnha.h"

/* Sizes of the frames the builders write (struct ether_arp; NA + target link-layer option). */
#define VPNHA_ANNOUNCE_ARP_LEN 28
#define VPNHA_ANNOUNCE_NA_LEN 32

/* Interface details the netlink wrapper does not report (read with ioctl). */
struct vpnha_nic_hw {
	unsigned flags;        /* IFF_* (16 bits) */
	unsigned short hwtype; /* ARPHRD_* */
	uint8_t mac[6];
};

/* Flags, hardware type and address of ifname: 0 or a negative errno. */
int vpnha_nic_hw_get(const char *ifname, struct vpnha_nic_hw *hw);

/* The ARP announcement of the IPv4 address ip from mac into buf (VPNHA_ANNOUNCE_ARP_LEN bytes). */
void vpnha_announce_arp_build(uint8_t buf[VPNHA_ANNOUNCE_ARP_LEN], const uint8_t mac[6], const struct vpnha_addr *ip);
/* The unsolicited NA of the IPv6 address ip at mac into buf (VPNHA_ANNOUNCE_NA_LEN bytes; checksum 0: the kernel's). */
void vpnha_announce_na_build(uint8_t buf[VPNHA_ANNOUNCE_NA_LEN], const uint8_t mac[6], const struct vpnha_addr *ip);

/* An open announcement socket for one address on one link. */
struct vpnha_announcer {
	int fd; /* -1: closed */
	struct vpnha_addr ip;
	uint8_t mac[6];
	struct sockaddr_ll ll;   /* IPv4: the broadcast link-layer destination */
	struct sockaddr_in6 in6; /* IPv6: ff02::1 on the link */
};

/* Open the socket for ip on ifindex, announcing mac: 0 or a negative errno. */
int vpnha_announcer_open(struct vpnha_announcer *a, int ifindex, const uint8_t mac[6], const struct vpnha_addr *ip);
/* Send one announcement: 0 or a negative errno. */
int vpnha_announcer_send(const struct vpnha_announcer *a);
void vpnha_announcer_close(struct vpnha_announcer *a);

/*
 * n more announcements every interval_ms from a detached process (re-parented
 * to init by a double fork, its own session, stdio on /dev/null, no other
 * descriptor but the socket; it never logs and exits when done). 0 when it is
 * on its way, or a negative errno (the caller then announces itself).
 */
int vpnha_announcer_send_bg(const struct vpnha_announcer *a, int64_t n, uint64_t interval_ms);

/*
 * Announce ip on ifname/ifindex count times, the first at once, then every
 * interval_ms, never past the op deadline; with bg, the ones after the first
 * from a detached process. Failures are logged as warnings (the address is
 * up), an interface without ARP is skipped (logged). Returns the number sent
 * from this process.
 */
int vpnha_announce(struct vpnha_ctx *ctx, const char *ifname, int ifindex, const struct vpnha_addr *ip,
		   int64_t count, uint64_t interval_ms, bool bg);

#endif

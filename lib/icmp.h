/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ICMP / ICMPv6 echo without a fork (raw socket, as ping does): is a host
 * answering through one interface? The packet building and reply matching
 * are separate so that they can be tested without a network.
 */
#ifndef VPNHA_ICMP_H
#define VPNHA_ICMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "params.h"

/* Size of the echo request vpnha_icmp_echo_build writes. */
#define VPNHA_ICMP_ECHO_LEN 16

/* The Internet checksum (RFC 1071) of data, in network byte order. */
uint16_t vpnha_icmp_csum(const void *data, size_t len);

/*
 * An echo request (ICMP for AF_INET, ICMPv6 for AF_INET6) with id (network
 * byte order) and sequence number seq into pkt (VPNHA_ICMP_ECHO_LEN bytes).
 * The ICMP checksum is filled in; the kernel fills in ICMPv6's.
 */
void vpnha_icmp_echo_build(uint8_t pkt[VPNHA_ICMP_ECHO_LEN], int family, uint16_t id, uint16_t seq);

/*
 * Is the datagram buf (n bytes, from a raw socket: IPv4 with its header,
 * ICMPv6 without) an echo reply from peer carrying id (network byte order)?
 */
bool vpnha_icmp_echo_is_reply(const uint8_t *buf, size_t n, const struct sockaddr_storage *from,
			      const struct vpnha_addr *peer, uint16_t id);

/*
 * Send echo requests to peer through ifname (SO_BINDTODEVICE, one every
 * 300 ms) until one is answered or budget_ms passes. 1: answered, 0: no
 * answer, or a negative errno (socket, device).
 */
int vpnha_icmp_ping(const char *ifname, const struct vpnha_addr *peer, uint64_t budget_ms);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ICMP / ICMPv6 echo through one interface, raw socket, no fork (icmp.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "icmp.h"
#include "log.h"
#include "util.h"
#include "vpnha.h"

#define ECHO_EVERY_MS 300

uint16_t vpnha_icmp_csum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

void vpnha_icmp_echo_build(uint8_t pkt[VPNHA_ICMP_ECHO_LEN], int family, uint16_t id, uint16_t seq)
{
	uint16_t s = htons(seq), c;

	memset(pkt, 0, VPNHA_ICMP_ECHO_LEN);
	pkt[0] = family == AF_INET6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
	memcpy(pkt + 4, &id, 2);
	memcpy(pkt + 6, &s, 2);
	memcpy(pkt + 8, "vpnha-gr", 8);
	if (family != AF_INET6) {
		c = vpnha_icmp_csum(pkt, VPNHA_ICMP_ECHO_LEN);
		memcpy(pkt + 2, &c, 2);
	}
}

bool vpnha_icmp_echo_is_reply(const uint8_t *buf, size_t n, const struct sockaddr_storage *from,
			      const struct vpnha_addr *peer, uint16_t id)
{
	if (peer->family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)from;
		size_t ihl;

		if (n < 20 || from->ss_family != AF_INET || memcmp(&sin->sin_addr, peer->u.raw, 4))
			return false;
		ihl = (size_t)(buf[0] & 0x0f) * 4;
		return n >= ihl + 8 && buf[ihl] == ICMP_ECHOREPLY && !memcmp(buf + ihl + 4, &id, 2);
	} else {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)(const void *)from;

		return n >= 8 && from->ss_family == AF_INET6 && !memcmp(&sin6->sin6_addr, peer->u.raw, 16) &&
		       buf[0] == ICMP6_ECHO_REPLY && !memcmp(buf + 4, &id, 2);
	}
}

/* A raw ICMP(v6) socket bound to ifname, and peer as its destination; the fd or -errno. */
static int echo_socket(const char *ifname, const struct vpnha_addr *peer, struct sockaddr_storage *dst,
		       socklen_t *dlen)
{
	bool v6 = peer->family == AF_INET6;
	int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP), r;

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname) + 1) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	memset(dst, 0, sizeof(*dst));
	if (v6) {
		struct sockaddr_in6 *d6 = (struct sockaddr_in6 *)(void *)dst;

		d6->sin6_family = AF_INET6;
		memcpy(&d6->sin6_addr, peer->u.raw, 16);
		*dlen = sizeof(*d6);
	} else {
		struct sockaddr_in *d4 = (struct sockaddr_in *)(void *)dst;

		d4->sin_family = AF_INET;
		memcpy(&d4->sin_addr, peer->u.raw, 4);
		*dlen = sizeof(*d4);
	}
	return fd;
}

/* Wait up to wait_ms for one datagram; is it our reply? */
static bool echo_reply_waited(int fd, const struct vpnha_addr *peer, uint16_t id, uint64_t wait_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint8_t buf[256];
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	ssize_t n;

	if (poll(&pfd, 1, (int)wait_ms) <= 0)
		return false;
	n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
	return n > 0 && vpnha_icmp_echo_is_reply(buf, (size_t)n, &from, peer, id);
}

int vpnha_icmp_ping(const char *ifname, const struct vpnha_addr *peer, uint64_t budget_ms)
{
	struct sockaddr_storage dst;
	socklen_t dlen = 0;
	_vpnha_auto_close int fd = echo_socket(ifname, peer, &dst, &dlen);
	uint64_t end = vpnha_now_ms() + budget_ms, next = 0, now;
	uint16_t id = htons((uint16_t)getpid()), seq = 0;

	if (fd < 0)
		return fd;
	while ((now = vpnha_now_ms()) < end) {
		if (now >= next) {
			uint8_t pkt[VPNHA_ICMP_ECHO_LEN];

			vpnha_icmp_echo_build(pkt, peer->family, id, ++seq);
			if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&dst, dlen) < 0)
				vpnha_log_debug("echo to the peer: %s", strerror(errno));
			next = now + ECHO_EVERY_MS;
		}
		if (echo_reply_waited(fd, peer, id, (next < end ? next : end) - now))
			return 1;
	}
	return 0;
}

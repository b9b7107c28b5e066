/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Gratuitous ARP / unsolicited NA, in the foreground or from a detached process (announce.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/icmp6.h>
#include <netinet/if_ether.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "announce.h"
#include "log.h"
#include "util.h"

struct na_frame {
	struct nd_neighbor_advert na;
	struct nd_opt_hdr opt;
	uint8_t mac[6];
} __attribute__((packed));

_Static_assert(sizeof(struct ether_arp) == VPNHA_ANNOUNCE_ARP_LEN, "ARP frame size");
_Static_assert(sizeof(struct na_frame) == VPNHA_ANNOUNCE_NA_LEN, "NA frame size");

int vpnha_nic_hw_get(const char *ifname, struct vpnha_nic_hw *hw)
{
	_vpnha_auto_close int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;

	memset(hw, 0, sizeof(*hw));
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return -errno;
	hw->flags = (unsigned short)ifr.ifr_flags;
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		return -errno;
	hw->hwtype = ifr.ifr_hwaddr.sa_family;
	memcpy(hw->mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

void vpnha_announce_arp_build(uint8_t buf[VPNHA_ANNOUNCE_ARP_LEN], const uint8_t mac[6], const struct vpnha_addr *ip)
{
	struct ether_arp a;

	memset(&a, 0, sizeof(a));
	a.arp_hrd = htons(ARPHRD_ETHER);
	a.arp_pro = htons(ETH_P_IP);
	a.arp_hln = 6;
	a.arp_pln = 4;
	a.arp_op = htons(ARPOP_REQUEST);
	memcpy(a.arp_sha, mac, 6);
	memcpy(a.arp_spa, ip->u.raw, 4);
	memcpy(a.arp_tpa, ip->u.raw, 4); /* arp_tha stays zero (RFC 5227) */
	memcpy(buf, &a, sizeof(a));
}

void vpnha_announce_na_build(uint8_t buf[VPNHA_ANNOUNCE_NA_LEN], const uint8_t mac[6], const struct vpnha_addr *ip)
{
	struct na_frame m;

	memset(&m, 0, sizeof(m));
	m.na.nd_na_type = ND_NEIGHBOR_ADVERT;
	m.na.nd_na_flags_reserved = ND_NA_FLAG_OVERRIDE; /* unsolicited: S=0, O=1 */
	memcpy(&m.na.nd_na_target, ip->u.raw, 16);
	m.opt.nd_opt_type = ND_OPT_TARGET_LINKADDR;
	m.opt.nd_opt_len = 1; /* units of 8 bytes */
	memcpy(m.mac, mac, 6);
	/* the kernel fills in the ICMPv6 checksum on raw ICMPv6 sockets */
	memcpy(buf, &m, sizeof(m));
}

/* AF_PACKET datagram socket to the Ethernet broadcast on ifindex. */
static int arp_open(struct vpnha_announcer *a, int ifindex)
{
	a->fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0); /* protocol 0: send only */
	if (a->fd < 0)
		return -errno;
	a->ll.sll_family = AF_PACKET;
	a->ll.sll_protocol = htons(ETH_P_ARP);
	a->ll.sll_ifindex = ifindex;
	a->ll.sll_halen = 6;
	memset(a->ll.sll_addr, 0xff, 6);
	return 0;
}

/* ICMPv6 raw socket to ff02::1 on ifindex, hop limit 255, sourced from ip when possible. */
static int na_open(struct vpnha_announcer *a, int ifindex)
{
	static const struct in6_addr all_nodes = { { { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } } };
	int hops = 255;
	struct icmp6_filter filt;
	struct sockaddr_in6 src;

	a->fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (a->fd < 0)
		return -errno;
	ICMP6_FILTER_SETBLOCKALL(&filt); /* never queue what we don't read */
	if (setsockopt(a->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filt, sizeof(filt)) < 0 ||
	    setsockopt(a->fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(a->fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex)) < 0)
		return -errno;
	memset(&src, 0, sizeof(src));
	src.sin6_family = AF_INET6;
	memcpy(&src.sin6_addr, a->ip.u.raw, 16);
	if (IN6_IS_ADDR_LINKLOCAL(&src.sin6_addr))
		src.sin6_scope_id = (uint32_t)ifindex;
	if (bind(a->fd, (struct sockaddr *)&src, sizeof(src)) < 0)
		vpnha_log_debug("cannot bind the advertisement to its own address (%s): the kernel chooses",
				strerror(errno));
	a->in6.sin6_family = AF_INET6;
	a->in6.sin6_addr = all_nodes;
	a->in6.sin6_scope_id = (uint32_t)ifindex;
	return 0;
}

int vpnha_announcer_open(struct vpnha_announcer *a, int ifindex, const uint8_t mac[6], const struct vpnha_addr *ip)
{
	int r;

	memset(a, 0, sizeof(*a));
	a->ip = *ip;
	memcpy(a->mac, mac, 6);
	r = ip->family == AF_INET ? arp_open(a, ifindex) : na_open(a, ifindex);
	if (r < 0)
		vpnha_announcer_close(a);
	return r;
}

int vpnha_announcer_send(const struct vpnha_announcer *a)
{
	uint8_t arp[VPNHA_ANNOUNCE_ARP_LEN], na[VPNHA_ANNOUNCE_NA_LEN];
	ssize_t r;

	if (a->ip.family == AF_INET) {
		vpnha_announce_arp_build(arp, a->mac, &a->ip);
		r = sendto(a->fd, arp, sizeof(arp), 0, (const struct sockaddr *)&a->ll, sizeof(a->ll));
	} else {
		vpnha_announce_na_build(na, a->mac, &a->ip);
		r = sendto(a->fd, na, sizeof(na), 0, (const struct sockaddr *)&a->in6, sizeof(a->in6));
	}
	return r < 0 ? -errno : 0;
}

void vpnha_announcer_close(struct vpnha_announcer *a)
{
	if (a->fd >= 0)
		close(a->fd);
	a->fd = -1;
}

/* The detached grandchild: n announcements on descriptor 3, every interval_ms; never returns. */
static void announce_detached(const struct vpnha_announcer *a, int64_t n, uint64_t interval_ms)
{
	struct vpnha_announcer mine = *a;
	int64_t i;

	mine.fd = 3;
	for (i = 0; i < n; i++) {
		struct timespec ts = { (time_t)(interval_ms / 1000), (long)(interval_ms % 1000) * 1000000L };

		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		vpnha_announcer_send(&mine);
	}
	_exit(0);
}

int vpnha_announcer_send_bg(const struct vpnha_announcer *a, int64_t n, uint64_t interval_ms)
{
	pid_t pid, g;
	int st = 0, nul;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		nul = open("/dev/null", O_RDWR);
		if (nul < 0 || dup2(nul, 0) < 0 || dup2(nul, 1) < 0 || dup2(nul, 2) < 0)
			_exit(1);
		g = fork();
		if (g != 0)
			_exit(g < 0);
		setsid();
		if (a->fd != 3 && dup2(a->fd, 3) < 0)
			_exit(1);
		close_range(4, ~0U, 0);
		announce_detached(a, n, interval_ms);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -ECHILD;
}

static const char *announce_kind(const struct vpnha_addr *ip)
{
	return ip->family == AF_INET ? "gratuitous ARP" : "unsolicited NA";
}

/* The hardware address to announce, or 0 (logged) when ifname cannot announce. */
static bool announce_hw(const char *ifname, const char *s, struct vpnha_nic_hw *hw)
{
	int r = vpnha_nic_hw_get(ifname, hw);

	if (r < 0) {
		vpnha_log_warn("cannot read %s's hardware address: %s; %s not announced", ifname, strerror(-r), s);
		return false;
	}
	if ((hw->flags & IFF_NOARP) || hw->hwtype != ARPHRD_ETHER) {
		vpnha_log_info("%s has no ARP/neighbor discovery (hardware type %u): %s not announced", ifname,
			       hw->hwtype, s);
		return false;
	}
	return true;
}

int vpnha_announce(struct vpnha_ctx *ctx, const char *ifname, int ifindex, const struct vpnha_addr *ip,
		   int64_t count, uint64_t interval_ms, bool bg)
{
	struct vpnha_announcer a = { .fd = -1 };
	struct vpnha_nic_hw hw;
	char s[INET6_ADDRSTRLEN];
	int64_t i;
	int r, sent = 0;

	if (count == 0)
		return 0;
	vpnha_addr_str(ip, s, sizeof(s));
	if (!announce_hw(ifname, s, &hw))
		return 0;
	r = vpnha_announcer_open(&a, ifindex, hw.mac, ip);
	if (r < 0) {
		vpnha_log_warn("cannot open a socket to announce %s: %s", s, strerror(-r));
		return 0;
	}
	for (i = 0; i < count; i++) {
		if (i == 1 && bg) {
			r = vpnha_announcer_send_bg(&a, count - 1, interval_ms);
			if (r == 0) {
				vpnha_log_info("announced %s on %s (%s) %d times, %lld more in the background", s,
					       ifname, announce_kind(ip), sent, (long long)(count - 1));
				goto out;
			}
			vpnha_log_warn("cannot announce %s in the background (%s): announcing now", s, strerror(-r));
		}
		if (i > 0 && !vpnha_sleep_ms(ctx, interval_ms)) {
			vpnha_log_warn("deadline near: sent %d of %lld announcements of %s", sent, (long long)count, s);
			break;
		}
		r = vpnha_announcer_send(&a);
		if (r < 0)
			vpnha_log_warn("cannot announce %s on %s: %s", s, ifname, strerror(-r));
		else
			sent++;
	}
	vpnha_log_info("announced %s on %s (%s) %d times", s, ifname, announce_kind(ip), sent);
out:
	vpnha_announcer_close(&a);
	return sent;
}

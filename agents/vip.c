/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ocf:vpnha:vip: a virtual IP address (IPv4 or IPv6) on an existing
 * interface, through netlink (lib/netlink.h), announced with gratuitous ARP
 * (AF_PACKET) or an unsolicited Neighbor Advertisement (ICMPv6 raw socket).
 * No exec (and no fork, but for the background announcements of arp_bg): a
 * drop-in for ocf:heartbeat:IPaddr2 where its forks dominate failover time
 * (same parameter names: ip, cidr_netmask, nic, arp_count, arp_interval,
 * arp_bg).
 *
 * Ownership: the run-state file <instance>.owner records the address this
 * resource added (ip/prefix, nic name and ifindex). stop removes the address
 * only when that record says so; an address configured by someone else is
 * never touched (start refuses it).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/icmp6.h>
#include <netinet/if_ether.h>
#include <linux/if_packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "netlink.h"
#include "records.h"
#include "runstate.h"
#include "util.h"
#include "vpnha.h"

#define AGENT "vip"
#define OWNER_KEY "owner"

/* The parameters, in the order of the table below (VPNHA_STR(ctx, P_...)). */
enum vip_param {
	P_IP,
	P_CIDR_NETMASK,
	P_NIC,
	P_ARP_COUNT,
	P_ARP_INTERVAL,
	P_ARP_BG,
	P_COUNT
};

static const struct vpnha_param_def params[] = {
	[P_IP] = { "ip", VPNHA_PT_ADDR, NULL, VPNHA_PF_REQUIRED | VPNHA_PF_UNIQUE, 0, 0, NULL, vpnha_validate_unicast_global },
	[P_CIDR_NETMASK] = { "cidr_netmask", VPNHA_PT_INT, NULL, 0, 1, 128, NULL, NULL },
	[P_NIC] = { "nic", VPNHA_PT_IFNAME, NULL, VPNHA_PF_REQUIRED, 0, 0, NULL, NULL },
	[P_ARP_COUNT] = { "arp_count", VPNHA_PT_INT, "3", VPNHA_PF_RELOADABLE, 0, 100, NULL, NULL },
	[P_ARP_INTERVAL] = { "arp_interval", VPNHA_PT_INT, "100", VPNHA_PF_RELOADABLE, 0, 10000, NULL, NULL },
	[P_ARP_BG] = { "arp_bg", VPNHA_PT_BOOL, "true", VPNHA_PF_RELOADABLE, 0, 0, NULL, NULL },
};
_Static_assert(sizeof(params) / sizeof(params[0]) == P_COUNT, "one enum entry per parameter");

/* ip/len is the directed broadcast of its IPv4 subnet (host part all ones). */
static bool addr_is_subnet_broadcast(const struct vpnha_addr *a, int64_t len)
{
	uint32_t host;

	if (a->family != AF_INET || len < 1 || len > 30)
		return false;
	host = (uint32_t)0xffffffffu >> len;
	return (ntohl(a->u.v4.s_addr) & host) == host;
}

static enum vpnha_rc vip_validate_params(struct vpnha_ctx *ctx)
{
	const struct vpnha_addr *ip = VPNHA_ADDR(ctx, P_IP);

	/* unspecified, multicast, broadcast, loopback: refused by the parameter's own check */
	if (VPNHA_GIVEN(ctx, P_CIDR_NETMASK) && addr_is_subnet_broadcast(ip, VPNHA_INT(ctx, P_CIDR_NETMASK)))
		return vpnha_fail(ctx, VPNHA_RC_CONFIG,
				  "parameter 'ip': %s is the broadcast address of %s/%lld, not a unicast address",
				  VPNHA_STR(ctx, P_IP), VPNHA_STR(ctx, P_IP), (long long)VPNHA_INT(ctx, P_CIDR_NETMASK));
	if (VPNHA_GIVEN(ctx, P_CIDR_NETMASK) && ip->family == AF_INET && VPNHA_INT(ctx, P_CIDR_NETMASK) > 32)
		return vpnha_fail(ctx, VPNHA_RC_CONFIG,
				  "parameter 'cidr_netmask': %lld is out of range 1-32 for the IPv4 address %s",
				  (long long)VPNHA_INT(ctx, P_CIDR_NETMASK), VPNHA_STR(ctx, P_IP));
	return VPNHA_RC_OK;
}

/* The address to configure: ip with cidr_netmask (default: a host prefix). */
static void wanted_addr(struct vpnha_ctx *ctx, struct vpnha_nl_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->local = *VPNHA_ADDR(ctx, P_IP);
	a->local.prefixlen = a->local.family == AF_INET ? 32 : 128;
	if (VPNHA_GIVEN(ctx, P_CIDR_NETMASK))
		a->local.prefixlen = (unsigned)VPNHA_INT(ctx, P_CIDR_NETMASK);
}

static const char *prefix_str(const struct vpnha_addr *a, char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN];

	snprintf(buf, len, "%s/%u", vpnha_addr_str(a, s, sizeof(s)), a->prefixlen);
	return buf;
}

/* same address, prefix length ignored */
static bool host_eq(const struct vpnha_addr *a, const struct vpnha_addr *b)
{
	return a->family == b->family && !memcmp(a->u.raw, b->u.raw, a->family == AF_INET ? 4 : 16);
}

/* ---- the ownership record ---- */

struct owner {
	bool present;
	struct vpnha_nl_addr addr;
	char ifname[IF_NAMESIZE];
	int ifindex;
};

/*
 * The record's text (lib/records.h, VPNHA_REC_VIP_OWNER: addr=PREFIX,
 * ifname=, ifindex=) into o. Returns 0 or -EINVAL when incomplete.
 */
static int owner_parse(const char *text, struct owner *o)
{
	struct vpnha_rec_vip_owner r;

	memset(o, 0, sizeof(*o));
	if (vpnha_record_parse(VPNHA_REC_VIP_OWNER, text, &r) < 0)
		return -EINVAL;
	o->addr.local = r.addr;
	memcpy(o->ifname, r.ifname, sizeof(o->ifname));
	o->ifindex = r.ifindex;
	o->present = true;
	return 0;
}

static int owner_read(struct vpnha_ctx *ctx, struct owner *o)
{
	_vpnha_auto_free char *text = NULL;
	size_t len;
	int r;

	memset(o, 0, sizeof(*o));
	r = vpnha_state_read(AGENT, ctx->instance, OWNER_KEY, &text, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (owner_parse(text, o) < 0) {
		vpnha_log_warn("ownership record is unreadable; treating the address as not ours");
		memset(o, 0, sizeof(*o));
	}
	return 0;
}

/* The record's text (what owner_parse reads back); its length or -ENOSPC. */
static int owner_format(const struct owner *o, char *buf, size_t len)
{
	struct vpnha_rec_vip_owner r = { .addr = o->addr.local, .ifindex = o->ifindex };

	memcpy(r.ifname, o->ifname, sizeof(r.ifname));
	return vpnha_record_format(VPNHA_REC_VIP_OWNER, &r, buf, len);
}

static int owner_write(struct vpnha_ctx *ctx, const struct owner *o)
{
	char buf[256];
	int n = owner_format(o, buf, sizeof(buf));

	if (n < 0)
		return n;
	return vpnha_state_write(AGENT, ctx->instance, OWNER_KEY, buf, (size_t)n);
}

/* Does the record describe this address on this link? */
static bool owner_owns(const struct owner *o, const struct vpnha_nl_addr *want, int ifindex)
{
	return o->present && o->ifindex == ifindex && vpnha_addr_equal(&o->addr.local, &want->local);
}

static enum vpnha_rc nl_open_ctx(struct vpnha_ctx *ctx, struct vpnha_nl **nl)
{
	uint64_t left = vpnha_time_left_ms(ctx);
	int r = vpnha_nl_open(nl, left ? left : 1);

	if (r < 0)
		return vpnha_fail(ctx, r == -EPERM ? VPNHA_RC_PERM : VPNHA_RC_ERROR,
				  "cannot open a netlink route socket: %s", strerror(-r));
	return VPNHA_RC_OK;
}

/*
 * The address as it is on ifindex: 1 and *live when the host part is there
 * (any prefix length), 0 when absent, or a negative errno.
 */
static int find_on_link(struct vpnha_nl *nl, int ifindex, const struct vpnha_addr *ip, struct vpnha_nl_addr *live)
{
	_vpnha_auto_free struct vpnha_nl_addr *v = NULL;
	int n = vpnha_nl_addr_list(nl, ifindex, &v), i;

	if (n < 0)
		return n;
	for (i = 0; i < n; i++)
		if (host_eq(&v[i].local, ip)) {
			*live = v[i];
			return 1;
		}
	return 0;
}

/* ---- interface details the netlink wrapper does not report (ioctl, no fork) ---- */

struct nic_info {
	unsigned flags;           /* IFF_* (16 bits) */
	unsigned short hwtype;    /* ARPHRD_* */
	uint8_t mac[6];
};

static int nic_info(const char *ifname, struct nic_info *ni)
{
	_vpnha_auto_close int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;

	memset(ni, 0, sizeof(*ni));
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return -errno;
	ni->flags = (unsigned short)ifr.ifr_flags;
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		return -errno;
	ni->hwtype = ifr.ifr_hwaddr.sa_family;
	memcpy(ni->mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

/* ---- announcements: gratuitous ARP / unsolicited NA ---- */

/* ARP request with sender = target = ip, broadcast (an ARP announcement, as arping -U). */
static int garp_open(int ifindex, struct sockaddr_ll *to)
{
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0); /* protocol 0: send only */

	if (fd < 0)
		return -errno;
	memset(to, 0, sizeof(*to));
	to->sll_family = AF_PACKET;
	to->sll_protocol = htons(ETH_P_ARP);
	to->sll_ifindex = ifindex;
	to->sll_halen = 6;
	memset(to->sll_addr, 0xff, 6);
	return fd;
}

static int garp_send(int fd, const struct sockaddr_ll *to, const uint8_t mac[6], const struct vpnha_addr *ip)
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
	if (sendto(fd, &a, sizeof(a), 0, (const struct sockaddr *)to, sizeof(*to)) < 0)
		return -errno;
	return 0;
}

/* ICMPv6 raw socket to ff02::1 on ifindex, hop limit 255, sourced from ip when possible. */
static int una_open(int ifindex, const struct vpnha_addr *ip, struct sockaddr_in6 *to)
{
	static const struct in6_addr all_nodes = { { { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } } };
	int fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6), hops = 255, r;
	struct icmp6_filter filt;
	struct sockaddr_in6 src;

	if (fd < 0)
		return -errno;
	ICMP6_FILTER_SETBLOCKALL(&filt); /* never queue what we don't read */
	if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filt, sizeof(filt)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	memset(&src, 0, sizeof(src));
	src.sin6_family = AF_INET6;
	memcpy(&src.sin6_addr, ip->u.raw, 16);
	if (IN6_IS_ADDR_LINKLOCAL(&src.sin6_addr))
		src.sin6_scope_id = (uint32_t)ifindex;
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0)
		vpnha_log_debug("cannot bind the advertisement to its own address (%s): the kernel chooses",
				strerror(errno));
	memset(to, 0, sizeof(*to));
	to->sin6_family = AF_INET6;
	to->sin6_addr = all_nodes;
	to->sin6_scope_id = (uint32_t)ifindex;
	return fd;
}

static int una_send(int fd, const struct sockaddr_in6 *to, const uint8_t mac[6], const struct vpnha_addr *ip)
{
	struct {
		struct nd_neighbor_advert na;
		struct nd_opt_hdr opt;
		uint8_t mac[6];
	} __attribute__((packed)) m;

	memset(&m, 0, sizeof(m));
	m.na.nd_na_type = ND_NEIGHBOR_ADVERT;
	m.na.nd_na_flags_reserved = ND_NA_FLAG_OVERRIDE; /* unsolicited: S=0, O=1 */
	memcpy(&m.na.nd_na_target, ip->u.raw, 16);
	m.opt.nd_opt_type = ND_OPT_TARGET_LINKADDR;
	m.opt.nd_opt_len = 1; /* units of 8 bytes */
	memcpy(m.mac, mac, 6);
	/* the kernel fills in the ICMPv6 checksum on raw ICMPv6 sockets */
	if (sendto(fd, &m, sizeof(m), 0, (const struct sockaddr *)to, sizeof(*to)) < 0)
		return -errno;
	return 0;
}

/* One announcement on an open socket (garp_open or una_open). */
static int announce_one(int fd, const struct sockaddr_ll *ll, const struct sockaddr_in6 *in6,
			const uint8_t mac[6], const struct vpnha_addr *ip)
{
	return ip->family == AF_INET ? garp_send(fd, ll, mac, ip) : una_send(fd, in6, mac, ip);
}

/*
 * The announcements after the first, from a detached process (arp_bg, as
 * IPaddr2 does): start returns once the address is up and announced once.
 * The process keeps only the packet socket (stdio on /dev/null: the executor
 * waits for its pipes to close; every other descriptor closed), is
 * re-parented to init by a double fork, sends n more every interval ms and
 * exits; it never logs.  0 when it is on its way, or a negative errno (the
 * caller then announces in the foreground).
 */
static int announce_bg(int fd, const struct sockaddr_ll *ll, const struct sockaddr_in6 *in6,
		       const uint8_t mac[6], const struct vpnha_addr *ip, int64_t n, uint64_t interval)
{
	pid_t pid, g;
	int st = 0, nul, i;

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
		if (fd != 3 && dup2(fd, 3) < 0)
			_exit(1);
		close_range(4, ~0U, 0);
		for (i = 0; i < n; i++) {
			struct timespec ts = { (time_t)(interval / 1000), (long)(interval % 1000) * 1000000L };

			while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
				;
			announce_one(3, ll, in6, mac, ip);
		}
		_exit(0);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -ECHILD;
}

/*
 * Send arp_count announcements, the first at once, then every arp_interval
 * ms, never past the deadline. Failures are warnings: the address is up.
 * Returns the number sent.
 */
static int announce(struct vpnha_ctx *ctx, const char *ifname, int ifindex, const struct vpnha_addr *ip)
{
	int64_t count = VPNHA_INT(ctx, P_ARP_COUNT), i;
	uint64_t interval = (uint64_t)VPNHA_INT(ctx, P_ARP_INTERVAL);
	_vpnha_auto_close int fd = -1;
	struct sockaddr_ll ll;
	struct sockaddr_in6 in6;
	struct nic_info ni;
	char s[INET6_ADDRSTRLEN];
	int r, sent = 0;

	if (count == 0)
		return 0;
	vpnha_addr_str(ip, s, sizeof(s));
	r = nic_info(ifname, &ni);
	if (r < 0) {
		vpnha_log_warn("cannot read %s's hardware address: %s; %s not announced", ifname, strerror(-r), s);
		return 0;
	}
	if ((ni.flags & IFF_NOARP) || ni.hwtype != ARPHRD_ETHER) {
		vpnha_log_info("%s has no ARP/neighbor discovery (hardware type %u): %s not announced", ifname,
			       ni.hwtype, s);
		return 0;
	}
	fd = ip->family == AF_INET ? garp_open(ifindex, &ll) : una_open(ifindex, ip, &in6);
	if (fd < 0) {
		vpnha_log_warn("cannot open a socket to announce %s: %s", s, strerror(-fd));
		return 0;
	}
	for (i = 0; i < count; i++) {
		if (i == 1 && VPNHA_BOOL(ctx, P_ARP_BG)) {
			r = announce_bg(fd, &ll, &in6, ni.mac, ip, count - 1, interval);
			if (r == 0) {
				vpnha_log_info("announced %s on %s (%s) %d times, %lld more in the background", s,
					       ifname, ip->family == AF_INET ? "gratuitous ARP" : "unsolicited NA",
					       sent, (long long)(count - 1));
				return sent;
			}
			vpnha_log_warn("cannot announce %s in the background (%s): announcing now", s, strerror(-r));
		}
		if (i > 0 && !vpnha_sleep_ms(ctx, interval)) {
			vpnha_log_warn("deadline near: sent %d of %lld announcements of %s", sent, (long long)count, s);
			break;
		}
		r = announce_one(fd, &ll, &in6, ni.mac, ip);
		if (r < 0)
			vpnha_log_warn("cannot announce %s on %s: %s", s, ifname, strerror(-r));
		else
			sent++;
	}
	vpnha_log_info("announced %s on %s (%s) %d times", s, ifname,
		       ip->family == AF_INET ? "gratuitous ARP" : "unsolicited NA", sent);
	return sent;
}

/* ---- monitor ---- */

static enum vpnha_rc vip_monitor(struct vpnha_ctx *ctx)
{
	const char *nic = VPNHA_STR(ctx, P_NIC);
	struct vpnha_nl *nl = NULL;
	struct vpnha_nl_addr want, live;
	struct vpnha_link l;
	struct owner o;
	enum vpnha_rc rc = VPNHA_RC_OK;
	char p[INET6_ADDRSTRLEN + 8], q[INET6_ADDRSTRLEN + 8];
	int r;

	wanted_addr(ctx, &want);
	prefix_str(&want.local, p, sizeof(p));
	r = owner_read(ctx, &o);
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot read the ownership record: %s", strerror(-r));
	rc = nl_open_ctx(ctx, &nl);
	if (rc != VPNHA_RC_OK)
		return rc;
	r = vpnha_nl_link_get(nl, nic, 0, &l);
	if (r == -ENODEV) {
		rc = o.present ? vpnha_fail(ctx, VPNHA_RC_ERROR, "interface %s is gone (address %s was on it)", nic, p)
			       : vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "not started (interface %s does not exist)", nic);
		goto out;
	}
	if (r < 0) {
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot read interface %s: %s", nic, vpnha_nl_error(nl));
		goto out;
	}
	r = find_on_link(nl, l.ifindex, &want.local, &live);
	if (r < 0) {
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot list addresses of %s: %s", nic, vpnha_nl_error(nl));
		goto out;
	}
	if (!owner_owns(&o, &want, l.ifindex)) {
		if (o.present && o.ifindex != l.ifindex && !strcmp(o.ifname, nic))
			rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "interface %s was replaced behind the agent "
					"(now ifindex %d, address added on %d)", nic, l.ifindex, o.ifindex);
		else if (o.present)
			rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "this resource added %s on %s, not %s on %s (parameters "
					"changed while it ran?)", prefix_str(&o.addr.local, q, sizeof(q)), o.ifname, p, nic);
		else if (r)
			rc = vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "address %s is on %s but was not added by this "
					"resource", prefix_str(&live.local, q, sizeof(q)), nic);
		else
			rc = vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "not started (%s is not on %s)", p, nic);
		goto out;
	}
	if (!r)
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "address %s was removed from %s behind the agent", p, nic);
	else if (live.local.prefixlen != want.local.prefixlen)
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "address %s on %s changed behind the agent: prefix /%u",
				p, nic, live.local.prefixlen);
	else if (!l.up)
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "interface %s is administratively down", nic);
	else if (ctx->check_level >= 10) {
		struct nic_info ni;

		r = nic_info(nic, &ni);
		if (r < 0)
			rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot read the state of %s: %s", nic, strerror(-r));
		else if (!(ni.flags & IFF_RUNNING))
			rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "interface %s has no carrier (operationally down)", nic);
	}
out:
	vpnha_nl_close(nl);
	return rc;
}

/* ---- start ---- */

static enum vpnha_rc vip_start(struct vpnha_ctx *ctx)
{
	const char *nic = VPNHA_STR(ctx, P_NIC);
	struct vpnha_nl *nl = NULL;
	struct vpnha_nl_addr want, live;
	struct vpnha_link l;
	struct owner o;
	enum vpnha_rc rc;
	char p[INET6_ADDRSTRLEN + 8], q[INET6_ADDRSTRLEN + 8];
	int r;

	wanted_addr(ctx, &want);
	prefix_str(&want.local, p, sizeof(p));
	r = owner_read(ctx, &o);
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot read the ownership record: %s", strerror(-r));
	rc = nl_open_ctx(ctx, &nl);
	if (rc != VPNHA_RC_OK)
		return rc;
	r = vpnha_nl_link_get(nl, nic, 0, &l);
	if (r == -ENODEV) {
		rc = vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED, "interface %s (parameter 'nic') does not exist", nic);
		goto out;
	}
	if (r < 0) {
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot read interface %s: %s", nic, vpnha_nl_error(nl));
		goto out;
	}
	if (!l.up) {
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "interface %s is administratively down: not adding %s", nic, p);
		goto out;
	}
	r = find_on_link(nl, l.ifindex, &want.local, &live);
	if (r < 0) {
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot list addresses of %s: %s", nic, vpnha_nl_error(nl));
		goto out;
	}
	if (r && owner_owns(&o, &want, l.ifindex)) {
		if (live.local.prefixlen != want.local.prefixlen)
			rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "address %s on %s was changed behind the agent (now %s)",
					p, nic, prefix_str(&live.local, q, sizeof(q)));
		goto out; /* already started: idempotent, nothing sent */
	}
	if (r) {
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "address %s is already on %s and was not added by this "
				"resource: refusing to touch it", prefix_str(&live.local, q, sizeof(q)), nic);
		goto out;
	}
	r = vpnha_nl_addr_on_host(nl, &want.local);
	if (r > 0) {
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "address %s is already configured on another interface of this "
				"host: refusing to add it to %s", vpnha_addr_str(&want.local, q, sizeof(q)), nic);
		goto out;
	}
	/* the record first: an interrupted start is then cleaned up by stop */
	memset(&o, 0, sizeof(o));
	o.present = true;
	o.addr = want;
	snprintf(o.ifname, sizeof(o.ifname), "%s", nic);
	o.ifindex = l.ifindex;
	r = owner_write(ctx, &o);
	if (r < 0) {
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot write the ownership record: %s", strerror(-r));
		goto out;
	}
	r = vpnha_nl_addr_add(nl, l.ifindex, &want);
	if (r < 0) {
		vpnha_state_remove(AGENT, ctx->instance, OWNER_KEY);
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot add address %s to %s: %s", p, nic, vpnha_nl_error(nl));
		goto out;
	}
	vpnha_log_notice("added %s to %s (ifindex %d)", p, nic, l.ifindex);
	vpnha_nl_close(nl);
	nl = NULL;
	announce(ctx, nic, l.ifindex, &want.local);
out:
	vpnha_nl_close(nl);
	return rc;
}

/* arp_count/arp_interval apply to the next start: nothing to change live. */
static enum vpnha_rc vip_reload(struct vpnha_ctx *ctx)
{
	(void)ctx;
	return VPNHA_RC_OK;
}

/* ---- stop: from the ownership record only ---- */

static enum vpnha_rc vip_stop(struct vpnha_ctx *ctx)
{
	struct vpnha_nl *nl = NULL;
	struct vpnha_link l;
	struct owner o;
	enum vpnha_rc rc;
	char p[INET6_ADDRSTRLEN + 8];
	int r;

	r = owner_read(ctx, &o);
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot read the ownership record: %s", strerror(-r));
	if (!o.present) {
		vpnha_state_remove(AGENT, ctx->instance, OWNER_KEY);
		return VPNHA_RC_OK; /* nothing of ours */
	}
	prefix_str(&o.addr.local, p, sizeof(p));
	rc = nl_open_ctx(ctx, &nl);
	if (rc != VPNHA_RC_OK)
		return rc;
	r = vpnha_nl_link_get(nl, NULL, o.ifindex, &l);
	if (r == 0 && !strcmp(l.ifname, o.ifname)) {
		r = vpnha_nl_addr_del(nl, l.ifindex, &o.addr);
		if (r < 0 && r != -EADDRNOTAVAIL && r != -ENOENT && r != -ESRCH) {
			rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot remove address %s from %s: %s", p, o.ifname,
					vpnha_nl_error(nl));
			goto out;
		}
		if (r == 0)
			vpnha_log_notice("removed %s from %s", p, o.ifname);
	} else if (r == 0) {
		vpnha_log_warn("ifindex %d is now %s, not %s: %s went with the interface", o.ifindex, l.ifname,
			       o.ifname, p);
	} else if (r != -ENODEV) {
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot read interface %s: %s", o.ifname, vpnha_nl_error(nl));
		goto out;
	}
	r = vpnha_state_remove(AGENT, ctx->instance, OWNER_KEY);
	if (r < 0)
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot remove the ownership record: %s", strerror(-r));
out:
	vpnha_nl_close(nl);
	return rc;
}

/* ---- validate-all at OCF_CHECK_LEVEL >= 10: the nic exists here ---- */

static enum vpnha_rc vip_validate_host(struct vpnha_ctx *ctx)
{
	struct vpnha_nl *nl = NULL;
	enum vpnha_rc rc;
	int r;

	rc = nl_open_ctx(ctx, &nl);
	if (rc != VPNHA_RC_OK)
		return rc;
	r = vpnha_nl_ifindex(nl, VPNHA_STR(ctx, P_NIC));
	if (r == -ENODEV)
		rc = vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED, "interface %s (parameter 'nic') does not exist on this host",
				VPNHA_STR(ctx, P_NIC));
	else if (r < 0)
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot look up interface %s: %s", VPNHA_STR(ctx, P_NIC),
				vpnha_nl_error(nl));
	vpnha_nl_close(nl);
	return rc;
}

static const struct vpnha_action actions[] = {
	{ "start", vip_start },
	{ "stop", vip_stop },
	{ "monitor", vip_monitor },
	{ "reload-agent", vip_reload },
};

const struct vpnha_agent vpnha_agent_def = {
	.name = AGENT,
	.metadata = vpnha_metadata_xml,
	.params = params,
	.n_params = VPNHA_ARRAY_SIZE(params),
	.actions = actions,
	.n_actions = VPNHA_ARRAY_SIZE(actions),
	.validate_host = vip_validate_host,
	.validate_params = vip_validate_params,
};

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/icmp: the checksum, the echo request, the reply matching (no network needed). */
#include "config.h"

#include <check.h>

#include "check-main.h"
#include <arpa/inet.h>
#include <netinet/icmp6.h>
#include <netinet/ip_icmp.h>
#include <string.h>

#include "icmp.h"
#include "testnet.h"
#include "util.h"

static void
from_addr(struct sockaddr_storage *ss, const struct vpnha_addr *a)
{
	memset(ss, 0, sizeof(*ss));
	ss->ss_family = (sa_family_t)a->family;
	if (a->family == AF_INET)
		memcpy(&((struct sockaddr_in *)(void *)ss)->sin_addr, a->u.raw, 4);
	else
		memcpy(&((struct sockaddr_in6 *)(void *)ss)->sin6_addr, a->u.raw, 16);
}

START_TEST(test_csum)
{
	/* RFC 1071's example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2, complemented 220d */
	static const uint8_t d[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	static const uint8_t odd[] = { 0x01 };

	ck_assert_uint_eq(ntohs(vpnha_icmp_csum(d, sizeof(d))), 0x220d);
	ck_assert_uint_eq(ntohs(vpnha_icmp_csum(odd, 1)), 0xfeff);
	ck_assert_uint_eq(ntohs(vpnha_icmp_csum(d, 0)), 0xffff);
}
END_TEST

START_TEST(test_echo_v4)
{
	uint8_t pkt[VPNHA_ICMP_ECHO_LEN];
	uint16_t id = htons(0x1234);

	vpnha_icmp_echo_build(pkt, AF_INET, id, 7);
	ck_assert_uint_eq(pkt[0], ICMP_ECHO);
	ck_assert_uint_eq(pkt[1], 0);
	ck_assert_mem_eq(pkt + 4, "\x12\x34\x00\x07", 4);
	ck_assert_mem_eq(pkt + 8, "vpnha-gr", 8);
	/* a packet with its checksum in place sums to zero */
	ck_assert_uint_eq(vpnha_icmp_csum(pkt, sizeof(pkt)), 0);
	ck_assert(pkt[2] || pkt[3]);
}
END_TEST

START_TEST(test_echo_v6)
{
	uint8_t pkt[VPNHA_ICMP_ECHO_LEN];

	vpnha_icmp_echo_build(pkt, AF_INET6, htons(0xbeef), 0x0102);
	ck_assert_uint_eq(pkt[0], ICMP6_ECHO_REQUEST);
	ck_assert_mem_eq(pkt + 2, "\x00\x00\xbe\xef\x01\x02", 6); /* checksum left to the kernel */
	ck_assert_mem_eq(pkt + 8, "vpnha-gr", 8);
}
END_TEST

START_TEST(test_reply_v4)
{
	struct vpnha_addr peer = test_prefix("10.1.1.2"), other = test_prefix("10.1.1.3");
	struct sockaddr_storage from;
	uint8_t buf[28] = { 0x45 }; /* IPv4 header, ihl 5 */
	uint16_t id = htons(0x1234);

	buf[20] = ICMP_ECHOREPLY;
	memcpy(buf + 24, &id, 2);
	from_addr(&from, &peer);
	ck_assert(vpnha_icmp_echo_is_reply(buf, sizeof(buf), &from, &peer, id));
	ck_assert(!vpnha_icmp_echo_is_reply(buf, sizeof(buf), &from, &peer, htons(0x1235)));
	ck_assert(!vpnha_icmp_echo_is_reply(buf, 27, &from, &peer, id));
	ck_assert(!vpnha_icmp_echo_is_reply(buf, sizeof(buf), &from, &other, id));
	buf[0] = 0x46; /* options: the ICMP header moves */
	ck_assert(!vpnha_icmp_echo_is_reply(buf, sizeof(buf), &from, &peer, id));
	buf[0] = 0x45;
	buf[20] = ICMP_ECHO; /* our own request, looped back */
	ck_assert(!vpnha_icmp_echo_is_reply(buf, sizeof(buf), &from, &peer, id));
}
END_TEST

START_TEST(test_reply_v6)
{
	struct vpnha_addr peer = test_prefix("2001:db8::2"), v4 = test_prefix("10.1.1.2");
	struct sockaddr_storage from;
	uint8_t buf[16] = { ICMP6_ECHO_REPLY };
	uint16_t id = htons(0xbeef);

	memcpy(buf + 4, &id, 2);
	from_addr(&from, &peer);
	ck_assert(vpnha_icmp_echo_is_reply(buf, sizeof(buf), &from, &peer, id));
	ck_assert(!vpnha_icmp_echo_is_reply(buf, 7, &from, &peer, id));
	ck_assert(!vpnha_icmp_echo_is_reply(buf, sizeof(buf), &from, &peer, htons(1)));
	from_addr(&from, &v4);
	ck_assert(!vpnha_icmp_echo_is_reply(buf, sizeof(buf), &from, &peer, id));
	from_addr(&from, &peer);
	buf[0] = ICMP6_ECHO_REQUEST;
	ck_assert(!vpnha_icmp_echo_is_reply(buf, sizeof(buf), &from, &peer, id));
}
END_TEST

static Suite *icmp_suite(void)
{
	const TTest *tests[] = { test_csum, test_echo_v4, test_echo_v6, test_reply_v4, test_reply_v6 };

	return vpnha_test_suite("icmp", "echo", NULL, NULL, tests, VPNHA_ARRAY_SIZE(tests));
}

VPNHA_TEST_MAIN(icmp_suite)

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/announce: the gratuitous ARP and unsolicited NA frames (no network needed). */
#include "config.h"

#include <check.h>

#include "check-main.h"
#include <arpa/inet.h>
#include <string.h>

#include "announce.h"
#include "testnet.h"
#include "util.h"

static const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30 };

START_TEST(test_arp_frame)
{
	struct vpnha_addr ip = test_prefix("192.0.2.10");
	uint8_t f[VPNHA_ANNOUNCE_ARP_LEN];
	static const uint8_t zero[6];

	memset(f, 0xaa, sizeof(f));
	vpnha_announce_arp_build(f, mac, &ip);
	ck_assert_mem_eq(f, "\x00\x01\x08\x00\x06\x04\x00\x01", 8); /* Ethernet, IPv4, 6, 4, request */
	ck_assert_mem_eq(f + 8, mac, 6);                            /* sender hardware address */
	ck_assert_mem_eq(f + 14, "\xc0\x00\x02\x0a", 4);            /* sender IP = the address */
	ck_assert_mem_eq(f + 18, zero, 6);                          /* target hardware: zero (RFC 5227) */
	ck_assert_mem_eq(f + 24, "\xc0\x00\x02\x0a", 4);            /* target IP = the address */
}
END_TEST

START_TEST(test_na_frame)
{
	struct vpnha_addr ip = test_prefix("2001:db8::10");
	uint8_t f[VPNHA_ANNOUNCE_NA_LEN];

	memset(f, 0xaa, sizeof(f));
	vpnha_announce_na_build(f, mac, &ip);
	ck_assert_uint_eq(f[0], 136);                   /* Neighbor Advertisement */
	ck_assert_uint_eq(f[1], 0);                     /* code */
	ck_assert_mem_eq(f + 2, "\x00\x00", 2);         /* checksum: the kernel's */
	ck_assert_mem_eq(f + 4, "\x20\x00\x00\x00", 4); /* R=0 S=0 O=1 */
	ck_assert_mem_eq(f + 8, ip.u.raw, 16);          /* target */
	ck_assert_mem_eq(f + 24, "\x02\x01", 2);        /* option: target link-layer address, 8 bytes */
	ck_assert_mem_eq(f + 26, mac, 6);
}
END_TEST

START_TEST(test_nic_hw_absent)
{
	struct vpnha_nic_hw hw;

	ck_assert_int_lt(vpnha_nic_hw_get("vpnha-none0", &hw), 0);
}
END_TEST

static Suite *announce_suite(void)
{
	const TTest *tests[] = { test_arp_frame, test_na_frame, test_nic_hw_absent };

	return vpnha_test_suite("announce", "frames", NULL, NULL, tests, VPNHA_ARRAY_SIZE(tests));
}

VPNHA_TEST_MAIN(announce_suite)

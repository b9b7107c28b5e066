/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The status wire format (lib/status.h): round trips of a node report and a
 * site snapshot, version handling (another major refused, a newer minor with
 * fields and items this reader does not know read all the same), malformed
 * input, and the site bookkeeping of CPG joins, reports and leaves (the CPG
 * transport abstracted: the daemon calls the same functions from its
 * callbacks).
 */
#include "config.h"

#include <check.h>

#include "check-main.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

static void fill_node(struct vpnha_status_node *n, const char *name, uint32_t id)
{
	memset(n, 0, sizeof(*n));
	snprintf(n->name, sizeof(n->name), "%s", name);
	n->nodeid = id;
	n->updated = 1764970000u;
	n->quorate = VPNHA_ST_UP;
	n->n_links = 2;
	snprintf(n->links[0].name, sizeof(n->links[0].name), "eth0");
	n->links[0].raw = VPNHA_ST_UP;
	n->links[0].published = VPNHA_ST_UP;
	snprintf(n->links[1].name, sizeof(n->links[1].name), "eth1");
	n->links[1].raw = VPNHA_ST_DOWN;
	n->links[1].published = VPNHA_ST_DOWN;
	n->links[1].suppressed = 1;
	n->n_sas = 1;
	snprintf(n->sas[0].conn, sizeof(n->sas[0].conn), "site1-site2");
	snprintf(n->sas[0].child, sizeof(n->sas[0].child), "gre");
	snprintf(n->sas[0].state, sizeof(n->sas[0].state), "INSTALLED");
	snprintf(n->sas[0].local, sizeof(n->sas[0].local), "198.51.100.1");
	snprintf(n->sas[0].remote, sizeof(n->sas[0].remote), "203.0.113.1");
	n->sas[0].spi_in = 0xc1234567u;
	n->sas[0].spi_out = 0x00000101u;
	n->sas[0].bytes_in = 1ull << 40;
	n->sas[0].packets_out = 12345;
	n->sas[0].rekey_s = 3000;
	n->sas[0].in_kernel = VPNHA_ST_UP;
	n->n_gres = 1;
	snprintf(n->gres[0].ifname, sizeof(n->gres[0].ifname), "gre1");
	n->gres[0].up = VPNHA_ST_UP;
	n->gres[0].tx_bytes = UINT64_MAX;
	n->n_bgps = 1;
	snprintf(n->bgps[0].neighbor, sizeof(n->bgps[0].neighbor), "fd00:1::2");
	snprintf(n->bgps[0].state, sizeof(n->bgps[0].state), "Established");
	n->bgps[0].pfx_rx = 3;
	snprintf(n->bgps[0].bfd, sizeof(n->bgps[0].bfd), "Up");
	n->n_vips = 1;
	snprintf(n->vips[0].addr, sizeof(n->vips[0].addr), "198.51.100.10/24");
	n->vips[0].present = VPNHA_ST_UP;
	vpnha_status_role_add(n, 1764960000u, VPNHA_ROLE_TOOK_OVER, "partner gw2 lost");
}

START_TEST(test_report_roundtrip)
{
	struct vpnha_status_node *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	uint8_t *buf = NULL, kind = 0, minor = 9;
	size_t len = 0, mlen = 0;

	fill_node(a, "gw1", 1);
	a->minor = VPNHA_STATUS_MINOR;
	ck_assert_int_eq(vpnha_status_report_encode(a, &buf, &len), 0);
	ck_assert_int_eq(vpnha_status_header(buf, len, &kind, &minor, &mlen), 0);
	ck_assert_uint_eq(kind, VPNHA_STATUS_KIND_REPORT);
	ck_assert_uint_eq(minor, VPNHA_STATUS_MINOR);
	ck_assert_uint_eq(mlen, len);
	ck_assert_int_eq(vpnha_status_report_decode(buf, len, b), 0);
	ck_assert_int_eq(memcmp(a, b, sizeof(*a)), 0);
	ck_assert_str_eq(b->sas[0].state, "INSTALLED");
	ck_assert_uint_eq(b->gres[0].tx_bytes, UINT64_MAX);
	ck_assert(vpnha_status_node_active(b));
	/* a report is not a site snapshot */
	{
		struct vpnha_status_site *s = calloc(1, sizeof(*s));

		ck_assert_int_eq(vpnha_status_site_decode(buf, len, s), -EBADMSG);
		free(s);
	}
	free(buf);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_site_roundtrip)
{
	struct vpnha_status_site *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	uint8_t *buf = NULL;
	size_t len = 0;

	a->generated = 1764970001u;
	a->quorate = VPNHA_ST_UP;
	a->local_nodeid = 2;
	a->n_nodes = VPNHA_STATUS_MAX_NODES;
	for (size_t i = 0; i < a->n_nodes; i++) {
		char name[32];

		snprintf(name, sizeof(name), "gw%zu", i + 1);
		fill_node(&a->nodes[i], name, (uint32_t)i + 1);
		a->nodes[i].member = VPNHA_MEMBER_LOST;
		a->nodes[i].since = 1764969999u;
	}
	ck_assert_int_eq(vpnha_status_site_encode(a, &buf, &len), 0);
	ck_assert_int_eq(vpnha_status_site_decode(buf, len, b), 0);
	ck_assert_int_eq(memcmp(a, b, sizeof(*a)), 0);
	ck_assert_str_eq(b->nodes[15].name, "gw16");
	free(buf);
	free(a);
	free(b);
}
END_TEST

/* Encoding refuses what a decoder could not read back. */
START_TEST(test_encode_limits)
{
	struct vpnha_status_node *a = calloc(1, sizeof(*a));
	uint8_t *buf = NULL;
	size_t len = 0;

	fill_node(a, "gw1", 1);
	a->n_sas = VPNHA_STATUS_MAX_ITEMS + 1;
	ck_assert_int_eq(vpnha_status_report_encode(a, &buf, &len), -EINVAL);
	fill_node(a, "gw1", 1);
	memset(a->name, 'x', sizeof(a->name)); /* not NUL-terminated */
	ck_assert_int_eq(vpnha_status_report_encode(a, &buf, &len), -EINVAL);
	ck_assert_ptr_null(buf);
	free(a);
}
END_TEST

/* Append a TLV to a message's body (fixing the header's length). */
static uint8_t *append_tlv(uint8_t *buf, size_t *len, uint16_t type, const void *v, uint16_t n)
{
	size_t body;

	buf = realloc(buf, *len + 4 + n);
	ck_assert_ptr_nonnull(buf);
	buf[*len] = (uint8_t)(type >> 8);
	buf[*len + 1] = (uint8_t)type;
	buf[*len + 2] = (uint8_t)(n >> 8);
	buf[*len + 3] = (uint8_t)n;
	memcpy(buf + *len + 4, v, n);
	*len += 4 + n;
	body = *len - VPNHA_STATUS_HDR_LEN;
	buf[8] = (uint8_t)(body >> 24);
	buf[9] = (uint8_t)(body >> 16);
	buf[10] = (uint8_t)(body >> 8);
	buf[11] = (uint8_t)body;
	return buf;
}

/*
 * A writer of minor+1 adds a scalar field (type 99), a new item kind (type
 * 40, with fields inside) and a field inside a known item (a link with an
 * extra type 50): this reader reads the rest unchanged.
 */
START_TEST(test_newer_minor_readable)
{
	struct vpnha_status_node *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	static const uint8_t item[] = { 0, 1, 0, 2, 'h', 'i', 0, 2, 0, 1, 7 };
	static const uint8_t link[] = { 0, 1, 0, 4, 'w', 'a', 'n', '9', 0, 50, 0, 1, 1, 0, 3, 0, 1, 1 };
	uint8_t *buf = NULL, kind, minor;
	size_t len = 0, mlen;

	fill_node(a, "gw1", 1);
	ck_assert_int_eq(vpnha_status_report_encode(a, &buf, &len), 0);
	buf[5] = VPNHA_STATUS_MINOR + 1;
	buf = append_tlv(buf, &len, 99, "future", 6);
	buf = append_tlv(buf, &len, 40, item, sizeof(item));
	buf = append_tlv(buf, &len, 16, link, sizeof(link));
	ck_assert_int_eq(vpnha_status_header(buf, len, &kind, &minor, &mlen), 0);
	ck_assert_uint_eq(minor, VPNHA_STATUS_MINOR + 1);
	ck_assert_int_eq(vpnha_status_report_decode(buf, len, b), 0);
	ck_assert_uint_eq(b->minor, VPNHA_STATUS_MINOR + 1);
	ck_assert_uint_eq(b->n_links, 3);
	ck_assert_str_eq(b->links[2].name, "wan9");
	ck_assert_uint_eq(b->links[2].published, VPNHA_ST_UP);
	b->n_links = 2;
	b->minor = 0;
	memset(&b->links[2], 0, sizeof(b->links[2]));
	ck_assert_int_eq(memcmp(a, b, sizeof(*a)), 0);
	free(buf);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_other_major_refused)
{
	struct vpnha_status_node *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	uint8_t *buf = NULL, kind, minor;
	size_t len = 0, mlen;

	fill_node(a, "gw1", 1);
	ck_assert_int_eq(vpnha_status_report_encode(a, &buf, &len), 0);
	buf[4] = VPNHA_STATUS_MAJOR + 1;
	ck_assert_int_eq(vpnha_status_header(buf, len, &kind, &minor, &mlen), -EPROTONOSUPPORT);
	ck_assert_int_eq(vpnha_status_report_decode(buf, len, b), -EPROTONOSUPPORT);
	buf[4] = VPNHA_STATUS_MAJOR - 1;
	ck_assert_int_eq(vpnha_status_report_decode(buf, len, b), -EPROTONOSUPPORT);
	ck_assert_str_eq(b->name, ""); /* nothing half-decoded */
	free(buf);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_malformed)
{
	struct vpnha_status_node *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	uint8_t *buf = NULL, *cp, kind, minor;
	size_t len = 0, mlen, cut;

	fill_node(a, "gw1", 1);
	ck_assert_int_eq(vpnha_status_report_encode(a, &buf, &len), 0);
	ck_assert_int_eq(vpnha_status_header(buf, 5, &kind, &minor, &mlen), -EAGAIN);
	/* every truncation is refused */
	for (cut = 0; cut < len; cut++)
		ck_assert_int_eq(vpnha_status_report_decode(buf, cut, b), -EBADMSG);
	cp = malloc(len + 1);
	memcpy(cp, buf, len);
	cp[len] = 0;
	ck_assert_int_eq(vpnha_status_report_decode(cp, len + 1, b), -EBADMSG); /* trailing byte */
	cp[0] = 'X';
	ck_assert_int_eq(vpnha_status_report_decode(cp, len, b), -EBADMSG); /* magic */
	free(cp);
	free(buf);
	buf = NULL;

	/* a control character in a string (the name is the first TLV) */
	ck_assert_int_eq(vpnha_status_report_encode(a, &buf, &len), 0);
	buf[VPNHA_STATUS_HDR_LEN + 4] = '\033';
	ck_assert_int_eq(vpnha_status_report_decode(buf, len, b), -EBADMSG);
	free(buf);
	buf = NULL;

	/* an integer too wide for its field: link.raw (1 byte) given 2 */
	{
		static const uint8_t link[] = { 0, 2, 0, 2, 1, 0 };

		memset(a, 0, sizeof(*a));
		ck_assert_int_eq(vpnha_status_report_encode(a, &buf, &len), 0);
		buf = append_tlv(buf, &len, 16, link, sizeof(link));
		ck_assert_int_eq(vpnha_status_report_decode(buf, len, b), -EBADMSG);
		free(buf);
		buf = NULL;
	}
	/* more items than the limit */
	ck_assert_int_eq(vpnha_status_report_encode(a, &buf, &len), 0);
	for (size_t i = 0; i <= VPNHA_STATUS_MAX_ITEMS; i++)
		buf = append_tlv(buf, &len, 20, "", 0);
	ck_assert_int_eq(vpnha_status_report_decode(buf, len, b), -EBADMSG);
	free(buf);
	free(a);
	free(b);
}
END_TEST

/* CPG: a clean leave (or a dead daemon) is "stopped", a lost node "lost". */
START_TEST(test_site_members)
{
	struct vpnha_status_site *s = calloc(1, sizeof(*s));
	struct vpnha_status_node *r = calloc(1, sizeof(*r));

	ck_assert_int_eq(vpnha_status_site_member_joined(s, 1, 100), 0);
	ck_assert_int_eq(vpnha_status_site_member_joined(s, 2, 100), 0);
	fill_node(r, "gw2", 77);
	ck_assert_int_eq(vpnha_status_site_report(s, 2, r, 150), 0);
	ck_assert_uint_eq(s->n_nodes, 2);
	ck_assert_str_eq(s->nodes[1].name, "gw2");
	ck_assert_uint_eq(s->nodes[1].nodeid, 2); /* CPG's sender, not the claim */
	ck_assert_uint_eq(s->nodes[1].member, VPNHA_MEMBER_ONLINE);
	ck_assert_uint_eq(s->nodes[1].since, 100);

	ck_assert_int_eq(vpnha_status_site_member_left(s, 2, 3 /* NODEDOWN */, 200), VPNHA_MEMBER_LOST);
	ck_assert_uint_eq(s->nodes[1].since, 200);
	ck_assert_str_eq(s->nodes[1].name, "gw2"); /* the last report is kept */
	ck_assert_int_eq(vpnha_status_site_member_joined(s, 2, 300), 0);
	ck_assert_uint_eq(s->nodes[1].member, VPNHA_MEMBER_ONLINE);
	ck_assert_int_eq(vpnha_status_site_member_left(s, 2, 2 /* LEAVE */, 400), VPNHA_MEMBER_STOPPED);
	ck_assert_int_eq(vpnha_status_site_member_left(s, 1, 5 /* PROCDOWN */, 400), VPNHA_MEMBER_STOPPED);
	ck_assert_int_eq(vpnha_status_site_member_left(s, 9, 3, 400), VPNHA_MEMBER_UNKNOWN);
	ck_assert_str_eq(vpnha_status_member_str(s->nodes[1].member), "stopped");

	/* forget: the others keep their order */
	ck_assert_int_eq(vpnha_status_site_member_joined(s, 3, 500), 0);
	vpnha_status_site_forget(s, 2);
	ck_assert_uint_eq(s->n_nodes, 2);
	ck_assert_uint_eq(s->nodes[0].nodeid, 1);
	ck_assert_uint_eq(s->nodes[1].nodeid, 3);
	vpnha_status_site_forget(s, 42);
	ck_assert_uint_eq(s->n_nodes, 2);

	/* a full table */
	for (uint32_t id = 10; s->n_nodes < VPNHA_STATUS_MAX_NODES; id++)
		ck_assert_int_eq(vpnha_status_site_member_joined(s, id, 1), 0);
	ck_assert_int_eq(vpnha_status_site_member_joined(s, 1000, 1), -ENOSPC);
	ck_assert_int_eq(vpnha_status_site_report(s, 1000, r, 1), -ENOSPC);
	free(r);
	free(s);
}
END_TEST

START_TEST(test_roles_ring)
{
	struct vpnha_status_node *n = calloc(1, sizeof(*n));

	for (unsigned i = 0; i < VPNHA_STATUS_MAX_ROLES + 3; i++)
		vpnha_status_role_add(n, 1000 + i, i % 2 ? VPNHA_ROLE_GAVE_UP : VPNHA_ROLE_TOOK_OVER, "r");
	ck_assert_uint_eq(n->n_roles, VPNHA_STATUS_MAX_ROLES);
	ck_assert_uint_eq(n->roles[0].at, 1003);
	ck_assert_uint_eq(n->roles[VPNHA_STATUS_MAX_ROLES - 1].at, 1000 + VPNHA_STATUS_MAX_ROLES + 2);
	ck_assert_str_eq(vpnha_status_role_str(n->roles[0].kind), "gave up");
	ck_assert(!vpnha_status_node_active(n));
	free(n);
}
END_TEST

/* Two gateways, gw1 active with everything up, gw2 standby with its links. */
static struct vpnha_status_site *healthy_site(void)
{
	struct vpnha_status_site *s = calloc(1, sizeof(*s));

	s->n_nodes = 2;
	fill_node(&s->nodes[0], "gw1", 1);
	s->nodes[0].links[1].published = VPNHA_ST_UP;
	s->nodes[0].links[1].suppressed = 0;
	fill_node(&s->nodes[1], "gw2", 2);
	s->nodes[1].links[1] = s->nodes[0].links[1];
	s->nodes[1].n_sas = s->nodes[1].n_gres = s->nodes[1].n_bgps = s->nodes[1].n_vips = 0;
	s->nodes[0].member = s->nodes[1].member = VPNHA_MEMBER_ONLINE;
	return s;
}

START_TEST(test_health)
{
	struct vpnha_status_site *s = healthy_site();
	uint64_t now = 1764970010u;
	char why[128];

	ck_assert_int_eq(vpnha_status_site_health(s, now, why, sizeof(why)), VPNHA_HEALTH_OK);
	ck_assert_str_eq(why, "");
	/* the standby's link down: degraded */
	s->nodes[1].links[0].published = VPNHA_ST_DOWN;
	ck_assert_int_eq(vpnha_status_site_health(s, now, why, sizeof(why)), VPNHA_HEALTH_DEGRADED);
	ck_assert_str_eq(why, "gw2: link eth0 down");
	s->nodes[1].links[0].published = VPNHA_ST_UP;
	/* the partner lost: degraded, and its stale state does not count */
	s->nodes[1].member = VPNHA_MEMBER_LOST;
	s->nodes[1].links[0].published = VPNHA_ST_DOWN;
	ck_assert_int_eq(vpnha_status_site_health(s, now, why, sizeof(why)), VPNHA_HEALTH_DEGRADED);
	ck_assert_str_eq(why, "gw2 lost");
	/* a report older than VPNHA_STATUS_STALE_S: not live */
	ck_assert_int_eq(vpnha_status_site_health(s, now + VPNHA_STATUS_STALE_S + 1, why, sizeof(why)),
			 VPNHA_HEALTH_DOWN);
	/* the SA not in the kernel: the VPN is down (the only one) */
	s->nodes[0].sas[0].in_kernel = VPNHA_ST_DOWN;
	ck_assert_int_eq(vpnha_status_site_health(s, now, why, sizeof(why)), VPNHA_HEALTH_DOWN);
	ck_assert_str_eq(why, "no IPsec SA installed on any gateway");
	s->nodes[0].sas[0].in_kernel = VPNHA_ST_UP;
	/* BGP not established anywhere */
	snprintf(s->nodes[0].bgps[0].state, sizeof(s->nodes[0].bgps[0].state), "Active");
	ck_assert_int_eq(vpnha_status_site_health(s, now, NULL, 0), VPNHA_HEALTH_DOWN);
	snprintf(s->nodes[0].bgps[0].state, sizeof(s->nodes[0].bgps[0].state), "Established");
	/* nobody holds the VIP */
	s->nodes[0].vips[0].present = VPNHA_ST_DOWN;
	ck_assert_int_eq(vpnha_status_site_health(s, now, why, sizeof(why)), VPNHA_HEALTH_DOWN);
	ck_assert_str_eq(why, "no gateway holds the VIPs");
	s->nodes[0].vips[0].present = VPNHA_ST_UP;
	/* both hold VIPs */
	s->nodes[1].member = VPNHA_MEMBER_ONLINE;
	s->nodes[1].links[0].published = VPNHA_ST_UP;
	s->nodes[1].n_vips = 1;
	s->nodes[1].vips[0] = s->nodes[0].vips[0];
	ck_assert_int_eq(vpnha_status_site_health(s, now, why, sizeof(why)), VPNHA_HEALTH_DEGRADED);
	ck_assert_str_eq(why, "2 gateways hold VIPs");
	free(s);
}
END_TEST

static Suite *status_suite(void)
{
	Suite *s = suite_create("status");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_report_roundtrip);
	tcase_add_test(tc, test_site_roundtrip);
	tcase_add_test(tc, test_encode_limits);
	tcase_add_test(tc, test_newer_minor_readable);
	tcase_add_test(tc, test_other_major_refused);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_site_members);
	tcase_add_test(tc, test_roles_ring);
	tcase_add_test(tc, test_health);
	suite_add_tcase(s, tc);
	return s;
}

VPNHA_TEST_MAIN(status_suite)

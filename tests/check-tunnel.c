/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/tunnel and lib/gre: the GRE key and tos forms; a link checked against
 * its desired state; addresses and routes converged on a link and owned.
 * The netlink parts run on "lo" in a private network namespace
 * (unshare(CLONE_NEWNET) at start: root; fails otherwise); GRE links
 * themselves are exercised in the lab (tests/gre-tunnel).
 */
#include "config.h"

#include <check.h>

#include "check-main.h"
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "gre.h"
#include "runstate.h"
#include "testnet.h"
#include "testutil.h"
#include "util.h"
#include "tunnel.h"

static struct vpnha_nl *nl;
static struct vpnha_ctx ctx;
static struct vpnha_tunnel_want want;
static struct vpnha_nl_addr owned_addrs[4];
static struct vpnha_nl_route owned_routes[3];
static size_t n_addrs, n_routes;
static int saves, save_rc;

static int count_save(struct vpnha_ctx *c, void *ud)
{
	(void)c;
	(void)ud;
	saves++;
	return save_rc;
}

static struct vpnha_tunnel_owned own = { owned_addrs, &n_addrs, owned_routes, &n_routes, 3, count_save, NULL };

static void setup(void)
{
	memset(&ctx, 0, sizeof(ctx));
	ctx.deadline = vpnha_now_ms() + 10000;
	memset(&want, 0, sizeof(want));
	want.ifname = "lo";
	n_addrs = n_routes = 0;
	saves = save_rc = 0;
	ck_assert_int_eq(vpnha_nl_open(&nl, 5000), 0);
	ck_assert_int_eq(vpnha_nl_link_set_up(nl, 1, true), 0);
}

static void teardown(void)
{
	vpnha_nl_close(nl);
	nl = NULL;
	free(ctx.reason);
}

static struct vpnha_link lo_link(void)
{
	struct vpnha_link l;

	ck_assert_int_eq(vpnha_nl_link_get(nl, "lo", 0, &l), 0);
	return l;
}

static void want_route(const char *dst, uint32_t metric)
{
	struct vpnha_nl_route *r = &want.routes[want.n_routes++];

	memset(r, 0, sizeof(*r));
	r->dst = test_prefix(dst);
	r->metric = metric;
}

START_TEST(test_gre_key_tos)
{
	char why[128] = "";
	uint32_t k = 0;
	uint8_t tos = 1;
	bool inh = true;

	ck_assert_int_eq(vpnha_gre_key_parse("42", &k, why, sizeof(why)), 0);
	ck_assert_uint_eq(k, htonl(42));
	ck_assert_int_eq(vpnha_gre_key_parse("0.0.1.2", &k, why, sizeof(why)), 0);
	ck_assert_uint_eq(k, htonl(0x0102));
	ck_assert_int_eq(vpnha_gre_key_parse("4294967295", &k, why, sizeof(why)), 0);
	ck_assert_uint_eq(k, 0xffffffffu);
	ck_assert_int_eq(vpnha_gre_key_parse("4294967296", &k, why, sizeof(why)), -ERANGE);
	ck_assert_ptr_nonnull(strstr(why, "dotted quad"));
	ck_assert_int_eq(vpnha_gre_key_parse("1.2.3", &k, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(vpnha_gre_tos_parse("inherit", &inh, &tos, why, sizeof(why)), 0);
	ck_assert(inh);
	ck_assert_uint_eq(tos, 0);
	ck_assert_int_eq(vpnha_gre_tos_parse("184", &inh, &tos, why, sizeof(why)), 0);
	ck_assert(!inh);
	ck_assert_uint_eq(tos, 184);
	ck_assert_int_eq(vpnha_gre_tos_parse("256", &inh, &tos, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "'inherit'"));
	/* the tunnel's names */
	ck_assert_int_eq(vpnha_validate_gre_ifname(&(struct vpnha_val){ .str = "gre-site_b.1" }, why, sizeof(why)), 0);
	ck_assert_int_eq(vpnha_validate_gre_ifname(&(struct vpnha_val){ .str = "gre:b" }, why, sizeof(why)), -EINVAL);
	ck_assert_str_eq(why, "'gre:b' has a character other than letters, digits, '-', '_', '.'");
}
END_TEST

START_TEST(test_check_link)
{
	struct vpnha_link l;

	memset(&l, 0, sizeof(l));
	l.up = true;
	l.mtu = 1476;
	ck_assert_int_eq(vpnha_tunnel_check_link(&ctx, &want, &l), VPNHA_RC_OK);
	want.mtu = 1400;
	ck_assert_int_eq(vpnha_tunnel_check_link(&ctx, &want, &l), VPNHA_RC_NOT_RUNNING);
	ck_assert_str_eq(ctx.reason, "interface lo changed behind the agent: mtu 1476 (want 1400)");
	want.mtu = 1476;
	l.up = false;
	ck_assert_int_eq(vpnha_tunnel_check_link(&ctx, &want, &l), VPNHA_RC_NOT_RUNNING);
	l.up = true;
	want.gre.ttl = 64;
	ck_assert_int_eq(vpnha_tunnel_check_link(&ctx, &want, &l), VPNHA_RC_NOT_RUNNING);
}
END_TEST

START_TEST(test_addrs_converge)
{
	struct vpnha_link l = lo_link();

	want.has_addr = true;
	want.addr.local = test_prefix("10.9.0.1/30");
	ck_assert_int_eq(vpnha_tunnel_check_addrs(&ctx, nl, &want, &l), VPNHA_RC_NOT_RUNNING);
	ck_assert_str_eq(ctx.reason, "interface lo: address 10.9.0.1/30 is missing");
	ck_assert_int_eq(vpnha_tunnel_converge_addrs(&ctx, nl, &want, &own, &l), VPNHA_RC_OK);
	ck_assert_uint_eq(n_addrs, 1);
	ck_assert_int_eq(saves, 1);
	ck_assert_int_eq(vpnha_tunnel_check_addrs(&ctx, nl, &want, &l), VPNHA_RC_OK);
	/* again: nothing to do */
	ck_assert_int_eq(vpnha_tunnel_converge_addrs(&ctx, nl, &want, &own, &l), VPNHA_RC_OK);
	ck_assert_int_eq(saves, 1);
	/* another address: the owned one goes, the new one is added and owned */
	want.addr.local = test_prefix("10.9.0.5/30");
	ck_assert_int_eq(vpnha_tunnel_converge_addrs(&ctx, nl, &want, &own, &l), VPNHA_RC_OK);
	ck_assert_uint_eq(n_addrs, 1);
	ck_assert(vpnha_addr_equal(&owned_addrs[0].local, &want.addr.local));
	ck_assert_int_eq(vpnha_nl_addr_present(nl, 1, &(struct vpnha_nl_addr){ .local = test_prefix("10.9.0.1/30") }), 0);
	/* none wanted: the owned one goes */
	want.has_addr = false;
	ck_assert_int_eq(vpnha_tunnel_converge_addrs(&ctx, nl, &want, &own, &l), VPNHA_RC_OK);
	ck_assert_uint_eq(n_addrs, 0);
	ck_assert_int_eq(vpnha_nl_addr_present(nl, 1, &(struct vpnha_nl_addr){ .local = test_prefix("10.9.0.5/30") }), 0);
}
END_TEST

START_TEST(test_routes_converge)
{
	struct vpnha_link l = lo_link();
	struct vpnha_nl_route gone;

	want_route("10.20.0.0/16", 20);
	want_route("10.30.0.0/16", 30);
	ck_assert_int_eq(vpnha_tunnel_check_addrs(&ctx, nl, &want, &l), VPNHA_RC_NOT_RUNNING);
	ck_assert_int_eq(vpnha_tunnel_converge_routes(&ctx, nl, &want, &own, &l), VPNHA_RC_OK);
	ck_assert_uint_eq(n_routes, 2);
	ck_assert_int_eq(saves, 2);
	ck_assert_int_eq(vpnha_tunnel_check_addrs(&ctx, nl, &want, &l), VPNHA_RC_OK);
	/* one deleted behind our back: seen, and put back */
	ck_assert_int_eq(vpnha_nl_route_del(nl, 1, &want.routes[1]), 0);
	ck_assert_int_eq(vpnha_tunnel_check_addrs(&ctx, nl, &want, &l), VPNHA_RC_NOT_RUNNING);
	ck_assert_int_eq(vpnha_tunnel_converge_routes(&ctx, nl, &want, &own, &l), VPNHA_RC_OK);
	ck_assert_int_eq(vpnha_tunnel_check_addrs(&ctx, nl, &want, &l), VPNHA_RC_OK);
	ck_assert_uint_eq(n_routes, 2);
	/* one no longer wanted: removed and no longer owned */
	gone = want.routes[0];
	want.routes[0] = want.routes[1];
	want.n_routes = 1;
	ck_assert_int_eq(vpnha_tunnel_converge_routes(&ctx, nl, &want, &own, &l), VPNHA_RC_OK);
	ck_assert_uint_eq(n_routes, 1);
	ck_assert_int_eq(vpnha_nl_route_present(nl, 1, &gone), 0);
	/* a record that cannot be written fails the action */
	want_route("10.40.0.0/16", 0);
	save_rc = -ENOSPC;
	free(ctx.reason);
	ctx.reason = NULL; /* the first exit reason wins: forget the earlier ones */
	ck_assert_int_eq(vpnha_tunnel_converge_routes(&ctx, nl, &want, &own, &l), VPNHA_RC_ERROR);
	ck_assert_ptr_nonnull(strstr(ctx.reason, "cannot write the ownership record"));
	want.n_routes = 0;
	save_rc = 0;
	ck_assert_int_eq(vpnha_tunnel_converge_routes(&ctx, nl, &want, &own, &l), VPNHA_RC_OK);
	ck_assert_uint_eq(n_routes, 0);
}
END_TEST

/* the first exit reason wins: forget it before the next assertion on it */
static void reason_reset(void)
{
	free(ctx.reason);
	ctx.reason = NULL;
}

/* lib/tunnel-link: the ownership record, its text, its file and its view */
START_TEST(test_owner_record)
{
	static struct vpnha_tunnel_owner o, back;
	static const struct vpnha_agent agent = { .name = "gre-tunnel" };
	struct vpnha_link l = { .ifindex = 7, .ifname = "gt0", .kind = "gretap" };
	struct vpnha_tunnel_owned view;
	char dir[64];

	ck_assert_int_eq(vpnha_tunnel_owner_parse("ifname=gt0\nifindex=7\nkind=gretap\naddr=10.9.0.1/30 peer 10.9.0.2\n"
						  "route=10.20.0.0/16 metric 20\n",
						  &o),
			 0);
	ck_assert(o.present);
	ck_assert_uint_eq(o.n_addrs, 1);
	ck_assert_uint_eq(o.n_routes, 1);
	ck_assert(vpnha_tunnel_owner_owns(&o, &l));
	l.ifindex = 8; /* replaced */
	ck_assert(!vpnha_tunnel_owner_owns(&o, &l));
	o.ifindex = 0; /* creation was under way: any ifindex */
	ck_assert(vpnha_tunnel_owner_owns(&o, &l));
	snprintf(l.kind, sizeof(l.kind), "gre");
	ck_assert(!vpnha_tunnel_owner_owns(&o, &l));
	ck_assert_int_eq(vpnha_tunnel_owner_parse("ifindex=7\nkind=gre\n", &back), -EINVAL);
	ck_assert(!back.present);
	ck_assert_int_eq(back.ifindex, -1);
	ck_assert(!vpnha_tunnel_owner_owns(&back, &l));

	ck_assert_ptr_nonnull(test_mkdtemp(dir, sizeof(dir), "check-tunnel"));
	setenv("VPNHA_RUN_DIR", dir, 1);
	ctx.agent = &agent;
	ctx.instance = "t1";
	ck_assert_int_eq(vpnha_tunnel_owner_read(&ctx, &back), 0); /* absent */
	ck_assert(!back.present);
	view = vpnha_tunnel_owner_view(&o);
	ck_assert_uint_eq(view.max_routes, VPNHA_TUNNEL_MAX_ROUTES);
	ck_assert_ptr_eq(view.n_routes, &o.n_routes);
	o.ifindex = 9;
	ck_assert_int_eq(view.save(&ctx, view.userdata), 0); /* what converge calls after a change */
	ck_assert_int_eq(vpnha_tunnel_owner_read(&ctx, &back), 0);
	ck_assert(back.present && back.ifindex == 9 && !strcmp(back.kind, "gretap"));
	ck_assert(back.n_addrs == 1 && vpnha_nl_addr_equal(&back.addrs[0], &o.addrs[0]));
	ck_assert(back.n_routes == 1 && vpnha_nl_route_equal(&back.routes[0], &o.routes[0]));
	ck_assert_int_eq(vpnha_state_write("gre-tunnel", "t1", "owner", "ifname=gt0\n", 11), 0);
	ck_assert_int_eq(vpnha_tunnel_owner_read(&ctx, &back), 0); /* unreadable: not ours */
	ck_assert(!back.present);
	test_rmtree(dir);
}
END_TEST

/* lib/tunnel-link on links that are not GRE ("lo") or absent: refused, left, or reported */
START_TEST(test_owned_link)
{
	static struct vpnha_tunnel_owner o;
	struct vpnha_link l;

	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(vpnha_tunnel_check_owned(&ctx, nl, &want, &o, &l), VPNHA_RC_NOT_RUNNING);
	ck_assert_str_eq(ctx.reason, "interface lo exists (kind none) but was not created by this resource");
	reason_reset();
	ck_assert_int_eq(vpnha_tunnel_link_ready(&ctx, nl, &want, &o, &l, false), VPNHA_RC_ERROR);
	ck_assert_str_eq(ctx.reason, "interface lo already exists (kind none, ifindex 1) and was not created by this "
				     "resource: refusing to touch it");
	reason_reset();
	o.present = true;
	snprintf(o.ifname, sizeof(o.ifname), "lo");
	snprintf(o.kind, sizeof(o.kind), "gre");
	o.ifindex = 1;
	ck_assert_int_eq(vpnha_tunnel_check_owned(&ctx, nl, &want, &o, &l), VPNHA_RC_NOT_RUNNING);
	ck_assert_str_eq(ctx.reason, "interface lo was replaced behind the agent (now ifindex 1 kind none, recorded 1 gre)");
	reason_reset();
	/* not the link it created: left alone, and stop succeeds */
	ck_assert_int_eq(vpnha_tunnel_link_remove(&ctx, nl, &o), VPNHA_RC_OK);
	ck_assert_int_eq(lo_link().ifindex, 1);
	want.ifname = "gt-absent";
	snprintf(o.ifname, sizeof(o.ifname), "gt-absent");
	ck_assert_int_eq(vpnha_tunnel_link_remove(&ctx, nl, &o), VPNHA_RC_OK); /* gone: nothing to do */
	ck_assert_int_eq(vpnha_tunnel_check_owned(&ctx, nl, &want, &o, &l), VPNHA_RC_NOT_RUNNING);
	ck_assert_str_eq(ctx.reason, "interface gt-absent is gone (deleted behind the agent)");
	reason_reset();
	o.present = false;
	ck_assert_int_eq(vpnha_tunnel_check_owned(&ctx, nl, &want, &o, &l), VPNHA_RC_NOT_RUNNING);
	ck_assert_str_eq(ctx.reason, "interface gt-absent does not exist");
	reason_reset();
	ck_assert_int_eq(vpnha_tunnel_link_ready(&ctx, nl, &want, &o, &l, true), VPNHA_RC_ERROR);
	ck_assert_str_eq(ctx.reason, "cannot reload: interface gt-absent does not exist");
	ck_assert(!vpnha_state_exists("gre-tunnel", "t1", "owner")); /* nothing recorded */
}
END_TEST

static Suite *tunnel_suite(void)
{
	const TTest *tests[] = { test_gre_key_tos, test_check_link, test_addrs_converge, test_routes_converge,
				 test_owner_record, test_owned_link };

	if (!test_netns_enter("check-tunnel"))
		return NULL;
	return vpnha_test_suite("tunnel", "netns", setup, teardown, tests, VPNHA_ARRAY_SIZE(tests));
}

VPNHA_TEST_MAIN(tunnel_suite)

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/ipsec.c: the SA view from list-sas, get-conns, the load-conn message
 * and the control commands against a fake charon (fake-charon.h); the block
 * selectors and the strongSwan syntax validators. The kernel side is
 * check-xfrm's.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check-main.h"
#include "ipsec.h"
#include "util.h"

#include "fake-charon.h"

#define DEADLINE() (vpnha_now_ms() + 2000)

/* The last request's message, decoded (freed by the test). */
static struct vpnha_vici_node *last_req;

static void keep_request(const uint8_t *msg, size_t len)
{
	vpnha_vici_node_free(last_req);
	last_req = NULL;
	ck_assert_int_eq(vpnha_vici_msg_parse(msg, len, &last_req), 0);
}

static void respond(int fd, const char *errmsg, const char *id)
{
	struct vpnha_vici_writer w;

	vpnha_vici_writer_init(&w);
	vpnha_vici_kv(&w, "success", errmsg ? "no" : "yes");
	if (errmsg)
		vpnha_vici_kv(&w, "errmsg", errmsg);
	if (id)
		vpnha_vici_kv(&w, "id", id);
	write_pkt(fd, VPNHA_VICI_CMD_RESPONSE, NULL, &w);
	vpnha_vici_writer_free(&w);
}

/* An established IKE_SA with our child (installed), another child and a
 * rekeying copy of ours; then an IKE_SA still connecting. */
static void write_ike_sas(int fd)
{
	struct vpnha_vici_writer w;

	vpnha_vici_writer_init(&w);
	vpnha_vici_section_start(&w, "gw");
	vpnha_vici_kv(&w, "state", "ESTABLISHED");
	vpnha_vici_kv(&w, "local-host", "192.0.2.1");
	vpnha_vici_kv(&w, "remote-host", "198.51.100.2");
	vpnha_vici_section_start(&w, "child-sas");
	vpnha_vici_section_start(&w, "net-1");
	vpnha_vici_kv(&w, "name", "net");
	vpnha_vici_kv(&w, "state", "INSTALLED");
	vpnha_vici_kv(&w, "spi-in", "c1a2b3c4");
	vpnha_vici_kv(&w, "spi-out", "0000abcd");
	vpnha_vici_list_start(&w, "local-ts");
	vpnha_vici_list_item(&w, "10.1.0.0/16");
	vpnha_vici_list_end(&w);
	vpnha_vici_list_start(&w, "remote-ts");
	vpnha_vici_list_item(&w, "10.2.0.0/16");
	vpnha_vici_list_item(&w, "10.3.0.0/16");
	vpnha_vici_list_end(&w);
	vpnha_vici_section_end(&w);
	vpnha_vici_section_start(&w, "other-2");
	vpnha_vici_kv(&w, "name", "other");
	vpnha_vici_kv(&w, "state", "INSTALLED");
	vpnha_vici_section_end(&w);
	vpnha_vici_section_start(&w, "net-3");
	vpnha_vici_kv(&w, "name", "net");
	vpnha_vici_kv(&w, "state", "REKEYING");
	vpnha_vici_section_end(&w);
	vpnha_vici_section_end(&w);
	vpnha_vici_section_end(&w);
	vpnha_vici_section_start(&w, "gw2");
	vpnha_vici_kv(&w, "state", "CONNECTING");
	vpnha_vici_section_end(&w);
	ck_assert_int_eq(vpnha_vici_writer_error(&w), 0);
	write_pkt(fd, VPNHA_VICI_EVENT, "list-sa", &w);
	vpnha_vici_writer_free(&w);
}

static void answer(struct fake *f, int fd, const uint8_t *msg, size_t len)
{
	keep_request(msg, len);
	if (!strcmp(f->got_cmd, "list-sas")) {
		write_ike_sas(fd);
		respond(fd, NULL, NULL);
	} else if (!strcmp(f->got_cmd, "get-conns")) {
		struct vpnha_vici_writer w;

		vpnha_vici_writer_init(&w);
		vpnha_vici_list_start(&w, "conns");
		vpnha_vici_list_item(&w, "a");
		vpnha_vici_list_item(&w, "gw");
		vpnha_vici_list_end(&w);
		write_pkt(fd, VPNHA_VICI_CMD_RESPONSE, NULL, &w);
		vpnha_vici_writer_free(&w);
	} else if (!strcmp(f->got_cmd, "load-key")) {
		respond(fd, NULL, f->ud ? (const char *)f->ud : NULL);
	} else if (!strcmp(f->got_cmd, "unload-shared")) {
		respond(fd, "no such secret", NULL);
	} else {
		respond(fd, NULL, NULL);
	}
}

static const char *req_str(const char *path0, const char *path1, const char *key)
{
	const struct vpnha_vici_node *n = last_req;

	if (path0)
		n = vpnha_vici_node_get(n, path0);
	if (n && path1)
		n = vpnha_vici_node_get(n, path1);
	return n ? vpnha_vici_node_str(n, key) : NULL;
}

/* A fake charon answering with answer() (ud: load-key's id) and a client on it. */
static struct vpnha_vici_conn *fake_open(struct fake *f, pthread_t *th, void *ud)
{
	struct vpnha_vici_conn *c;

	fake_start_answer(f, th, answer, ud);
	ck_assert_int_eq(vpnha_vici_connect(&c, f->sock, DEADLINE()), 0);
	return c;
}

static void fake_close(struct vpnha_vici_conn *c, struct fake *f, pthread_t th)
{
	vpnha_vici_close(c);
	fake_stop(f, th);
	vpnha_vici_node_free(last_req);
	last_req = NULL;
}

START_TEST(test_sa_view)
{
	struct vpnha_ipsec_sa_view v;
	struct vpnha_vici_conn *c;
	struct fake f;
	pthread_t th;
	char a[64];

	c = fake_open(&f, &th, NULL);
	ck_assert_int_eq(vpnha_ipsec_sa_list(c, "gw", "net", DEADLINE(), &v), 0);
	ck_assert_str_eq(f.got_cmd, "list-sas");
	ck_assert_str_eq(req_str(NULL, NULL, "ike"), "gw");
	ck_assert_str_eq(req_str(NULL, NULL, "noblock"), "yes");
	ck_assert_uint_eq(v.ike_total, 2);
	ck_assert_uint_eq(v.ike_established, 1);
	ck_assert_uint_eq(v.children_installed, 1);
	ck_assert_uint_eq(v.n_ch, 1);
	ck_assert_uint_eq(v.ch[0].spi_in, 0xc1a2b3c4u);
	ck_assert_uint_eq(v.ch[0].spi_out, 0xabcdu);
	ck_assert_uint_eq(v.ch[0].n_lts, 1);
	ck_assert_uint_eq(v.ch[0].n_rts, 2);
	ck_assert_str_eq(v.ch[0].local_ts[0], "10.1.0.0/16");
	ck_assert_str_eq(v.ch[0].remote_ts[1], "10.3.0.0/16");
	ck_assert_str_eq(vpnha_addr_str(&v.local, a, sizeof(a)), "192.0.2.1");
	ck_assert_str_eq(vpnha_addr_str(&v.remote, a, sizeof(a)), "198.51.100.2");
	/* another child name: nothing installed */
	ck_assert_int_eq(vpnha_ipsec_sa_list(c, "gw", "none", DEADLINE(), &v), 0);
	ck_assert_uint_eq(v.children_installed, 0);
	ck_assert_uint_eq(v.ike_established, 1);
	fake_close(c, &f, th);
}
END_TEST

START_TEST(test_conn_loaded)
{
	struct vpnha_vici_conn *c;
	struct fake f;
	pthread_t th;
	bool loaded = true;

	c = fake_open(&f, &th, NULL);
	ck_assert_int_eq(vpnha_ipsec_conn_loaded(c, "gw", DEADLINE(), &loaded), 0);
	ck_assert(loaded);
	ck_assert_int_eq(vpnha_ipsec_conn_loaded(c, "g", DEADLINE(), &loaded), 0);
	ck_assert(!loaded);
	fake_close(c, &f, th);
}
END_TEST

static void value_of(struct vpnha_value *v, struct vpnha_val *items, size_t n)
{
	memset(v, 0, sizeof(*v));
	v->items = items;
	v->n_items = n;
}

/* The pubkey load-conn message test_conn_load sends. */
static void check_load_conn_pubkey(void)
{
	const struct vpnha_vici_node *sec, *l;

	sec = vpnha_vici_node_get(last_req, "gw");
	ck_assert_ptr_nonnull(sec);
	ck_assert_str_eq(vpnha_vici_node_str(sec, "version"), "2");
	ck_assert_str_eq(vpnha_vici_node_str(sec, "dpd_delay"), "2s");
	ck_assert_str_eq(vpnha_vici_node_str(sec, "rekey_time"), "14400s");
	ck_assert_str_eq(vpnha_vici_node_str(sec, "unique"), "replace");
	l = vpnha_vici_node_get(sec, "remote_addrs");
	ck_assert(l && l->type == VPNHA_VICI_NODE_LIST && l->n_children == 1);
	ck_assert_str_eq(vpnha_vici_value_str(&l->children[0]), "198.51.100.2");
	ck_assert_str_eq(req_str("gw", "local", "auth"), "pubkey");
	ck_assert_str_eq(req_str("gw", "remote", "id"), "you");
	l = vpnha_vici_node_get(vpnha_vici_node_get(sec, "local"), "certs");
	ck_assert(l && l->n_children == 1);
	ck_assert_str_eq(vpnha_vici_value_str(&l->children[0]), "CERT");
	sec = vpnha_vici_node_get(vpnha_vici_node_get(sec, "children"), "net");
	ck_assert_ptr_nonnull(sec);
	ck_assert_str_eq(vpnha_vici_node_str(sec, "mode"), "tunnel");
	ck_assert_str_eq(vpnha_vici_node_str(sec, "rekey_time"), "3600s");
	ck_assert_str_eq(vpnha_vici_node_str(sec, "dpd_action"), "restart");
	l = vpnha_vici_node_get(sec, "local_ts");
	ck_assert(l && l->n_children == 1);
	ck_assert_str_eq(vpnha_vici_value_str(&l->children[0]), "dynamic[gre]");
}

START_TEST(test_conn_load)
{
	struct vpnha_val prop[] = { { .str = "aes256-sha256-modp2048" } }, ts[] = { { .str = "dynamic[gre]" } };
	struct vpnha_value proposals, local_ts;
	struct vpnha_ipsec_conn_cfg cfg = {
		.name = "gw",
		.child = "net",
		.local_addr = "192.0.2.1",
		.remote_addr = "198.51.100.2",
		.psk = false,
		.local_id = "me",
		.remote_id = "you",
		.cert = "CERT",
		.cacert = "CA",
		.proposals = &proposals,
		.esp_proposals = &proposals,
		.local_ts = &local_ts,
		.remote_ts = &local_ts,
		.mode = "tunnel",
		.dpd_delay_s = 2,
		.rekey_time_s = 14400,
		.child_rekey_time_s = 3600,
		.keyingtries = "0",
		.unique = "replace",
		.mobike = "no",
		.dpd_action = "restart",
		.start_action = "none",
		.close_action = "none",
	};
	struct vpnha_vici_conn *c;
	struct fake f;
	pthread_t th;
	char why[256] = "";

	value_of(&proposals, prop, 1);
	value_of(&local_ts, ts, 1);
	c = fake_open(&f, &th, NULL);
	ck_assert_int_eq(vpnha_ipsec_conn_load(c, &cfg, DEADLINE(), why, sizeof(why)), 0);
	ck_assert_str_eq(f.got_cmd, "load-conn");
	check_load_conn_pubkey();
	/* psk: no certificate lists */
	cfg.psk = true;
	ck_assert_int_eq(vpnha_ipsec_conn_load(c, &cfg, DEADLINE(), why, sizeof(why)), 0);
	ck_assert_str_eq(req_str("gw", "local", "auth"), "psk");
	ck_assert_ptr_null(vpnha_vici_node_get(vpnha_vici_node_get(vpnha_vici_node_get(last_req, "gw"), "local"), "certs"));
	fake_close(c, &f, th);
}
END_TEST

START_TEST(test_commands)
{
	struct vpnha_vici_conn *c;
	struct fake f;
	pthread_t th;
	char why[256] = "", kid[8];

	c = fake_open(&f, &th, (void *)(uintptr_t) "key-1");
	ck_assert_int_eq(vpnha_ipsec_key_load(c, "K", 1, kid, sizeof(kid), DEADLINE(), why, sizeof(why)), 0);
	ck_assert_str_eq(kid, "key-1");
	ck_assert_str_eq(req_str(NULL, NULL, "type"), "any");
	/* an id that does not fit is not kept */
	ck_assert_int_eq(vpnha_ipsec_key_load(c, "K", 1, kid, 5, DEADLINE(), why, sizeof(why)), 0);
	ck_assert_str_eq(kid, "");
	ck_assert_int_eq(vpnha_ipsec_shared_load(c, "vpnha-gw", "s3", 2, "a", "b", DEADLINE(), why, sizeof(why)), 0);
	ck_assert_str_eq(f.got_cmd, "load-shared");
	ck_assert_str_eq(req_str(NULL, NULL, "type"), "IKE");
	ck_assert_int_eq(vpnha_ipsec_initiate(c, "gw", "net", DEADLINE(), why, sizeof(why)), 0);
	ck_assert_str_eq(req_str(NULL, NULL, "child"), "net");
	ck_assert_str_eq(req_str(NULL, NULL, "timeout"), "-1");
	ck_assert_int_eq(vpnha_ipsec_terminate(c, "gw", 0, DEADLINE(), why, sizeof(why)), 0);
	ck_assert_str_eq(req_str(NULL, NULL, "force"), "yes");
	ck_assert_ptr_null(req_str(NULL, NULL, "timeout"));
	ck_assert_int_eq(vpnha_ipsec_terminate(c, "gw", 1500, DEADLINE(), why, sizeof(why)), 0);
	ck_assert_str_eq(req_str(NULL, NULL, "timeout"), "1500");
	ck_assert_int_eq(vpnha_ipsec_unload(c, "unload-conn", "name", "gw", DEADLINE(), why, sizeof(why)), 0);
	ck_assert_str_eq(req_str(NULL, NULL, "name"), "gw");
	/* a refusal: -EREMOTEIO and charon's errmsg */
	ck_assert_int_eq(vpnha_ipsec_unload(c, "unload-shared", "id", "x", DEADLINE(), why, sizeof(why)), -EREMOTEIO);
	ck_assert_str_eq(why, "unload-shared: no such secret");
	/* all three; the refused unload-shared is not a failure */
	ck_assert_int_eq(vpnha_ipsec_conn_unload(c, "gw", "k", "s", DEADLINE(), why, sizeof(why)), 0);
	ck_assert_str_eq(f.got_cmd, "unload-shared");
	ck_assert_int_eq(vpnha_ipsec_conn_unload(c, "gw", "", NULL, DEADLINE(), why, sizeof(why)), 0);
	ck_assert_str_eq(f.got_cmd, "unload-conn");
	fake_close(c, &f, th);
}
END_TEST

START_TEST(test_charon_absent)
{
	struct vpnha_vici_conn *c = NULL;
	int err = vpnha_vici_connect(&c, "/nonexistent/charon.vici", DEADLINE());

	ck_assert(vpnha_ipsec_charon_absent(err));
	ck_assert(vpnha_ipsec_charon_absent(-ECONNREFUSED));
	ck_assert(!vpnha_ipsec_charon_absent(-ETIMEDOUT));
	ck_assert(!vpnha_ipsec_charon_absent(-EBADMSG));
}
END_TEST

START_TEST(test_block_sels)
{
	struct vpnha_val l1[] = { { .str = "dynamic[gre]" } }, r1[] = { { .str = "dynamic" }, { .str = "10.2.0.0/16[tcp]" } };
	struct vpnha_val rall[] = { { .str = "0.0.0.0/0" } }, bad[] = { { .str = "10.2.0.0/99" } };
	struct vpnha_value lts, rts;
	struct vpnha_xfrm_sel sels[VPNHA_IPSEC_MAX_BLOCKS];
	struct vpnha_addr local, remote;
	char why[256] = "", a[64];
	size_t n = 99;

	ck_assert_int_eq(vpnha_parse_addr("192.0.2.1", 0, &local, NULL, 0), 0);
	ck_assert_int_eq(vpnha_parse_addr("198.51.100.2", 0, &remote, NULL, 0), 0);
	value_of(&lts, l1, 1);
	value_of(&rts, r1, 2);
	ck_assert_int_eq(vpnha_ipsec_block_sels(&lts, &rts, &local, &remote, sels, &n, why, sizeof(why)), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(vpnha_addr_str(&sels[0].dst, a, sizeof(a)), "198.51.100.2");
	ck_assert_uint_eq(sels[0].dst.prefixlen, 32);
	ck_assert_uint_eq(sels[0].src.prefixlen, 0);
	ck_assert_uint_eq(sels[0].proto, 47); /* the local selector's protocol */
	ck_assert_uint_eq(sels[1].dst.prefixlen, 16);
	ck_assert_uint_eq(sels[1].proto, 6); /* its own */
	/* everything, any protocol: refused */
	value_of(&rts, rall, 1);
	value_of(&lts, rall, 1);
	ck_assert_int_eq(vpnha_ipsec_block_sels(&lts, &rts, &local, &remote, sels, &n, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "would block all traffic"));
	value_of(&rts, bad, 1);
	ck_assert_int_eq(vpnha_ipsec_block_sels(&lts, &rts, &local, &remote, sels, &n, why, sizeof(why)), -EINVAL);
	/* dynamic without a remote address: refused */
	value_of(&rts, r1, 1);
	ck_assert_int_eq(vpnha_ipsec_block_sels(&lts, &rts, &local, NULL, sels, &n, why, sizeof(why)), -EINVAL);
}
END_TEST

START_TEST(test_validators)
{
	struct vpnha_val v = { .str = "aes256gcm16-prfsha256-ecp256" };
	char why[256] = "";

	ck_assert_int_eq(vpnha_ipsec_validate_proposal(&v, why, sizeof(why)), 0);
	v.str = "aes256 sha1";
	ck_assert_int_eq(vpnha_ipsec_validate_proposal(&v, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "not a proposal"));
	v.str = "CN=gw.example.org, O=Example";
	ck_assert_int_eq(vpnha_ipsec_validate_id(&v, why, sizeof(why)), 0);
	v.str = "gw\nother";
	ck_assert_int_eq(vpnha_ipsec_validate_id(&v, why, sizeof(why)), -EINVAL);
	v.str = "10.1.0.0/16[gre]";
	ck_assert_int_eq(vpnha_ipsec_validate_ts(&v, why, sizeof(why)), 0);
	v.str = "dynamic";
	ck_assert_int_eq(vpnha_ipsec_validate_ts(&v, why, sizeof(why)), 0);
	v.str = "10.1.0.0/33";
	ck_assert_int_lt(vpnha_ipsec_validate_ts(&v, why, sizeof(why)), 0);
}
END_TEST

static Suite *ipsec_suite(void)
{
	Suite *s = suite_create("ipsec");
	TCase *vici = tcase_create("charon");
	TCase *pure = tcase_create("pure");

	tcase_add_test(vici, test_sa_view);
	tcase_add_test(vici, test_conn_loaded);
	tcase_add_test(vici, test_conn_load);
	tcase_add_test(vici, test_commands);
	tcase_add_test(vici, test_charon_absent);
	tcase_add_test(pure, test_block_sels);
	tcase_add_test(pure, test_validators);
	suite_add_tcase(s, vici);
	suite_add_tcase(s, pure);
	return s;
}

VPNHA_TEST_MAIN(ipsec_suite)

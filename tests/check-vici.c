/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VICI codec (encode, strict decode, malformed input) and client (fake charon). */
#include "config.h"

#include <check.h>

#include "check-main.h"
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "util.h"
#include "vici.h"

#include "fake-charon.h"

/* ---- encoder: exact bytes ---- */
START_TEST(test_encode_bytes)
{
	static const uint8_t want[] = {
		VPNHA_VICI_SECTION_START, 3, 'c', 'o', 'n',
		VPNHA_VICI_KEY_VALUE, 1, 'k', 0, 2, 'v', 'w',
		VPNHA_VICI_LIST_START, 1, 'l',
		VPNHA_VICI_LIST_ITEM, 0, 1, 'a',
		VPNHA_VICI_LIST_ITEM, 0, 0,
		VPNHA_VICI_LIST_END,
		VPNHA_VICI_SECTION_END,
	};
	struct vpnha_vici_writer w;

	vpnha_vici_writer_init(&w);
	vpnha_vici_section_start(&w, "con");
	vpnha_vici_kv(&w, "k", "vw");
	vpnha_vici_list_start(&w, "l");
	vpnha_vici_list_item(&w, "a");
	vpnha_vici_list_item(&w, "");
	vpnha_vici_list_end(&w);
	vpnha_vici_section_end(&w);
	ck_assert_int_eq(vpnha_vici_writer_error(&w), 0);
	ck_assert_uint_eq(w.len, sizeof(want));
	ck_assert_mem_eq(w.buf, want, sizeof(want));
	vpnha_vici_writer_free(&w);
	ck_assert_ptr_null(w.buf);
}
END_TEST

/* ---- encoder misuse is a sticky error ---- */
START_TEST(test_encode_misuse)
{
	struct vpnha_vici_writer w;
	char big[300];

	vpnha_vici_writer_init(&w);
	vpnha_vici_section_end(&w);
	ck_assert_int_eq(vpnha_vici_writer_error(&w), -EINVAL);
	vpnha_vici_writer_free(&w);

	vpnha_vici_writer_init(&w);
	vpnha_vici_section_start(&w, "open");
	ck_assert_int_eq(vpnha_vici_writer_error(&w), -EINVAL); /* unbalanced */
	vpnha_vici_writer_free(&w);

	vpnha_vici_writer_init(&w);
	vpnha_vici_list_item(&w, "x"); /* item outside a list */
	ck_assert_int_eq(vpnha_vici_writer_error(&w), -EINVAL);
	vpnha_vici_writer_free(&w);

	vpnha_vici_writer_init(&w);
	vpnha_vici_list_start(&w, "l");
	vpnha_vici_kv(&w, "k", "v"); /* key/value inside a list */
	vpnha_vici_list_end(&w);
	ck_assert_int_eq(vpnha_vici_writer_error(&w), -EINVAL);
	vpnha_vici_writer_free(&w);

	memset(big, 'n', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	vpnha_vici_writer_init(&w);
	vpnha_vici_kv(&w, big, "v"); /* name > 255 */
	ck_assert_int_eq(vpnha_vici_writer_error(&w), -EINVAL);
	vpnha_vici_writer_free(&w);

	vpnha_vici_writer_init(&w);
	vpnha_vici_kv(&w, "", "v"); /* empty name */
	ck_assert_int_eq(vpnha_vici_writer_error(&w), -EINVAL);
	vpnha_vici_writer_free(&w);
}
END_TEST

START_TEST(test_encode_value_limits)
{
	struct vpnha_vici_writer w;
	char *v = malloc(70000);

	ck_assert_ptr_nonnull(v);
	memset(v, 'x', 70000);
	vpnha_vici_writer_init(&w);
	vpnha_vici_kv_bin(&w, "k", v, 0xffff); /* the largest value */
	ck_assert_int_eq(vpnha_vici_writer_error(&w), 0);
	ck_assert_uint_eq(w.len, 1 + 2 + 2 + 0xffff);
	vpnha_vici_kv_bin(&w, "k", v, 0x10000);
	ck_assert_int_eq(vpnha_vici_writer_error(&w), -EINVAL);
	vpnha_vici_writer_free(&w);

	/* the message limit */
	vpnha_vici_writer_init(&w);
	for (int i = 0; i < 20; i++)
		vpnha_vici_kv_bin(&w, "k", v, 0xffff);
	ck_assert_int_eq(vpnha_vici_writer_error(&w), -EMSGSIZE);
	vpnha_vici_writer_free(&w);
	free(v);
}
END_TEST

/* ---- decode what we encode; lookups ---- */
START_TEST(test_roundtrip)
{
	struct vpnha_vici_writer w, w2;
	struct vpnha_vici_node *root;
	const struct vpnha_vici_node *s, *l, *c;

	vpnha_vici_writer_init(&w);
	vpnha_vici_kv(&w, "success", "yes");
	vpnha_vici_section_start(&w, "gw");
	vpnha_vici_kv(&w, "state", "ESTABLISHED");
	vpnha_vici_section_start(&w, "child-sas");
	vpnha_vici_section_start(&w, "gre-7");
	vpnha_vici_kv(&w, "state", "INSTALLED");
	vpnha_vici_list_start(&w, "local-ts");
	vpnha_vici_list_item(&w, "198.51.100.1/32[gre]");
	vpnha_vici_list_end(&w);
	vpnha_vici_section_end(&w);
	vpnha_vici_section_end(&w);
	vpnha_vici_section_end(&w);
	vpnha_vici_kv_bin(&w, "bin", "a\0b", 3);
	ck_assert_int_eq(vpnha_vici_writer_error(&w), 0);

	ck_assert_int_eq(vpnha_vici_msg_parse(w.buf, w.len, &root), 0);
	ck_assert_int_eq(vpnha_vici_check_success(root, NULL), 0);
	s = vpnha_vici_node_get(root, "gw");
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(s->type, VPNHA_VICI_NODE_SECTION);
	ck_assert_str_eq(vpnha_vici_node_str(s, "state"), "ESTABLISHED");
	c = vpnha_vici_node_get(vpnha_vici_node_get(s, "child-sas"), "gre-7");
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(vpnha_vici_node_str(c, "state"), "INSTALLED");
	l = vpnha_vici_node_get(c, "local-ts");
	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(l->type, VPNHA_VICI_NODE_LIST);
	ck_assert_uint_eq(l->n_children, 1);
	ck_assert_str_eq(vpnha_vici_value_str(&l->children[0]), "198.51.100.1/32[gre]");
	/* a value holding NUL is not a string, but keeps its bytes */
	ck_assert_ptr_null(vpnha_vici_node_str(root, "bin"));
	ck_assert_uint_eq(vpnha_vici_node_get(root, "bin")->value_len, 3);
	/* absent keys, wrong types */
	ck_assert_ptr_null(vpnha_vici_node_str(root, "nope"));
	ck_assert_ptr_null(vpnha_vici_node_str(root, "gw"));
	ck_assert_ptr_null(vpnha_vici_node_get(l, "x"));

	/* re-encoding gives the same bytes */
	vpnha_vici_writer_init(&w2);
	ck_assert_int_eq(vpnha_vici_msg_encode(root, &w2), 0);
	ck_assert_uint_eq(w2.len, w.len);
	ck_assert_mem_eq(w2.buf, w.buf, w.len);
	vpnha_vici_writer_free(&w2);
	vpnha_vici_node_free(root);
	vpnha_vici_writer_free(&w);
}
END_TEST

START_TEST(test_check_success)
{
	static const uint8_t no[] = {
		VPNHA_VICI_KEY_VALUE, 7, 's', 'u', 'c', 'c', 'e', 's', 's', 0, 2, 'n', 'o',
		VPNHA_VICI_KEY_VALUE, 6, 'e', 'r', 'r', 'm', 's', 'g', 0, 3, 'b', 'a', 'd',
	};
	struct vpnha_vici_node *root;
	const char *msg;

	ck_assert_int_eq(vpnha_vici_msg_parse(no, sizeof(no), &root), 0);
	ck_assert_int_eq(vpnha_vici_check_success(root, &msg), -EREMOTEIO);
	ck_assert_str_eq(msg, "bad");
	vpnha_vici_node_free(root);
	ck_assert_int_eq(vpnha_vici_msg_parse(no, 0, &root), 0); /* empty message */
	ck_assert_int_eq(vpnha_vici_check_success(root, &msg), -EREMOTEIO);
	ck_assert_ptr_null(msg);
	vpnha_vici_node_free(root);
}
END_TEST

/* ---- malformed input is rejected ---- */
static const struct { const char *what; uint8_t b[16]; size_t n; } bad[] = {
	{ "unknown element", { 9 }, 1 },
	{ "element 0", { 0 }, 1 },
	{ "section without name", { VPNHA_VICI_SECTION_START }, 1 },
	{ "section name truncated", { VPNHA_VICI_SECTION_START, 4, 'a', 'b' }, 4 },
	{ "zero-length name", { VPNHA_VICI_SECTION_START, 0, VPNHA_VICI_SECTION_END }, 3 },
	{ "unterminated section", { VPNHA_VICI_SECTION_START, 1, 'a' }, 3 },
	{ "section end at top", { VPNHA_VICI_SECTION_END }, 1 },
	{ "value length truncated", { VPNHA_VICI_KEY_VALUE, 1, 'k', 0 }, 4 },
	{ "value truncated", { VPNHA_VICI_KEY_VALUE, 1, 'k', 0, 5, 'a' }, 6 },
	{ "NUL in name", { VPNHA_VICI_KEY_VALUE, 2, 'k', 0, 0, 0 }, 6 },
	{ "unterminated list", { VPNHA_VICI_LIST_START, 1, 'l', VPNHA_VICI_LIST_ITEM, 0, 0 }, 6 },
	{ "kv in list", { VPNHA_VICI_LIST_START, 1, 'l', VPNHA_VICI_KEY_VALUE, 1, 'k', 0, 0, VPNHA_VICI_LIST_END }, 9 },
	{ "list item at top", { VPNHA_VICI_LIST_ITEM, 0, 0 }, 3 },
	{ "list end at top", { VPNHA_VICI_LIST_END }, 1 },
	{ "section in list", { VPNHA_VICI_LIST_START, 1, 'l', VPNHA_VICI_SECTION_START, 1, 's', VPNHA_VICI_SECTION_END, VPNHA_VICI_LIST_END }, 8 },
};

START_TEST(test_malformed)
{
	struct vpnha_vici_node *root = (struct vpnha_vici_node *)1;

	ck_assert_msg(vpnha_vici_msg_parse(bad[_i].b, bad[_i].n, &root) == -EBADMSG, "accepted: %s", bad[_i].what);
	ck_assert_ptr_null(root);
}
END_TEST

START_TEST(test_depth_limit)
{
	uint8_t buf[4 * (VPNHA_VICI_MAX_DEPTH + 2)];
	struct vpnha_vici_node *root;
	size_t n = 0;
	unsigned i, d;

	for (d = VPNHA_VICI_MAX_DEPTH; d <= VPNHA_VICI_MAX_DEPTH + 1; d++) {
		n = 0;
		for (i = 0; i < d; i++) {
			buf[n++] = VPNHA_VICI_SECTION_START;
			buf[n++] = 1;
			buf[n++] = 's';
		}
		for (i = 0; i < d; i++)
			buf[n++] = VPNHA_VICI_SECTION_END;
		if (d == VPNHA_VICI_MAX_DEPTH) {
			ck_assert_int_eq(vpnha_vici_msg_parse(buf, n, &root), 0);
			vpnha_vici_node_free(root);
		} else {
			ck_assert_int_eq(vpnha_vici_msg_parse(buf, n, &root), -EBADMSG);
		}
	}
}
END_TEST

START_TEST(test_packet_parse)
{
	static const uint8_t ev[] = { VPNHA_VICI_EVENT, 7, 'l', 'i', 's', 't', '-', 's', 'a', VPNHA_VICI_SECTION_START };
	static const uint8_t resp[] = { VPNHA_VICI_CMD_RESPONSE, VPNHA_VICI_KEY_VALUE };
	uint8_t type;
	char name[256];
	const uint8_t *body;
	size_t blen;

	ck_assert_int_eq(vpnha_vici_packet_parse(ev, sizeof(ev), &type, name, &body, &blen), 0);
	ck_assert_int_eq(type, VPNHA_VICI_EVENT);
	ck_assert_str_eq(name, "list-sa");
	ck_assert_uint_eq(blen, 1);
	ck_assert_int_eq(vpnha_vici_packet_parse(resp, sizeof(resp), &type, name, &body, &blen), 0);
	ck_assert_int_eq(type, VPNHA_VICI_CMD_RESPONSE);
	ck_assert_str_eq(name, "");
	ck_assert_uint_eq(blen, 1);
	/* truncated name, empty name, unknown type, empty packet */
	ck_assert_int_eq(vpnha_vici_packet_parse(ev, 5, &type, name, &body, &blen), -EBADMSG);
	ck_assert_int_eq(vpnha_vici_packet_parse((const uint8_t[]){ VPNHA_VICI_EVENT, 0 }, 2, &type, name, &body, &blen), -EBADMSG);
	ck_assert_int_eq(vpnha_vici_packet_parse((const uint8_t[]){ 8 }, 1, &type, name, &body, &blen), -EBADMSG);
	ck_assert_int_eq(vpnha_vici_packet_parse(ev, 0, &type, name, &body, &blen), -EBADMSG);
}
END_TEST

/* ---- client against a fake charon (fake-charon.h) ---- */
static int count_ev(const struct vpnha_vici_node *ev, void *ud)
{
	ck_assert_ptr_nonnull(vpnha_vici_node_get(ev, "a") ? vpnha_vici_node_get(ev, "a") : vpnha_vici_node_get(ev, "b"));
	(*(int *)ud)++;
	return 0;
}

START_TEST(test_client_stream)
{
	struct fake f;
	pthread_t th;
	struct vpnha_vici_conn *c;
	struct vpnha_vici_node *resp;
	int n = 0;

	fake_start(&f, &th, FAKE_NORMAL);
	ck_assert_int_eq(vpnha_vici_connect(&c, f.sock, vpnha_now_ms() + 2000), 0);
	ck_assert_int_eq(vpnha_vici_request(c, "list-sas", NULL, "list-sa", count_ev, &n,
				      vpnha_now_ms() + 2000, &resp), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(vpnha_vici_check_success(resp, NULL), 0);
	ck_assert_str_eq(f.got_cmd, "list-sas");
	ck_assert_uint_eq(f.got_register, 1);
	vpnha_vici_node_free(resp);
	/* a second request on the same connection, no events wanted */
	ck_assert_int_eq(vpnha_vici_request(c, "version", NULL, NULL, NULL, NULL, vpnha_now_ms() + 2000, &resp), 0);
	ck_assert_str_eq(f.got_cmd, "version");
	vpnha_vici_node_free(resp);
	vpnha_vici_close(c);
	fake_stop(&f, th);
}
END_TEST

START_TEST(test_client_timeout)
{
	struct fake f;
	pthread_t th;
	struct vpnha_vici_conn *c;
	struct vpnha_vici_node *resp;
	uint64_t t0;
	int r;

	fake_start(&f, &th, FAKE_SILENT);
	ck_assert_int_eq(vpnha_vici_connect(&c, f.sock, vpnha_now_ms() + 2000), 0);
	t0 = vpnha_now_ms();
	r = vpnha_vici_request(c, "version", NULL, NULL, NULL, NULL, t0 + 200, &resp);
	ck_assert_int_eq(r, -ETIMEDOUT);
	ck_assert_ptr_null(resp);
	ck_assert_uint_lt(vpnha_now_ms() - t0, 600);
	vpnha_vici_close(c);
	fake_stop(&f, th);
}
END_TEST

START_TEST(test_client_garbage_unknown)
{
	struct fake f;
	pthread_t th;
	struct vpnha_vici_conn *c;
	struct vpnha_vici_node *resp;

	fake_start(&f, &th, FAKE_GARBAGE);
	ck_assert_int_eq(vpnha_vici_connect(&c, f.sock, vpnha_now_ms() + 2000), 0);
	ck_assert_int_eq(vpnha_vici_request(c, "version", NULL, NULL, NULL, NULL, vpnha_now_ms() + 2000, &resp), -EBADMSG);
	ck_assert_ptr_null(resp);
	vpnha_vici_close(c);
	fake_stop(&f, th);

	fake_start(&f, &th, FAKE_UNKNOWN);
	ck_assert_int_eq(vpnha_vici_connect(&c, f.sock, vpnha_now_ms() + 2000), 0);
	ck_assert_int_eq(vpnha_vici_request(c, "nosuch", NULL, NULL, NULL, NULL, vpnha_now_ms() + 2000, &resp), -EOPNOTSUPP);
	vpnha_vici_close(c);
	fake_stop(&f, th);
}
END_TEST

START_TEST(test_client_absent)
{
	struct vpnha_vici_conn *c;

	ck_assert_int_eq(vpnha_vici_connect(&c, "/nonexistent/charon.vici", vpnha_now_ms() + 500), -ENOENT);
	ck_assert_ptr_null(c);
}
END_TEST

START_TEST(test_spi_parse)
{
	uint32_t spi = 7;

	ck_assert(vpnha_vici_spi_parse("c1234567", &spi));
	ck_assert_uint_eq(spi, 0xc1234567u);
	ck_assert(vpnha_vici_spi_parse("00000101", &spi));
	ck_assert_uint_eq(spi, 0x101u);
	ck_assert(vpnha_vici_spi_parse("ABCDEF01", &spi));
	ck_assert_uint_eq(spi, 0xabcdef01u);
	spi = 7;
	ck_assert(!vpnha_vici_spi_parse(NULL, &spi));
	ck_assert(!vpnha_vici_spi_parse("", &spi));
	ck_assert(!vpnha_vici_spi_parse("123456789", &spi)); /* more than 32 bits */
	ck_assert(!vpnha_vici_spi_parse(" 1234", &spi));
	ck_assert(!vpnha_vici_spi_parse("+1234", &spi));
	ck_assert(!vpnha_vici_spi_parse("0x1234", &spi));
	ck_assert(!vpnha_vici_spi_parse("12g4", &spi));
	ck_assert_uint_eq(spi, 7);
}
END_TEST

static Suite *vici_suite(void)
{
	Suite *s = suite_create("vici");
	TCase *tc = tcase_create("codec");

	tcase_add_test(tc, test_encode_bytes);
	tcase_add_test(tc, test_encode_misuse);
	tcase_add_test(tc, test_encode_value_limits);
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_check_success);
	tcase_add_loop_test(tc, test_malformed, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_depth_limit);
	tcase_add_test(tc, test_packet_parse);
	suite_add_tcase(s, tc);
	tc = tcase_create("client");
	tcase_add_test(tc, test_client_stream);
	tcase_add_test(tc, test_client_timeout);
	tcase_add_test(tc, test_client_garbage_unknown);
	tcase_add_test(tc, test_client_absent);
	tcase_add_test(tc, test_spi_parse);
	suite_add_tcase(s, tc);
	return s;
}

VPNHA_TEST_MAIN(vici_suite)

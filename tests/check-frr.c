/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The FRR vty client: the reply framer, the client against a fake vty server
 * (socketpair and a real unix socket), deadlines, and JSON extraction from
 * real bgpd 8.4 replies (tests/bgp-peer/data/).
 */
#include "config.h"

#include <check.h>

#include "check-main.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "frr.h"
#include "testutil.h"
#include "util.h"
#include "vpnha.h"

/* ---- framer ---- */

static const char reply_ok[] = "hello\nworld\n\0\0\0\0";     /* status 0 */
static const char reply_warn[] = "% Unknown\n\0\0\0\x02";    /* status 2 */

START_TEST(test_framer_whole)
{
	struct vpnha_frr_framer f;

	vpnha_frr_framer_init(&f, 0);
	ck_assert_int_eq(vpnha_frr_framer_feed(&f, reply_ok, sizeof(reply_ok) - 1), 1);
	ck_assert_str_eq(f.buf, "hello\nworld\n");
	ck_assert_uint_eq(f.out_len, 12);
	ck_assert_int_eq(f.status, 0);
	vpnha_frr_framer_reset(&f);
	ck_assert_int_eq(vpnha_frr_framer_feed(&f, reply_warn, sizeof(reply_warn) - 1), 1);
	ck_assert_str_eq(f.buf, "% Unknown\n");
	ck_assert_int_eq(f.status, VPNHA_FRR_CMD_ERR_NO_MATCH);
	vpnha_frr_framer_free(&f);
}
END_TEST

/* Every split point of the reply into two chunks, and byte by byte. */
START_TEST(test_framer_split)
{
	size_t n = sizeof(reply_warn) - 1, i;
	struct vpnha_frr_framer f;

	vpnha_frr_framer_init(&f, 0);
	for (i = 0; i <= n; i++) {
		vpnha_frr_framer_reset(&f);
		ck_assert_int_eq(vpnha_frr_framer_feed(&f, reply_warn, i), i == n ? 1 : 0);
		ck_assert_int_eq(vpnha_frr_framer_feed(&f, reply_warn + i, n - i), 1);
		ck_assert_int_eq(f.status, 2);
		ck_assert_str_eq(f.buf, "% Unknown\n");
	}
	vpnha_frr_framer_reset(&f);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(vpnha_frr_framer_feed(&f, reply_warn + i, 1), i + 1 == n ? 1 : 0);
	ck_assert_int_eq(f.status, 2);
	vpnha_frr_framer_free(&f);
}
END_TEST

START_TEST(test_framer_empty_output)
{
	struct vpnha_frr_framer f;

	vpnha_frr_framer_init(&f, 0);
	ck_assert_int_eq(vpnha_frr_framer_feed(&f, "\0\0\0", 3), 0);
	ck_assert_int_eq(vpnha_frr_framer_feed(&f, "\x0d", 1), 1);
	ck_assert_uint_eq(f.out_len, 0);
	ck_assert_str_eq(f.buf, "");
	ck_assert_int_eq(f.status, VPNHA_FRR_CMD_WARNING_CONFIG_FAILED);
	vpnha_frr_framer_free(&f);
}
END_TEST

START_TEST(test_framer_errors)
{
	struct vpnha_frr_framer f;
	char big[100];

	vpnha_frr_framer_init(&f, 0);
	/* bytes after the status byte */
	ck_assert_int_eq(vpnha_frr_framer_feed(&f, "x\0\0\0\0y", 6), -EPROTO);
	vpnha_frr_framer_reset(&f);
	ck_assert_int_eq(vpnha_frr_framer_feed(&f, "x\0\0\0\0", 5), 1);
	ck_assert_int_eq(vpnha_frr_framer_feed(&f, "y", 1), -EPROTO);
	vpnha_frr_framer_free(&f);

	/* size limit */
	memset(big, 'a', sizeof(big));
	vpnha_frr_framer_init(&f, 64);
	ck_assert_int_eq(vpnha_frr_framer_feed(&f, big, 60), 0);
	ck_assert_int_eq(vpnha_frr_framer_feed(&f, big, 40), -EMSGSIZE);
	vpnha_frr_framer_free(&f);
	vpnha_frr_framer_init(&f, 64);
	ck_assert_int_eq(vpnha_frr_framer_feed(&f, big, 66), -EMSGSIZE);
	vpnha_frr_framer_free(&f);
	/* exactly the limit is fine */
	vpnha_frr_framer_init(&f, 64);
	ck_assert_int_eq(vpnha_frr_framer_feed(&f, big, 64), 0);
	ck_assert_int_eq(vpnha_frr_framer_feed(&f, "\0\0\0\0", 4), 1);
	ck_assert_uint_eq(f.out_len, 64);
	vpnha_frr_framer_free(&f);
}
END_TEST

START_TEST(test_cmd_text)
{
	char longcmd[VPNHA_FRR_CMD_MAX + 1];

	ck_assert(vpnha_frr_cmd_text_ok("show bgp neighbors 10.0.0.1 json"));
	ck_assert(!vpnha_frr_cmd_text_ok(""));
	ck_assert(!vpnha_frr_cmd_text_ok(NULL));
	ck_assert(!vpnha_frr_cmd_text_ok("show\nbgp"));
	ck_assert(!vpnha_frr_cmd_text_ok("show\rbgp"));
	ck_assert(!vpnha_frr_cmd_text_ok("show\tbgp"));
	ck_assert(!vpnha_frr_cmd_text_ok("caf\xc3\xa9"));
	memset(longcmd, 'a', sizeof(longcmd) - 1);
	longcmd[sizeof(longcmd) - 1] = '\0';
	ck_assert(!vpnha_frr_cmd_text_ok(longcmd));
	longcmd[VPNHA_FRR_CMD_MAX - 1] = '\0';
	ck_assert(vpnha_frr_cmd_text_ok(longcmd));
	ck_assert_str_eq(vpnha_frr_cmd_status_str(13), "configuration failed");
}
END_TEST

/* ---- the client against a fake server ---- */

static int srv = -1;

static struct vpnha_frr_vty *pair(uint64_t ms)
{
	struct vpnha_frr_vty *v;
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv), 0);
	srv = sv[1];
	ck_assert_int_eq(vpnha_frr_vty_from_fd(&v, sv[0], vpnha_now_ms() + ms), 0);
	return v;
}

static void srv_write(const void *d, size_t n)
{
	ck_assert_int_eq(write(srv, d, n), (ssize_t)n);
}

/* What the client sent, as one buffer (NULs included). */
static size_t srv_read(char *buf, size_t len)
{
	ssize_t n = read(srv, buf, len);

	return n < 0 ? 0 : (size_t)n;
}

START_TEST(test_client_cmd)
{
	struct vpnha_frr_vty *v = pair(2000);
	char got[256], *out = NULL;
	size_t len = 0, n;
	int st = -1;

	srv_write(reply_ok, sizeof(reply_ok) - 1);
	ck_assert_int_eq(vpnha_frr_vty_cmd(v, "show version", &st, &out, &len), 0);
	ck_assert_int_eq(st, 0);
	ck_assert_str_eq(out, "hello\nworld\n");
	ck_assert_uint_eq(len, 12);
	free(out);
	n = srv_read(got, sizeof(got));
	ck_assert_uint_eq(n, 13);
	ck_assert_mem_eq(got, "show version\0", 13);
	/* a second command on the same connection; no output wanted */
	srv_write(reply_warn, sizeof(reply_warn) - 1);
	ck_assert_int_eq(vpnha_frr_vty_cmd(v, "bogus", &st, NULL, NULL), 0);
	ck_assert_int_eq(st, 2);
	vpnha_frr_vty_free(v);
	close(srv);
}
END_TEST

START_TEST(test_client_rejects_bad_text)
{
	struct vpnha_frr_vty *v = pair(500);
	char got[16];
	int st;

	ck_assert_int_eq(vpnha_frr_vty_cmd(v, "neighbor 1.2.3.4\nno router bgp 1", &st, NULL, NULL), -EINVAL);
	ck_assert_int_eq(read(srv, got, sizeof(got)), -1); /* nothing was sent */
	ck_assert_int_eq(errno, EAGAIN);
	vpnha_frr_vty_free(v);
	close(srv);
}
END_TEST

START_TEST(test_client_timeout)
{
	struct vpnha_frr_vty *v = pair(150);
	uint64_t t0 = vpnha_now_ms();
	int st;

	srv_write("partial output", 14); /* never terminated */
	ck_assert_int_eq(vpnha_frr_vty_cmd(v, "show bgp summary json", &st, NULL, NULL), -ETIMEDOUT);
	ck_assert_uint_ge(vpnha_now_ms() - t0, 100);
	ck_assert_uint_lt(vpnha_now_ms() - t0, 1000);
	/* the connection is unusable afterwards */
	ck_assert_int_eq(vpnha_frr_vty_cmd(v, "show version", &st, NULL, NULL), -ENOTCONN);
	vpnha_frr_vty_free(v);
	close(srv);
}
END_TEST

START_TEST(test_client_eof)
{
	struct vpnha_frr_vty *v = pair(2000);
	int st;

	srv_write("half", 4);
	close(srv);
	ck_assert_int_eq(vpnha_frr_vty_cmd(v, "show version", &st, NULL, NULL), -ECONNRESET);
	vpnha_frr_vty_free(v);
}
END_TEST

START_TEST(test_client_protocol_error)
{
	struct vpnha_frr_vty *v = pair(2000);
	int st;

	srv_write("out\0\0\0\0junk", 11);
	ck_assert_int_eq(vpnha_frr_vty_cmd(v, "show version", &st, NULL, NULL), -EPROTO);
	vpnha_frr_vty_free(v);
	close(srv);
}
END_TEST

/*
 * A fake vty server in a child process: for each reply in the list, read one
 * NUL-terminated command (checked against want[i] when non-NULL), then send
 * the reply. Exits 0 when all matched.
 */
static pid_t fake_server(struct vpnha_frr_vty *client, const char *const *want, const char *const *replies,
			 const size_t *lens, size_t n)
{
	pid_t pid = fork();
	size_t i;

	ck_assert_int_ge(pid, 0);
	if (pid)
		return pid;
	vpnha_frr_vty_free(client); /* the parent's; not used here (and not leaked for valgrind) */
	fcntl(srv, F_SETFL, 0);
	for (i = 0; i < n; i++) {
		char cmd[VPNHA_FRR_CMD_MAX];
		size_t k = 0;

		do {
			if (read(srv, &cmd[k], 1) != 1)
				_exit(10);
		} while (cmd[k++] != '\0' && k < sizeof(cmd));
		if (want && want[i] && strcmp(cmd, want[i]))
			_exit(20 + (int)i);
		if (write(srv, replies[i], lens[i]) != (ssize_t)lens[i])
			_exit(30);
	}
	_exit(0);
}

static void fake_server_done(pid_t pid)
{
	int ws;

	ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
	ck_assert_msg(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "fake server: status %d", ws);
}

START_TEST(test_client_config_enter)
{
	static const char *const want[] = { "enable", "configure" };
	static const char *const ok[] = { "\0\0\0\0", "\0\0\0\0" };
	static const char *const refused[] = { "\0\0\0\0", "% denied\n\0\0\0\x0d" };
	static const size_t ok_len[] = { 4, 4 }, refused_len[] = { 4, 13 };
	struct vpnha_frr_vty *v = pair(2000);
	pid_t pid = fake_server(v, want, ok, ok_len, 2);

	ck_assert_int_eq(vpnha_frr_vty_config_enter(v), 0);
	fake_server_done(pid);
	vpnha_frr_vty_free(v);
	close(srv);

	v = pair(2000);
	pid = fake_server(v, want, refused, refused_len, 2);
	ck_assert_int_eq(vpnha_frr_vty_config_enter(v), -EACCES);
	fake_server_done(pid);
	vpnha_frr_vty_free(v);
	close(srv);
}
END_TEST

/* The configuration sequences of lib/frr-bgp.c, command by command. */
static const char ok_reply[] = "\0\0\0\0";

static void run_sequence(const char *const *want, size_t n, const char *last_reply, size_t last_len, pid_t *pid,
			 struct vpnha_frr_vty **v)
{
	static const char *replies[20];
	static size_t lens[20];

	ck_assert_uint_le(n, 20);
	for (size_t i = 0; i < n; i++) {
		replies[i] = i + 1 == n && last_reply ? last_reply : ok_reply;
		lens[i] = i + 1 == n && last_reply ? last_len : 4;
	}
	*v = pair(2000);
	*pid = fake_server(*v, want, replies, lens, n);
}

START_TEST(test_bgp_neighbor_down)
{
	static const char *const want[] = { "enable", "configure", "router bgp 65001 vrf blue",
					    "neighbor 10.0.0.2 shutdown", "no neighbor 10.0.0.2", "end" };
	const struct vpnha_frr_bgp_instance bgp = { 65001, "blue" };
	struct vpnha_frr_cfg_error e;
	struct vpnha_frr_vty *v;
	pid_t pid;

	run_sequence(want, 6, NULL, 0, &pid, &v);
	ck_assert_int_eq(vpnha_frr_bgp_neighbor_down(v, &bgp, "10.0.0.2", false, true, &e), 0);
	fake_server_done(pid);
	vpnha_frr_vty_free(v);
	close(srv);
}
END_TEST

START_TEST(test_bgp_refused)
{
	static const char *const want[] = { "enable", "configure", "router bgp 65001", "no neighbor 10.0.0.2 shutdown" };
	static const char refused[] = "% Unknown command\n\0\0\0\x02";
	const struct vpnha_frr_bgp_instance bgp = { 65001, "" };
	struct vpnha_frr_cfg_error e;
	struct vpnha_frr_vty *v;
	pid_t pid;

	run_sequence(want, 4, refused, sizeof(refused) - 1, &pid, &v);
	ck_assert_int_eq(vpnha_frr_bgp_neighbor_up(v, &bgp, "10.0.0.2", &e), -EREMOTEIO);
	ck_assert_int_eq(e.stage, VPNHA_FRR_CFG_COMMAND);
	ck_assert_int_eq(e.status, VPNHA_FRR_CMD_ERR_NO_MATCH);
	ck_assert_str_eq(e.cmd, "no neighbor 10.0.0.2 shutdown");
	ck_assert_str_eq(e.reply, "Unknown command");
	ck_assert(!e.secret);
	fake_server_done(pid);
	vpnha_frr_vty_free(v);
	close(srv);
}
END_TEST

/* The password command: sent, but neither it nor the reply kept. */
START_TEST(test_bgp_configure_secret)
{
	static const char *const want[] = { "enable", "configure", "router bgp 65001", "neighbor 10.0.0.2 remote-as 65002",
					    "no neighbor 10.0.0.2 timers", "no neighbor 10.0.0.2 timers connect",
					    "no neighbor 10.0.0.2 bfd", "neighbor 10.0.0.2 password s3cret" };
	static const char refused[] = "% s3cret rejected\n\0\0\0\x0d";
	const struct vpnha_frr_bgp_instance bgp = { 65001, "" };
	struct vpnha_frr_bgp_neighbor_cfg n = { .addr = "10.0.0.2", .remote_as = 65002, .password = "s3cret" };
	struct vpnha_frr_cfg_error e;
	struct vpnha_frr_vty *v;
	pid_t pid;

	run_sequence(want, 8, refused, sizeof(refused) - 1, &pid, &v);
	ck_assert_int_eq(vpnha_frr_bgp_neighbor_configure(v, &bgp, &n, &e), -EREMOTEIO);
	ck_assert(e.secret);
	ck_assert_str_eq(e.cmd, "");
	ck_assert_str_eq(e.reply, "");
	ck_assert_int_eq(e.status, VPNHA_FRR_CMD_WARNING_CONFIG_FAILED);
	fake_server_done(pid);
	vpnha_frr_vty_free(v);
	close(srv);
}
END_TEST

/* The full sequence: tunables, one AF on with next-hop-self, the other off. */
START_TEST(test_bgp_configure_full)
{
	static const char *const want[] = {
		"enable", "configure", "router bgp 65001", "neighbor 10.0.0.2 remote-as 65002",
		"neighbor 10.0.0.2 update-source lo", "neighbor 10.0.0.2 timers 3 9",
		"neighbor 10.0.0.2 timers connect 5", "neighbor 10.0.0.2 bfd", "neighbor 10.0.0.2 bfd profile fast",
		"address-family ipv4 unicast", "neighbor 10.0.0.2 activate", "neighbor 10.0.0.2 next-hop-self",
		"exit-address-family", "address-family ipv6 unicast", "no neighbor 10.0.0.2 activate",
		"exit-address-family"
	};
	static const char *const tail[] = { "no neighbor 10.0.0.2 shutdown", "end" };
	const struct vpnha_frr_bgp_instance bgp = { 65001, "" };
	struct vpnha_frr_bgp_neighbor_cfg n = {
		.addr = "10.0.0.2",
		.remote_as = 65002,
		.update_source = "lo",
		.timers = true,
		.keepalive = 3,
		.holdtime = 9,
		.connect_timer_set = true,
		.connect_timer = 5,
		.bfd = true,
		.bfd_profile = "fast",
		.af = { [VPNHA_FRR_AF_IPV4_UNICAST] = true },
		.next_hop_self = true,
	};
	const char *all[18];
	struct vpnha_frr_cfg_error e;
	struct vpnha_frr_vty *v;
	pid_t pid;

	memcpy(all, want, sizeof(want));
	memcpy(all + 16, tail, sizeof(tail));
	ck_assert_int_eq(vpnha_frr_af_parse("ipv6-unicast"), VPNHA_FRR_AF_IPV6_UNICAST);
	ck_assert_int_eq(vpnha_frr_af_parse("ipv4-multicast"), -1);
	run_sequence(all, 18, NULL, 0, &pid, &v);
	ck_assert_int_eq(vpnha_frr_bgp_neighbor_configure(v, &bgp, &n, &e), 0);
	fake_server_done(pid);
	vpnha_frr_vty_free(v);
	close(srv);
}
END_TEST

/* A pipelined (unsolicited) extra reply is a protocol error, not the next answer. */
START_TEST(test_client_unsolicited)
{
	struct vpnha_frr_vty *v = pair(2000);

	srv_write("\0\0\0\0\0\0\0\0", 8);
	ck_assert_int_eq(vpnha_frr_vty_config_enter(v), -EPROTO);
	vpnha_frr_vty_free(v);
	close(srv);
}
END_TEST

/* A reply far larger than the socket buffers, written by another process. */
START_TEST(test_client_large_reply)
{
	struct vpnha_frr_vty *v = pair(5000);
	size_t big = 3u << 20, len = 0, i;
	char *out = NULL;
	pid_t pid;
	int st = -1, ws;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char *b = malloc(big + 4), cmd[64];
		size_t off = 0;

		vpnha_frr_vty_free(v);
		fcntl(srv, F_SETFL, 0);
		if (!b || read(srv, cmd, sizeof(cmd)) <= 0)
			_exit(1);
		for (i = 0; i < big; i++)
			b[i] = (char)('a' + i % 26);
		memcpy(b + big, "\0\0\0\0", 4);
		while (off < big + 4) {
			ssize_t n = write(srv, b + off, big + 4 - off);

			if (n <= 0)
				_exit(2);
			off += (size_t)n;
		}
		free(b);
		_exit(0);
	}
	ck_assert_int_eq(vpnha_frr_vty_cmd(v, "show bgp vrf all summary json", &st, &out, &len), 0);
	ck_assert_uint_eq(len, big);
	ck_assert_int_eq(out[big - 1], 'a' + (big - 1) % 26);
	free(out);
	ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
	ck_assert(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
	vpnha_frr_vty_free(v);
	close(srv);
}
END_TEST

START_TEST(test_connect_unix)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[64], got[32];
	struct vpnha_frr_vty *v = NULL;
	int l, c, st = -1;

	ck_assert_ptr_nonnull(test_mkdtemp(dir, sizeof(dir), "check-frr"));
	/* no socket: the daemon is not running */
	ck_assert_int_eq(vpnha_frr_vty_connect(&v, dir, "bgpd", vpnha_now_ms() + 500), -ENOENT);
	ck_assert_int_eq(vpnha_frr_vty_connect(&v, dir, "../bgpd", vpnha_now_ms() + 500), -EINVAL);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/bgpd.vty", dir);
	/* a stale socket file: the daemon died */
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_eq(bind(l, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(l);
	ck_assert_int_eq(vpnha_frr_vty_connect(&v, dir, "bgpd", vpnha_now_ms() + 500), -ECONNREFUSED);
	unlink(sa.sun_path);
	/* a listening server */
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_eq(bind(l, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(l, 4), 0);
	ck_assert_int_eq(vpnha_frr_vty_connect(&v, dir, "bgpd", vpnha_now_ms() + 2000), 0);
	c = accept(l, NULL, NULL);
	ck_assert_int_ge(c, 0);
	ck_assert_int_eq(write(c, "{}\n\0\0\0\0", 7), 7);
	ck_assert_int_eq(vpnha_frr_vty_cmd(v, "show bgp vrfs json", &st, NULL, NULL), 0);
	ck_assert_int_eq(st, 0);
	ck_assert_int_eq(read(c, got, sizeof(got)), 19);
	ck_assert_str_eq(got, "show bgp vrfs json");
	vpnha_frr_vty_free(v);
	close(c);
	close(l);
	test_rmtree(dir);
}
END_TEST

/* ---- JSON ---- */

static char *slurp(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	char *b;
	long n;

	snprintf(path, sizeof(path), "%s/tests/bgp-peer/data/%s", TOP_SRCDIR, name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	b = malloc((size_t)n + 1);
	ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
	b[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return b;
}

START_TEST(test_neighbor_real)
{
	struct vpnha_frr_neighbor nb;
	size_t len;
	char *j = slurp("neighbor-established.json", &len);

	ck_assert_int_eq(vpnha_frr_neighbor_parse(j, len, "10.77.0.2", &nb), 0);
	ck_assert_int_eq(nb.state, VPNHA_FRR_BGP_ESTABLISHED);
	ck_assert_str_eq(nb.state_str, "Established");
	ck_assert(!nb.admin_down);
	ck_assert_int_eq(nb.remote_as, 65432);
	ck_assert_int_eq(nb.local_as, 65432);
	ck_assert_uint_eq(nb.hold_ms, 3000);
	ck_assert_uint_eq(nb.keepalive_ms, 1000);
	ck_assert_uint_eq(nb.established, 2);
	ck_assert_uint_eq(nb.dropped, 1);
	ck_assert(nb.af_present[VPNHA_FRR_AF_IPV4_UNICAST]);
	ck_assert(!nb.af_present[VPNHA_FRR_AF_IPV6_UNICAST]);
	ck_assert_uint_eq(nb.accepted[VPNHA_FRR_AF_IPV4_UNICAST], 1);
	ck_assert_uint_eq(nb.accepted_total, 1);
	ck_assert(nb.has_last_reset);
	ck_assert_int_eq(nb.connect_retry_s, 120);
	ck_assert(!nb.bfd);
	/* another address is not this neighbor */
	ck_assert_int_eq(vpnha_frr_neighbor_parse(j, len, "10.77.0.3", &nb), -ENOENT);
	ck_assert_int_eq(vpnha_frr_neighbor_parse(j, len, "not-an-address", &nb), -EINVAL);
	free(j);
}
END_TEST

START_TEST(test_neighbor_cases)
{
	static const char nosuch[] = "{\n  \"bgpNoSuchNeighbor\":true\n}\n";
	static const char v6[] = "{\"2001:db8::2\":{\"bgpState\":\"Active\",\"adminShutDown\":true,"
				 "\"addressFamilyInfo\":{\"ipv4Unicast\":{\"acceptedPrefixCounter\":2},"
				 "\"ipv6Unicast\":{\"acceptedPrefixCounter\":5,\"sentPrefixCounter\":1}},"
				 "\"peerBfdInfo\":{\"status\":\"Down\"}}}";
	static const char wrongtype[] = "{\"10.0.0.1\":{\"bgpState\":\"Established\",\"bgpTimerUpMsec\":\"x\"}}";
	static const char negative[] = "{\"10.0.0.1\":{\"connectionsDropped\":-1}}";
	static const char notobj[] = "{\"10.0.0.1\":[1,2]}";
	static const char trailing[] = "{\"10.0.0.1\":{}} x";
	static const char array[] = "[{\"10.0.0.1\":{}}]";
	static const char weird[] = "{\"10.0.0.1\":{\"bgpState\":\"Bogus\"}}";
	struct vpnha_frr_neighbor nb;

	ck_assert_int_eq(vpnha_frr_neighbor_parse(nosuch, strlen(nosuch), "10.0.0.1", &nb), -ENOENT);
	ck_assert_int_eq(vpnha_frr_neighbor_parse("{}", 2, "10.0.0.1", &nb), -ENOENT);
	/* any spelling of the IPv6 address matches */
	ck_assert_int_eq(vpnha_frr_neighbor_parse(v6, strlen(v6), "2001:DB8:0::2", &nb), 0);
	ck_assert_int_eq(nb.state, VPNHA_FRR_BGP_ACTIVE);
	ck_assert(nb.admin_down);
	ck_assert_uint_eq(nb.accepted_total, 7);
	ck_assert_uint_eq(nb.sent[VPNHA_FRR_AF_IPV6_UNICAST], 1);
	ck_assert(nb.bfd);
	ck_assert_str_eq(nb.bfd_status, "Down");
	ck_assert_int_eq(nb.remote_as, -1);
	ck_assert_int_eq(vpnha_frr_neighbor_parse(v6, strlen(v6), "2001:db8::3", &nb), -ENOENT);
	ck_assert_int_eq(vpnha_frr_neighbor_parse(wrongtype, strlen(wrongtype), "10.0.0.1", &nb), -EBADMSG);
	ck_assert_int_eq(vpnha_frr_neighbor_parse(negative, strlen(negative), "10.0.0.1", &nb), -EBADMSG);
	ck_assert_int_eq(vpnha_frr_neighbor_parse(notobj, strlen(notobj), "10.0.0.1", &nb), -EBADMSG);
	ck_assert_int_eq(vpnha_frr_neighbor_parse(trailing, strlen(trailing), "10.0.0.1", &nb), -EBADMSG);
	ck_assert_int_eq(vpnha_frr_neighbor_parse(array, strlen(array), "10.0.0.1", &nb), -EBADMSG);
	ck_assert_int_eq(vpnha_frr_neighbor_parse("{\"10.0.0.1\":{}", 14, "10.0.0.1", &nb), -EBADMSG);
	ck_assert_int_eq(vpnha_frr_neighbor_parse("{\"a\":1}\0{}", 10, "10.0.0.1", &nb), -EBADMSG);
	ck_assert_int_eq(vpnha_frr_neighbor_parse("", 0, "10.0.0.1", &nb), -EBADMSG);
	ck_assert_int_eq(vpnha_frr_neighbor_parse(weird, strlen(weird), "10.0.0.1", &nb), 0);
	ck_assert_int_eq(nb.state, VPNHA_FRR_BGP_UNKNOWN);
	ck_assert_str_eq(vpnha_frr_bgp_state_str(nb.state), "Unknown");
}
END_TEST

START_TEST(test_summary_real)
{
	struct vpnha_frr_summary_peer sp;
	size_t len;
	char *j = slurp("summary.json", &len);

	ck_assert_int_eq(vpnha_frr_summary_parse(j, len, "10.77.0.2", &sp), 0);
	ck_assert_int_eq(sp.state, VPNHA_FRR_BGP_ESTABLISHED);
	ck_assert_int_eq(sp.remote_as, 65432);
	ck_assert_int_eq(sp.local_as, 65432);
	ck_assert_uint_eq(sp.pfx_rcvd, 1);
	ck_assert_uint_eq(sp.n_afs, 1);
	ck_assert_int_eq(vpnha_frr_summary_parse(j, len, "10.77.0.9", &sp), -ENOENT);
	ck_assert_int_eq(vpnha_frr_summary_parse("{}", 2, "10.77.0.2", &sp), -ENOENT);
	ck_assert_int_eq(vpnha_frr_summary_parse("{\"ipv4Unicast\":{\"peers\":3}}", 27, "10.77.0.2", &sp),
			 -EBADMSG);
	free(j);
}
END_TEST

START_TEST(test_vrfs)
{
	static const char one[] = "{\n  \"vrfs\":{\n    \"default\":{\n      \"type\":\"DFLT\"}},\"totalVrfs\":1}";
	static const char none[] = "{\n  \"vrfs\":{\n  },\n  \"totalVrfs\":0\n}\n";

	ck_assert_int_eq(vpnha_frr_vrfs_has(one, strlen(one), NULL), 0);
	ck_assert_int_eq(vpnha_frr_vrfs_has(one, strlen(one), "default"), 0);
	ck_assert_int_eq(vpnha_frr_vrfs_has(one, strlen(one), "red"), -ENOENT);
	ck_assert_int_eq(vpnha_frr_vrfs_has(none, strlen(none), NULL), -ENOENT);
	ck_assert_int_eq(vpnha_frr_vrfs_has("{}", 2, NULL), -EBADMSG);
}
END_TEST

static Suite *frr_suite(void)
{
	Suite *s = suite_create("frr");
	TCase *fr = tcase_create("framer");
	TCase *cl = tcase_create("client");
	TCase *js = tcase_create("json");

	signal(SIGPIPE, SIG_IGN);
	tcase_add_test(fr, test_framer_whole);
	tcase_add_test(fr, test_framer_split);
	tcase_add_test(fr, test_framer_empty_output);
	tcase_add_test(fr, test_framer_errors);
	tcase_add_test(fr, test_cmd_text);
	suite_add_tcase(s, fr);
	tcase_add_test(cl, test_client_cmd);
	tcase_add_test(cl, test_client_rejects_bad_text);
	tcase_add_test(cl, test_client_timeout);
	tcase_add_test(cl, test_client_eof);
	tcase_add_test(cl, test_client_protocol_error);
	tcase_add_test(cl, test_client_config_enter);
	tcase_add_test(cl, test_client_unsolicited);
	tcase_add_test(cl, test_client_large_reply);
	tcase_add_test(cl, test_connect_unix);
	tcase_add_test(cl, test_bgp_neighbor_down);
	tcase_add_test(cl, test_bgp_refused);
	tcase_add_test(cl, test_bgp_configure_secret);
	tcase_add_test(cl, test_bgp_configure_full);
	suite_add_tcase(s, cl);
	tcase_add_test(js, test_neighbor_real);
	tcase_add_test(js, test_neighbor_cases);
	tcase_add_test(js, test_summary_real);
	tcase_add_test(js, test_vrfs);
	suite_add_tcase(s, js);
	return s;
}

VPNHA_TEST_MAIN(frr_suite)

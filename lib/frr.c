/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* FRR vty socket client and BGP JSON extraction. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "frr.h"
#include "util.h"
#include "vpnha.h"

const char *vpnha_frr_cmd_status_str(int status)
{
	switch (status) {
	case VPNHA_FRR_CMD_SUCCESS:
		return "success";
	case VPNHA_FRR_CMD_WARNING:
		return "warning";
	case VPNHA_FRR_CMD_ERR_NO_MATCH:
		return "unknown command";
	case VPNHA_FRR_CMD_ERR_AMBIGUOUS:
		return "ambiguous command";
	case VPNHA_FRR_CMD_ERR_INCOMPLETE:
		return "incomplete command";
	case VPNHA_FRR_CMD_ERR_EXEED_ARGC_MAX:
		return "too many arguments";
	case VPNHA_FRR_CMD_ERR_NOTHING_TODO:
		return "nothing to do";
	case VPNHA_FRR_CMD_WARNING_CONFIG_FAILED:
		return "configuration failed";
	default:
		return "error";
	}
}

bool vpnha_frr_cmd_text_ok(const char *s)
{
	size_t n = 0;

	if (!s || !*s)
		return false;
	for (; *s; s++, n++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e || n >= VPNHA_FRR_CMD_MAX - 1)
			return false;
	return true;
}

/* ---- framer ---- */

void vpnha_frr_framer_init(struct vpnha_frr_framer *f, size_t max)
{
	memset(f, 0, sizeof(*f));
	f->max = max ? max : VPNHA_FRR_REPLY_MAX;
}

void vpnha_frr_framer_reset(struct vpnha_frr_framer *f)
{
	f->len = 0;
	f->out_len = 0;
	f->status = 0;
	f->term_seen = false;
	f->done = false;
}

void vpnha_frr_framer_free(struct vpnha_frr_framer *f)
{
	free(f->buf);
	f->buf = NULL;
	f->cap = 0;
	vpnha_frr_framer_reset(f);
}

static const char terminator[3] = { 0, 0, 0 };

int vpnha_frr_framer_feed(struct vpnha_frr_framer *f, const void *data, size_t n)
{
	size_t old = f->len, from;

	if (f->done)
		return n ? -EPROTO : 1;
	if (n == 0)
		return 0;
	/* output + 3 NULs + status, plus our own NUL */
	if (n > f->max + 4 - f->len)
		return -EMSGSIZE;
	if (f->len + n + 1 > f->cap) {
		size_t cap = f->cap ? f->cap : 4096;
		char *b;

		while (cap < f->len + n + 1)
			cap *= 2;
		b = realloc(f->buf, cap);
		if (!b)
			return -ENOMEM;
		f->buf = b;
		f->cap = cap;
	}
	memcpy(f->buf + f->len, data, n);
	f->len += n;
	if (!f->term_seen) {
		/* the terminator may have started in the previous chunk */
		const char *t;

		from = old >= 2 ? old - 2 : 0;
		t = memmem(f->buf + from, f->len - from, terminator, sizeof(terminator));
		if (!t)
			return f->len > f->max ? -EMSGSIZE : 0;
		f->term_seen = true;
		f->out_len = (size_t)(t - f->buf);
		if (f->out_len > f->max)
			return -EMSGSIZE;
	}
	if (f->len < f->out_len + 4)
		return 0;
	if (f->len > f->out_len + 4)
		return -EPROTO;
	f->status = (unsigned char)f->buf[f->out_len + 3];
	f->buf[f->out_len] = '\0';
	f->done = true;
	return 1;
}

/* ---- client ---- */

struct vpnha_frr_vty {
	int fd;
	uint64_t deadline;
	bool broken;
	struct vpnha_frr_framer fr;
};

static int wait_fd(int fd, short events, uint64_t deadline)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		uint64_t now = vpnha_now_ms();
		int r, ms;

		if (now >= deadline)
			return -ETIMEDOUT;
		ms = deadline - now > INT_MAX ? INT_MAX : (int)(deadline - now);
		r = poll(&p, 1, ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
		return 0;
	}
}

static bool daemon_name_ok(const char *d)
{
	if (!d || !*d || strlen(d) > 32)
		return false;
	for (; *d; d++)
		if (!((*d >= 'a' && *d <= 'z') || (*d >= '0' && *d <= '9') || *d == '_' || *d == '-'))
			return false;
	return true;
}

int vpnha_frr_vty_from_fd(struct vpnha_frr_vty **out, int fd, uint64_t deadline)
{
	struct vpnha_frr_vty *v = calloc(1, sizeof(*v));

	*out = NULL;
	if (!v) {
		close(fd);
		return -ENOMEM;
	}
	v->fd = fd;
	v->deadline = deadline;
	vpnha_frr_framer_init(&v->fr, VPNHA_FRR_REPLY_MAX);
	*out = v;
	return 0;
}

int vpnha_frr_vty_connect(struct vpnha_frr_vty **out, const char *dir, const char *daemon, uint64_t deadline)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_vpnha_auto_close int fd = -1;
	int r;

	*out = NULL;
	if (!dir || !daemon_name_ok(daemon))
		return -EINVAL;
	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s.vty", dir, daemon) >=
	    sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	for (;;) {
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN) {
			/* listen backlog full: retry briefly, within the deadline */
			struct timespec ts = { 0, 5 * 1000 * 1000 };

			if (vpnha_now_ms() >= deadline)
				return -ETIMEDOUT;
			nanosleep(&ts, NULL);
			continue;
		}
		if (errno == EINPROGRESS) {
			int err = 0;
			socklen_t l = sizeof(err);

			r = wait_fd(fd, POLLOUT, deadline);
			if (r < 0)
				return r;
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0)
				return -errno;
			if (err)
				return -err;
			break;
		}
		return -errno;
	}
	r = vpnha_frr_vty_from_fd(out, fd, deadline);
	fd = -1;
	return r;
}

void vpnha_frr_vty_free(struct vpnha_frr_vty *v)
{
	if (!v)
		return;
	if (v->fd >= 0)
		close(v->fd);
	vpnha_frr_framer_free(&v->fr);
	free(v);
}

void vpnha_frr_vty_set_deadline(struct vpnha_frr_vty *v, uint64_t deadline)
{
	v->deadline = deadline;
}

static int send_all(struct vpnha_frr_vty *v, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(v->fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			int r = wait_fd(v->fd, POLLOUT, v->deadline);

			if (r < 0)
				return r;
			continue;
		}
		if (n < 0)
			return errno == EPIPE ? -ECONNRESET : -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int read_reply(struct vpnha_frr_vty *v)
{
	char chunk[65536];

	vpnha_frr_framer_reset(&v->fr);
	for (;;) {
		ssize_t n;
		int r = wait_fd(v->fd, POLLIN, v->deadline);

		if (r < 0)
			return r;
		n = recv(v->fd, chunk, sizeof(chunk), 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ECONNRESET;
		r = vpnha_frr_framer_feed(&v->fr, chunk, (size_t)n);
		if (r < 0)
			return r;
		if (r == 1)
			return 0;
	}
}

int vpnha_frr_vty_cmd(struct vpnha_frr_vty *v, const char *cmd, int *status, char **out, size_t *out_len)
{
	int r;

	if (out)
		*out = NULL;
	if (out_len)
		*out_len = 0;
	if (!vpnha_frr_cmd_text_ok(cmd))
		return -EINVAL;
	if (v->broken || v->fd < 0)
		return -ENOTCONN;
	/* the command and its NUL terminator */
	r = send_all(v, cmd, strlen(cmd) + 1);
	if (r == 0)
		r = read_reply(v);
	if (r < 0) {
		v->broken = true;
		return r;
	}
	*status = v->fr.status;
	if (out) {
		*out = malloc(v->fr.out_len + 1);
		if (!*out)
			return -ENOMEM;
		memcpy(*out, v->fr.buf, v->fr.out_len + 1);
		if (out_len)
			*out_len = v->fr.out_len;
	}
	return 0;
}

int vpnha_frr_vty_config_enter(struct vpnha_frr_vty *v)
{
	static const char *const cmds[] = { "enable", "configure" };
	size_t i;

	for (i = 0; i < VPNHA_ARRAY_SIZE(cmds); i++) {
		int st, r = vpnha_frr_vty_cmd(v, cmds[i], &st, NULL, NULL);

		if (r < 0)
			return r;
		if (st != VPNHA_FRR_CMD_SUCCESS)
			return -EACCES;
	}
	return 0;
}

/* ---- BGP JSON ---- */

static const struct {
	enum vpnha_frr_bgp_state s;
	const char *name;
} states[] = {
	{ VPNHA_FRR_BGP_IDLE, "Idle" },
	{ VPNHA_FRR_BGP_CONNECT, "Connect" },
	{ VPNHA_FRR_BGP_ACTIVE, "Active" },
	{ VPNHA_FRR_BGP_OPENSENT, "OpenSent" },
	{ VPNHA_FRR_BGP_OPENCONFIRM, "OpenConfirm" },
	{ VPNHA_FRR_BGP_ESTABLISHED, "Established" },
	{ VPNHA_FRR_BGP_CLEARING, "Clearing" },
	{ VPNHA_FRR_BGP_DELETED, "Deleted" },
};

enum vpnha_frr_bgp_state vpnha_frr_bgp_state_parse(const char *s)
{
	size_t i;

	for (i = 0; s && i < VPNHA_ARRAY_SIZE(states); i++)
		if (!strcmp(s, states[i].name))
			return states[i].s;
	return VPNHA_FRR_BGP_UNKNOWN;
}

const char *vpnha_frr_bgp_state_str(enum vpnha_frr_bgp_state s)
{
	size_t i;

	for (i = 0; i < VPNHA_ARRAY_SIZE(states); i++)
		if (states[i].s == s)
			return states[i].name;
	return "Unknown";
}

const char *vpnha_frr_af_json_key(enum vpnha_frr_af af)
{
	return af == VPNHA_FRR_AF_IPV6_UNICAST ? "ipv6Unicast" : "ipv4Unicast";
}

const char *vpnha_frr_af_cli(enum vpnha_frr_af af)
{
	return af == VPNHA_FRR_AF_IPV6_UNICAST ? "ipv6 unicast" : "ipv4 unicast";
}

struct addr_key {
	int family;
	unsigned char raw[16];
};

static int addr_key_parse(const char *s, struct addr_key *k)
{
	if (!s)
		return -EINVAL;
	if (inet_pton(AF_INET, s, k->raw) == 1) {
		k->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, k->raw) == 1) {
		k->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

static bool addr_key_match(const struct addr_key *k, const char *s)
{
	struct addr_key o;

	return addr_key_parse(s, &o) == 0 && o.family == k->family &&
	       !memcmp(o.raw, k->raw, k->family == AF_INET ? 4 : 16);
}

static void put_json(json_object **o)
{
	if (*o)
		json_object_put(*o);
}

/* Parse exactly one JSON value (trailing whitespace allowed). */
static int parse_json(const char *s, size_t len, json_object **out)
{
	json_tokener *tok;
	json_object *o;
	size_t end;

	*out = NULL;
	if (!s || len > INT_MAX || memchr(s, '\0', len))
		return -EBADMSG;
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	o = json_tokener_parse_ex(tok, s, (int)len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success) {
		json_tokener_free(tok);
		put_json(&o);
		return -EBADMSG;
	}
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	for (; end < len; end++)
		if (!strchr(" \t\r\n", s[end])) {
			json_object_put(o);
			return -EBADMSG;
		}
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return -EBADMSG;
	}
	*out = o;
	return 0;
}

/* Typed getters: absent leaves *v alone (returns 0); wrong type is -EBADMSG. */
static int get_u64(json_object *obj, const char *key, uint64_t *v)
{
	json_object *o;
	int64_t i;

	if (!json_object_object_get_ex(obj, key, &o))
		return 0;
	if (!json_object_is_type(o, json_type_int))
		return -EBADMSG;
	i = json_object_get_int64(o);
	if (i < 0)
		return -EBADMSG;
	*v = (uint64_t)i;
	return 0;
}

static int get_i64(json_object *obj, const char *key, int64_t *v)
{
	json_object *o;

	if (!json_object_object_get_ex(obj, key, &o))
		return 0;
	if (!json_object_is_type(o, json_type_int))
		return -EBADMSG;
	*v = json_object_get_int64(o);
	return 0;
}

static int get_bool(json_object *obj, const char *key, bool *v)
{
	json_object *o;

	if (!json_object_object_get_ex(obj, key, &o))
		return 0;
	if (!json_object_is_type(o, json_type_boolean))
		return -EBADMSG;
	*v = json_object_get_boolean(o);
	return 0;
}

/* Copy a string field, truncated to buf (printable characters only). */
static int get_str(json_object *obj, const char *key, char *buf, size_t len, bool *present)
{
	json_object *o;
	const char *s;
	size_t i;

	if (present)
		*present = false;
	if (!json_object_object_get_ex(obj, key, &o))
		return 0;
	if (!json_object_is_type(o, json_type_string))
		return -EBADMSG;
	s = json_object_get_string(o);
	for (i = 0; s[i] && i + 1 < len; i++)
		buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	buf[i] = '\0';
	if (present)
		*present = true;
	return 0;
}

static json_object *get_obj(json_object *obj, const char *key, int *err)
{
	json_object *o;

	if (!json_object_object_get_ex(obj, key, &o))
		return NULL;
	if (!json_object_is_type(o, json_type_object)) {
		*err = -EBADMSG;
		return NULL;
	}
	return o;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static int neighbor_fill(json_object *n, struct vpnha_frr_neighbor *out)
{
	json_object *afi, *bfd;
	int err = 0;
	size_t af;

	err |= get_str(n, "bgpState", out->state_str, sizeof(out->state_str), NULL);
	out->state = vpnha_frr_bgp_state_parse(out->state_str);
	err |= get_bool(n, "adminShutDown", &out->admin_down);
	err |= get_i64(n, "remoteAs", &out->remote_as);
	err |= get_i64(n, "localAs", &out->local_as);
	err |= get_u64(n, "bgpTimerUpMsec", &out->up_ms);
	err |= get_u64(n, "bgpTimerHoldTimeMsecs", &out->hold_ms);
	err |= get_u64(n, "bgpTimerKeepAliveIntervalMsecs", &out->keepalive_ms);
	err |= get_u64(n, "bgpTimerConfiguredHoldTimeMsecs", &out->conf_hold_ms);
	err |= get_u64(n, "bgpTimerConfiguredKeepAliveIntervalMsecs", &out->conf_keepalive_ms);
	err |= get_i64(n, "connectRetryTimer", &out->connect_retry_s);
	err |= get_u64(n, "connectionsEstablished", &out->established);
	err |= get_u64(n, "connectionsDropped", &out->dropped);
	if (json_object_object_get_ex(n, "lastResetTimerMsecs", NULL)) {
		err |= get_u64(n, "lastResetTimerMsecs", &out->last_reset_ms);
		out->has_last_reset = true;
	}
	err |= get_str(n, "lastResetDueTo", out->last_reset, sizeof(out->last_reset), NULL);
	if (err)
		return -EBADMSG;

	afi = get_obj(n, "addressFamilyInfo", &err);
	for (af = 0; afi && af < VPNHA_FRR_AF_COUNT; af++) {
		json_object *a = get_obj(afi, vpnha_frr_af_json_key((enum vpnha_frr_af)af), &err);

		if (!a)
			continue;
		out->af_present[af] = true;
		err |= get_u64(a, "acceptedPrefixCounter", &out->accepted[af]);
		err |= get_u64(a, "sentPrefixCounter", &out->sent[af]);
		out->accepted_total = sat_add(out->accepted_total, out->accepted[af]);
	}
	bfd = get_obj(n, "peerBfdInfo", &err);
	if (bfd) {
		out->bfd = true;
		err |= get_str(bfd, "status", out->bfd_status, sizeof(out->bfd_status), NULL);
	}
	return err ? -EBADMSG : 0;
}

int vpnha_frr_neighbor_parse(const char *json, size_t len, const char *addr, struct vpnha_frr_neighbor *out)
{
	__attribute__((cleanup(put_json))) json_object *root = NULL;
	struct addr_key k;
	int r;

	memset(out, 0, sizeof(*out));
	out->remote_as = out->local_as = out->connect_retry_s = -1;
	if (addr_key_parse(addr, &k) < 0)
		return -EINVAL;
	r = parse_json(json, len, &root);
	if (r < 0)
		return r;
	if (json_object_object_get_ex(root, "bgpNoSuchNeighbor", NULL))
		return -ENOENT;
	json_object_object_foreach(root, key, val) {
		if (!addr_key_match(&k, key))
			continue;
		if (!json_object_is_type(val, json_type_object))
			return -EBADMSG;
		return neighbor_fill(val, out);
	}
	return -ENOENT;
}

int vpnha_frr_summary_parse(const char *json, size_t len, const char *addr, struct vpnha_frr_summary_peer *out)
{
	__attribute__((cleanup(put_json))) json_object *root = NULL;
	struct addr_key k;
	int r;

	memset(out, 0, sizeof(*out));
	out->remote_as = out->local_as = -1;
	if (addr_key_parse(addr, &k) < 0)
		return -EINVAL;
	r = parse_json(json, len, &root);
	if (r < 0)
		return r;
	json_object_object_foreach(root, afkey, afval) {
		json_object *peers;
		int err = 0;

		(void)afkey;
		/* AF sections are objects with a "peers" object; skip anything else */
		if (!json_object_is_type(afval, json_type_object))
			continue;
		peers = get_obj(afval, "peers", &err);
		if (err)
			return err;
		if (!peers)
			continue;
		if (get_i64(afval, "as", &out->local_as) < 0)
			return -EBADMSG;
		json_object_object_foreach(peers, pkey, pval) {
			char st[24] = "";
			uint64_t pfx = 0;

			if (!addr_key_match(&k, pkey))
				continue;
			if (!json_object_is_type(pval, json_type_object))
				return -EBADMSG;
			err |= get_str(pval, "state", st, sizeof(st), NULL);
			err |= get_i64(pval, "remoteAs", &out->remote_as);
			err |= get_u64(pval, "pfxRcd", &pfx);
			if (err)
				return -EBADMSG;
			out->state = vpnha_frr_bgp_state_parse(st);
			out->pfx_rcvd = sat_add(out->pfx_rcvd, pfx);
			out->n_afs++;
			break;
		}
	}
	return out->n_afs ? 0 : -ENOENT;
}

int vpnha_frr_vrfs_has(const char *json, size_t len, const char *vrf)
{
	__attribute__((cleanup(put_json))) json_object *root = NULL;
	json_object *vrfs;
	int r, err = 0;

	r = parse_json(json, len, &root);
	if (r < 0)
		return r;
	vrfs = get_obj(root, "vrfs", &err);
	if (err)
		return err;
	if (!vrfs)
		return -EBADMSG;
	if (!vrf || !*vrf)
		vrf = "default";
	return json_object_object_get_ex(vrfs, vrf, NULL) ? 0 : -ENOENT;
}

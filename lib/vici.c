/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VICI encoder, strict decoder and a deadline-bounded unix-socket client. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "vici.h"

/* ---------------------------------------------------------------- encoder */

void vpnha_vici_writer_init(struct vpnha_vici_writer *w)
{
	memset(w, 0, sizeof(*w));
}

void vpnha_vici_writer_free(struct vpnha_vici_writer *w)
{
	if (w->buf)
		explicit_bzero(w->buf, w->cap);
	free(w->buf);
	memset(w, 0, sizeof(*w));
}

static void w_fail(struct vpnha_vici_writer *w, int err)
{
	if (!w->err)
		w->err = err;
}

static bool w_reserve(struct vpnha_vici_writer *w, size_t n)
{
	size_t cap;
	uint8_t *nb;

	if (w->err)
		return false;
	if (n > VPNHA_VICI_MAX_MSG || w->len > VPNHA_VICI_MAX_MSG - n) {
		w_fail(w, -EMSGSIZE);
		return false;
	}
	if (w->len + n <= w->cap)
		return true;
	cap = w->cap ? w->cap : 256;
	while (cap < w->len + n)
		cap *= 2;
	/* grow by copy so a secret never stays behind in freed memory */
	nb = malloc(cap);
	if (!nb) {
		w_fail(w, -ENOMEM);
		return false;
	}
	if (w->buf) {
		memcpy(nb, w->buf, w->len);
		explicit_bzero(w->buf, w->cap);
		free(w->buf);
	}
	w->buf = nb;
	w->cap = cap;
	return true;
}

static void w_u8(struct vpnha_vici_writer *w, uint8_t v)
{
	if (w_reserve(w, 1))
		w->buf[w->len++] = v;
}

static void w_bytes(struct vpnha_vici_writer *w, const void *p, size_t n)
{
	if (n && w_reserve(w, n)) {
		memcpy(w->buf + w->len, p, n);
		w->len += n;
	}
}

static void w_name(struct vpnha_vici_writer *w, const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > 255) {
		w_fail(w, -EINVAL);
		return;
	}
	w_u8(w, (uint8_t)n);
	w_bytes(w, name, n);
}

static void w_value(struct vpnha_vici_writer *w, const void *v, size_t n)
{
	if (n > 0xffff) {
		w_fail(w, -EINVAL);
		return;
	}
	w_u8(w, (uint8_t)(n >> 8));
	w_u8(w, (uint8_t)n);
	w_bytes(w, v, n);
}

void vpnha_vici_section_start(struct vpnha_vici_writer *w, const char *name)
{
	if (w->in_list || w->depth >= VPNHA_VICI_MAX_DEPTH) {
		w_fail(w, -EINVAL);
		return;
	}
	w_u8(w, VPNHA_VICI_SECTION_START);
	w_name(w, name);
	w->depth++;
}

void vpnha_vici_section_end(struct vpnha_vici_writer *w)
{
	if (w->in_list || w->depth == 0) {
		w_fail(w, -EINVAL);
		return;
	}
	w_u8(w, VPNHA_VICI_SECTION_END);
	w->depth--;
}

void vpnha_vici_kv_bin(struct vpnha_vici_writer *w, const char *name, const void *value, size_t len)
{
	if (w->in_list) {
		w_fail(w, -EINVAL);
		return;
	}
	w_u8(w, VPNHA_VICI_KEY_VALUE);
	w_name(w, name);
	w_value(w, value, len);
}

void vpnha_vici_kv(struct vpnha_vici_writer *w, const char *name, const char *value)
{
	if (!value) {
		w_fail(w, -EINVAL);
		return;
	}
	vpnha_vici_kv_bin(w, name, value, strlen(value));
}

void vpnha_vici_kv_fmt(struct vpnha_vici_writer *w, const char *name, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		w_fail(w, -EINVAL);
		return;
	}
	vpnha_vici_kv_bin(w, name, buf, (size_t)n);
}

void vpnha_vici_list_start(struct vpnha_vici_writer *w, const char *name)
{
	if (w->in_list) {
		w_fail(w, -EINVAL);
		return;
	}
	w_u8(w, VPNHA_VICI_LIST_START);
	w_name(w, name);
	w->in_list = true;
}

void vpnha_vici_list_item(struct vpnha_vici_writer *w, const char *value)
{
	if (!w->in_list || !value) {
		w_fail(w, -EINVAL);
		return;
	}
	w_u8(w, VPNHA_VICI_LIST_ITEM);
	w_value(w, value, strlen(value));
}

void vpnha_vici_list_end(struct vpnha_vici_writer *w)
{
	if (!w->in_list) {
		w_fail(w, -EINVAL);
		return;
	}
	w_u8(w, VPNHA_VICI_LIST_END);
	w->in_list = false;
}

int vpnha_vici_writer_error(const struct vpnha_vici_writer *w)
{
	if (w->err)
		return w->err;
	if (w->depth || w->in_list)
		return -EINVAL;
	return 0;
}

/* ---------------------------------------------------------------- decoder */

struct reader {
	const uint8_t *p;
	size_t left;
};

static int r_u8(struct reader *r, uint8_t *v)
{
	if (r->left < 1)
		return -EBADMSG;
	*v = *r->p++;
	r->left--;
	return 0;
}

static int r_name(struct reader *r, char **out)
{
	uint8_t n;
	char *s;

	if (r_u8(r, &n) < 0 || n == 0 || r->left < n)
		return -EBADMSG;
	if (memchr(r->p, '\0', n))
		return -EBADMSG;
	s = malloc((size_t)n + 1);
	if (!s)
		return -ENOMEM;
	memcpy(s, r->p, n);
	s[n] = '\0';
	r->p += n;
	r->left -= n;
	*out = s;
	return 0;
}

static int r_value(struct reader *r, char **out, size_t *len)
{
	size_t n;
	char *s;

	if (r->left < 2)
		return -EBADMSG;
	n = ((size_t)r->p[0] << 8) | r->p[1];
	r->p += 2;
	r->left -= 2;
	if (r->left < n)
		return -EBADMSG;
	s = malloc(n + 1);
	if (!s)
		return -ENOMEM;
	memcpy(s, r->p, n);
	s[n] = '\0';
	r->p += n;
	r->left -= n;
	*out = s;
	*len = n;
	return 0;
}

static void node_clear(struct vpnha_vici_node *n)
{
	size_t i;

	for (i = 0; i < n->n_children; i++)
		node_clear(&n->children[i]);
	free(n->children);
	free(n->name);
	free(n->value);
}

void vpnha_vici_node_free(struct vpnha_vici_node *n)
{
	if (!n)
		return;
	node_clear(n);
	free(n);
}

/* Append a zeroed child; returns NULL on ENOMEM or too many children. */
static struct vpnha_vici_node *node_add(struct vpnha_vici_node *parent)
{
	struct vpnha_vici_node *nc;

	/* every element takes >= 2 bytes, so VPNHA_VICI_MAX_MSG bounds the count */
	if (parent->n_children >= VPNHA_VICI_MAX_MSG / 2)
		return NULL;
	nc = realloc(parent->children, (parent->n_children + 1) * sizeof(*nc));
	if (!nc)
		return NULL;
	parent->children = nc;
	memset(&nc[parent->n_children], 0, sizeof(*nc));
	return &nc[parent->n_children++];
}

/* Parse elements into SEC until SECTION_END (depth > 0) or the end (depth 0). */
static int parse_section(struct reader *r, struct vpnha_vici_node *sec, unsigned depth)
{
	struct vpnha_vici_node *n;
	uint8_t t;
	int err;

	for (;;) {
		if (r->left == 0)
			return depth == 0 ? 0 : -EBADMSG;
		if ((err = r_u8(r, &t)) < 0)
			return err;
		switch (t) {
		case VPNHA_VICI_SECTION_END:
			return depth > 0 ? 0 : -EBADMSG;
		case VPNHA_VICI_SECTION_START:
			if (depth + 1 > VPNHA_VICI_MAX_DEPTH)
				return -EBADMSG;
			if (!(n = node_add(sec)))
				return -ENOMEM;
			n->type = VPNHA_VICI_NODE_SECTION;
			if ((err = r_name(r, &n->name)) < 0)
				return err;
			if ((err = parse_section(r, n, depth + 1)) < 0)
				return err;
			break;
		case VPNHA_VICI_KEY_VALUE:
			if (!(n = node_add(sec)))
				return -ENOMEM;
			n->type = VPNHA_VICI_NODE_VALUE;
			if ((err = r_name(r, &n->name)) < 0)
				return err;
			if ((err = r_value(r, &n->value, &n->value_len)) < 0)
				return err;
			break;
		case VPNHA_VICI_LIST_START:
			if (!(n = node_add(sec)))
				return -ENOMEM;
			n->type = VPNHA_VICI_NODE_LIST;
			if ((err = r_name(r, &n->name)) < 0)
				return err;
			for (;;) {
				struct vpnha_vici_node *it;

				if ((err = r_u8(r, &t)) < 0)
					return err;
				if (t == VPNHA_VICI_LIST_END)
					break;
				if (t != VPNHA_VICI_LIST_ITEM)
					return -EBADMSG;
				if (!(it = node_add(n)))
					return -ENOMEM;
				it->type = VPNHA_VICI_NODE_VALUE;
				if ((err = r_value(r, &it->value, &it->value_len)) < 0)
					return err;
			}
			break;
		default:
			return -EBADMSG;
		}
	}
}

int vpnha_vici_msg_parse(const uint8_t *data, size_t len, struct vpnha_vici_node **root)
{
	struct reader r = { data, len };
	struct vpnha_vici_node *n;
	int err;

	*root = NULL;
	if (len > VPNHA_VICI_MAX_MSG)
		return -EMSGSIZE;
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->type = VPNHA_VICI_NODE_SECTION;
	err = parse_section(&r, n, 0);
	if (err < 0) {
		vpnha_vici_node_free(n);
		return err;
	}
	*root = n;
	return 0;
}

static void encode_members(const struct vpnha_vici_node *sec, struct vpnha_vici_writer *w)
{
	size_t i, j;

	for (i = 0; i < sec->n_children; i++) {
		const struct vpnha_vici_node *c = &sec->children[i];

		switch (c->type) {
		case VPNHA_VICI_NODE_SECTION:
			vpnha_vici_section_start(w, c->name);
			encode_members(c, w);
			vpnha_vici_section_end(w);
			break;
		case VPNHA_VICI_NODE_VALUE:
			vpnha_vici_kv_bin(w, c->name, c->value, c->value_len);
			break;
		case VPNHA_VICI_NODE_LIST:
			vpnha_vici_list_start(w, c->name);
			for (j = 0; j < c->n_children; j++) {
				const struct vpnha_vici_node *it = &c->children[j];

				if (it->value_len > 0xffff) {
					w_fail(w, -EINVAL);
					return;
				}
				w_u8(w, VPNHA_VICI_LIST_ITEM);
				w_value(w, it->value, it->value_len);
			}
			vpnha_vici_list_end(w);
			break;
		}
	}
}

int vpnha_vici_msg_encode(const struct vpnha_vici_node *root, struct vpnha_vici_writer *w)
{
	if (!root || root->type != VPNHA_VICI_NODE_SECTION)
		return -EINVAL;
	encode_members(root, w);
	return vpnha_vici_writer_error(w);
}

const struct vpnha_vici_node *vpnha_vici_node_get(const struct vpnha_vici_node *sec, const char *name)
{
	size_t i;

	if (!sec || sec->type != VPNHA_VICI_NODE_SECTION)
		return NULL;
	for (i = 0; i < sec->n_children; i++)
		if (sec->children[i].name && !strcmp(sec->children[i].name, name))
			return &sec->children[i];
	return NULL;
}

const char *vpnha_vici_value_str(const struct vpnha_vici_node *v)
{
	if (!v || v->type != VPNHA_VICI_NODE_VALUE || !v->value)
		return NULL;
	if (memchr(v->value, '\0', v->value_len))
		return NULL;
	return v->value;
}

const char *vpnha_vici_node_str(const struct vpnha_vici_node *sec, const char *name)
{
	return vpnha_vici_value_str(vpnha_vici_node_get(sec, name));
}

int vpnha_vici_packet_parse(const uint8_t *pkt, size_t len, uint8_t *type, char *name,
			    const uint8_t **body, size_t *body_len)
{
	size_t off = 1;

	name[0] = '\0';
	if (len < 1 || len > VPNHA_VICI_MAX_MSG)
		return -EBADMSG;
	*type = pkt[0];
	switch (*type) {
	case VPNHA_VICI_CMD_REQUEST:
	case VPNHA_VICI_EVENT_REGISTER:
	case VPNHA_VICI_EVENT_UNREGISTER:
	case VPNHA_VICI_EVENT: {
		size_t n;

		if (len < 2)
			return -EBADMSG;
		n = pkt[1];
		if (n == 0 || len < 2 + n || memchr(pkt + 2, '\0', n))
			return -EBADMSG;
		memcpy(name, pkt + 2, n);
		name[n] = '\0';
		off = 2 + n;
		break;
	}
	case VPNHA_VICI_CMD_RESPONSE:
	case VPNHA_VICI_CMD_UNKNOWN:
	case VPNHA_VICI_EVENT_CONFIRM:
	case VPNHA_VICI_EVENT_UNKNOWN:
		break;
	default:
		return -EBADMSG;
	}
	*body = pkt + off;
	*body_len = len - off;
	return 0;
}

bool vpnha_vici_spi_parse(const char *s, uint32_t *spi)
{
	char *end;
	unsigned long x;

	if (!s || !*s || strlen(s) > 8 || strspn(s, "0123456789abcdefABCDEF") != strlen(s))
		return false;
	errno = 0;
	x = strtoul(s, &end, 16);
	if (errno || *end)
		return false;
	*spi = (uint32_t)x;
	return true;
}

int vpnha_vici_check_success(const struct vpnha_vici_node *resp, const char **errmsg)
{
	const char *s = vpnha_vici_node_str(resp, "success");

	if (errmsg)
		*errmsg = NULL;
	if (s && !strcmp(s, "yes"))
		return 0;
	if (errmsg)
		*errmsg = vpnha_vici_node_str(resp, "errmsg");
	return -EREMOTEIO;
}

/* ---------------------------------------------------------------- client */

struct vpnha_vici_conn {
	int fd;
};

/* Wait for EVENTS on fd until the deadline: 0, -ETIMEDOUT, or -errno. */
static int wait_fd(int fd, short events, uint64_t deadline)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = events };
		uint64_t now = vpnha_now_ms();
		int r;

		if (now >= deadline)
			return -ETIMEDOUT;
		r = poll(&pfd, 1, (int)(deadline - now > 60000 ? 60000 : deadline - now));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r > 0)
			return 0;
	}
}

int vpnha_vici_connect(struct vpnha_vici_conn **out, const char *path, uint64_t deadline)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct vpnha_vici_conn *c;
	int fd, err;

	*out = NULL;
	if (!path || strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno != EINPROGRESS && errno != EAGAIN) {
			err = -errno;
			goto fail;
		}
		if ((err = wait_fd(fd, POLLOUT, deadline)) < 0)
			goto fail;
		{
			int so = 0;
			socklen_t sl = sizeof(so);

			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &sl) < 0) {
				err = -errno;
				goto fail;
			}
			if (so) {
				err = -so;
				goto fail;
			}
		}
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		err = -ENOMEM;
		goto fail;
	}
	c->fd = fd;
	*out = c;
	return 0;
fail:
	close(fd);
	return err;
}

void vpnha_vici_close(struct vpnha_vici_conn *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}

static int send_all(struct vpnha_vici_conn *c, const uint8_t *p, size_t n, uint64_t deadline)
{
	while (n > 0) {
		ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				int err = wait_fd(c->fd, POLLOUT, deadline);

				if (err < 0)
					return err;
				continue;
			}
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int recv_all(struct vpnha_vici_conn *c, uint8_t *p, size_t n, uint64_t deadline)
{
	while (n > 0) {
		ssize_t r = recv(c->fd, p, n, 0);

		if (r == 0)
			return -ECONNRESET;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				int err = wait_fd(c->fd, POLLIN, deadline);

				if (err < 0)
					return err;
				continue;
			}
			return -errno;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Send one packet: type, optional name, optional message body. */
static int send_packet(struct vpnha_vici_conn *c, uint8_t type, const char *name,
		       const struct vpnha_vici_writer *msg, uint64_t deadline)
{
	size_t nlen = name ? strlen(name) : 0, blen = msg ? msg->len : 0, total;
	uint8_t *pkt;
	int err;

	if (nlen > 255 || (name && nlen == 0))
		return -EINVAL;
	if (msg && vpnha_vici_writer_error(msg) < 0)
		return vpnha_vici_writer_error(msg);
	total = 1 + (name ? 1 + nlen : 0) + blen;
	if (total > VPNHA_VICI_MAX_MSG)
		return -EMSGSIZE;
	pkt = malloc(4 + total);
	if (!pkt)
		return -ENOMEM;
	pkt[0] = (uint8_t)(total >> 24);
	pkt[1] = (uint8_t)(total >> 16);
	pkt[2] = (uint8_t)(total >> 8);
	pkt[3] = (uint8_t)total;
	pkt[4] = type;
	if (name) {
		pkt[5] = (uint8_t)nlen;
		memcpy(pkt + 6, name, nlen);
	}
	if (blen)
		memcpy(pkt + 4 + total - blen, msg->buf, blen);
	err = send_all(c, pkt, 4 + total, deadline);
	explicit_bzero(pkt, 4 + total);
	free(pkt);
	return err;
}

/* Receive one packet into a malloc'd buffer (without the length). */
static int recv_packet(struct vpnha_vici_conn *c, uint8_t **pkt, size_t *len, uint64_t deadline)
{
	uint8_t hdr[4];
	size_t n;
	uint8_t *p;
	int err;

	*pkt = NULL;
	if ((err = recv_all(c, hdr, 4, deadline)) < 0)
		return err;
	n = ((size_t)hdr[0] << 24) | ((size_t)hdr[1] << 16) | ((size_t)hdr[2] << 8) | hdr[3];
	if (n == 0 || n > VPNHA_VICI_MAX_MSG)
		return -EBADMSG;
	p = malloc(n);
	if (!p)
		return -ENOMEM;
	if ((err = recv_all(c, p, n, deadline)) < 0) {
		free(p);
		return err;
	}
	*pkt = p;
	*len = n;
	return 0;
}

/*
 * Read packets until one of the wanted control types arrives; events go to
 * FN (when their name is EVENT), others are dropped. Returns the packet type
 * (>= 0) and, for a response, the parsed message in *resp.
 */
static int recv_until(struct vpnha_vici_conn *c, const char *event, vpnha_vici_event_fn fn, void *ud,
		      bool want_response, uint64_t deadline, struct vpnha_vici_node **resp)
{
	for (;;) {
		uint8_t *pkt = NULL, type;
		const uint8_t *body;
		size_t len, blen;
		char name[256];
		int err;

		if ((err = recv_packet(c, &pkt, &len, deadline)) < 0)
			return err;
		err = vpnha_vici_packet_parse(pkt, len, &type, name, &body, &blen);
		if (err < 0)
			goto next;
		if (type == VPNHA_VICI_EVENT) {
			if (event && fn && !strcmp(name, event)) {
				struct vpnha_vici_node *ev;

				err = vpnha_vici_msg_parse(body, blen, &ev);
				if (err == 0) {
					err = fn(ev, ud);
					vpnha_vici_node_free(ev);
				}
				if (err < 0)
					goto next;
			}
			free(pkt);
			continue;
		}
		if (want_response) {
			if (type == VPNHA_VICI_CMD_RESPONSE) {
				err = resp ? vpnha_vici_msg_parse(body, blen, resp) : 0;
				if (err == 0)
					err = type;
			} else if (type == VPNHA_VICI_CMD_UNKNOWN) {
				err = -EOPNOTSUPP;
			} else {
				err = -EBADMSG;
			}
		} else {
			if (type == VPNHA_VICI_EVENT_CONFIRM)
				err = type;
			else if (type == VPNHA_VICI_EVENT_UNKNOWN)
				err = -EOPNOTSUPP;
			else
				err = -EBADMSG;
		}
next:
		free(pkt);
		return err;
	}
}

int vpnha_vici_request(struct vpnha_vici_conn *c, const char *cmd, const struct vpnha_vici_writer *req,
		       const char *event, vpnha_vici_event_fn fn, void *ud,
		       uint64_t deadline, struct vpnha_vici_node **resp)
{
	int err;

	if (resp)
		*resp = NULL;
	if (event) {
		if ((err = send_packet(c, VPNHA_VICI_EVENT_REGISTER, event, NULL, deadline)) < 0)
			return err;
		if ((err = recv_until(c, NULL, NULL, NULL, false, deadline, NULL)) < 0)
			return err;
	}
	if ((err = send_packet(c, VPNHA_VICI_CMD_REQUEST, cmd, req, deadline)) < 0)
		return err;
	err = recv_until(c, event, fn, ud, true, deadline, resp);
	if (err < 0)
		return err;
	if (event) {
		int e2 = send_packet(c, VPNHA_VICI_EVENT_UNREGISTER, event, NULL, deadline);

		if (e2 == 0)
			e2 = recv_until(c, NULL, NULL, NULL, false, deadline, NULL);
		if (e2 < 0) {
			if (resp) {
				vpnha_vici_node_free(*resp);
				*resp = NULL;
			}
			return e2;
		}
	}
	return 0;
}

int vpnha_vici_command(struct vpnha_vici_conn *c, const char *cmd, const struct vpnha_vici_writer *req,
		       uint64_t deadline_ms, char *why, size_t whylen, struct vpnha_vici_node **resp)
{
	struct vpnha_vici_node *r = NULL;
	const char *msg;
	int err;

	if (resp)
		*resp = NULL;
	err = vpnha_vici_request(c, cmd, req, NULL, NULL, NULL, deadline_ms, &r);
	if (err < 0) {
		snprintf(why, whylen, "%s: %s", cmd, strerror(-err));
		return err;
	}
	err = vpnha_vici_check_success(r, &msg);
	if (err < 0)
		snprintf(why, whylen, "%s: %s", cmd, msg ? msg : "failed");
	if (err == 0 && resp)
		*resp = r;
	else
		vpnha_vici_node_free(r);
	return err;
}

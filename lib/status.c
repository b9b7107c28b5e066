/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The status wire format (lib/status.h): one table per container (its
 * scalar fields and its lists of items) drives both the encoder and the
 * decoder, so the two cannot disagree.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

#define MAGIC "VPHS"

enum ftype {
	F_UINT,
	F_STR
};

struct field {
	uint16_t type;
	uint8_t ftype;
	size_t off, size;
};

struct cdef;

struct list {
	uint16_t type;
	const struct cdef *item;
	size_t arr_off, count_off, item_size, max;
};

struct cdef {
	const struct field *fields;
	size_t n_fields;
	const struct list *lists;
	size_t n_lists;
};

#define FU(t, st, m)                                             \
	{                                                        \
		t, F_UINT, offsetof(st, m), sizeof(((st *)0)->m) \
	}
#define FS(t, st, m)                                            \
	{                                                       \
		t, F_STR, offsetof(st, m), sizeof(((st *)0)->m) \
	}
#define LIST(t, def, st, arr, cnt, max)                                                         \
	{                                                                                       \
		t, &(def), offsetof(st, arr), offsetof(st, cnt), sizeof(((st *)0)->arr[0]), max \
	}

#define L struct vpnha_status_link
static const struct field link_fields[] = {
	FS(1, L, name),
	FU(2, L, raw),
	FU(3, L, published),
	FU(4, L, suppressed),
};
#undef L
#define A struct vpnha_status_sa
static const struct field sa_fields[] = {
	FS(1, A, conn),
	FS(2, A, child),
	FS(3, A, state),
	FS(4, A, ike_state),
	FS(5, A, local),
	FS(6, A, remote),
	FU(7, A, spi_in),
	FU(8, A, spi_out),
	FU(9, A, bytes_in),
	FU(10, A, bytes_out),
	FU(11, A, packets_in),
	FU(12, A, packets_out),
	FU(13, A, established_s),
	FU(14, A, rekey_s),
	FU(15, A, in_kernel),
};
#undef A
#define G struct vpnha_status_gre
static const struct field gre_fields[] = {
	FS(1, G, ifname),
	FS(2, G, kind),
	FU(3, G, up),
	FS(4, G, local),
	FS(5, G, remote),
	FS(6, G, inner),
	FU(7, G, rx_bytes),
	FU(8, G, tx_bytes),
	FU(9, G, rx_packets),
	FU(10, G, tx_packets),
	FU(11, G, rx_errors),
	FU(12, G, tx_errors),
};
#undef G
#define B struct vpnha_status_bgp
static const struct field bgp_fields[] = {
	FS(1, B, neighbor),
	FS(2, B, vrf),
	FS(3, B, state),
	FU(4, B, up_s),
	FU(5, B, pfx_rx),
	FU(6, B, pfx_tx),
	FS(7, B, bfd),
};
#undef B
#define V struct vpnha_status_vip
static const struct field vip_fields[] = { FS(1, V, addr), FS(2, V, ifname), FU(3, V, present) };
#undef V
#define R struct vpnha_status_role
static const struct field role_fields[] = { FU(1, R, at), FU(2, R, kind), FS(3, R, reason) };
#undef R

#define ITEM(name)                                                                       \
	{                                                                                \
		name##_fields, sizeof(name##_fields) / sizeof(name##_fields[0]), NULL, 0 \
	}
static const struct cdef link_def = ITEM(link), sa_def = ITEM(sa), gre_def = ITEM(gre),
			 bgp_def = ITEM(bgp), vip_def = ITEM(vip), role_def = ITEM(role);

#define N struct vpnha_status_node
static const struct field node_fields[] = {
	FS(1, N, name),
	FU(2, N, nodeid),
	FU(3, N, member),
	FU(4, N, since),
	FU(5, N, updated),
	FU(6, N, quorate),
	FU(7, N, minor),
};
static const struct list node_lists[] = {
	LIST(16, link_def, N, links, n_links, VPNHA_STATUS_MAX_ITEMS),
	LIST(17, sa_def, N, sas, n_sas, VPNHA_STATUS_MAX_ITEMS),
	LIST(18, gre_def, N, gres, n_gres, VPNHA_STATUS_MAX_ITEMS),
	LIST(19, bgp_def, N, bgps, n_bgps, VPNHA_STATUS_MAX_ITEMS),
	LIST(20, vip_def, N, vips, n_vips, VPNHA_STATUS_MAX_ITEMS),
	LIST(21, role_def, N, roles, n_roles, VPNHA_STATUS_MAX_ROLES),
};
#undef N
static const struct cdef node_def = { node_fields, 7, node_lists, 6 };

#define S struct vpnha_status_site
static const struct field site_fields[] = {
	FU(1, S, generated),
	FU(2, S, quorate),
	FU(3, S, local_nodeid),
};
static const struct list site_lists[] = {
	LIST(16, node_def, S, nodes, n_nodes, VPNHA_STATUS_MAX_NODES),
};
#undef S
static const struct cdef site_def = { site_fields, 3, site_lists, 1 };

/* ---- encoder ---- */

struct wbuf {
	uint8_t *buf;
	size_t len, cap;
	int err; /* sticky */
};

static uint8_t *w_reserve(struct wbuf *w, size_t n)
{
	uint8_t *p;

	if (w->err)
		return NULL;
	if (w->len + n > VPNHA_STATUS_MAX_MSG) {
		w->err = -EMSGSIZE;
		return NULL;
	}
	if (w->len + n > w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 1024;

		while (cap < w->len + n)
			cap *= 2;
		p = realloc(w->buf, cap);
		if (!p) {
			w->err = -ENOMEM;
			return NULL;
		}
		w->buf = p;
		w->cap = cap;
	}
	p = w->buf + w->len;
	w->len += n;
	return p;
}

static void put_be(uint8_t *p, uint64_t v, size_t n)
{
	while (n--) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

static uint64_t get_be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | *p++;
	return v;
}

/* Open a TLV; returns its offset (for tlv_close), or 0 after an error. */
static size_t tlv_open(struct wbuf *w, uint16_t type)
{
	uint8_t *p = w_reserve(w, 4);

	if (!p)
		return 0;
	put_be(p, type, 2);
	return w->len - 4;
}

static void tlv_close(struct wbuf *w, size_t at)
{
	size_t n;

	if (w->err)
		return;
	n = w->len - at - 4;
	if (n > UINT16_MAX) {
		w->err = -EMSGSIZE;
		return;
	}
	put_be(w->buf + at + 2, n, 2);
}

static uint64_t field_get(const void *base, const struct field *f)
{
	const uint8_t *p = (const uint8_t *)base + f->off;

	switch (f->size) {
	case 1:
		return *p;
	case 2:
		return *(const uint16_t *)(const void *)p;
	case 4:
		return *(const uint32_t *)(const void *)p;
	default:
		return *(const uint64_t *)(const void *)p;
	}
}

static void field_set(void *base, const struct field *f, uint64_t v)
{
	uint8_t *p = (uint8_t *)base + f->off;

	switch (f->size) {
	case 1:
		*p = (uint8_t)v;
		break;
	case 2:
		*(uint16_t *)(void *)p = (uint16_t)v;
		break;
	case 4:
		*(uint32_t *)(void *)p = (uint32_t)v;
		break;
	default:
		*(uint64_t *)(void *)p = v;
	}
}

static void encode_field(struct wbuf *w, const void *base, const struct field *f)
{
	size_t at = tlv_open(w, f->type), n;
	const char *s;
	uint8_t *p;

	if (f->ftype == F_UINT) {
		p = w_reserve(w, f->size);
		if (p)
			put_be(p, field_get(base, f), f->size);
	} else {
		s = (const char *)base + f->off;
		n = strnlen(s, f->size);
		if (n == f->size && !w->err)
			w->err = -EINVAL;
		p = w_reserve(w, n);
		if (p)
			memcpy(p, s, n);
	}
	tlv_close(w, at);
}

static void encode_container(struct wbuf *w, const void *base, const struct cdef *d)
{
	size_t i, k, count, at;

	for (i = 0; i < d->n_fields; i++)
		encode_field(w, base, &d->fields[i]);
	for (i = 0; i < d->n_lists; i++) {
		const struct list *l = &d->lists[i];

		count = *(const size_t *)(const void *)((const uint8_t *)base + l->count_off);
		if (count > l->max) {
			w->err = w->err ? w->err : -EINVAL;
			return;
		}
		for (k = 0; k < count; k++) {
			at = tlv_open(w, l->type);
			encode_container(w, (const uint8_t *)base + l->arr_off + k * l->item_size, l->item);
			tlv_close(w, at);
		}
	}
}

static int encode(uint8_t kind, const void *base, const struct cdef *d, uint8_t **out, size_t *len)
{
	struct wbuf w = { 0 };
	uint8_t *h = w_reserve(&w, VPNHA_STATUS_HDR_LEN);

	if (h) {
		memcpy(h, MAGIC, 4);
		h[4] = VPNHA_STATUS_MAJOR;
		h[5] = VPNHA_STATUS_MINOR;
		h[6] = kind;
		h[7] = 0;
	}
	encode_container(&w, base, d);
	if (w.err) {
		free(w.buf);
		return w.err;
	}
	put_be(w.buf + 8, w.len - VPNHA_STATUS_HDR_LEN, 4);
	*out = w.buf;
	*len = w.len;
	return 0;
}

int vpnha_status_report_encode(const struct vpnha_status_node *n, uint8_t **out, size_t *len)
{
	return encode(VPNHA_STATUS_KIND_REPORT, n, &node_def, out, len);
}

int vpnha_status_site_encode(const struct vpnha_status_site *s, uint8_t **out, size_t *len)
{
	return encode(VPNHA_STATUS_KIND_SITE, s, &site_def, out, len);
}

/* ---- decoder ---- */

int vpnha_status_header(const uint8_t *buf, size_t len, uint8_t *kind, uint8_t *minor, size_t *msg_len)
{
	uint64_t body;

	if (len < VPNHA_STATUS_HDR_LEN)
		return -EAGAIN;
	if (memcmp(buf, MAGIC, 4) != 0)
		return -EBADMSG;
	if (buf[4] != VPNHA_STATUS_MAJOR)
		return -EPROTONOSUPPORT;
	body = get_be(buf + 8, 4);
	if (body > VPNHA_STATUS_MAX_MSG - VPNHA_STATUS_HDR_LEN)
		return -EBADMSG;
	*kind = buf[6];
	*minor = buf[5];
	*msg_len = VPNHA_STATUS_HDR_LEN + (size_t)body;
	return 0;
}

static int decode_field(void *base, const struct field *f, const uint8_t *v, size_t n)
{
	char *s;
	uint64_t x;
	size_t i;

	if (f->ftype == F_UINT) {
		if (n < 1 || n > 8)
			return -EBADMSG;
		x = get_be(v, n);
		if (f->size < 8 && x >> (8 * f->size))
			return -EBADMSG;
		field_set(base, f, x);
		return 0;
	}
	if (n >= f->size)
		return -EBADMSG;
	/* printable ASCII only: these strings end up on a terminal */
	for (i = 0; i < n; i++)
		if (v[i] < 0x20 || v[i] > 0x7e)
			return -EBADMSG;
	s = (char *)base + f->off;
	memset(s, 0, f->size); /* a repeated field: nothing of the first left behind */
	memcpy(s, v, n);
	return 0;
}

static int decode_container(void *base, const struct cdef *d, const uint8_t *p, size_t len);

static int decode_tlv(void *base, const struct cdef *d, uint16_t type, const uint8_t *v, size_t n)
{
	size_t i, *count;

	for (i = 0; i < d->n_fields; i++)
		if (d->fields[i].type == type)
			return decode_field(base, &d->fields[i], v, n);
	for (i = 0; i < d->n_lists; i++) {
		const struct list *l = &d->lists[i];
		void *item;

		if (l->type != type)
			continue;
		count = (size_t *)(void *)((uint8_t *)base + l->count_off);
		if (*count >= l->max)
			return -EBADMSG;
		item = (uint8_t *)base + l->arr_off + *count * l->item_size;
		memset(item, 0, l->item_size);
		(*count)++;
		return decode_container(item, l->item, v, n);
	}
	return 0; /* a newer minor's field or item: skipped */
}

static int decode_container(void *base, const struct cdef *d, const uint8_t *p, size_t len)
{
	size_t off = 0, n;
	uint16_t type;
	int r;

	while (off < len) {
		if (len - off < 4)
			return -EBADMSG;
		type = (uint16_t)get_be(p + off, 2);
		n = (size_t)get_be(p + off + 2, 2);
		off += 4;
		if (n > len - off)
			return -EBADMSG;
		r = decode_tlv(base, d, type, p + off, n);
		if (r < 0)
			return r;
		off += n;
	}
	return 0;
}

static int decode(const uint8_t *buf, size_t len, uint8_t want_kind, void *out, size_t out_size,
		  const struct cdef *d, uint8_t *minor)
{
	size_t msg_len;
	uint8_t kind;
	int r;

	memset(out, 0, out_size);
	r = vpnha_status_header(buf, len, &kind, minor, &msg_len);
	if (r == -EAGAIN)
		return -EBADMSG;
	if (r < 0)
		return r;
	if (msg_len != len || kind != want_kind)
		return -EBADMSG;
	r = decode_container(out, d, buf + VPNHA_STATUS_HDR_LEN, len - VPNHA_STATUS_HDR_LEN);
	if (r < 0)
		memset(out, 0, out_size);
	return r;
}

int vpnha_status_report_decode(const uint8_t *buf, size_t len, struct vpnha_status_node *out)
{
	uint8_t minor;
	int r = decode(buf, len, VPNHA_STATUS_KIND_REPORT, out, sizeof(*out), &node_def, &minor);

	if (r == 0)
		out->minor = minor;
	return r;
}

int vpnha_status_site_decode(const uint8_t *buf, size_t len, struct vpnha_status_site *out)
{
	uint8_t minor;

	return decode(buf, len, VPNHA_STATUS_KIND_SITE, out, sizeof(*out), &site_def, &minor);
}

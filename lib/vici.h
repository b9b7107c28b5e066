/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * VICI: strongSwan's Versatile IKE Control Interface, spoken directly (Debian
 * ships libvici without a header).
 *
 * Wire format (strongSwan src/libcharon/plugins/vici/README.md): a packet is a
 * 32-bit big-endian length, then a 1-byte packet type; named packet types
 * (request, event register/unregister, event) carry an 8-bit length-prefixed
 * name; requests, responses and events then carry a message: a sequence of
 * elements (section start/end, key/value, list start/item/end). Names have an
 * 8-bit length prefix, values a 16-bit big-endian one.
 *
 * The encoder (vpnha_vici_writer) has a sticky error: call the element functions,
 * then check vpnha_vici_writer_error() once. The decoder builds a small tree and
 * rejects anything malformed: truncation, trailing bytes, unbalanced sections
 * or lists, nesting deeper than VPNHA_VICI_MAX_DEPTH, NUL bytes in names.
 *
 * The client uses a blocking-free unix socket; every call takes an absolute
 * deadline (CLOCK_MONOTONIC milliseconds, vpnha_now_ms() in util.h) and never waits
 * past it. Functions return 0 or a negative errno (-ETIMEDOUT past the
 * deadline, -ECONNREFUSED/-ENOENT when charon is not there, -EBADMSG for a
 * malformed answer, -EOPNOTSUPP for an unknown command or event).
 */
#ifndef VPNHA_VICI_H
#define VPNHA_VICI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VPNHA_VICI_MAX_MSG   (512u * 1024u) /* charon's own limit */
#define VPNHA_VICI_MAX_DEPTH 32

enum vpnha_vici_packet_type {
	VPNHA_VICI_CMD_REQUEST = 0,
	VPNHA_VICI_CMD_RESPONSE = 1,
	VPNHA_VICI_CMD_UNKNOWN = 2,
	VPNHA_VICI_EVENT_REGISTER = 3,
	VPNHA_VICI_EVENT_UNREGISTER = 4,
	VPNHA_VICI_EVENT_CONFIRM = 5,
	VPNHA_VICI_EVENT_UNKNOWN = 6,
	VPNHA_VICI_EVENT = 7,
};

enum vpnha_vici_element {
	VPNHA_VICI_SECTION_START = 1,
	VPNHA_VICI_SECTION_END = 2,
	VPNHA_VICI_KEY_VALUE = 3,
	VPNHA_VICI_LIST_START = 4,
	VPNHA_VICI_LIST_ITEM = 5,
	VPNHA_VICI_LIST_END = 6,
};

/* ---- encoder ---- */
struct vpnha_vici_writer {
	uint8_t *buf;
	size_t len, cap;
	int err;            /* first error, sticky */
	unsigned depth;     /* open sections */
	bool in_list;
};

void vpnha_vici_writer_init(struct vpnha_vici_writer *w);
/* Wipes the buffer (it may hold a secret) and frees it. */
void vpnha_vici_writer_free(struct vpnha_vici_writer *w);
void vpnha_vici_section_start(struct vpnha_vici_writer *w, const char *name);
void vpnha_vici_section_end(struct vpnha_vici_writer *w);
void vpnha_vici_kv(struct vpnha_vici_writer *w, const char *name, const char *value);
void vpnha_vici_kv_bin(struct vpnha_vici_writer *w, const char *name, const void *value, size_t len);
__attribute__((format(printf, 3, 4)))
void vpnha_vici_kv_fmt(struct vpnha_vici_writer *w, const char *name, const char *fmt, ...);
void vpnha_vici_list_start(struct vpnha_vici_writer *w, const char *name);
void vpnha_vici_list_item(struct vpnha_vici_writer *w, const char *value);
void vpnha_vici_list_end(struct vpnha_vici_writer *w);
/* 0, or the first error (-EINVAL misuse/too long, -ENOMEM, -EMSGSIZE); also
 * -EINVAL when a section or list is still open. */
int vpnha_vici_writer_error(const struct vpnha_vici_writer *w);

/* ---- decoded message tree ---- */
enum vpnha_vici_node_type { VPNHA_VICI_NODE_SECTION, VPNHA_VICI_NODE_VALUE, VPNHA_VICI_NODE_LIST };

struct vpnha_vici_node {
	enum vpnha_vici_node_type type;
	char *name;                 /* NULL for list items and the root */
	char *value;                /* VALUE: the bytes, NUL-terminated copy */
	size_t value_len;
	struct vpnha_vici_node *children; /* SECTION: members in order; LIST: VALUE items */
	size_t n_children;
};

/* Parse a message body (the elements). *root is a SECTION without name. */
int vpnha_vici_msg_parse(const uint8_t *data, size_t len, struct vpnha_vici_node **root);
void vpnha_vici_node_free(struct vpnha_vici_node *n);
/* Encode a tree back (for tests and the fuzz target's round trip). */
int vpnha_vici_msg_encode(const struct vpnha_vici_node *root, struct vpnha_vici_writer *w);

/* Member NAME of a section (first match), or NULL. */
const struct vpnha_vici_node *vpnha_vici_node_get(const struct vpnha_vici_node *sec, const char *name);
/* Value of key NAME as a string: NULL when absent, not a value, or holding a NUL. */
const char *vpnha_vici_node_str(const struct vpnha_vici_node *sec, const char *name);
/* The string value of a VALUE node (NULL if it holds a NUL byte). */
const char *vpnha_vici_value_str(const struct vpnha_vici_node *v);

/*
 * Split a packet (the bytes after the 32-bit length) into type, name (for
 * named types; "" otherwise) and message body. name must hold 256 bytes.
 */
int vpnha_vici_packet_parse(const uint8_t *pkt, size_t len, uint8_t *type, char *name,
			    const uint8_t **body, size_t *body_len);

/* An SPI as VICI writes it (spi-in, spi-out: up to 8 hex digits) into *spi
 * (host order). Returns false for anything else (NULL, empty, not hex). */
bool vpnha_vici_spi_parse(const char *s, uint32_t *spi);

/* A response's success=yes; else -EREMOTEIO and *errmsg (may be NULL) set. */
int vpnha_vici_check_success(const struct vpnha_vici_node *resp, const char **errmsg);

/* ---- client ---- */
struct vpnha_vici_conn;

int vpnha_vici_connect(struct vpnha_vici_conn **out, const char *path, uint64_t deadline_ms);
void vpnha_vici_close(struct vpnha_vici_conn *c);

/* A callback for each streamed event; a negative return aborts. */
typedef int (*vpnha_vici_event_fn)(const struct vpnha_vici_node *ev, void *userdata);

/*
 * Send command CMD with message REQ (NULL: empty) and wait for its response
 * (*resp, free with vpnha_vici_node_free). When EVENT is non-NULL it is registered
 * first and every EVENT packet arriving before the response is passed to FN
 * (list-sas streams list-sa events, list-conns list-conn events); it is
 * unregistered afterwards.
 */
int vpnha_vici_request(struct vpnha_vici_conn *c, const char *cmd, const struct vpnha_vici_writer *req,
		       const char *event, vpnha_vici_event_fn fn, void *userdata,
		       uint64_t deadline_ms, struct vpnha_vici_node **resp);

/*
 * A command whose answer is success=yes or an errmsg (load-*, unload-*,
 * initiate, terminate): 0, -EREMOTEIO (charon refused), or a transport error;
 * on failure why holds "CMD: errmsg" (or "CMD: failed", "CMD: strerror").
 * resp (may be NULL) receives the response on success only.
 */
int vpnha_vici_command(struct vpnha_vici_conn *c, const char *cmd, const struct vpnha_vici_writer *req,
		       uint64_t deadline_ms, char *why, size_t whylen, struct vpnha_vici_node **resp);

#endif

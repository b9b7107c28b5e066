/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A client of an FRR daemon's vty unix socket (<dir>/<daemon>.vty), the
 * protocol vtysh speaks: the client writes one command as a NUL-terminated
 * string; the daemon answers with the command's output followed by three
 * NUL bytes and one status byte (FRR's CMD_* code). A new connection starts
 * in view mode; "enable" then "configure" enter configuration mode.
 *
 * Every wait is bounded by an absolute deadline (CLOCK_MONOTONIC ms, as
 * vpnha_now_ms()). The library never logs command text: configuration
 * commands may carry secrets (neighbor passwords).
 *
 * Also: extraction of one neighbor's state from FRR's JSON
 * (`show bgp [vrf V] neighbors X json`, `show bgp [vrf V] summary json`).
 */
#ifndef VPNHA_FRR_H
#define VPNHA_FRR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* FRR's compiled-in vty socket directory (Debian: /var/run/frr -> /run/frr). */
#define VPNHA_FRR_VTY_DIR_DEFAULT "/var/run/frr"

/* FRR command status codes (lib/command.h), as sent in the status byte. */
enum vpnha_frr_cmd_status {
	VPNHA_FRR_CMD_SUCCESS = 0,
	VPNHA_FRR_CMD_WARNING = 1,
	VPNHA_FRR_CMD_ERR_NO_MATCH = 2,
	VPNHA_FRR_CMD_ERR_AMBIGUOUS = 3,
	VPNHA_FRR_CMD_ERR_INCOMPLETE = 4,
	VPNHA_FRR_CMD_ERR_EXEED_ARGC_MAX = 5,
	VPNHA_FRR_CMD_ERR_NOTHING_TODO = 6,
	VPNHA_FRR_CMD_WARNING_CONFIG_FAILED = 13,
};

const char *vpnha_frr_cmd_status_str(int status);

/* Longest command the client sends (FRR's vty buffer is larger). */
#define VPNHA_FRR_CMD_MAX 1024
/* Largest reply accepted by default. */
#define VPNHA_FRR_REPLY_MAX (8u << 20)

/*
 * True if s may be sent as one command: 1..VPNHA_FRR_CMD_MAX-1 printable ASCII
 * characters (no control characters, so no line break and no NUL).
 */
bool vpnha_frr_cmd_text_ok(const char *s);

/* ---- the reply framer (pure; no I/O) ---- */
struct vpnha_frr_framer {
	char *buf;       /* output so far; NUL-terminated once complete */
	size_t len;      /* bytes in buf (output + terminator bytes seen) */
	size_t cap;
	size_t max;      /* largest reply accepted */
	size_t out_len;  /* once complete: output length (without terminator) */
	int status;      /* once complete: the status byte */
	bool term_seen;  /* the three NUL bytes seen at out_len, status pending */
	bool done;
};

void vpnha_frr_framer_init(struct vpnha_frr_framer *f, size_t max);
/* Forget the reply (keep the buffer) so the next one can be framed. */
void vpnha_frr_framer_reset(struct vpnha_frr_framer *f);
void vpnha_frr_framer_free(struct vpnha_frr_framer *f);
/*
 * Feed received bytes. Returns 1 when the reply is complete (f->buf holds
 * f->out_len bytes of output, NUL-terminated; f->status the status), 0 when
 * more is needed, -EMSGSIZE when the reply exceeds max, -EPROTO when bytes
 * follow the status byte, -ENOMEM.
 */
int vpnha_frr_framer_feed(struct vpnha_frr_framer *f, const void *data, size_t n);

/* ---- the client ---- */
struct vpnha_frr_vty;

/*
 * Connect to <dir>/<daemon>.vty before deadline. Returns 0, or -ENOENT (no
 * socket: daemon not running), -ECONNREFUSED (stale socket: daemon dead),
 * -ETIMEDOUT, -ENAMETOOLONG, -EINVAL (bad daemon name), other -errno.
 */
int vpnha_frr_vty_connect(struct vpnha_frr_vty **out, const char *dir, const char *daemon, uint64_t deadline);
/* Same on an already connected stream socket (takes ownership of fd). */
int vpnha_frr_vty_from_fd(struct vpnha_frr_vty **out, int fd, uint64_t deadline);
void vpnha_frr_vty_free(struct vpnha_frr_vty *v);
/* For __attribute__((cleanup)). */
static inline void vpnha_frr_vty_freep(struct vpnha_frr_vty **v)
{
	vpnha_frr_vty_free(*v);
}
/* Move the deadline (e.g. a shorter one for one command). */
void vpnha_frr_vty_set_deadline(struct vpnha_frr_vty *v, uint64_t deadline);

/*
 * Send one command and read its reply. On 0, *status holds the command's
 * status and, if out is non-NULL, *out a malloc'd NUL-terminated copy of the
 * output (*out_len its length, may be NULL). Transport errors: -EINVAL (the
 * text fails vpnha_frr_cmd_text_ok; nothing sent), -ETIMEDOUT, -ECONNRESET (daemon
 * closed the connection), -EPROTO, -EMSGSIZE, -ENOMEM. After a transport
 * error the connection is unusable.
 */
int vpnha_frr_vty_cmd(struct vpnha_frr_vty *v, const char *cmd, int *status, char **out, size_t *out_len);
/*
 * Enter configuration mode ("enable", "configure"). 0, a transport error, or
 * -EACCES when the daemon refused (status != success).
 */
int vpnha_frr_vty_config_enter(struct vpnha_frr_vty *v);

/* ---- BGP JSON ---- */
enum vpnha_frr_bgp_state {
	VPNHA_FRR_BGP_UNKNOWN = 0,
	VPNHA_FRR_BGP_IDLE,
	VPNHA_FRR_BGP_CONNECT,
	VPNHA_FRR_BGP_ACTIVE,
	VPNHA_FRR_BGP_OPENSENT,
	VPNHA_FRR_BGP_OPENCONFIRM,
	VPNHA_FRR_BGP_ESTABLISHED,
	VPNHA_FRR_BGP_CLEARING,
	VPNHA_FRR_BGP_DELETED,
};

enum vpnha_frr_bgp_state vpnha_frr_bgp_state_parse(const char *s);
const char *vpnha_frr_bgp_state_str(enum vpnha_frr_bgp_state s);

/* Address families the agent knows (index into the per-AF arrays). */
enum vpnha_frr_af { VPNHA_FRR_AF_IPV4_UNICAST = 0, VPNHA_FRR_AF_IPV6_UNICAST, VPNHA_FRR_AF_COUNT };
/* JSON key ("ipv4Unicast") and CLI words ("ipv4 unicast") of an AF. */
const char *vpnha_frr_af_json_key(enum vpnha_frr_af af);
const char *vpnha_frr_af_cli(enum vpnha_frr_af af);

struct vpnha_frr_neighbor {
	enum vpnha_frr_bgp_state state;
	char state_str[24];
	bool admin_down;               /* adminShutDown */
	int64_t remote_as, local_as;   /* -1 when absent */
	uint64_t up_ms;                /* bgpTimerUpMsec (when Established) */
	uint64_t hold_ms, keepalive_ms;             /* negotiated */
	uint64_t conf_hold_ms, conf_keepalive_ms;   /* configured */
	int64_t connect_retry_s;       /* connectRetryTimer, -1 when absent */
	uint64_t established, dropped; /* connectionsEstablished/Dropped */
	bool has_last_reset;
	uint64_t last_reset_ms;        /* lastResetTimerMsecs: ms since last reset */
	char last_reset[80];           /* lastResetDueTo */
	bool af_present[VPNHA_FRR_AF_COUNT]; /* addressFamilyInfo has the AF */
	uint64_t accepted[VPNHA_FRR_AF_COUNT], sent[VPNHA_FRR_AF_COUNT];
	uint64_t accepted_total;
	bool bfd;                      /* peerBfdInfo present */
	char bfd_status[16];           /* peerBfdInfo.status ("Up", "Down", ...) */
};

/*
 * Extract neighbor addr (text; compared as an address, so any spelling of an
 * IPv6 address matches) from `show bgp ... neighbors X json` output. Returns
 * 0, -ENOENT when FRR reports no such neighbor, -EBADMSG for malformed JSON
 * or a wrongly typed field, -EINVAL for a bad addr.
 */
int vpnha_frr_neighbor_parse(const char *json, size_t len, const char *addr, struct vpnha_frr_neighbor *out);

struct vpnha_frr_summary_peer {
	enum vpnha_frr_bgp_state state;
	int64_t remote_as;
	uint64_t pfx_rcvd;             /* sum of pfxRcd over the AFs listing the peer */
	unsigned n_afs;                /* AFs listing the peer */
	int64_t local_as;              /* the instance's "as", -1 when absent */
};

/*
 * Extract peer addr from `show bgp ... summary json`. Returns 0, -ENOENT when
 * no AF lists the peer, -EBADMSG, -EINVAL.
 */
int vpnha_frr_summary_parse(const char *json, size_t len, const char *addr, struct vpnha_frr_summary_peer *out);

/*
 * Does `show bgp vrfs json` list a BGP instance for vrf (NULL or "default":
 * the default instance)? 0 yes, -ENOENT no, -EBADMSG.
 */
int vpnha_frr_vrfs_has(const char *json, size_t len, const char *vrf);

#endif

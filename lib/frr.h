/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A client of an FRR daemon's vty unix socket (<dir>/<daemon>.vty), the
 * protocol vtysh speaks: the client writes one command as a NUL-terminated
 * string; the daemon answers with the command's output followed by three
 * NUL bytes and one status byte (FRR's CMD_* code). A new connection starts
 * in view mode; "enable" then "configure" enter configuration mode.
 *
 * Every wait is bounded by an absolute deadline (CLOCK_MONOTONIC ms, as
 * vpnha_now_ms()). The vty client never logs command text: configuration
 * commands may carry secrets (neighbor passwords); the configuration
 * sequences (lib/frr-bgp.c) log a command at debug level unless it is
 * marked secret.
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
/* A connect or command error that means the daemon is not running. */
bool vpnha_frr_vty_gone(int err);
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
/* An AF by the name the agents take ("ipv4-unicast", "ipv6-unicast"); -1 if unknown. */
int vpnha_frr_af_parse(const char *s);

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

/* ---- BGP over a vty (lib/frr-bgp.c) ---- */
/*
 * Query neighbor ADDR of the instance for VRF ("": default) with `show bgp
 * [vrf V] neighbors X json`: 0 with *nb filled, -ENOENT when not configured,
 * -ENODEV when bgpd has no such BGP instance, other -errno (transport,
 * -EBADMSG, logged as a warning).
 */
int vpnha_frr_bgp_neighbor_query(struct vpnha_frr_vty *v, const char *vrf, const char *addr,
				 struct vpnha_frr_neighbor *nb);
/* Does bgpd have the BGP instance for VRF ("": default)? 0, -ENOENT, or -errno. */
int vpnha_frr_bgp_instance_query(struct vpnha_frr_vty *v, const char *vrf);

/* Why a configuration sequence failed, for the caller's exit reason. */
enum vpnha_frr_cfg_stage {
	VPNHA_FRR_CFG_ENTER,    /* entering configuration mode (err -EACCES: refused) */
	VPNHA_FRR_CFG_COMMAND,  /* a command (err -EREMOTEIO: refused, status and reply set) */
	VPNHA_FRR_CFG_TOO_LONG, /* a command longer than VPNHA_FRR_CMD_MAX - 1 */
};

struct vpnha_frr_cfg_error {
	enum vpnha_frr_cfg_stage stage;
	int err;                     /* the negative errno returned */
	bool secret;                 /* the command carried a secret: cmd and reply are empty */
	int status;                  /* the command's status (refused) */
	char cmd[VPNHA_FRR_CMD_MAX]; /* the command (not when secret) */
	char reply[256];             /* the first line of the reply (not when secret) */
};

/* One configuration command: 0, -EREMOTEIO (refused) or a transport error; e filled on failure. */
int vpnha_frr_config_cmd(struct vpnha_frr_vty *v, bool secret, const char *cmd, struct vpnha_frr_cfg_error *e);
__attribute__((format(printf, 3, 4))) int vpnha_frr_config_cmdf(struct vpnha_frr_vty *v, struct vpnha_frr_cfg_error *e, const char *fmt, ...);

/* One BGP instance: `router bgp AS [vrf V]` (vrf "": default). */
struct vpnha_frr_bgp_instance {
	int64_t local_as;
	const char *vrf;
};

/* Configuration mode, then `router bgp AS [vrf V]`. */
int vpnha_frr_bgp_enter(struct vpnha_frr_vty *v, const struct vpnha_frr_bgp_instance *bgp,
			struct vpnha_frr_cfg_error *e);

/* A neighbor's settings (manage=configure). */
struct vpnha_frr_bgp_neighbor_cfg {
	const char *addr;
	int64_t remote_as;
	const char *update_source; /* NULL: none */
	bool timers;               /* keepalive and holdtime given, else the defaults */
	int64_t keepalive, holdtime;
	bool connect_timer_set;
	int64_t connect_timer;
	bool bfd;
	const char *bfd_profile;     /* NULL: none */
	const char *password;        /* NULL: none; never logged */
	bool af[VPNHA_FRR_AF_COUNT]; /* activated AFs */
	bool next_hop_self;
};

/* Timers, connect timer, BFD (the settings that change without a session reset), in router bgp. */
int vpnha_frr_bgp_neighbor_tune(struct vpnha_frr_vty *v, const struct vpnha_frr_bgp_neighbor_cfg *n,
				struct vpnha_frr_cfg_error *e);
/* Add or update the neighbor in full, up (no shutdown), then end. */
int vpnha_frr_bgp_neighbor_configure(struct vpnha_frr_vty *v, const struct vpnha_frr_bgp_instance *bgp,
				     const struct vpnha_frr_bgp_neighbor_cfg *n, struct vpnha_frr_cfg_error *e);
/* Tune an existing neighbor, then end. */
int vpnha_frr_bgp_neighbor_retune(struct vpnha_frr_vty *v, const struct vpnha_frr_bgp_instance *bgp,
				  const struct vpnha_frr_bgp_neighbor_cfg *n, struct vpnha_frr_cfg_error *e);
/* `no neighbor X shutdown` (up) or `neighbor X shutdown` (unless already
 * admin down), then with remove `no neighbor X`; then end. */
int vpnha_frr_bgp_neighbor_up(struct vpnha_frr_vty *v, const struct vpnha_frr_bgp_instance *bgp, const char *addr,
			      struct vpnha_frr_cfg_error *e);
int vpnha_frr_bgp_neighbor_down(struct vpnha_frr_vty *v, const struct vpnha_frr_bgp_instance *bgp, const char *addr,
				bool admin_down, bool remove, struct vpnha_frr_cfg_error *e);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A fake charon for the Check suites (check-vici, check-ipsec): a thread
 * serving one VICI connection on a unix socket. FAKE_NORMAL answers every
 * request with an unrelated event, two list-sa events and success=yes, or
 * through f->answer; the other modes misbehave (silent, garbage, unknown).
 */
#ifndef VPNHA_FAKE_CHARON_H
#define VPNHA_FAKE_CHARON_H

#include <check.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vici.h"

enum fake_mode {
	FAKE_NORMAL,
	FAKE_SILENT,
	FAKE_GARBAGE,
	FAKE_UNKNOWN
};

struct fake {
	int lfd;
	enum fake_mode mode;
	char sock[108];
	char got_cmd[256];
	unsigned got_register;
	/* FAKE_NORMAL: when set, answers each request (events, then the
	 * response) instead of the canned list-sa events and success */
	void (*answer)(struct fake *f, int fd, const uint8_t *msg, size_t len);
	void *ud;
};

static inline int read_full(int fd, uint8_t *p, size_t n)
{
	while (n) {
		ssize_t r = read(fd, p, n);

		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static inline void write_pkt(int fd, uint8_t type, const char *name, const struct vpnha_vici_writer *w)
{
	uint8_t hdr[6 + 255];
	size_t nl = name ? strlen(name) : 0, hl = 5 + (name ? 1 + nl : 0);
	size_t total = hl - 4 + (w ? w->len : 0);

	hdr[0] = (uint8_t)(total >> 24);
	hdr[1] = (uint8_t)(total >> 16);
	hdr[2] = (uint8_t)(total >> 8);
	hdr[3] = (uint8_t)total;
	hdr[4] = type;
	if (name) {
		hdr[5] = (uint8_t)nl;
		memcpy(hdr + 6, name, nl);
	}
	ck_assert_int_eq(write(fd, hdr, hl), (ssize_t)hl);
	if (w && w->len)
		ck_assert_int_eq(write(fd, w->buf, w->len), (ssize_t)w->len);
}

/* The canned answer: an unrelated event first, then two list-sa events, then success. */
static inline void fake_canned(int fd)
{
	struct vpnha_vici_writer w;

	vpnha_vici_writer_init(&w);
	vpnha_vici_kv(&w, "x", "y");
	write_pkt(fd, VPNHA_VICI_EVENT, "log", &w);
	vpnha_vici_writer_free(&w);
	for (int i = 0; i < 2; i++) {
		vpnha_vici_writer_init(&w);
		vpnha_vici_section_start(&w, i ? "b" : "a");
		vpnha_vici_kv(&w, "state", "ESTABLISHED");
		vpnha_vici_section_end(&w);
		write_pkt(fd, VPNHA_VICI_EVENT, "list-sa", &w);
		vpnha_vici_writer_free(&w);
	}
	vpnha_vici_writer_init(&w);
	vpnha_vici_kv(&w, "success", "yes");
	write_pkt(fd, VPNHA_VICI_CMD_RESPONSE, NULL, &w);
	vpnha_vici_writer_free(&w);
}

/* One packet p (n bytes) from the client: false to close the connection. */
static inline bool fake_packet(struct fake *f, int fd, const uint8_t *p, size_t n)
{
	if (f->mode == FAKE_SILENT) {
		sleep(2);
		return false;
	}
	if (f->mode == FAKE_GARBAGE) {
		static const uint8_t junk[] = { 0, 0, 0, 3, VPNHA_VICI_CMD_RESPONSE, 9, 9 };

		ck_assert_int_eq(write(fd, junk, sizeof(junk)), (ssize_t)sizeof(junk));
		return true;
	}
	if (p[0] == VPNHA_VICI_EVENT_REGISTER || p[0] == VPNHA_VICI_EVENT_UNREGISTER) {
		f->got_register += p[0] == VPNHA_VICI_EVENT_REGISTER;
		write_pkt(fd, VPNHA_VICI_EVENT_CONFIRM, NULL, NULL);
	} else if (p[0] == VPNHA_VICI_CMD_REQUEST) {
		memcpy(f->got_cmd, p + 2, p[1]);
		f->got_cmd[p[1]] = '\0';
		if (f->mode == FAKE_UNKNOWN)
			write_pkt(fd, VPNHA_VICI_CMD_UNKNOWN, NULL, NULL);
		else if (f->answer)
			f->answer(f, fd, p + 2 + p[1], n - 2 - p[1]);
		else
			fake_canned(fd);
	}
	return true;
}

static inline void *fake_main(void *arg)
{
	struct fake *f = arg;
	int fd = accept(f->lfd, NULL, NULL);

	if (fd < 0)
		return NULL;
	for (;;) {
		uint8_t hdr[4], *p;
		size_t n;
		bool more;

		if (read_full(fd, hdr, 4) < 0)
			break;
		n = ((size_t)hdr[0] << 24) | ((size_t)hdr[1] << 16) | ((size_t)hdr[2] << 8) | hdr[3];
		p = malloc(n);
		if (!p || read_full(fd, p, n) < 0) {
			free(p);
			break;
		}
		more = fake_packet(f, fd, p, n);
		free(p);
		if (!more)
			break;
	}
	close(fd);
	return NULL;
}

static inline void fake_listen(struct fake *f, pthread_t *th)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	snprintf(f->sock, sizeof(f->sock), "/tmp/fake-charon-%d.sock", (int)getpid());
	unlink(f->sock);
	strcpy(sa.sun_path, f->sock);
	f->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(f->lfd, 0);
	ck_assert_int_eq(bind(f->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(f->lfd, 1), 0);
	ck_assert_int_eq(pthread_create(th, NULL, fake_main, f), 0);
}

static inline void fake_start(struct fake *f, pthread_t *th, enum fake_mode mode)
{
	memset(f, 0, sizeof(*f));
	f->mode = mode;
	fake_listen(f, th);
}

/* FAKE_NORMAL with answer() answering every request. */
static inline void fake_start_answer(struct fake *f, pthread_t *th,
				     void (*answer)(struct fake *f, int fd, const uint8_t *msg, size_t len), void *ud)
{
	memset(f, 0, sizeof(*f));
	f->answer = answer;
	f->ud = ud;
	fake_listen(f, th);
}

static inline void fake_stop(struct fake *f, pthread_t th)
{
	pthread_join(th, NULL);
	close(f->lfd);
	unlink(f->sock);
}

#endif

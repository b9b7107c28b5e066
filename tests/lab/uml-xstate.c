// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uml-xstate.so: LD_PRELOADed into Debian 12's linux.uml (6.1) by tests/lab/lab
 * on hosts whose CPU has a larger XSAVE area than UML 6.1 knows (AVX-512,
 * AMX: 2.7-11 KB, UML's buffer is 832 bytes).
 *
 * UML reads and writes a guest process's FP state with
 * ptrace(PTRACE_{GET,SET}REGSET, NT_X86_XSTATE) through an 832-byte iovec.
 * The host kernel accepts a short read, but a write must be the whole XSAVE
 * area (arch/x86/kernel/fpu/regset.c, xstateregs_set: "count !=
 * fpu_user_cfg.max_size" -> EFAULT), so the guest's init dies at its first
 * system call ("userspace - ptrace set fp regs failed, errno = 14").
 * Upstream UML sizes the buffer from CPUID since 6.1x; Debian 12 has 6.1.
 *
 * Here a short read of pid P reads the whole area into P's slot of a small
 * cache and returns the prefix UML asked for; a short write of P lays UML's
 * prefix over the cached area and writes the whole of it (a cache miss reads
 * it first).  The components past the prefix (AVX-512, AMX) are then written
 * back as the host process last had them, as the kernel would keep them.
 * Everything else goes to libc's ptrace unchanged.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/uio.h>

#define XSTATE_MAX (64 * 1024)
#define SLOTS 128

struct slot {
	pid_t pid;
	size_t len;
	unsigned char *buf;
};

static struct slot slots[SLOTS];
static size_t full_len; /* the host's XSAVE size, learnt from the first full read */

typedef long (*ptrace_fn)(int, pid_t, void *, void *);

static ptrace_fn real_ptrace(void)
{
	static ptrace_fn fn;

	if (!fn)
		fn = (ptrace_fn)dlsym(RTLD_NEXT, "ptrace");
	return fn;
}

static struct slot *slot_of(pid_t pid)
{
	struct slot *s = &slots[(unsigned int)pid % SLOTS];

	if (!s->buf) {
		s->buf = malloc(XSTATE_MAX);
		if (!s->buf)
			return NULL;
	}
	if (s->pid != pid) {
		s->pid = pid;
		s->len = 0;
	}
	return s;
}

/* the whole XSAVE area of pid into its slot */
static long slot_fill(struct slot *s)
{
	struct iovec full = { .iov_base = s->buf, .iov_len = full_len ? full_len : XSTATE_MAX };
	long rc = real_ptrace()(PTRACE_GETREGSET, s->pid, (void *)(long)NT_X86_XSTATE, &full);

	if (rc < 0) {
		s->len = 0;
		return rc;
	}
	s->len = full.iov_len;
	if (!full_len)
		full_len = full.iov_len;
	return rc;
}

static long xstate_get(pid_t pid, struct iovec *iov)
{
	struct slot *s = slot_of(pid);
	long rc;

	if (!s)
		return real_ptrace()(PTRACE_GETREGSET, pid, (void *)(long)NT_X86_XSTATE, iov);
	rc = slot_fill(s);
	if (rc < 0)
		return rc;
	if (iov->iov_len > s->len)
		iov->iov_len = s->len;
	memcpy(iov->iov_base, s->buf, iov->iov_len);
	return rc;
}

static long xstate_set(pid_t pid, struct iovec *iov)
{
	struct slot *s = slot_of(pid);
	struct iovec full;
	long rc;

	if (!s)
		return real_ptrace()(PTRACE_SETREGSET, pid, (void *)(long)NT_X86_XSTATE, iov);
	if (!s->len && (rc = slot_fill(s)) < 0)
		return rc;
	if (iov->iov_len >= s->len)
		return real_ptrace()(PTRACE_SETREGSET, pid, (void *)(long)NT_X86_XSTATE, iov);
	memcpy(s->buf, iov->iov_base, iov->iov_len);
	full.iov_base = s->buf;
	full.iov_len = s->len;
	return real_ptrace()(PTRACE_SETREGSET, pid, (void *)(long)NT_X86_XSTATE, &full);
}

long ptrace(enum __ptrace_request req, ...)
{
	va_list ap;
	pid_t pid;
	void *addr, *data;

	va_start(ap, req);
	pid = va_arg(ap, pid_t);
	addr = va_arg(ap, void *);
	data = va_arg(ap, void *);
	va_end(ap);
	if ((long)addr == NT_X86_XSTATE && data) {
		if (req == PTRACE_GETREGSET)
			return xstate_get(pid, data);
		if (req == PTRACE_SETREGSET)
			return xstate_set(pid, data);
	}
	return real_ptrace()((int)req, pid, addr, data);
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Management device core: creation, the device thread and its idle
 * strategy, control calls, DMA windows, interrupt vectors, statistics,
 * trace, and the management device's own feature negotiation.
 *
 * Memory comes from libc, not rte_malloc: the model also runs in a device
 * daemon and must work before (or without) EAL memory.
 */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>

#include <rte_bitops.h>
#include <rte_common.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_cycles.h>
#include <rte_pause.h>

#include "avq_dev_private.h"
#include "avq_dev_dp.h"

RTE_LOG_REGISTER_DEFAULT(avq_dev_logtype, NOTICE);

/* epoll tag of the datapath wake eventfd (AQ kicks use their index). */
#define AVQ_DEV_TAG_CTL		UINT32_MAX
#define AVQ_DEV_TAG_DP		(UINT32_MAX - 1)

/* Longest the idle thread sleeps: doorbell-only work (notify areas have no
 * eventfd) still progresses at this pace. */
#define AVQ_DEV_IDLE_TIMEOUT_MS	100
/* virtio 1.x 2.7: a split queue has at most 32768 entries. */
#define AVQ_DEV_MAX_RING	32768u
#define AVQ_DEV_MAX_POLL_US	1000000u

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- Parameters ---- */

void
rte_avq_dev_params_init(struct rte_avq_dev_params *p)
{
	if (p == NULL)
		return;
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "avq0");
	p->num_aqs = 1;
	p->max_aq_size = 256;
	p->max_vdevs = 64;
	p->max_vq_pairs = 8;
	p->max_vq_size = 1024;
	p->max_vectors = 256;
	p->max_asids = 8;
	p->max_mappings = 65536;
	p->net_features = 0;
	p->strict = false;
	p->regcap = false;
	p->pasid = true;
	p->mmu_batch = true;
	p->multi = true;
	p->net_ctrl = true;
	p->idle = RTE_AVQ_DEV_IDLE_ADAPTIVE;
	p->poll_us = 200;
	p->idle_timeout_ms = AVQ_DEV_IDLE_TIMEOUT_MS;
	p->cpu = -1;
}

#define PARAM_ERR(p, fmt, ...)						\
	rte_log(RTE_LOG_ERR, avq_dev_logtype, "avq_dev %s: " fmt "\n",	\
		(p)->name, ##__VA_ARGS__)

static bool
is_pow2(uint32_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

/* Every parameter is checked; the log names the first bad one. */
static int
params_check(const struct rte_avq_dev_params *p)
{
	size_t nlen = strnlen(p->name, sizeof(p->name));

	if (nlen == 0 || nlen == sizeof(p->name)) {
		rte_log(RTE_LOG_ERR, avq_dev_logtype,
			"avq_dev: bad name: empty or not terminated within %d bytes\n",
			RTE_AVQ_DEV_NAME_LEN);
		return -EINVAL;
	}
	if (p->num_aqs < 1 || p->num_aqs > RTE_AVQ_DEV_MAX_AQS) {
		PARAM_ERR(p, "bad num_aqs %u (1..%u)", p->num_aqs,
			  RTE_AVQ_DEV_MAX_AQS);
		return -EINVAL;
	}
	if (!is_pow2(p->max_aq_size) || p->max_aq_size > AVQ_DEV_MAX_RING) {
		PARAM_ERR(p, "bad max_aq_size %u (power of two, 1..%u)",
			  p->max_aq_size, AVQ_DEV_MAX_RING);
		return -EINVAL;
	}
	if (p->max_vdevs < 1 || p->max_vdevs > RTE_AVQ_DEV_MAX_VDEVS) {
		PARAM_ERR(p, "bad max_vdevs %u (1..%u)", p->max_vdevs,
			  RTE_AVQ_DEV_MAX_VDEVS);
		return -EINVAL;
	}
	/* 2 * pairs + 1 queues must fit a le16 queue index. */
	if (p->max_vq_pairs < 1 || p->max_vq_pairs > 0x7fff) {
		PARAM_ERR(p, "bad max_vq_pairs %u (1..32767)", p->max_vq_pairs);
		return -EINVAL;
	}
	if (!is_pow2(p->max_vq_size) || p->max_vq_size > AVQ_DEV_MAX_RING) {
		PARAM_ERR(p, "bad max_vq_size %u (power of two, 1..%u)",
			  p->max_vq_size, AVQ_DEV_MAX_RING);
		return -EINVAL;
	}
	if (p->max_vectors < 1 || p->max_vectors > RTE_AVQ_DEV_MAX_VECTORS) {
		PARAM_ERR(p, "bad max_vectors %u (1..%u)", p->max_vectors,
			  RTE_AVQ_DEV_MAX_VECTORS);
		return -EINVAL;
	}
	if (p->max_asids < 1 || p->max_asids > 65536) {
		PARAM_ERR(p, "bad max_asids %u (1..65536)", p->max_asids);
		return -EINVAL;
	}
	if (p->max_mappings < 1 || p->max_mappings > (1u << 24)) {
		PARAM_ERR(p, "bad max_mappings %u (1..%u)", p->max_mappings,
			  1u << 24);
		return -EINVAL;
	}
	if (p->idle != RTE_AVQ_DEV_IDLE_ADAPTIVE &&
	    p->idle != RTE_AVQ_DEV_IDLE_POLL &&
	    p->idle != RTE_AVQ_DEV_IDLE_BLOCK) {
		PARAM_ERR(p, "bad idle %d", (int)p->idle);
		return -EINVAL;
	}
	if (p->idle_timeout_ms == 0 || p->idle_timeout_ms > 60000) {
		PARAM_ERR(p, "bad idle_timeout_ms %u (1..60000)",
			  p->idle_timeout_ms);
		return -EINVAL;
	}
	if (p->poll_us > AVQ_DEV_MAX_POLL_US) {
		PARAM_ERR(p, "bad poll_us %u (0..%u)", p->poll_us,
			  AVQ_DEV_MAX_POLL_US);
		return -EINVAL;
	}
	if (p->cpu < -1 || p->cpu >= CPU_SETSIZE) {
		PARAM_ERR(p, "bad cpu %d (-1..%d)", p->cpu, CPU_SETSIZE - 1);
		return -EINVAL;
	}
	return 0;
}

/* ---- Creation ---- */

static int
epoll_add(int epfd, int fd, uint32_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = tag };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == 0 ? 0 : -errno;
}

static void
dev_free(struct rte_avq_dev *d)
{
	unsigned int i;

	for (i = 0; i < RTE_AVQ_DEV_MAX_AQS; i++)
		if (d->aq[i].kick_fd >= 0)
			close(d->aq[i].kick_fd);
	if (d->ctl_fd >= 0)
		close(d->ctl_fd);
	if (d->epfd >= 0)
		close(d->epfd);
	/* Held completions (fault injection) die with their queues. */
	avq_fault_fini(d);
	avq_dp_detach(d);
	free(d->vectors);
	free(d->vdevs);
	pthread_mutex_destroy(&d->ctl_lock);
	free(d);
}

struct rte_avq_dev *
rte_avq_dev_create(const struct rte_avq_dev_params *p)
{
	struct rte_avq_dev *d;
	unsigned int i;
	int ret;

	if (p == NULL) {
		rte_log(RTE_LOG_ERR, avq_dev_logtype, "avq_dev: no parameters\n");
		rte_errno = EINVAL;
		return NULL;
	}
	ret = params_check(p);
	if (ret < 0) {
		rte_errno = -ret;
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (d == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	d->params = *p;
	avq_fault_init(d);
	d->epfd = -1;
	d->ctl_fd = -1;
	for (i = 0; i < RTE_AVQ_DEV_MAX_AQS; i++) {
		d->aq[i].kick_fd = -1;
		d->aq[i].call_fd = -1;
	}
	pthread_mutex_init(&d->ctl_lock, NULL);
	/* RFC admin VQ: the management device offers VIRTIO_F_ADMIN_VQ. */
	d->features = RTE_BIT64(AVQ_F_ADMIN_VQ) | RTE_BIT64(AVQ_F_VERSION_1) |
		      RTE_BIT64(AVQ_F_ACCESS_PLATFORM);

	d->vectors = calloc(p->max_vectors, sizeof(*d->vectors));
	d->vdevs = calloc(p->max_vdevs, sizeof(*d->vdevs));
	if (d->vectors == NULL || d->vdevs == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < p->max_vectors; i++)
		d->vectors[i].fd = -1;

	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	d->ctl_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (d->epfd < 0 || d->ctl_fd < 0) {
		ret = -errno;
		goto fail;
	}
	ret = epoll_add(d->epfd, d->ctl_fd, AVQ_DEV_TAG_CTL);
	if (ret < 0)
		goto fail;
	/* The datapath is optional: without a switch (no EAL, or no room)
	 * the device still serves its admin queues. */
	if (avq_dp_attach(d) == 0 && avq_dp_wake_fd(d) >= 0) {
		ret = epoll_add(d->epfd, avq_dp_wake_fd(d), AVQ_DEV_TAG_DP);
		if (ret < 0)
			goto fail;
	}
	for (i = 0; i < p->num_aqs; i++) {
		d->aq[i].kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (d->aq[i].kick_fd < 0) {
			ret = -errno;
			goto fail;
		}
		ret = epoll_add(d->epfd, d->aq[i].kick_fd, i);
		if (ret < 0)
			goto fail;
	}
	avq_regcap_reset(d);
	AVQ_DEV_LOG(DEBUG, d, "created: %u AQ(s) of up to %u entries",
		    p->num_aqs, p->max_aq_size);
	return d;
fail:
	PARAM_ERR(p, "create failed: %s", strerror(-ret));
	dev_free(d);
	rte_errno = -ret;
	return NULL;
}

void
rte_avq_dev_destroy(struct rte_avq_dev *d)
{
	if (d == NULL)
		return;
	rte_avq_dev_stop(d);
	/* Thread stopped: the caller owns the state now. */
	while (d->num_vdevs > 0)
		avq_vdev_destroy(d, d->vdevs[d->num_vdevs - 1]->id);
	AVQ_DEV_LOG(DEBUG, d, "destroyed");
	dev_free(d);
}

const char *
rte_avq_dev_name(const struct rte_avq_dev *d)
{
	return d != NULL ? d->params.name : NULL;
}

/* ---- Control calls ---- */

static void
futex_wait(uint32_t *addr, uint32_t val)
{
	syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void
futex_wake(uint32_t *addr)
{
	syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

int
avq_dev_ctl_call(struct rte_avq_dev *d, avq_ctl_fn fn, void *arg)
{
	uint32_t seq, done;
	int ret;

	/* A call made by the device thread itself (from a handler) runs
	 * inline: it already owns the state, and ctl_lock may be held by
	 * the caller waiting for it. */
	if (__atomic_load_n(&d->running, __ATOMIC_RELAXED) &&
	    pthread_equal(pthread_self(), d->thread))
		return fn(d, arg);

	pthread_mutex_lock(&d->ctl_lock);
	if (!d->running) {
		/* No thread: the caller owns the state (start/stop take
		 * ctl_lock, so it cannot start under us). */
		ret = fn(d, arg);
		pthread_mutex_unlock(&d->ctl_lock);
		return ret;
	}
	d->ctl_fn = fn;
	d->ctl_arg = arg;
	seq = d->ctl_seq + 1;
	/* C1: publishes ctl_fn/ctl_arg; pairs with the acquire load of
	 * ctl_seq in dev_run_ctl() (C2). */
	__atomic_store_n(&d->ctl_seq, seq, __ATOMIC_RELEASE);
	eventfd_write(d->ctl_fd, 1);
	for (;;) {
		/* C4: pairs with the release store of ctl_done in
		 * dev_run_ctl() (C3): ctl_ret and the state are visible. */
		done = __atomic_load_n(&d->ctl_done, __ATOMIC_ACQUIRE);
		if (done == seq)
			break;
		futex_wait(&d->ctl_done, done);
	}
	ret = d->ctl_ret;
	pthread_mutex_unlock(&d->ctl_lock);
	return ret;
}

/* Device thread: run a posted control call, if any. */
static bool
dev_run_ctl(struct rte_avq_dev *d)
{
	/* C2: pairs with the release store of ctl_seq (C1). */
	uint32_t seq = __atomic_load_n(&d->ctl_seq, __ATOMIC_ACQUIRE);

	if (seq == d->ctl_done)
		return false;
	d->ctl_ret = d->ctl_fn(d, d->ctl_arg);
	/* C3: publishes ctl_ret and the state; pairs with C4. */
	__atomic_store_n(&d->ctl_done, seq, __ATOMIC_RELEASE);
	futex_wake(&d->ctl_done);
	return true;
}

/* ---- Device thread ---- */

struct dev_thread_arg {
	struct rte_avq_dev *d;
	struct avq_aq_scratch *s;
};

/* Drain an eventfd (non-blocking); a needless kick leaves nothing behind. */
static void
drain_fd(int fd)
{
	eventfd_t v;

	while (eventfd_read(fd, &v) == 0)
		;
}

/*
 * Arm notifications and block until a kick, a control call or the timeout.
 * Lost-wakeup rule (virtio 1.x 2.7.10): clear NO_NOTIFY, full fence, then
 * re-check the rings; the driver stores avail->idx, fences, then reads
 * used->flags, so either it sees NO_NOTIFY clear and kicks, or we see its
 * avail->idx here.
 */
static int
dev_sleep(struct rte_avq_dev *d)
{
	struct epoll_event ev[RTE_AVQ_DEV_MAX_AQS + 2];
	int timeout = (int)d->params.idle_timeout_ms, n, i;
	uint64_t deadline, now;

	__atomic_store_n(&d->sleeping, true, __ATOMIC_RELAXED);
	avq_aq_no_notify(d, false);
	avq_dp_sleep_begin(d);
	/* F1: pairs with the driver's full fence between its avail->idx
	 * store and its used->flags load, with the release store of
	 * ctl_seq (C1) followed by the eventfd write, and with the fence a
	 * device thread issues after handing frames to a port of ours (W1
	 * in avq_dev_switch.c). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	timeout = avq_dp_sleep_cap_ms(d, timeout);
	/* A host notifier (a doorbell page mapped by a vhost-user frontend)
	 * is written with no wake: while one may be, poll it at this pace.
	 * A device whose notify area never went out keeps its timeout. */
	if (avq_vdev_notifiers_live(d))
		timeout = RTE_MIN(timeout, RTE_AVQ_DEV_NOTIFIER_POLL_MS);
	/* A held completion (fault injection) is work pending at its
	 * release time: sleep no longer than that. */
	deadline = avq_fault_deadline(d);
	if (deadline != UINT64_MAX) {
		now = now_ns();
		if (deadline <= now)
			timeout = 0;
		else if (deadline - now < (uint64_t)timeout * 1000000)
			timeout = (int)((deadline - now + 999999) / 1000000);
	}
	/* A stalled device ignores its AQs: chains waiting there are no
	 * reason to stay awake (kicks still wake it, and then it sleeps
	 * again). */
	if ((!avq_fault_stalled(d) && avq_aq_has_work(d)) || timeout == 0 ||
	    avq_dp_has_work(d) ||
	    __atomic_load_n(&d->ctl_seq, __ATOMIC_ACQUIRE) != d->ctl_done ||
	    __atomic_load_n(&d->stop_req, __ATOMIC_ACQUIRE)) {
		n = 0;
	} else {
		n = epoll_wait(d->epfd, ev, RTE_DIM(ev), timeout);
		for (i = 0; i < n; i++) {
			if (ev[i].data.u32 == AVQ_DEV_TAG_CTL)
				drain_fd(d->ctl_fd);
			else if (ev[i].data.u32 == AVQ_DEV_TAG_DP)
				drain_fd(avq_dp_wake_fd(d));
			else
				drain_fd(d->aq[ev[i].data.u32].kick_fd);
		}
	}
	__atomic_store_n(&d->sleeping, false, __ATOMIC_RELAXED);
	avq_aq_no_notify(d, true);
	avq_dp_sleep_end(d);
	if (n > 0)
		d->stats.wakeups++;
	return n;
}

/* CPU time of the calling thread: how much a core the device has used. */
static uint64_t
thread_cpu_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void *
dev_thread(void *varg)
{
	struct dev_thread_arg *ta = varg;
	struct rte_avq_dev *d = ta->d;
	struct avq_aq_scratch *s = ta->s;
	uint64_t idle_since = 0, t0, spin, busy_t0 = 0;
	unsigned int work, aq_work, dp_work = 0, pass = 0;
	bool timed_out = false, busy = false;
	uint16_t i;

	free(ta);
	/* The loop reads the TSC, not clock_gettime(): it runs between every
	 * two commands, so its length is part of every command's latency. */
	spin = (uint64_t)d->params.poll_us * rte_get_tsc_hz() / 1000000;
	/* Spinning: drivers need not kick (virtio 2.7.10). */
	avq_aq_no_notify(d, true);
	avq_dp_thread_start(d);
	/* S2: pairs with the release store of stop_req in rte_avq_dev_stop(). */
	while (!__atomic_load_n(&d->stop_req, __ATOMIC_ACQUIRE)) {
		/* The one clock read of a pass (tens of ns on a VM): it
		 * also ends the pass before, when that one had work. */
		t0 = rte_rdtsc();
		if (busy) {
			d->busy_cycles += t0 - busy_t0;
			busy = false;
		}
		aq_work = 0;
		/* Fault injection: a stalled device serves no AQ. */
		if (!avq_fault_stalled(d))
			for (i = 0; i < d->params.num_aqs; i++)
				if (d->aq[i].enabled)
					aq_work += avq_aq_poll(d, i, s);
		work = aq_work;
		if (d->fault.active)
			work += avq_fault_release(d);
		/* Doorbells of managed devices: every pass while the AQs and
		 * the virtqueues are quiet, every 32nd while either is busy
		 * (the passes read every ring anyway; each slot is a page of
		 * its own). */
		if ((aq_work == 0 && dp_work == 0) || (++pass & 31) == 0)
			work += avq_vdev_doorbells(d);
		/* Virtqueues of the managed devices and the switch: traffic is
		 * work, so an adaptive thread keeps polling while it flows. */
		dp_work = d->dp != NULL ? avq_dp_poll(d, t0) : 0;
		work += dp_work;
		if (dev_run_ctl(d))
			work++;
		/* Between passes the thread holds nothing of the switch. */
		avq_dp_quiescent(d);
		if (work != 0) {
			/* Accounted at the next pass's clock read. */
			busy = true;
			busy_t0 = t0;
			idle_since = 0;
			timed_out = false;
			continue;
		}
		switch (d->params.idle) {
		case RTE_AVQ_DEV_IDLE_POLL:
			/* No pause: it would add up to ~70 ns to every pass,
			 * hence to the latency of every command. */
			break;
		case RTE_AVQ_DEV_IDLE_ADAPTIVE:
			if (idle_since == 0)
				idle_since = t0;
			/* A sleep that timed out and found nothing to do is
			 * followed by another at once: polling host notifiers
			 * every millisecond must not spin poll_us each time. */
			if (!timed_out && t0 - idle_since < spin) {
				rte_pause();
				break;
			}
			timed_out = dev_sleep(d) == 0;
			idle_since = 0;
			break;
		case RTE_AVQ_DEV_IDLE_BLOCK:
		default:
			dev_sleep(d);
			break;
		}
	}
	if (busy)
		d->busy_cycles += rte_rdtsc() - busy_t0;
	/* Nobody polls any more: drivers must kick (kicks accumulate in
	 * the eventfds until the next start). */
	avq_aq_no_notify(d, false);
	avq_dp_thread_stop(d);
	d->stats.cpu_ns = thread_cpu_ns();
	free(s->wseg);
	free(s);
	return NULL;
}

int
rte_avq_dev_start(struct rte_avq_dev *d)
{
	struct dev_thread_arg *ta;
	struct avq_aq_scratch *s;
	pthread_attr_t attr;
	char tname[16];
	cpu_set_t cpus;
	int ret;

	if (d == NULL)
		return -EINVAL;
	pthread_mutex_lock(&d->ctl_lock);
	if (d->running) {
		ret = -EALREADY;
		goto out;
	}
	ta = malloc(sizeof(*ta));
	s = malloc(sizeof(*s));
	if (s != NULL)
		s->wseg = calloc(d->params.max_aq_size, sizeof(*s->wseg));
	if (ta == NULL || s == NULL || s->wseg == NULL) {
		free(ta);
		if (s != NULL)
			free(s->wseg);
		free(s);
		ret = -ENOMEM;
		goto out;
	}
	ta->d = d;
	ta->s = s;
	pthread_attr_init(&attr);
	CPU_ZERO(&cpus);
	if (d->params.cpu >= 0) {
		CPU_SET(d->params.cpu, &cpus);
	} else {
		/* Unpinned means free to run anywhere: a thread inherits its
		 * creator's affinity, and an EAL lcore is pinned to one CPU,
		 * which it may spin on (then the device would only run in
		 * the scheduler's slices there). */
		long i, n = sysconf(_SC_NPROCESSORS_ONLN);

		for (i = 0; i < n && i < CPU_SETSIZE; i++)
			CPU_SET(i, &cpus);
	}
	pthread_attr_setaffinity_np(&attr, sizeof(cpus), &cpus);
	__atomic_store_n(&d->stop_req, false, __ATOMIC_RELAXED);
	/* Set before the thread exists: pthread_create orders it. */
	__atomic_store_n(&d->running, true, __ATOMIC_RELAXED);
	ret = pthread_create(&d->thread, &attr, dev_thread, ta);
	pthread_attr_destroy(&attr);
	if (ret != 0) {
		__atomic_store_n(&d->running, false, __ATOMIC_RELAXED);
		AVQ_DEV_LOG(ERR, d, "cannot start the device thread (cpu %d): %s",
			    d->params.cpu, strerror(ret));
		free(s->wseg);
		free(s);
		free(ta);
		ret = -ret;
		goto out;
	}
	/* Thread names hold 15 characters. */
	snprintf(tname, sizeof(tname), "avq-%.11s", d->params.name);
	pthread_setname_np(d->thread, tname);
	AVQ_DEV_LOG(DEBUG, d, "device thread started");
	ret = 0;
out:
	pthread_mutex_unlock(&d->ctl_lock);
	return ret;
}

int
rte_avq_dev_stop(struct rte_avq_dev *d)
{
	if (d == NULL)
		return -EINVAL;
	pthread_mutex_lock(&d->ctl_lock);
	if (!d->running) {
		pthread_mutex_unlock(&d->ctl_lock);
		return 0;
	}
	/* S1: pairs with the acquire load in dev_thread() (S2). */
	__atomic_store_n(&d->stop_req, true, __ATOMIC_RELEASE);
	eventfd_write(d->ctl_fd, 1);
	pthread_join(d->thread, NULL);
	__atomic_store_n(&d->running, false, __ATOMIC_RELAXED);
	__atomic_store_n(&d->stop_req, false, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&d->ctl_lock);
	AVQ_DEV_LOG(DEBUG, d, "device thread stopped");
	return 0;
}

/* ---- Feature negotiation of the management device ---- */

uint64_t
rte_avq_dev_features(const struct rte_avq_dev *d)
{
	return d != NULL ? d->features : 0;
}

static int
ctl_driver_features_set(struct rte_avq_dev *d, void *arg)
{
	uint64_t f = *(uint64_t *)arg;

	if (f & ~d->features) {
		AVQ_DEV_LOG(ERR, d, "driver features 0x%" PRIx64
			    " not offered (offered 0x%" PRIx64 ")",
			    f, d->features);
		return -EINVAL;
	}
	/* Read without a control call by rte_avq_dev_driver_features(). */
	__atomic_store_n(&d->driver_features, f, __ATOMIC_RELAXED);
	return 0;
}

int
rte_avq_dev_driver_features_set(struct rte_avq_dev *d, uint64_t features)
{
	if (d == NULL)
		return -EINVAL;
	return avq_dev_ctl_call(d, ctl_driver_features_set, &features);
}

uint64_t
rte_avq_dev_driver_features(const struct rte_avq_dev *d)
{
	if (d == NULL)
		return 0;
	return __atomic_load_n(&d->driver_features, __ATOMIC_RELAXED);
}

/* ---- DMA windows ---- */

/* Index of the first window whose start is above @p dma. */
static uint32_t
win_upper_bound(const struct rte_avq_dev *d, uint64_t dma)
{
	uint32_t lo = 0, hi = d->num_win;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (d->win[mid].dma <= dma)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct avq_dma_window *
avq_dma_window(const struct rte_avq_dev *d, uint64_t dma)
{
	uint32_t i = win_upper_bound(d, dma);
	const struct avq_dma_window *w;

	if (i == 0)
		return NULL;
	w = &d->win[i - 1];
	return dma - w->dma < w->len ? w : NULL;
}

void *
avq_dma_to_va(const struct rte_avq_dev *d, uint64_t dma, uint64_t len)
{
	const struct avq_dma_window *w;
	uint32_t i = win_upper_bound(d, dma);
	uint64_t off;

	if (i == 0)
		return NULL;
	w = &d->win[i - 1];
	off = dma - w->dma;		/* no wrap: w->dma <= dma */
	if (off >= w->len)
		return NULL;
	/* The whole [dma, dma + len) in this one window, without computing
	 * dma + len (it may wrap). A zero length still needs dma inside. */
	if (len > w->len - off)
		return NULL;
	return w->va + off;
}

struct ctl_dma {
	uint64_t dma;
	uint64_t len;
	void *va;
};

static int
ctl_dma_map(struct rte_avq_dev *d, void *arg)
{
	const struct ctl_dma *a = arg;
	uint64_t last = a->dma + (a->len - 1);
	uint32_t i;

	if (d->num_win == AVQ_DEV_MAX_WINDOWS)
		return -ENOSPC;
	i = win_upper_bound(d, a->dma);
	if (i > 0 && d->win[i - 1].dma + (d->win[i - 1].len - 1) >= a->dma)
		return -EEXIST;
	if (i < d->num_win && d->win[i].dma <= last)
		return -EEXIST;
	memmove(&d->win[i + 1], &d->win[i],
		(d->num_win - i) * sizeof(d->win[0]));
	d->win[i].dma = a->dma;
	d->win[i].len = a->len;
	d->win[i].va = a->va;
	d->num_win++;
	d->win_gen++;
	return 0;
}

int
rte_avq_dev_dma_map(struct rte_avq_dev *d, uint64_t dma, uint64_t len,
		    void *va)
{
	struct ctl_dma a = { .dma = dma, .len = len, .va = va };
	int ret;

	if (d == NULL)
		return -EINVAL;
	if (len == 0 || va == NULL || len - 1 > UINT64_MAX - dma) {
		AVQ_DEV_LOG(ERR, d, "bad DMA window 0x%" PRIx64 "+0x%" PRIx64
			    ": empty, no memory or wraps", dma, len);
		return -EINVAL;
	}
	ret = avq_dev_ctl_call(d, ctl_dma_map, &a);
	if (ret < 0)
		AVQ_DEV_LOG(ERR, d, "DMA window 0x%" PRIx64 "+0x%" PRIx64
			    " refused: %s", dma, len, strerror(-ret));
	return ret;
}

static bool
dma_in(uint64_t a, uint64_t w, uint64_t wlen)
{
	return a >= w && a - w < wlen;
}

static int
ctl_dma_unmap(struct rte_avq_dev *d, void *arg)
{
	const struct ctl_dma *a = arg;
	const struct avq_dev_aq *q;
	uint32_t i = win_upper_bound(d, a->dma);
	uint16_t k;

	if (i == 0 || d->win[i - 1].dma != a->dma || d->win[i - 1].len != a->len)
		return -ENOENT;
	i--;
	/* An enabled AQ keeps pointers into its window: refuse. */
	for (k = 0; k < d->params.num_aqs; k++) {
		q = &d->aq[k];
		if (q->enabled && (dma_in(q->desc_dma, a->dma, a->len) ||
				   dma_in(q->avail_dma, a->dma, a->len) ||
				   dma_in(q->used_dma, a->dma, a->len)))
			return -EBUSY;
	}
	memmove(&d->win[i], &d->win[i + 1],
		(d->num_win - i - 1) * sizeof(d->win[0]));
	d->num_win--;
	/* Managed-device rings and buffers may have pointed into it: the
	 * datapath re-resolves them before its next access. */
	d->win_gen++;
	return 0;
}

int
rte_avq_dev_dma_unmap(struct rte_avq_dev *d, uint64_t dma, uint64_t len)
{
	struct ctl_dma a = { .dma = dma, .len = len };

	if (d == NULL)
		return -EINVAL;
	return avq_dev_ctl_call(d, ctl_dma_unmap, &a);
}

/* ---- Statistics ---- */

static int
ctl_stats_get(struct rte_avq_dev *d, void *arg)
{
	struct rte_avq_dev_stats *s = arg;

	/* Executed on the device thread while it runs: its own CPU clock.
	 * Stopped: the value it saved when it ended. */
	if (d->running && pthread_equal(pthread_self(), d->thread))
		d->stats.cpu_ns = thread_cpu_ns();
	*s = d->stats;
	s->busy_ns = d->busy_cycles * 1000000000ull / rte_get_tsc_hz();
	s->vdevs_live = d->num_vdevs;
	return 0;
}

int
rte_avq_dev_stats_get(struct rte_avq_dev *d, struct rte_avq_dev_stats *s)
{
	if (d == NULL || s == NULL)
		return -EINVAL;
	return avq_dev_ctl_call(d, ctl_stats_get, s);
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * The embedded switch: one per process, shared by every management device
 * of the device model, and the part of each device thread that runs the
 * datapath.
 *
 * Ports are the managed net devices at DRIVER_OK and the uplinks. Each
 * belongs to the device thread of its management device (its owner). A
 * frame is switched by the thread that received it: it learns the source
 * address, looks the destination up, and
 *  - writes it straight into the receive queue of a destination its own
 *    thread owns (no copy but the one into the driver's buffer),
 *  - or hands an mbuf to the destination's input ring (multi-producer,
 *    single-consumer; one enqueue per destination per burst), which the
 *    owner empties in its own pass. A sleeping owner is woken through its
 *    eventfd.
 * Known unicast goes to one port, everything else is flooded to every port
 * but the source. Each device applies its own rx filter on delivery.
 *
 * Lock-free data, locked control. Device threads read the port table, the
 * active-port bitmap and the MAC table without locks; joins and leaves
 * take sw_lock among themselves. A port that left is reused only when
 * every device thread has gone through a quiescent state since (QSBR, one
 * report per pass of the device loop; a sleeping thread is offline), so a
 * frame handed to a port that just left can never reach its next occupant.
 * Its input ring is emptied again when the slot is taken.
 *
 * MAC table: 1024 buckets of 8 64-bit words (one cache line each), a word
 * holding the 48-bit address and (port + 1) in the top 16 bits, so a
 * lookup is one line and a change one compare-and-swap. An entry is
 * refreshed at most once a second, ages out after about five minutes, and
 * is flushed when its port leaves (learning for a port happens only on its
 * owner thread, which is also the thread that makes it leave). A device
 * thread looks a destination up once per pass (the frames of a burst
 * mostly share it) and learns a source once a second; a frame with the
 * source port and addresses of the one before it, in the same pass, takes
 * that one's route when it had a single destination of this thread
 * (avq_dp_forward()).
 *
 * Packet buffers: mbufs of one mempool, created when the first port joins.
 * A device thread registers as an EAL thread (rte_thread_register()) to use
 * a mempool cache of its own.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "avq_dev_private.h"
#include "avq_dev_dp.h"

#define SW_MAX_PORTS		AVQ_SW_MAX_PORTS
#define SW_MAX_THREADS		1024u	/* management devices at once */
#define SW_RING_SIZE		512u	/* input ring of a port */
#define SW_MBUFS		16383u
#define SW_MBUF_CACHE		256u
#define SW_MAC_BUCKETS		1024u
#define SW_MAC_WAYS		8u
#define SW_MAC_SLOTS		(SW_MAC_BUCKETS * SW_MAC_WAYS)
#define SW_MAC_AGE		300u	/* coarse seconds (tsc_shift) */
#define SW_MAC_MASK		((1ull << 48) - 1)
#define SW_STAGE		AVQ_SW_STAGE
#define SW_DIRTY		AVQ_SW_DIRTY
#define SW_UPLINK_TX		AVQ_SW_UPLINK_TX
#define SW_POOL_NAME		"avq_dp_mbufs"

enum sw_kind {
	SW_NET = 1,
	SW_UPLINK,
};

/* A device thread, as other threads see it. Slots and their eventfds live
 * as long as the switch: a late wake-up reaches an eventfd that is still
 * open, at worst one of a thread that has nothing to do. */
struct sw_thread {
	bool sleeping;		/* atomic */
	bool used;		/* sw_lock */
	int fd;			/* eventfd; -1 until the slot is first used */
} __rte_cache_aligned;

struct sw_port {
	/* Read by every device thread while active. */
	uint32_t active;	/* atomic */
	uint32_t owner;		/* thread slot */
	uint8_t kind;
	void *priv;		/* owner only: struct avq_net_dp, or the
				 * uplink's struct avq_dp_dev */
	struct rte_ring *in;	/* multi-producer, single-consumer */
	uint64_t overrun;	/* atomic: frames senders could not enqueue */
	/* Control, under sw_lock. */
	bool used;
	bool ever;		/* free_token is meaningful */
	uint64_t free_token;
	int eth;		/* uplink: its ethdev port */
} __rte_cache_aligned;

struct avq_switch {
	struct rte_mempool *mp;
	struct rte_rcu_qsbr *qs;
	unsigned int tsc_shift;	/* tsc >> tsc_shift: coarse seconds */
	uint32_t hi;		/* atomic: ports below may be active */
	uint32_t cursor;	/* next slot to try (sw_lock) */
	uint64_t active_map[SW_MAX_PORTS / 64];	/* atomic words */
	uint64_t mac[SW_MAC_SLOTS] __rte_cache_aligned;
	uint32_t mac_age[SW_MAC_SLOTS];
	struct sw_port port[SW_MAX_PORTS];
	struct sw_thread thr[SW_MAX_THREADS];
};

static pthread_mutex_t sw_lock = PTHREAD_MUTEX_INITIALIZER;
/* Written under sw_lock when the first device attaches and the last one
 * detaches; a device that is attached may read it without the lock. */
static struct avq_switch *sw;
static uint32_t sw_refs;

#define SW_LOG(level, fmt, ...)						\
	rte_log(RTE_LOG_ ## level, avq_dev_logtype, "avq_dev switch: " fmt "\n", \
		##__VA_ARGS__)

struct rte_ring *
avq_dp_port_ring(int port)
{
	return sw->port[port].in;
}

uint64_t
avq_dp_port_overrun(int port)
{
	return __atomic_load_n(&sw->port[port].overrun, __ATOMIC_RELAXED);
}

static inline uint32_t
sw_now(void)
{
	return (uint32_t)(rte_rdtsc() >> sw->tsc_shift);
}

/* ---- The switch itself ---- */

static void
ring_drain(struct rte_ring *r)
{
	struct rte_mbuf *m[AVQ_DP_BURST];
	unsigned int n;

	while ((n = rte_ring_sc_dequeue_burst(r, (void **)m, RTE_DIM(m),
					      NULL)) != 0)
		rte_pktmbuf_free_bulk(m, n);
}

static void
sw_free(struct avq_switch *s)
{
	unsigned int i;

	for (i = 0; i < SW_MAX_PORTS; i++) {
		if (s->port[i].in == NULL)
			continue;
		ring_drain(s->port[i].in);
		free(s->port[i].in);
	}
	for (i = 0; i < SW_MAX_THREADS; i++)
		if (s->thr[i].fd >= 0)
			close(s->thr[i].fd);
	rte_mempool_free(s->mp);
	free(s->qs);
	free(s);
}

static struct avq_switch *
sw_alloc(void)
{
	size_t qsz = rte_rcu_qsbr_get_memsize(SW_MAX_THREADS);
	struct avq_switch *s;
	uint64_t hz;
	unsigned int i;

	s = aligned_alloc(RTE_CACHE_LINE_SIZE,
			  RTE_ALIGN_CEIL(sizeof(*s), RTE_CACHE_LINE_SIZE));
	if (s == NULL)
		return NULL;
	memset(s, 0, sizeof(*s));
	for (i = 0; i < SW_MAX_THREADS; i++)
		s->thr[i].fd = -1;
	s->qs = aligned_alloc(RTE_CACHE_LINE_SIZE,
			      RTE_ALIGN_CEIL(qsz, RTE_CACHE_LINE_SIZE));
	if (s->qs == NULL || rte_rcu_qsbr_init(s->qs, SW_MAX_THREADS) != 0) {
		sw_free(s);
		return NULL;
	}
	/* 2^tsc_shift ticks: between half a second and a second. */
	hz = rte_get_tsc_hz();
	s->tsc_shift = hz != 0 ? 63 - (unsigned int)__builtin_clzll(hz) : 30;
	return s;
}

/* The packet buffers, made when first needed (sw_lock held). */
static int
sw_buffers(void)
{
	if (sw->mp != NULL)
		return 0;
	/* EAL memory: an mbuf may leave through an uplink's NIC. */
	if (rte_lcore_count() == 0) {
		SW_LOG(ERR, "no packet buffers without EAL");
		return -ENOTSUP;
	}
	sw->mp = rte_pktmbuf_pool_create(SW_POOL_NAME, SW_MBUFS, SW_MBUF_CACHE,
					 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					 SOCKET_ID_ANY);
	if (sw->mp == NULL) {
		SW_LOG(ERR, "cannot create %u packet buffers: %s", SW_MBUFS,
		       rte_strerror(rte_errno));
		return -ENOMEM;
	}
	return 0;
}

/* ---- MAC table ---- */

static inline uint32_t
mac_bucket(uint64_t key)
{
	return (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> 54) * SW_MAC_WAYS;
}

static inline bool
mac_aged(uint32_t slot, uint32_t now)
{
	return now - __atomic_load_n(&sw->mac_age[slot], __ATOMIC_RELAXED) >
	       SW_MAC_AGE;
}

/* The port @p key was learned on, or -1. */
static int
mac_lookup(uint64_t key, uint32_t now)
{
	uint32_t b = mac_bucket(key), w;
	uint64_t e;

	for (w = 0; w < SW_MAC_WAYS; w++) {
		/* Relaxed: a stale answer only sends one frame the old way. */
		e = __atomic_load_n(&sw->mac[b + w], __ATOMIC_RELAXED);
		if ((e & SW_MAC_MASK) != key || (e >> 48) == 0)
			continue;
		return mac_aged(b + w, now) ? -1 : (int)(e >> 48) - 1;
	}
	return -1;
}

static void
mac_learn(uint64_t key, int port, uint32_t now)
{
	uint64_t want = key | ((uint64_t)(port + 1) << 48), e, fe = 0;
	uint32_t b = mac_bucket(key), w, slot = UINT32_MAX;

	for (w = 0; w < SW_MAC_WAYS; w++) {
		e = __atomic_load_n(&sw->mac[b + w], __ATOMIC_RELAXED);
		if ((e & SW_MAC_MASK) == key && (e >> 48) != 0) {
			/* Known; moved when it comes from another port. A
			 * lost race leaves the other thread's answer. */
			if (e != want &&
			    !__atomic_compare_exchange_n(&sw->mac[b + w], &e,
					want, false, __ATOMIC_RELAXED,
					__ATOMIC_RELAXED))
				return;
			if (__atomic_load_n(&sw->mac_age[b + w],
					    __ATOMIC_RELAXED) != now)
				__atomic_store_n(&sw->mac_age[b + w], now,
						 __ATOMIC_RELAXED);
			return;
		}
		if (slot == UINT32_MAX &&
		    ((e >> 48) == 0 || mac_aged(b + w, now))) {
			slot = b + w;
			fe = e;
		}
	}
	/* A full bucket of live entries: not learned, flooded. */
	if (slot != UINT32_MAX &&
	    __atomic_compare_exchange_n(&sw->mac[slot], &fe, want, false,
					__ATOMIC_RELAXED, __ATOMIC_RELAXED))
		__atomic_store_n(&sw->mac_age[slot], now, __ATOMIC_RELAXED);
}

/* Forget every address learned on @p port (it leaves). */
static void
mac_flush(int port)
{
	uint64_t e;
	uint32_t i;

	for (i = 0; i < SW_MAC_SLOTS; i++) {
		e = __atomic_load_n(&sw->mac[i], __ATOMIC_RELAXED);
		while ((e >> 48) == (uint64_t)port + 1 &&
		       !__atomic_compare_exchange_n(&sw->mac[i], &e,
				e & SW_MAC_MASK, false, __ATOMIC_RELAXED,
				__ATOMIC_RELAXED))
			;
	}
}

/* ---- Ports (sw_lock held) ---- */

static int
port_alloc(uint8_t kind, uint32_t owner, void *priv)
{
	struct sw_port *p;
	uint32_t k, i;
	size_t sz;

	for (k = 0; k < SW_MAX_PORTS; k++) {
		i = (sw->cursor + k) % SW_MAX_PORTS;
		p = &sw->port[i];
		if (p->used)
			continue;
		/* Quarantine: some thread may still hand frames to the old
		 * occupant until it passes a quiescent state. */
		if (p->ever && rte_rcu_qsbr_check(sw->qs, p->free_token,
						  false) != 1)
			continue;
		if (p->in == NULL) {
			sz = RTE_ALIGN_CEIL((size_t)rte_ring_get_memsize(SW_RING_SIZE),
					    RTE_CACHE_LINE_SIZE);
			p->in = aligned_alloc(RTE_CACHE_LINE_SIZE, sz);
			if (p->in == NULL)
				return -ENOMEM;
			if (rte_ring_init(p->in, "avq_sw_port", SW_RING_SIZE,
					  RING_F_SC_DEQ) != 0) {
				free(p->in);
				p->in = NULL;
				return -ENOMEM;
			}
		}
		/* Frames for the old occupant never reach the new one. */
		ring_drain(p->in);
		p->used = true;
		p->ever = true;
		p->owner = owner;
		p->kind = kind;
		p->priv = priv;
		p->eth = -1;
		__atomic_store_n(&p->overrun, 0, __ATOMIC_RELAXED);
		sw->cursor = i + 1;
		/* A1: publishes owner, kind, priv and the emptied ring;
		 * pairs with the acquire load of active in fwd_one() (A2). */
		__atomic_store_n(&p->active, 1, __ATOMIC_RELEASE);
		__atomic_fetch_or(&sw->active_map[i / 64], RTE_BIT64(i % 64),
				  __ATOMIC_RELEASE);
		if (i + 1 > __atomic_load_n(&sw->hi, __ATOMIC_RELAXED))
			__atomic_store_n(&sw->hi, i + 1, __ATOMIC_RELEASE);
		return (int)i;
	}
	return -ENOSPC;
}

/* By the owner thread, or with it stopped (it is the ring's consumer). */
static void
port_free(int i)
{
	struct sw_port *p = &sw->port[i];

	__atomic_store_n(&p->active, 0, __ATOMIC_RELEASE);
	__atomic_fetch_and(&sw->active_map[i / 64], ~RTE_BIT64(i % 64),
			   __ATOMIC_RELEASE);
	mac_flush(i);
	ring_drain(p->in);
	p->free_token = rte_rcu_qsbr_start(sw->qs);
	p->priv = NULL;
	p->used = false;
}

int
avq_dp_join(struct rte_avq_dev *d, struct avq_net_dp *n)
{
	struct avq_dp_dev *dp = d->dp;
	struct avq_net_dp **np;
	int ret;

	if (dp == NULL)
		return -ENOTSUP;
	if (dp->nports == dp->cap) {
		np = realloc(dp->ports, (dp->cap + 16) * sizeof(*np));
		if (np == NULL)
			return -ENOMEM;
		dp->ports = np;
		dp->cap += 16;
	}
	pthread_mutex_lock(&sw_lock);
	ret = sw_buffers();
	if (ret == 0)
		ret = port_alloc(SW_NET, dp->tid, n);
	pthread_mutex_unlock(&sw_lock);
	if (ret < 0)
		return ret;
	n->port = ret;
	n->list_idx = dp->nports;
	dp->ports[dp->nports++] = n;
	return 0;
}

void
avq_dp_leave(struct rte_avq_dev *d, struct avq_net_dp *n)
{
	struct avq_dp_dev *dp = d->dp;
	uint32_t i = n->list_idx;

	pthread_mutex_lock(&sw_lock);
	port_free(n->port);
	pthread_mutex_unlock(&sw_lock);
	dp->learn_port = -1;
	dp->look_key = UINT64_MAX;	/* its addresses were flushed */
	dp->rt_port = -1;
	dp->ports[i] = dp->ports[--dp->nports];
	dp->ports[i]->list_idx = i;
	n->port = -1;
}

/* ---- Attach / detach (control path) ---- */

int
avq_dp_attach(struct rte_avq_dev *d)
{
	struct avq_dp_dev *dp = calloc(1, sizeof(*dp));
	uint32_t t;
	int ret;

	if (dp == NULL)
		return -ENOMEM;
	dp->d = d;
	dp->up_eth = -1;
	dp->up_port = -1;
	dp->learn_port = -1;
	dp->look_key = UINT64_MAX;
	dp->rt_port = -1;
	pthread_mutex_lock(&sw_lock);
	if (sw == NULL) {
		sw = sw_alloc();
		if (sw == NULL) {
			ret = -ENOMEM;
			goto fail;
		}
	}
	for (t = 0; t < SW_MAX_THREADS && sw->thr[t].used; t++)
		;
	if (t == SW_MAX_THREADS) {
		ret = -ENOSPC;
		goto fail;
	}
	if (sw->thr[t].fd < 0) {
		sw->thr[t].fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (sw->thr[t].fd < 0) {
			ret = -errno;
			goto fail;
		}
	}
	/* Registered offline: it holds up nobody until its thread runs. */
	if (rte_rcu_qsbr_thread_register(sw->qs, t) != 0) {
		ret = -EINVAL;
		goto fail;
	}
	sw->thr[t].used = true;
	__atomic_store_n(&sw->thr[t].sleeping, false, __ATOMIC_RELAXED);
	sw_refs++;
	pthread_mutex_unlock(&sw_lock);
	dp->tid = t;
	d->dp = dp;
	return 0;
fail:
	if (sw != NULL && sw_refs == 0) {
		sw_free(sw);
		sw = NULL;
	}
	pthread_mutex_unlock(&sw_lock);
	free(dp);
	AVQ_DEV_LOG(WARNING, d, "no switch (%s): managed devices pass no"
		    " traffic", strerror(-ret));
	return ret;
}

static void
uplink_clear(struct avq_dp_dev *dp)
{
	if (dp->up_n != 0)
		rte_pktmbuf_free_bulk(dp->up_tx, dp->up_n);
	dp->up_n = 0;
	/* Give back the mbufs the NIC is done with (best effort: many
	 * drivers free them only when the port stops). */
	rte_eth_tx_done_cleanup((uint16_t)dp->up_eth, 0, 0);
	pthread_mutex_lock(&sw_lock);
	port_free(dp->up_port);
	pthread_mutex_unlock(&sw_lock);
	dp->learn_port = -1;
	dp->look_key = UINT64_MAX;
	dp->rt_port = -1;
	AVQ_DEV_LOG(INFO, dp->d, "uplink port %d removed", dp->up_eth);
	dp->up_port = -1;
	dp->up_eth = -1;
}

void
avq_dp_detach(struct rte_avq_dev *d)
{
	struct avq_dp_dev *dp = d->dp;

	if (dp == NULL)
		return;
	/* The thread is stopped; the managed devices left with their
	 * destruction. */
	if (dp->up_port >= 0)
		uplink_clear(dp);
	pthread_mutex_lock(&sw_lock);
	rte_rcu_qsbr_thread_unregister(sw->qs, dp->tid);
	sw->thr[dp->tid].used = false;
	if (--sw_refs == 0) {
		sw_free(sw);
		sw = NULL;
	}
	pthread_mutex_unlock(&sw_lock);
	free(dp->ports);
	free(dp);
	d->dp = NULL;
}

/* ---- Device thread ---- */

void
avq_dp_thread_start(struct rte_avq_dev *d)
{
	struct avq_dp_dev *dp = d->dp;
	uint32_t i;

	if (dp == NULL)
		return;
	/* An lcore id gives the thread a mempool cache of its own; without
	 * one (no EAL, no free lcore) buffers come from the shared ring. */
	dp->lcore = rte_lcore_count() > 0 && rte_thread_register() == 0;
	rte_rcu_qsbr_thread_online(sw->qs, dp->tid);
	dp->now = sw_now();
	for (i = 0; i < dp->nports; i++)
		avq_net_no_notify(dp->ports[i], true);
}

void
avq_dp_thread_stop(struct rte_avq_dev *d)
{
	struct avq_dp_dev *dp = d->dp;
	uint32_t i;

	if (dp == NULL)
		return;
	for (i = 0; i < dp->nports; i++)
		avq_net_no_notify(dp->ports[i], false);
	rte_rcu_qsbr_thread_offline(sw->qs, dp->tid);
	if (dp->lcore)
		rte_thread_unregister();
	dp->lcore = false;
}

void
avq_dp_quiescent(struct rte_avq_dev *d)
{
	if (d->dp != NULL)
		rte_rcu_qsbr_quiescent(sw->qs, d->dp->tid);
}

int
avq_dp_wake_fd(struct rte_avq_dev *d)
{
	return d->dp != NULL ? sw->thr[d->dp->tid].fd : -1;
}

void
avq_dp_sleep_begin(struct rte_avq_dev *d)
{
	struct avq_dp_dev *dp = d->dp;
	uint32_t i;

	if (dp == NULL)
		return;
	/* Ordered before the look at the rings by F1 (dev_sleep()). */
	__atomic_store_n(&sw->thr[dp->tid].sleeping, true, __ATOMIC_RELAXED);
	for (i = 0; i < dp->nports; i++)
		avq_net_no_notify(dp->ports[i], false);
	/* Asleep, it holds nothing of the switch: it delays no reuse. */
	rte_rcu_qsbr_thread_offline(sw->qs, dp->tid);
}

bool
avq_dp_has_work(struct rte_avq_dev *d)
{
	struct avq_dp_dev *dp = d->dp;
	uint32_t i;

	if (dp == NULL)
		return false;
	for (i = 0; i < dp->nports; i++)
		if (avq_net_has_work(dp->ports[i]))
			return true;
	return dp->up_port >= 0 &&
	       rte_ring_count(sw->port[dp->up_port].in) != 0;
}

void
avq_dp_sleep_end(struct rte_avq_dev *d)
{
	struct avq_dp_dev *dp = d->dp;
	uint32_t i;

	if (dp == NULL)
		return;
	rte_rcu_qsbr_thread_online(sw->qs, dp->tid);
	__atomic_store_n(&sw->thr[dp->tid].sleeping, false, __ATOMIC_RELAXED);
	for (i = 0; i < dp->nports; i++)
		avq_net_no_notify(dp->ports[i], true);
}

int
avq_dp_sleep_cap_ms(struct rte_avq_dev *d, int timeout)
{
	/* An uplink has no doorbell: poll it every millisecond. */
	if (d->dp != NULL && d->dp->up_port >= 0)
		return RTE_MIN(timeout, 1);
	return timeout;
}

void
rte_avq_dev_wake(struct rte_avq_dev *d)
{
	struct sw_thread *t;

	if (d == NULL)
		return;
	/* W2: orders the caller's avail->idx (or doorbell) store before
	 * the load of sleeping; pairs with F1 in dev_sleep(). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (d->dp != NULL) {
		t = &sw->thr[d->dp->tid];
		if (__atomic_load_n(&t->sleeping, __ATOMIC_RELAXED))
			eventfd_write(t->fd, 1);
		return;
	}
	if (__atomic_load_n(&d->sleeping, __ATOMIC_RELAXED))
		eventfd_write(d->ctl_fd, 1);
}

/* ---- Used rings: published once per pass ---- */

static void
dp_publish(struct avq_dp_dev *dp)
{
	struct avq_dvq *dq;
	struct avq_msi *msi;
	bool irq = false;
	uint32_t i;

	if (dp->ndirty == 0)
		return;
	for (i = 0; i < dp->ndirty; i++) {
		avq_dvq_publish(&dp->dirty[i].n->q[dp->dirty[i].q]);
		irq |= dp->dirty[i].n->v->vq[dp->dirty[i].q].msi.enabled;
	}
	/* F3: orders the used->idx stores before the avail->flags loads;
	 * pairs with the driver's full fence between clearing
	 * VRING_AVAIL_F_NO_INTERRUPT and its look at used->idx. Only a queue
	 * whose vector is enabled can interrupt: when none can, neither the
	 * fence nor the loads are needed (a polling driver's queues; the
	 * fence would wait for every store still in flight, and the load of
	 * avail->flags misses whenever the driver published avail->idx,
	 * which shares its line). A vector the driver enables later comes
	 * with its own look at the ring. */
	if (irq)
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (i = 0; i < dp->ndirty; i++) {
		dq = &dp->dirty[i].n->q[dp->dirty[i].q];
		dq->dirty = false;
		msi = &dp->dirty[i].n->v->vq[dp->dirty[i].q].msi;
		/* At most one interrupt per queue per pass. */
		if (msi->enabled && avq_dvq_wants_irq(dq)) {
			avq_msi_raise(dp->d, msi);
			dq->st.interrupts++;
		}
	}
	dp->ndirty = 0;
}

void
avq_dp_publish(struct avq_dp_dev *dp)
{
	dp_publish(dp);
}

void
avq_dp_dirty(struct avq_dp_dev *dp, struct avq_net_dp *n, uint16_t q)
{
	if (dp->ndirty == SW_DIRTY)
		dp_publish(dp);
	n->q[q].dirty = true;
	dp->dirty[dp->ndirty].n = n;
	dp->dirty[dp->ndirty].q = q;
	dp->ndirty++;
}

/* ---- Handing frames over ---- */

void
avq_dp_flush(struct avq_dp_dev *dp)
{
	uint32_t owners[SW_STAGE], no = 0, k, sent;
	struct sw_thread *t;
	struct sw_port *p;

	for (k = 0; k < dp->nstage; k++) {
		p = &sw->port[dp->stage[k].port];
		sent = rte_ring_mp_enqueue_burst(p->in,
				(void **)dp->stage[k].m, dp->stage[k].n, NULL);
		if (sent < dp->stage[k].n) {
			/* The owner does not keep up: drop, never wait. */
			rte_pktmbuf_free_bulk(dp->stage[k].m + sent,
					      dp->stage[k].n - sent);
			__atomic_fetch_add(&p->overrun, dp->stage[k].n - sent,
					   __ATOMIC_RELAXED);
		}
		if (sent != 0)
			owners[no++] = p->owner;
		dp->stage[k].n = 0;
	}
	dp->nstage = 0;
	if (no == 0)
		return;
	/* W1: orders the enqueues before the loads of sleeping; pairs with
	 * F1 in dev_sleep(), between the owner's store of sleeping and its
	 * look at its input rings. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (k = 0; k < no; k++) {
		t = &sw->thr[owners[k]];
		if (__atomic_load_n(&t->sleeping, __ATOMIC_RELAXED))
			eventfd_write(t->fd, 1);
	}
}

static void
stage_push(struct avq_dp_dev *dp, uint32_t port, struct rte_mbuf *m)
{
	uint32_t k;

	for (k = 0; k < dp->nstage; k++)
		if (dp->stage[k].port == port)
			break;
	if (k == dp->nstage) {
		if (dp->nstage == SW_STAGE) {
			avq_dp_flush(dp);
			k = 0;
		}
		dp->stage[k].port = port;
		dp->stage[k].n = 0;
		dp->nstage = k + 1;
	}
	dp->stage[k].m[dp->stage[k].n++] = m;
	if (dp->stage[k].n == AVQ_DP_BURST)
		avq_dp_flush(dp);
}

static unsigned int
uplink_send(struct avq_dp_dev *dp)
{
	uint16_t sent;

	if (dp->up_n == 0)
		return 0;
	sent = rte_eth_tx_burst((uint16_t)dp->up_eth, 0, dp->up_tx,
				(uint16_t)dp->up_n);
	if (sent < dp->up_n)
		rte_pktmbuf_free_bulk(dp->up_tx + sent, dp->up_n - sent);
	dp->up_n = 0;
	return sent;
}

static void
uplink_push(struct avq_dp_dev *dp, struct rte_mbuf *m)
{
	if (dp->up_n == SW_UPLINK_TX)
		uplink_send(dp);
	dp->up_tx[dp->up_n++] = m;
}

/* Copy @p f into new mbufs (its bytes are in driver memory). */
static struct rte_mbuf *
frame_mbuf(struct avq_dp_dev *dp, const struct avq_frame *f)
{
	struct avq_chain *mc = &dp->mch;
	struct rte_mbuf *m, *seg, *nseg;
	uint32_t left = f->len, k;

	m = rte_pktmbuf_alloc(sw->mp);
	if (m == NULL)
		return NULL;
	mc->npieces = 0;
	seg = m;
	for (;;) {
		k = RTE_MIN(left, (uint32_t)rte_pktmbuf_tailroom(seg));
		seg->data_len = (uint16_t)k;
		mc->p[mc->npieces].va = rte_pktmbuf_mtod(seg, uint8_t *);
		mc->p[mc->npieces].len = k;
		mc->npieces++;
		left -= k;
		if (left == 0)
			break;
		/* 64 KiB frames need 33 of the 2 KiB buffers: always fits. */
		nseg = mc->npieces < AVQ_DP_MAX_PIECES ?
		       rte_pktmbuf_alloc(sw->mp) : NULL;
		if (nseg == NULL) {
			rte_pktmbuf_free(m);
			return NULL;
		}
		seg->next = nseg;
		seg = nseg;
		m->nb_segs++;
	}
	m->pkt_len = f->len;
	avq_dp_frame_write(mc, f);
	return m;
}

/* Phase 1 for one destination: write it now when it is ours and has
 * room, else note that it needs an mbuf. Returns the net device when the
 * port is one of this thread's, NULL otherwise; *nc counts the ports
 * that were active. */
static inline struct avq_net_dp *
fwd_one(struct avq_dp_dev *dp, struct avq_frame *f, uint32_t i, uint32_t *nd,
	uint32_t *nc)
{
	struct sw_port *p = &sw->port[i];
	struct avq_net_dp *n = NULL;

	/* A2: pairs with the release store of active (A1, port_alloc()):
	 * owner, kind and priv are those of the current occupant. */
	if (!__atomic_load_n(&p->active, __ATOMIC_ACQUIRE))
		return NULL;
	(*nc)++;
	if (p->owner == dp->tid && p->kind == SW_NET) {
		n = p->priv;
		if (avq_net_rx(dp, n, f) != AVQ_RX_NOROOM)
			return n;
	}
	dp->fl[(*nd)++] = (uint16_t)i;
	return n;
}

/* Remember the route of @p f when it had one destination, @p n at port
 * @p port (a net device of this thread); forget it otherwise. */
static inline void
route_keep(struct avq_dp_dev *dp, const struct avq_frame *f,
	   struct avq_net_dp *n, uint32_t port, uint32_t nc)
{
	if (nc != 1 || n == NULL) {
		dp->rt_port = -1;
		return;
	}
	dp->rt_skey = f->skey;
	dp->rt_dkey = f->dkey;
	dp->rt_src = f->src_port;
	dp->rt_port = (int)port;
	dp->rt_pass = dp->pass;
	dp->rt_net = n;
}

/* Phase 2: one mbuf reference per destination that needs one. */
static unsigned int
fwd_copies(struct avq_dp_dev *dp, struct avq_frame *f, uint32_t nd)
{
	struct sw_port *p;
	uint32_t k;

	if (nd == 0)
		return 0;
	if (f->m == NULL) {
		f->m = frame_mbuf(dp, f);
		if (f->m == NULL)
			return nd;	/* no buffer: every copy is lost */
		f->m_ref = true;
	}
	/* Every reference is taken before any is handed out: a receiver
	 * may free its own at once. The frame's own reference is the
	 * last one given. */
	if (nd > 1)
		rte_pktmbuf_refcnt_update(f->m, (int16_t)(nd - 1));
	f->m_ref = false;
	for (k = 0; k < nd; k++) {
		p = &sw->port[dp->fl[k]];
		if (p->owner != dp->tid)
			stage_push(dp, dp->fl[k], f->m);
		else if (p->kind == SW_NET)
			avq_net_backlog(p->priv, f->m);
		else
			uplink_push(dp, f->m);
	}
	return 0;
}

unsigned int
avq_dp_forward_kept(struct avq_dp_dev *dp, struct avq_frame *f)
{
	dp->fl[0] = (uint16_t)dp->rt_port;
	return fwd_copies(dp, f, 1);
}

unsigned int
avq_dp_forward_full(struct avq_dp_dev *dp, struct avq_frame *f)
{
	uint32_t nd = 0, nc = 0, c, w, words, last = 0;
	struct avq_net_dp *n = NULL, *one;
	uint64_t bits;
	int to;

	/* Learn where the source lives (a multicast source is bogus); a
	 * sender's address is looked at once a second, not per frame. */
	if (!(f->skey & 1)) {
		uint64_t key = f->skey;

		if (key != dp->learn_key || f->src_port != dp->learn_port ||
		    dp->now != dp->learn_now) {
			mac_learn(key, f->src_port, dp->now);
			dp->look_key = UINT64_MAX;	/* may have moved */
			dp->learn_key = key;
			dp->learn_port = f->src_port;
			dp->learn_now = dp->now;
		}
	}
	if (!(f->dkey & 1)) {
		/* The frames of a burst mostly go to one address: it is
		 * looked up once a pass (an answer another thread changes
		 * meanwhile sends the rest of this pass's frames the old way,
		 * as a relaxed lookup would a single one). */
		if (f->dkey != dp->look_key || dp->look_pass != dp->pass) {
			dp->look_port = mac_lookup(f->dkey, dp->now);
			dp->look_key = f->dkey;
			dp->look_pass = dp->pass;
		}
		to = dp->look_port;
		if (to >= 0) {
			/* Known: that port only, never back to the source. */
			if (to != f->src_port)
				n = fwd_one(dp, f, (uint32_t)to, &nd, &nc);
			route_keep(dp, f, n, (uint32_t)to, nc);
			return fwd_copies(dp, f, nd);
		}
	}
	/* Broadcast, multicast, unknown unicast: every port but the source. */
	words = (__atomic_load_n(&sw->hi, __ATOMIC_ACQUIRE) + 63) / 64;
	for (w = 0; w < words; w++) {
		bits = __atomic_load_n(&sw->active_map[w], __ATOMIC_RELAXED);
		while (bits != 0) {
			uint32_t i = w * 64 + (uint32_t)__builtin_ctzll(bits);

			bits &= bits - 1;
			if ((int)i == f->src_port)
				continue;
			c = nc;
			one = fwd_one(dp, f, i, &nd, &nc);
			if (nc != c) {
				/* An active port: the route if it stays
				 * the only one. */
				n = one;
				last = i;
			}
		}
	}
	route_keep(dp, f, n, last, nc);
	return fwd_copies(dp, f, nd);
}

/* ---- Uplink ---- */

static unsigned int
uplink_poll(struct avq_dp_dev *dp)
{
	struct rte_mbuf *rx[AVQ_DP_BURST], *done[AVQ_DP_BURST];
	uint16_t nb, i, nd = 0;
	unsigned int n, room;
	struct avq_frame f;

	nb = rte_eth_rx_burst((uint16_t)dp->up_eth, 0, rx, AVQ_DP_BURST);
	for (i = 0; i < nb; i++) {
		if (rte_pktmbuf_pkt_len(rx[i]) < AVQ_ETH_HLEN) {
			done[nd++] = rx[i];
			continue;
		}
		avq_dp_frame_of_mbuf(&f, rx[i], dp->head);
		f.src_port = dp->up_port;
		avq_dp_forward(dp, &f);
		if (f.m_ref)
			done[nd++] = rx[i];
	}
	if (nd != 0)
		rte_pktmbuf_free_bulk(done, nd);
	/* What other threads handed to the uplink. */
	room = SW_UPLINK_TX - dp->up_n;
	n = rte_ring_sc_dequeue_burst(sw->port[dp->up_port].in,
				      (void **)(dp->up_tx + dp->up_n), room,
				      NULL);
	dp->up_n += n;
	return nb + uplink_send(dp);
}

struct ctl_uplink {
	int port_id;
};

static int
ctl_uplink_set(struct rte_avq_dev *d, void *arg)
{
	const struct ctl_uplink *a = arg;
	struct avq_dp_dev *dp = d->dp;
	uint32_t i;
	int ret;

	if (dp == NULL)
		return -ENOTSUP;
	if (a->port_id == dp->up_eth)
		return 0;
	if (a->port_id < 0) {
		if (dp->up_port >= 0)
			uplink_clear(dp);
		return 0;
	}
	pthread_mutex_lock(&sw_lock);
	/* Two threads on one rx queue would race. */
	for (i = 0; i < SW_MAX_PORTS; i++) {
		if (sw->port[i].used && sw->port[i].kind == SW_UPLINK &&
		    sw->port[i].eth == a->port_id) {
			pthread_mutex_unlock(&sw_lock);
			return -EBUSY;
		}
	}
	ret = sw_buffers();
	if (ret == 0)
		ret = port_alloc(SW_UPLINK, dp->tid, dp);
	if (ret >= 0)
		sw->port[ret].eth = a->port_id;
	pthread_mutex_unlock(&sw_lock);
	if (ret < 0)
		return ret;
	if (dp->up_port >= 0)
		uplink_clear(dp);
	dp->up_port = ret;
	dp->up_eth = a->port_id;
	AVQ_DEV_LOG(INFO, d, "uplink port %d", a->port_id);
	return 0;
}

int
rte_avq_dev_uplink_set(struct rte_avq_dev *d, int port_id)
{
	struct ctl_uplink a = { .port_id = port_id };

	if (d == NULL || port_id < -1)
		return -EINVAL;
	if (port_id >= 0 && !rte_eth_dev_is_valid_port((uint16_t)port_id)) {
		AVQ_DEV_LOG(ERR, d, "uplink: no ethdev port %d", port_id);
		return -ENODEV;
	}
	return avq_dev_ctl_call(d, ctl_uplink_set, &a);
}

/* ---- One pass ---- */

unsigned int
avq_dp_poll(struct rte_avq_dev *d, uint64_t tsc)
{
	struct avq_dp_dev *dp = d->dp;
	unsigned int work = 0;
	uint32_t i;

	if (dp->nports == 0 && dp->up_port < 0)
		return 0;
	dp->now = (uint32_t)(tsc >> sw->tsc_shift);
	dp->pass++;
	for (i = 0; i < dp->nports; i++)
		work += avq_net_poll(dp, dp->ports[i]);
	if (dp->up_port >= 0)
		work += uplink_poll(dp);
	avq_dp_flush(dp);
	dp_publish(dp);
	/* Devices that faulted (or stopped) leave the switch now; leaving
	 * moves the last port into the freed place, already visited. */
	for (i = dp->nports; i-- > 0;)
		if (dp->ports[i]->faulted)
			avq_net_stop(dp->ports[i]);
	return work;
}

/* ---- Public: the switch ---- */

int
rte_avq_dev_switch_info(struct rte_avq_dev_switch_info *info)
{
	uint32_t i, now;
	uint64_t e;

	if (info == NULL)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	pthread_mutex_lock(&sw_lock);
	if (sw != NULL) {
		now = sw_now();
		for (i = 0; i < SW_MAX_PORTS / 64; i++)
			info->ports += (uint32_t)__builtin_popcountll(__atomic_load_n(
				&sw->active_map[i], __ATOMIC_RELAXED));
		for (i = 0; i < SW_MAC_SLOTS; i++) {
			e = __atomic_load_n(&sw->mac[i], __ATOMIC_RELAXED);
			if ((e >> 48) != 0 && !mac_aged(i, now))
				info->macs++;
		}
		info->buffers = sw->mp != NULL;
	}
	pthread_mutex_unlock(&sw_lock);
	return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Fault injection: a management device that misbehaves on purpose, so that
 * drivers and engines can be tested against late, reordered, lost and
 * failed completions, and against a device that stops serving its AQs.
 *
 * Completion staging. After a chain is executed, its used element
 * {id, len} is
 *  - written now (no fault: the only path that costs anything is a test of
 *    fault.active), or
 *  - dropped (every drop_every-th completion: executed, never returned), or
 *  - put in the reorder group, which goes out in reverse order once it
 *    holds `reorder` completions or 2 ms after its first one, or
 *  - put in the staging FIFO until its release time (execution + delay_us).
 * With both delay and reorder, a group that goes out enters the FIFO. The
 * FIFO is released strictly in its order, each entry no earlier than its
 * release time. Without VIRTIO_F_IN_ORDER a device may use buffers in any
 * order (virtio 1.x 2.7), so every schedule here is legal virtio, except
 * the drop, which models a lost completion the driver must time out.
 *
 * Held completions belong to an enabled AQ: disabling the queue (or
 * destroying the device) forgets them, so nothing is ever written into a
 * ring the driver took back.
 *
 * Everything runs on the device thread (rte_avq_dev_fault_set() through a
 * control call), see avq_dev_private.h.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_common.h>

#include "avq_dev_private.h"

/* A reorder group goes out this long after its first completion at the
 * latest (rte_avq_dev.h). */
#define FAULT_GROUP_MAX_NS	(2ull * 1000 * 1000)
/* Longest delay accepted: a minute is already "never" for any driver. */
#define FAULT_DELAY_MAX_US	(60u * 1000 * 1000)

uint64_t
avq_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* "No fault". A zeroed struct means the same: failing is on only with a
 * non-zero fail_ack (a command "failed" with OK would be no fault). */
static const struct rte_avq_dev_fault fault_off = {
	.fail_class = -1,
	.fail_command = -1,
};

void
avq_fault_init(struct rte_avq_dev *d)
{
	memset(&d->fault, 0, sizeof(d->fault));
	d->fault.f = fault_off;
}

static bool
fault_any(const struct rte_avq_dev_fault *f)
{
	return f->delay_us != 0 || f->reorder > 1 || f->drop_every != 0 ||
	       (f->fail_class >= 0 && f->fail_ack != 0) || f->stall;
}

static void
fault_update_active(struct rte_avq_dev *d)
{
	struct avq_fault_state *fs = &d->fault;

	fs->active = fault_any(&fs->f) || fs->stage_n != 0 || fs->grp_n != 0;
}

bool
avq_fault_stalled(const struct rte_avq_dev *d)
{
	return d->fault.f.stall;
}

bool
avq_fault_fail(struct rte_avq_dev *d, uint16_t class_id, uint16_t command,
	       uint8_t *ack)
{
	const struct rte_avq_dev_fault *f = &d->fault.f;

	if (!d->fault.active || f->fail_ack == 0 || f->fail_class < 0 ||
	    f->fail_class != class_id)
		return false;
	if (f->fail_command >= 0 && f->fail_command != command)
		return false;
	*ack = f->fail_ack;
	d->stats.faults_failed++;
	AVQ_DEV_LOG(DEBUG, d, "fault injection: class %u cmd %u fails with %u",
		    class_id, command, f->fail_ack);
	return true;
}

/* ---- Staging FIFO and reorder group ---- */

/* What one release pass wrote: count and AQs to signal. */
struct fault_out {
	unsigned int n;
	uint32_t aqs;			/* bit per AQ (RTE_AVQ_DEV_MAX_AQS <= 32) */
};

static struct avq_held *
stage_at(struct avq_fault_state *fs, uint32_t i)
{
	return &fs->stage[(fs->stage_head + i) % fs->cap];
}

static void
held_write(struct rte_avq_dev *d, const struct avq_held *h,
	   struct fault_out *o)
{
	avq_aq_used_put(d, h->aq, h->id, h->len);
	o->aqs |= UINT32_C(1) << h->aq;
	o->n++;
}

static void
out_signal(struct rte_avq_dev *d, const struct fault_out *o)
{
	uint16_t i;

	for (i = 0; i < d->params.num_aqs; i++)
		if (o->aqs & (UINT32_C(1) << i))
			avq_aq_used_signal(d, i);
}

/*
 * Queue @p h behind the held ones. Returns false when the FIFO is full,
 * which only a driver exposing more chains than its rings hold can cause
 * (virtio 2.7.13): the caller then writes it at once.
 */
static bool
stage_push(struct rte_avq_dev *d, const struct avq_held *h)
{
	struct avq_fault_state *fs = &d->fault;

	if (fs->stage_n == fs->cap) {
		AVQ_DEV_LOG(DEBUG, d, "fault injection: %u completions held,"
			    " AQ %u id %u not delayed", fs->cap, h->aq, h->id);
		return false;
	}
	fs->stage_n++;
	*stage_at(fs, fs->stage_n - 1) = *h;
	return true;
}

/* A completion leaves the reorder group: delayed or written. */
static void
held_forward(struct rte_avq_dev *d, const struct avq_held *h,
	     struct fault_out *o)
{
	struct avq_fault_state *fs = &d->fault;

	/* Behind held ones even without a delay: order is kept. */
	if ((fs->f.delay_us == 0 && fs->stage_n == 0) || !stage_push(d, h))
		held_write(d, h, o);
}

static void
grp_release(struct rte_avq_dev *d, bool reverse, struct fault_out *o)
{
	struct avq_fault_state *fs = &d->fault;
	uint32_t i, n = fs->grp_n;

	fs->grp_n = 0;
	for (i = 0; i < n; i++)
		held_forward(d, &fs->grp[reverse ? n - 1 - i : i], o);
}

enum avq_stage
avq_fault_stage(struct rte_avq_dev *d, uint16_t aq, uint16_t id, uint32_t len)
{
	struct avq_fault_state *fs = &d->fault;
	const struct rte_avq_dev_fault *f = &fs->f;
	struct avq_held h = { .aq = aq, .id = id, .len = len };
	struct fault_out o = { 0 };
	uint64_t now;

	if (!fs->active)
		return AVQ_STAGE_NOW;
	if (f->drop_every != 0 && ++fs->seen % f->drop_every == 0) {
		d->stats.faults_dropped++;
		AVQ_DEV_LOG(DEBUG, d, "fault injection: AQ %u id %u dropped",
			    aq, id);
		return AVQ_STAGE_DROPPED;
	}
	if (f->delay_us == 0 && f->reorder <= 1 && fs->stage_n == 0)
		return AVQ_STAGE_NOW;
	now = avq_now_ns();
	h.release_ns = f->delay_us != 0 ? now + f->delay_us * 1000ull : 0;
	if (f->reorder > 1) {
		if (fs->grp_n == 0)
			fs->grp_first_ns = now;
		fs->grp[fs->grp_n++] = h;
		if (fs->grp_n >= f->reorder || fs->grp_n == fs->cap) {
			grp_release(d, true, &o);
			out_signal(d, &o);
		}
		return AVQ_STAGE_HELD;
	}
	return stage_push(d, &h) ? AVQ_STAGE_HELD : AVQ_STAGE_NOW;
}

unsigned int
avq_fault_release(struct rte_avq_dev *d)
{
	struct avq_fault_state *fs = &d->fault;
	const struct rte_avq_dev_fault *f = &fs->f;
	struct fault_out o = { 0 };
	struct avq_held *h;
	uint64_t now;

	/* A stalled device completes nothing, held completions included. */
	if (!fs->active || f->stall || (fs->stage_n == 0 && fs->grp_n == 0))
		return 0;
	now = avq_now_ns();
	if (fs->grp_n != 0) {
		if (f->reorder <= 1)
			/* Reorder cleared: out in the order they came. */
			grp_release(d, false, &o);
		else if (fs->grp_n >= f->reorder ||
			 now - fs->grp_first_ns >= FAULT_GROUP_MAX_NS)
			grp_release(d, true, &o);
	}
	while (fs->stage_n != 0) {
		h = stage_at(fs, 0);
		/* Delay cleared: everything held is due. */
		if (f->delay_us != 0 && h->release_ns > now)
			break;
		held_write(d, h, &o);
		fs->stage_head = (fs->stage_head + 1) % fs->cap;
		fs->stage_n--;
	}
	out_signal(d, &o);
	fault_update_active(d);
	return o.n;
}

uint64_t
avq_fault_deadline(const struct rte_avq_dev *d)
{
	const struct avq_fault_state *fs = &d->fault;
	uint64_t dl = UINT64_MAX, t;

	if (!fs->active || fs->f.stall)
		return UINT64_MAX;
	if (fs->grp_n != 0)
		dl = fs->f.reorder <= 1 || fs->grp_n >= fs->f.reorder ? 0 :
		     fs->grp_first_ns + FAULT_GROUP_MAX_NS;
	if (fs->stage_n != 0) {
		t = fs->f.delay_us == 0 ? 0 :
		    fs->stage[fs->stage_head].release_ns;
		dl = RTE_MIN(dl, t);
	}
	return dl;
}

void
avq_fault_forget_aq(struct rte_avq_dev *d, uint16_t aq)
{
	struct avq_fault_state *fs = &d->fault;
	uint32_t i, j, before = fs->stage_n + fs->grp_n;

	for (i = 0, j = 0; i < fs->stage_n; i++) {
		/* j <= i: slot j was read before it is overwritten. */
		if (stage_at(fs, i)->aq != aq)
			*stage_at(fs, j++) = *stage_at(fs, i);
	}
	fs->stage_n = j;
	for (i = 0, j = 0; i < fs->grp_n; i++)
		if (fs->grp[i].aq != aq)
			fs->grp[j++] = fs->grp[i];
	fs->grp_n = j;
	if (fs->stage_n + fs->grp_n != before)
		AVQ_DEV_LOG(DEBUG, d, "AQ %u disabled: %" PRIu32 " held"
			    " completions dropped", aq,
			    before - fs->stage_n - fs->grp_n);
	fault_update_active(d);
}

void
avq_fault_fini(struct rte_avq_dev *d)
{
	struct avq_fault_state *fs = &d->fault;

	free(fs->stage);
	free(fs->grp);
	avq_fault_init(d);
}

/* ---- Control path ---- */

static int
ctl_fault_set(struct rte_avq_dev *d, void *arg)
{
	const struct rte_avq_dev_fault *f = arg;
	struct avq_fault_state *fs = &d->fault;
	uint32_t cap;

	if ((f->delay_us != 0 || f->reorder > 1) && fs->stage == NULL) {
		/* Every chain outstanding on every AQ fits. */
		cap = (uint32_t)d->params.num_aqs * d->params.max_aq_size;
		fs->stage = calloc(cap, sizeof(*fs->stage));
		fs->grp = calloc(cap, sizeof(*fs->grp));
		if (fs->stage == NULL || fs->grp == NULL) {
			free(fs->stage);
			free(fs->grp);
			fs->stage = NULL;
			fs->grp = NULL;
			AVQ_DEV_LOG(ERR, d, "fault injection: no memory to hold"
				    " %" PRIu32 " completions", cap);
			return -ENOMEM;
		}
		fs->cap = cap;
		fs->stage_head = 0;
	}
	fs->f = *f;
	fs->seen = 0;
	/* Whatever the new settings no longer hold goes out now (unless
	 * stalled: then when the stall is cleared). */
	fs->active = true;
	avq_fault_release(d);
	fault_update_active(d);
	return 0;
}

int
rte_avq_dev_fault_set(struct rte_avq_dev *d, const struct rte_avq_dev_fault *f)
{
	struct rte_avq_dev_fault a;

	if (d == NULL)
		return -EINVAL;
	a = f != NULL ? *f : fault_off;
	if (a.fail_class < -1 || a.fail_class > UINT16_MAX ||
	    a.fail_command < -1 || a.fail_command > UINT16_MAX) {
		AVQ_DEV_LOG(ERR, d, "fault injection: bad fail_class %" PRId32
			    " / fail_command %" PRId32 " (-1..65535)",
			    a.fail_class, a.fail_command);
		return -EINVAL;
	}
	if (a.delay_us > FAULT_DELAY_MAX_US) {
		AVQ_DEV_LOG(ERR, d, "fault injection: delay_us %" PRIu32
			    " above %u", a.delay_us, FAULT_DELAY_MAX_US);
		return -EINVAL;
	}
	if (fault_any(&a))
		AVQ_DEV_LOG(INFO, d, "fault injection: delay %" PRIu32 " us,"
			    " reorder %" PRIu32 ", drop every %" PRIu32
			    ", fail %" PRId32 "/%" PRId32 " ack %u, stall %d",
			    a.delay_us, a.reorder, a.drop_every, a.fail_class,
			    a.fail_command, a.fail_ack, a.stall);
	else
		AVQ_DEV_LOG(INFO, d, "fault injection cleared");
	return avq_dev_ctl_call(d, ctl_fault_set, &a);
}

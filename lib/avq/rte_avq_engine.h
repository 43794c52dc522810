/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

#ifndef RTE_AVQ_ENGINE_H
#define RTE_AVQ_ENGINE_H

/**
 * @file
 * The admin-queue engine: lock-free, batched, multi-lcore.
 *
 * An engine owns the driver side of one or more admin queues of a
 * management device. Any lcore or control thread submits commands
 * asynchronously; completions are harvested by whoever polls and delivered
 * to the request's owner (callback or request handle). No mutex or spinlock
 * is taken on submission or completion, and submission never waits for
 * another thread.
 *
 * Rules (see doc/guides/prog_guide/avq_engine.rst):
 *  - Per managed device order: all commands for one device_id go to one
 *    admin queue (device_id hashed over the queues) and reach the device in
 *    submission order; their completions are delivered in that order even
 *    when the device answers out of order. "Submission order" for two
 *    threads submitting at once is the order in which they reserved their
 *    ring positions.
 *  - Commands for different devices never wait for each other's
 *    completions.
 *  - A command whose answer has not arrived when a poll finds its deadline
 *    passed completes with -ETIMEDOUT (an answer that is there when the
 *    engine looks is delivered, even if the deadline passed before the
 *    look); its ring slot stays reserved until the device returns it (or
 *    the engine is reset), so a late answer is discarded safely.
 *  - rte_avq_engine_reset() fails everything in flight with -ECANCELED and
 *    leaves the engine usable. A device reset (STATUS 0) of a managed device
 *    is an ordinary command ordered with the device's other commands.
 *  - Ring full: submission returns -EAGAIN (nothing lost, nothing posted);
 *    rte_avq_exec() and RTE_AVQ_F_WAIT submitters poll until room appears.
 */

#include <stdbool.h>
#include <stdint.h>

#include "rte_avq_wire.h"
#include "rte_avq_transport.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque engine. */
struct rte_avq_engine;

/** Opaque request: one command in flight, from the engine's pool. */
struct rte_avq_req;

/** Engine configuration; zeroed fields take the defaults. */
struct rte_avq_engine_conf {
	const struct rte_avq_transport *transport;	/**< required */
	uint16_t num_aqs;	/**< admin queues to use; 0: all offered */
	uint16_t ring_size;	/**< entries per queue (power of two); 0: max */
	uint32_t max_out;	/**< largest command-out-data; 0: 4096 */
	uint32_t max_in;	/**< largest command-in-data; 0: 4096 */
	uint64_t timeout_us;	/**< per command; 0: 2 s */
	int socket;		/**< NUMA socket of the rings; SOCKET_ID_ANY ok */
	/**
	 * Non-zero: the engine also takes admin queue @c num_aqs (the one
	 * after the submission queues; the transport must offer it) as a
	 * sync queue of 2 entries that rte_avq_exec() uses whenever it is
	 * free and the command's device has nothing else in flight: about
	 * half the cache-line transfers of a round trip through a ring
	 * queue. Per-device order is kept across both (see the guide).
	 * With @c num_aqs 0, all offered queues but the last submit.
	 */
	uint8_t sync_queue;
	/**
	 * Non-zero: batches pack their commands for one managed device into
	 * MULTI_EXEC chains (class AVQ_CLASS_MULTI), when the device offers
	 * the class (create asks CAP_GET; without it batches post one chain
	 * per command, as with 0). What changes for the caller:
	 * - a batch's commands reach the device at rte_avq_batch_end() (or
	 *   when a pack fills), so a command of the same device submitted
	 *   outside the batch before that may run ahead of them;
	 * - a pack that cannot be posted then (ring full without
	 *   RTE_AVQ_F_WAIT) fails its commands through their callbacks with
	 *   status -EAGAIN, from that rte_avq_batch_add() or
	 *   rte_avq_batch_end(), and they are not counted as posted.
	 * Each command keeps its own callback, ack and in-data; per-device
	 * order, timeouts and resets apply to each as if posted alone.
	 */
	uint8_t batch_pack;
};

/** One command. @c out is copied at submission; @c in is filled at completion. */
struct rte_avq_cmd {
	uint64_t device_id;
	uint16_t class_id;
	uint16_t command;
	uint32_t out_len;
	const void *out;
	uint32_t in_len;	/**< capacity of @c in */
	void *in;		/**< must stay valid until completion */
};

/**
 * Completion callback. Runs on the thread that delivers the completion
 * (the one that called rte_avq_engine_poll()). @p status is 0 when the
 * device answered (then @p ack is its ack byte), -ETIMEDOUT, -ECANCELED
 * (engine reset or destroy), -EPROTO (no ack written) or, for a command a
 * batch packed, -EAGAIN (see conf.batch_pack). @p in_len is the
 * command-in-data length the device wrote. The request is freed by the
 * engine after the callback returns.
 */
typedef void (*rte_avq_cb_t)(void *arg, int status, uint8_t ack,
			     uint32_t in_len);

/** Submission flags. */
#define RTE_AVQ_F_WAIT		(1u << 0)	/**< ring full: poll until room */
#define RTE_AVQ_F_NO_KICK	(1u << 1)	/**< post only; a later submit or
						 * rte_avq_engine_kick() rings */

/**
 * Create an engine over the transport's admin queues (rings in DMA memory,
 * mapped through the transport, programmed and enabled).
 * @return the engine, or NULL with rte_errno set.
 */
struct rte_avq_engine *rte_avq_engine_create(const struct rte_avq_engine_conf *conf);

/**
 * Fail everything in flight with -ECANCELED, disable the queues, free
 * everything. No other thread may use the engine during or after the call.
 */
void rte_avq_engine_destroy(struct rte_avq_engine *e);

/**
 * Submit one command; completion by callback @p cb (may be NULL).
 * Thread-safe, lock-free.
 * @return 0; -EAGAIN (ring full or request pool empty, nothing posted;
 *   never with RTE_AVQ_F_WAIT); -E2BIG (out/in larger than the engine's
 *   max); -ECANCELED (a reset is in progress); -EINVAL.
 */
int rte_avq_submit(struct rte_avq_engine *e, const struct rte_avq_cmd *cmd,
		   rte_avq_cb_t cb, void *arg, unsigned int flags);

/**
 * Submit one command and return a handle to poll instead of a callback.
 * The caller must rte_avq_req_free() the handle after it completed.
 */
int rte_avq_submit_req(struct rte_avq_engine *e, const struct rte_avq_cmd *cmd,
		       unsigned int flags, struct rte_avq_req **req);

/** Whether @p req has completed (acquire: its results are then visible). */
bool rte_avq_req_done(const struct rte_avq_req *req);

/** Results of a completed request; -EBUSY if not completed yet. */
int rte_avq_req_result(const struct rte_avq_req *req, int *status,
		       uint8_t *ack, uint32_t *in_len);

/** Release a handle obtained from rte_avq_submit_req() (completed or not:
 * an uncompleted request is then forgotten, its result discarded). */
void rte_avq_req_free(struct rte_avq_req *req);

/**
 * Harvest completions from the used rings, deliver them (in per-device
 * order), expire deadlines. Thread-safe, lock-free: several threads may
 * poll at once. @return number of completions delivered.
 */
int rte_avq_engine_poll(struct rte_avq_engine *e, unsigned int budget);

/** Ring every doorbell that has unannounced entries (after F_NO_KICK). */
void rte_avq_engine_kick(struct rte_avq_engine *e);

/**
 * Execute one command synchronously (submit, then poll until it completes).
 * @return 0 with @p ack / @p in_len set, or the submission / completion
 *   status (-ETIMEDOUT, -ECANCELED, -EPROTO, ...).
 */
int rte_avq_exec(struct rte_avq_engine *e, const struct rte_avq_cmd *cmd,
		 uint8_t *ack, uint32_t *in_len);

/** Most admin queues one engine drives. */
#define RTE_AVQ_ENGINE_MAX_AQS	16

/**
 * Batch builder: many commands, one publication of the ring index and one
 * doorbell per queue. Commands added to a batch reach the device at
 * rte_avq_batch_end() (or earlier, when another submitter's publication
 * carries them along). Keep a batch short: entries it holds are not
 * visible to the device until it ends, and rte_avq_engine_reset() waits
 * for open batches to end. Every begun batch must be ended.
 */
/** Descriptor slots a batch takes per queue at once (private). */
#define RTE_AVQ_BATCH_CACHE	8
/** Managed devices a batch packs for at once (conf.batch_pack). */
#define RTE_AVQ_BATCH_PACKS	8

struct rte_avq_batch {
	struct rte_avq_engine *e;
	unsigned int count;	/**< commands posted so far */
	int error;		/**< first submission error */
	/* Private to the engine. */
	uint32_t entered;	/**< inside the engine from begin to end */
	uint32_t pinned;	/**< queues with entries still to publish */
	uint32_t pin[RTE_AVQ_ENGINE_MAX_AQS];	/**< last position per queue */
	uint32_t held;		/**< queues whose pin is a held entry */
	uint64_t now;		/**< timer cycles at begin (deadlines) */
	void *st;		/**< statistics entry of the thread */
	uint8_t st_shared;	/**< that entry is shared (no lcore id) */
	uint8_t ncache[RTE_AVQ_ENGINE_MAX_AQS];	/**< slots in cache[q] */
	uint16_t unpub[RTE_AVQ_ENGINE_MAX_AQS];	/**< entries since the last publication */
	uint32_t cache[RTE_AVQ_ENGINE_MAX_AQS][RTE_AVQ_BATCH_CACHE];
	void *pack[RTE_AVQ_BATCH_PACKS];	/**< open packs (conf.batch_pack) */
};

/** Start a batch (a stack object is fine; nothing is allocated). If a
 * reset is running, the batch's adds fail with -ECANCELED. */
void rte_avq_batch_begin(struct rte_avq_engine *e, struct rte_avq_batch *b);

/**
 * Post one command of the batch (not announced to the device yet).
 * @return as rte_avq_submit(); on error the batch keeps what was posted.
 */
int rte_avq_batch_add(struct rte_avq_batch *b, const struct rte_avq_cmd *cmd,
		      rte_avq_cb_t cb, void *arg, unsigned int flags);

/**
 * Post @p n commands of the batch at once: @p cmds[i] completes by
 * @p cb(@p args[i], ...) (@p args NULL: every callback gets NULL), as
 * @p n calls of rte_avq_batch_add() in order would, with the per-call
 * checks of the batch done once.
 * @return the number of commands posted (0..@p n), the first ones of the
 *   array. When fewer than @p n, rte_errno holds why the next one was
 *   not (the positive errno of what rte_avq_batch_add() would have
 *   returned: EAGAIN for a full ring, E2BIG, EINVAL, ECANCELED); the
 *   batch keeps what was posted and records the error as an add does.
 */
int rte_avq_batch_add_burst(struct rte_avq_batch *b,
			    const struct rte_avq_cmd *cmds, unsigned int n,
			    rte_avq_cb_t cb, void *const *args,
			    unsigned int flags);

/** Announce everything posted with one doorbell per queue touched.
 * @return commands posted, or the first error if none was. */
int rte_avq_batch_end(struct rte_avq_batch *b);

/**
 * Fail every command in flight with -ECANCELED (callbacks run from this
 * call), re-program the queues so that no late answer can land, and leave
 * the engine usable. Submissions made during the reset fail with
 * -ECANCELED; the call waits for submitters already inside to leave.
 */
int rte_avq_engine_reset(struct rte_avq_engine *e);

/** Number of admin queues in use. */
uint16_t rte_avq_engine_num_aqs(const struct rte_avq_engine *e);

/** The transport the engine was created over. */
const struct rte_avq_transport *
rte_avq_engine_transport(const struct rte_avq_engine *e);

/** Engine counters (each a sum over the queues). */
struct rte_avq_engine_stats {
	uint64_t submitted;
	uint64_t completed;	/**< delivered with status 0 */
	uint64_t failed;	/**< delivered with status 0 and a non-zero ack */
	uint64_t timed_out;
	uint64_t canceled;
	uint64_t late;		/**< answers that came after their timeout */
	uint64_t eagain;	/**< submissions refused for a full ring */
	uint64_t kicks;		/**< doorbells rung */
	uint64_t batches;	/**< rte_avq_batch_end() calls */
	uint64_t batched;	/**< commands posted through batches */
	uint64_t packs;		/**< MULTI_EXEC chains posted (conf.batch_pack) */
	uint64_t packed;	/**< commands posted inside them */
	uint32_t inflight;	/**< submitted, not yet delivered */
	uint64_t lat_ns_sum;	/**< submit-to-delivery, over completed (a sync-queue command: from its posting) */
	uint64_t lat_ns_max;
};

/** Read the counters (relaxed snapshot). */
int rte_avq_engine_stats_get(const struct rte_avq_engine *e,
			     struct rte_avq_engine_stats *s);

#ifdef __cplusplus
}
#endif

#endif /* RTE_AVQ_ENGINE_H */

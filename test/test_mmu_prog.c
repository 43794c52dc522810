/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Device-MMU programming (rte_avq_mmu.h): coalesce and diff against a
 * brute-force model on random inputs, then map_regions / update through the
 * engine against the device model, checked by device DMA through its MMU.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include <rte_avq_engine.h>
#include <rte_avq_mmu.h>

#include "avq_fixture.h"
#include "avq_test.h"

typedef unsigned __int128 u128;

#define MP_PAGE		4096u
#define MP_IOVA_BASE	(1ull << 32)	/* above the reserved MSI range */
#define MP_MAX_SET	48u

/* ---- Brute-force model ---- */

/* The spec of a merge, in 128-bit arithmetic so that it cannot share an
 * overflow bug with the library: contiguous in IOVA and DMA space, same
 * permissions, merged length representable.
 */
static bool
model_mergeable(const struct rte_avq_mmu_region *a,
		const struct rte_avq_mmu_region *b)
{
	return a->perm == b->perm &&
	       (u128)a->iova + a->len == b->iova &&
	       (u128)a->dma + a->len == b->dma &&
	       (u128)a->len + b->len <= UINT64_MAX;
}

static bool
model_intersect(const struct rte_avq_mmu_region *a,
		const struct rte_avq_mmu_region *b)
{
	return (u128)a->iova < (u128)b->iova + b->len &&
	       (u128)b->iova < (u128)a->iova + a->len;
}

static bool
model_equal(const struct rte_avq_mmu_region *a,
	    const struct rte_avq_mmu_region *b)
{
	return a->iova == b->iova && a->dma == b->dma && a->len == b->len &&
	       a->perm == b->perm;
}

/* (iova -> dma, perm) by linear scan; false where nothing is mapped. */
static bool
model_lookup(const struct rte_avq_mmu_region *r, unsigned int n, uint64_t a,
	     uint64_t *dma, uint32_t *perm)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (a >= r[i].iova && (u128)a < (u128)r[i].iova + r[i].len) {
			*dma = r[i].dma + (a - r[i].iova);
			*perm = r[i].perm;
			return true;
		}
	}
	return false;
}

/* Total order, so that equal multisets sort to equal arrays. */
static bool
model_less(const struct rte_avq_mmu_region *a,
	   const struct rte_avq_mmu_region *b)
{
	if (a->iova != b->iova)
		return a->iova < b->iova;
	if (a->len != b->len)
		return a->len < b->len;
	if (a->dma != b->dma)
		return a->dma < b->dma;
	return a->perm < b->perm;
}

/* Element-wise (struct padding makes memcmp of regions meaningless). */
static bool
list_equal(const struct rte_avq_mmu_region *a,
	   const struct rte_avq_mmu_region *b, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!model_equal(&a[i], &b[i]))
			return false;
	return true;
}

static void
model_sort(struct rte_avq_mmu_region *r, unsigned int n)
{
	struct rte_avq_mmu_region t;
	unsigned int i, j;

	for (i = 1; i < n; i++) {
		t = r[i];
		for (j = i; j > 0 && model_less(&t, &r[j - 1]); j--)
			r[j] = r[j - 1];
		r[j] = t;
	}
}

static void
shuffle(uint64_t *s, struct rte_avq_mmu_region *r, unsigned int n)
{
	struct rte_avq_mmu_region t;
	unsigned int i, j;

	for (i = n; i > 1; i--) {
		j = (unsigned int)(avq_fx_prng(s) % i);
		t = r[i - 1];
		r[i - 1] = r[j];
		r[j] = t;
	}
}

/*
 * A random disjoint set: neighbours adjacent or not in IOVA, contiguous in
 * DMA or not, with equal permissions or not; sometimes pushed to the top of
 * the address space (last byte UINT64_MAX) or with a DMA chain that ends at
 * UINT64_MAX and a neighbour at DMA 0 (contiguous only modulo 2^64).
 */
static unsigned int
gen_set(uint64_t *s, struct rte_avq_mmu_region *r, unsigned int max)
{
	unsigned int n = (unsigned int)(avq_fx_prng(s) % (max + 1)), i;
	uint64_t cur = avq_fx_prng(s) % 1024, shift;
	unsigned int kind = (unsigned int)(avq_fx_prng(s) % 8);

	for (i = 0; i < n; i++) {
		if (avq_fx_prng(s) % 2)
			cur += 1 + avq_fx_prng(s) % 8;
		r[i].iova = cur;
		r[i].len = 1 + avq_fx_prng(s) % 8;
		cur += r[i].len;
		if (i > 0 && avq_fx_prng(s) % 2)
			r[i].dma = r[i - 1].dma + r[i - 1].len;
		else
			r[i].dma = avq_fx_prng(s) % 65536;
		if (i > 0 && avq_fx_prng(s) % 4)
			r[i].perm = r[i - 1].perm;
		else
			r[i].perm = 1 + (uint32_t)(avq_fx_prng(s) % 3);
	}
	if (n > 0 && kind == 0) {
		shift = UINT64_MAX - (r[n - 1].iova + r[n - 1].len - 1);
		for (i = 0; i < n; i++)
			r[i].iova += shift;
	}
	if (n > 1 && kind == 1) {
		/* r[0] ends at DMA UINT64_MAX, r[1] starts at DMA 0. */
		r[0].dma = UINT64_MAX - r[0].len + 1;
		r[1].dma = 0;
	}
	return n;
}

/* ---- coalesce ---- */

static int
check_coalesced(uint64_t *s, const struct rte_avq_mmu_region *in,
		unsigned int n, const struct rte_avq_mmu_region *out, int c,
		unsigned int iter)
{
	unsigned int i, pairs = 0, k;
	u128 sum_in = 0, sum_out = 0;
	uint64_t a, d1, d2;
	uint32_t p1, p2;
	bool f1, f2;

	for (i = 0; i < n; i++)
		for (k = 0; k < n; k++)
			if (k != i && model_mergeable(&in[i], &in[k]))
				pairs++;
	TEST_ASSERT_EQUAL(c, n - pairs, "iteration %u: count", iter);
	for (i = 0; i < (unsigned int)c; i++) {
		sum_out += out[i].len;
		TEST_ASSERT(out[i].len > 0, "iteration %u: empty region", iter);
		if (i == 0)
			continue;
		TEST_ASSERT((u128)out[i - 1].iova + out[i - 1].len <= out[i].iova,
			    "iteration %u: regions %u, %u unsorted or overlap",
			    iter, i - 1, i);
		TEST_ASSERT(!model_mergeable(&out[i - 1], &out[i]),
			    "iteration %u: regions %u, %u not merged", iter,
			    i - 1, i);
	}
	for (i = 0; i < n; i++)
		sum_in += in[i].len;
	TEST_ASSERT(sum_in == sum_out, "iteration %u: bytes covered", iter);

	/* Same function on every edge and on random addresses around. */
	for (i = 0; i < n * 6 + 64; i++) {
		const struct rte_avq_mmu_region *x = &in[i % (n ? n : 1)];

		if (n == 0)
			a = avq_fx_prng(s);
		else if (i < n * 6) {
			switch ((i / n) % 6) {
			case 0: a = x->iova; break;
			case 1: a = x->iova + x->len - 1; break;
			case 2: a = x->iova - 1; break;
			case 3: a = x->iova + x->len; break;
			case 4: a = x->iova + avq_fx_prng(s) % x->len; break;
			default: a = avq_fx_prng(s); break;
			}
		} else {
			a = in[0].iova + avq_fx_prng(s) % (64 * MP_MAX_SET);
		}
		f1 = model_lookup(in, n, a, &d1, &p1);
		f2 = model_lookup(out, (unsigned int)c, a, &d2, &p2);
		TEST_ASSERT_EQUAL(f1, f2, "iteration %u: 0x%" PRIx64 " mapped",
				  iter, a);
		if (f1) {
			TEST_ASSERT_EQUAL(d1, d2, "iteration %u: 0x%" PRIx64
					  " dma", iter, a);
			TEST_ASSERT_EQUAL(p1, p2, "iteration %u: 0x%" PRIx64
					  " perm", iter, a);
		}
	}
	return TEST_SUCCESS;
}

static int
test_coalesce_model(void)
{
	struct rte_avq_mmu_region in[MP_MAX_SET], out[MP_MAX_SET];
	uint64_t s = 0x9e3779b97f4a7c15ull;
	unsigned int iter, n;
	int c;

	for (iter = 0; iter < 5000; iter++) {
		n = gen_set(&s, in, MP_MAX_SET);
		shuffle(&s, in, n);
		memcpy(out, in, sizeof(in[0]) * n);
		c = rte_avq_mmu_coalesce(out, n);
		TEST_ASSERT(c >= 0, "iteration %u: %d", iter, c);
		if (check_coalesced(&s, in, n, out, c, iter) != TEST_SUCCESS)
			return TEST_FAILED;
		/* Idempotent: a coalesced list is its own result. */
		memcpy(in, out, sizeof(in[0]) * (unsigned int)c);
		TEST_ASSERT_EQUAL(rte_avq_mmu_coalesce(out, (unsigned int)c), c,
				  "iteration %u", iter);
		TEST_ASSERT(list_equal(in, out, (unsigned int)c),
			    "iteration %u: second coalesce changed the list",
			    iter);
	}
	return TEST_SUCCESS;
}
REGISTER_AVQ_TEST(mmu_prog_coalesce_autotest, test_coalesce_model);

#define MP_LARGE	5000u

/*
 * Long shuffled lists (the sort's radix path): regions of 1 MiB or less
 * with gaps up to 2^50, so the keys differ in every byte, and 1 in 4 glued
 * to the one before in IOVA, DMA and permissions. The result must be the
 * same as sorting with qsort() and merging by hand.
 */
static int
test_coalesce_large(void)
{
	struct rte_avq_mmu_region *in, *out, *want;
	uint64_t s = 0x2545f4914f6cdd1dull, cur = 0;
	unsigned int iter, i, n, w;
	int c;

	in = calloc(3 * MP_LARGE, sizeof(*in));
	TEST_ASSERT_NOT_NULL(in, "no memory");
	out = in + MP_LARGE;
	want = out + MP_LARGE;
	for (iter = 0; iter < 8; iter++) {
		n = MP_LARGE - 397 * iter;	/* 5000 down to 2221 */
		cur = avq_fx_prng(&s) % 4096;
		for (i = 0; i < n; i++) {
			bool glue = i > 0 && avq_fx_prng(&s) % 4 == 0;

			if (!glue)
				cur += 1 + avq_fx_prng(&s) % (1ull << 50);
			in[i].iova = cur;
			in[i].len = 1 + avq_fx_prng(&s) % (1u << 20);
			in[i].dma = glue ? in[i - 1].dma + in[i - 1].len :
				    avq_fx_prng(&s) % (1ull << 40);
			in[i].perm = glue ? in[i - 1].perm :
				     1 + (uint32_t)(avq_fx_prng(&s) % 3);
			cur += in[i].len;
		}
		/* The expected result: the list as generated (sorted),
		 * merged by hand. */
		w = 0;
		for (i = 0; i < n; i++) {
			if (w > 0 && model_mergeable(&want[w - 1], &in[i]))
				want[w - 1].len += in[i].len;
			else
				want[w++] = in[i];
		}
		shuffle(&s, in, n);
		memcpy(out, in, sizeof(*in) * n);
		c = rte_avq_mmu_coalesce(out, n);
		TEST_ASSERT_EQUAL(c, (int)w, "iteration %u: %d regions, want %u",
				  iter, c, w);
		TEST_ASSERT(list_equal(out, want, w),
			    "iteration %u: not the sorted, merged list", iter);
	}
	free(in);
	return TEST_SUCCESS;
}
REGISTER_AVQ_TEST(mmu_prog_coalesce_large_autotest, test_coalesce_large);

/* Same multiset of regions (a refused list may only be reordered). */
static bool
same_set(const struct rte_avq_mmu_region *a, const struct rte_avq_mmu_region *b,
	 unsigned int n)
{
	struct rte_avq_mmu_region x[MP_MAX_SET + 1], y[MP_MAX_SET + 1];

	memcpy(x, a, sizeof(x[0]) * n);
	memcpy(y, b, sizeof(y[0]) * n);
	model_sort(x, n);
	model_sort(y, n);
	return list_equal(x, y, n);
}

static int
test_coalesce_reject(void)
{
	struct rte_avq_mmu_region in[MP_MAX_SET + 1], w[MP_MAX_SET + 1];
	uint64_t s = 0x1234567887654321ull;
	unsigned int iter, n, k;

	/* Random overlaps: a region inside, across the start or across the
	 * end of another one, or a duplicate. */
	for (iter = 0; iter < 3000; iter++) {
		do {
			n = gen_set(&s, in, MP_MAX_SET);
		} while (n == 0);
		k = (unsigned int)(avq_fx_prng(&s) % n);
		in[n] = in[k];
		in[n].perm = 1 + (uint32_t)(avq_fx_prng(&s) % 3);
		switch (avq_fx_prng(&s) % 4) {
		case 0:		/* duplicate */
			break;
		case 1:		/* starts inside */
			in[n].iova = in[k].iova + avq_fx_prng(&s) % in[k].len;
			in[n].len = 1 + avq_fx_prng(&s) % 4;
			break;
		case 2:		/* ends inside */
			if (in[k].iova >= 4) {
				in[n].iova = in[k].iova - 1 - avq_fx_prng(&s) % 3;
				in[n].len = in[k].iova - in[n].iova + 1;
			}
			break;
		default:	/* contains */
			if (in[k].iova >= 1) {
				in[n].iova = in[k].iova - 1;
				in[n].len = in[k].len + 1;
			}
			break;
		}
		/* The overlapping region itself must not wrap. */
		if (in[n].iova > UINT64_MAX - (in[n].len - 1))
			in[n].len = UINT64_MAX - in[n].iova + 1;
		if (in[n].dma > UINT64_MAX - (in[n].len - 1))
			in[n].dma = 0;
		n++;
		shuffle(&s, in, n);
		memcpy(w, in, sizeof(in[0]) * n);
		TEST_ASSERT_EQUAL(rte_avq_mmu_coalesce(w, n), -EINVAL,
				  "iteration %u", iter);
		TEST_ASSERT(same_set(in, w, n), "iteration %u: list changed",
			    iter);
	}

	/* Length 0, IOVA wrap, DMA wrap, wherever they sit in the list. */
	for (iter = 0; iter < 300; iter++) {
		do {
			n = gen_set(&s, in, MP_MAX_SET);
		} while (n == 0);
		k = (unsigned int)(avq_fx_prng(&s) % n);
		switch (iter % 3) {
		case 0:
			in[k].len = 0;
			break;
		case 1:
			in[k].iova = UINT64_MAX - avq_fx_prng(&s) % 4;
			in[k].len = UINT64_MAX - in[k].iova + 2 +
				    avq_fx_prng(&s) % 4;
			break;
		default:
			if (in[k].len < 2)
				in[k].len = 0;	/* a 1-byte range can't wrap */
			else
				in[k].dma = UINT64_MAX - in[k].len + 2;
			break;
		}
		memcpy(w, in, sizeof(in[0]) * n);
		TEST_ASSERT_EQUAL(rte_avq_mmu_coalesce(w, n), -EINVAL,
				  "iteration %u kind %u", iter, iter % 3);
		TEST_ASSERT(list_equal(in, w, n),
			    "iteration %u: a refused list changed", iter);
	}

	/* Edges that are valid. */
	TEST_ASSERT_EQUAL(rte_avq_mmu_coalesce(NULL, 0), 0, "");
	TEST_ASSERT_EQUAL(rte_avq_mmu_coalesce(NULL, 1), -EINVAL, "");
	w[0] = (struct rte_avq_mmu_region){ UINT64_MAX, 5, 1, 1 };
	TEST_ASSERT_EQUAL(rte_avq_mmu_coalesce(w, 1), 1, "last byte");
	w[0] = (struct rte_avq_mmu_region){ 0, 0, UINT64_MAX, 3 };
	w[1] = (struct rte_avq_mmu_region){ UINT64_MAX, UINT64_MAX, 1, 3 };
	TEST_ASSERT_EQUAL(rte_avq_mmu_coalesce(w, 2), 2,
			  "a 2^64-byte merge is not representable");
	w[0] = (struct rte_avq_mmu_region){ 0x1000, 0x7000, 0x1000, 3 };
	w[1] = (struct rte_avq_mmu_region){ 0x2000, 0x8000, 0x1000, 3 };
	w[2] = (struct rte_avq_mmu_region){ 0x3000, 0x9000, 0x1000, 1 };
	TEST_ASSERT_EQUAL(rte_avq_mmu_coalesce(w, 3), 2, "");
	TEST_ASSERT(w[0].iova == 0x1000 && w[0].len == 0x2000 &&
		    w[1].iova == 0x3000 && w[1].perm == 1, "");
	return TEST_SUCCESS;
}
REGISTER_AVQ_TEST(mmu_prog_coalesce_reject_autotest, test_coalesce_reject);

/* ---- diff ---- */

/* A new set from @p old: kept, dropped, changed in perm, DMA or length,
 * plus new regions after the end; or an unrelated set.
 */
static unsigned int
gen_new(uint64_t *s, const struct rte_avq_mmu_region *old, unsigned int n_old,
	struct rte_avq_mmu_region *r)
{
	unsigned int i, n = 0, extra;
	uint64_t cur = 0;

	if (avq_fx_prng(s) % 4 == 0 || n_old == 0 ||
	    old[n_old - 1].iova > UINT64_MAX / 2)
		return gen_set(s, r, MP_MAX_SET);
	for (i = 0; i < n_old; i++) {
		r[n] = old[i];
		switch (avq_fx_prng(s) % 8) {
		case 0:
			continue;	/* dropped */
		case 1:
			r[n].perm = 1 + (r[n].perm % 3);
			break;
		case 2:
			r[n].dma ^= 0x100;	/* moves it, never wraps */
			break;
		case 3:
			if (r[n].len > 1)
				r[n].len -= 1 + avq_fx_prng(s) % (r[n].len - 1);
			break;
		default:
			break;		/* kept */
		}
		n++;
	}
	cur = old[n_old - 1].iova + old[n_old - 1].len;
	extra = (unsigned int)(avq_fx_prng(s) % 8);
	for (i = 0; i < extra && n < MP_MAX_SET; i++, n++) {
		cur += avq_fx_prng(s) % 3;
		r[n].iova = cur;
		r[n].len = 1 + avq_fx_prng(s) % 8;
		r[n].dma = avq_fx_prng(s) % 65536;
		r[n].perm = 1 + (uint32_t)(avq_fx_prng(s) % 3);
		cur += r[n].len;
	}
	return n;
}

static bool
in_list(const struct rte_avq_mmu_region *x, const struct rte_avq_mmu_region *r,
	unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (model_equal(x, &r[i]))
			return true;
	return false;
}

static int
check_diff(const struct rte_avq_mmu_region *old, unsigned int n_old,
	   const struct rte_avq_mmu_region *nw, unsigned int n_new,
	   const struct rte_avq_mmu_region *um, unsigned int n_um,
	   const struct rte_avq_mmu_region *mp, unsigned int n_mp,
	   unsigned int iter)
{
	struct rte_avq_mmu_region t[2 * MP_MAX_SET], kept[MP_MAX_SET];
	unsigned int i, k, nt = 0, n_kept = 0;

	for (i = 0; i < n_old; i++)
		if (in_list(&old[i], nw, n_new))
			kept[n_kept++] = old[i];
	TEST_ASSERT_EQUAL(n_um, n_old - n_kept, "iteration %u", iter);
	TEST_ASSERT_EQUAL(n_mp, n_new - n_kept, "iteration %u", iter);
	for (i = 0; i < n_um; i++)
		TEST_ASSERT(in_list(&um[i], old, n_old) &&
			    !in_list(&um[i], nw, n_new),
			    "iteration %u: unmap %u", iter, i);
	for (i = 0; i < n_mp; i++)
		TEST_ASSERT(in_list(&mp[i], nw, n_new) &&
			    !in_list(&mp[i], old, n_old),
			    "iteration %u: map %u", iter, i);

	/* Apply as the device does: UNMAP removes every mapping it
	 * intersects; MAP refuses to intersect anything. */
	memcpy(t, old, sizeof(t[0]) * n_old);
	nt = n_old;
	for (i = 0; i < n_um; i++) {
		for (k = 0; k < nt; ) {
			if (model_intersect(&t[k], &um[i]))
				t[k] = t[--nt];
			else
				k++;
		}
	}
	model_sort(t, nt);
	TEST_ASSERT_EQUAL(nt, n_kept, "iteration %u: after unmaps", iter);
	TEST_ASSERT(list_equal(t, kept, nt),
		    "iteration %u: kept is not old and new", iter);
	for (i = 0; i < n_mp; i++) {
		for (k = 0; k < nt; k++)
			TEST_ASSERT(!model_intersect(&t[k], &mp[i]),
				    "iteration %u: map %u would be refused",
				    iter, i);
		t[nt++] = mp[i];
	}
	model_sort(t, nt);
	TEST_ASSERT_EQUAL(nt, n_new, "iteration %u", iter);
	TEST_ASSERT(list_equal(t, nw, nt),
		    "iteration %u: result is not the new table", iter);
	return TEST_SUCCESS;
}

static int
test_diff_model(void)
{
	struct rte_avq_mmu_region old[MP_MAX_SET], nw[MP_MAX_SET];
	struct rte_avq_mmu_region um[MP_MAX_SET], mp[MP_MAX_SET];
	uint64_t s = 0xabcdef0123456789ull;
	unsigned int iter, n_old, n_new, n_um, n_mp;
	int c;

	for (iter = 0; iter < 5000; iter++) {
		n_old = gen_set(&s, old, MP_MAX_SET);
		c = rte_avq_mmu_coalesce(old, n_old);
		TEST_ASSERT(c >= 0, "iteration %u", iter);
		n_old = (unsigned int)c;
		n_new = gen_new(&s, old, n_old, nw);
		shuffle(&s, nw, n_new);
		c = rte_avq_mmu_coalesce(nw, n_new);
		TEST_ASSERT(c >= 0, "iteration %u", iter);
		n_new = (unsigned int)c;
		n_um = n_mp = UINT32_MAX;
		TEST_ASSERT_SUCCESS(rte_avq_mmu_diff(old, n_old, nw, n_new, um,
						     &n_um, mp, &n_mp),
				    "iteration %u", iter);
		if (check_diff(old, n_old, nw, n_new, um, n_um, mp, n_mp,
			       iter) != TEST_SUCCESS)
			return TEST_FAILED;
	}

	/* Identical lists: nothing to do. Unsorted input: refused. */
	n_old = 0;
	while (n_old < 2)
		n_old = gen_set(&s, old, MP_MAX_SET);
	c = rte_avq_mmu_coalesce(old, n_old);
	TEST_ASSERT(c >= 0, "");
	n_old = (unsigned int)c;
	TEST_ASSERT_SUCCESS(rte_avq_mmu_diff(old, n_old, old, n_old, um, &n_um,
					     mp, &n_mp), "");
	TEST_ASSERT(n_um == 0 && n_mp == 0, "%u %u", n_um, n_mp);
	if (n_old >= 2) {
		memcpy(nw, old, sizeof(old[0]) * n_old);
		nw[0] = old[1];
		nw[1] = old[0];
		TEST_ASSERT_EQUAL(rte_avq_mmu_diff(old, n_old, nw, n_old, um,
						   &n_um, mp, &n_mp), -EINVAL,
				  "unsorted new list");
	}
	TEST_ASSERT_EQUAL(rte_avq_mmu_diff(NULL, 1, nw, 0, um, &n_um, mp,
					   &n_mp), -EINVAL, "");
	return TEST_SUCCESS;
}
REGISTER_AVQ_TEST(mmu_prog_diff_autotest, test_diff_model);

/* ---- Against the device ---- */

#define MP_VDEVS	4u

struct mp_env {
	struct avq_fx fx;
	struct rte_avq_engine *e;
	uint64_t id[MP_VDEVS];
	uint8_t *buf;		/* pattern the device reads through its MMU */
	uint64_t buf_dma;
	size_t buf_len;
};

/* A byte pattern no page repeats: a wrong translation reads other bytes. */
static void
env_fill(struct mp_env *v)
{
	uint64_t s = 0x5555aaaa12345678ull, x;
	size_t i;

	for (i = 0; i + 8 <= v->buf_len; i += 8) {
		x = avq_fx_prng(&s);
		memcpy(v->buf + i, &x, 8);
	}
}

static int
env_setup(struct mp_env *v, bool mmu_batch, uint32_t max_out, size_t pages)
{
	struct rte_avq_engine_conf ec;
	struct rte_avq_dev_params p;
	uint8_t on = 1;
	unsigned int i;

	memset(v, 0, sizeof(*v));
	avq_fx_params(&p);
	p.mmu_batch = mmu_batch;
	TEST_ASSERT_SUCCESS(avq_fx_setup(&v->fx, &p), "");
	v->buf_len = pages * MP_PAGE;
	v->buf = avq_fx_dma_alloc(&v->fx, v->buf_len, &v->buf_dma);
	TEST_ASSERT_NOT_NULL(v->buf, "");
	env_fill(v);
	for (i = 0; i < MP_VDEVS; i++) {
		TEST_ASSERT_SUCCESS(avq_fx_create_net(&v->fx, &v->id[i]), "");
		TEST_ASSERT_EQUAL(avq_fx_ack(&v->fx, v->id[i], AVQ_CLASS_MMU,
					     AVQ_MMU_ENABLE, &on, 1, NULL, 0),
				  AVQ_ACK_OK, "");
	}
	/* The engine takes the admin queues over. */
	rte_avq_aq_free(v->fx.aq);
	v->fx.aq = NULL;
	memset(&ec, 0, sizeof(ec));
	ec.transport = &v->fx.t;
	ec.max_out = max_out;
	ec.socket = SOCKET_ID_ANY;
	v->e = rte_avq_engine_create(&ec);
	TEST_ASSERT_NOT_NULL(v->e, "engine create");
	return TEST_SUCCESS;
}

static void
env_teardown(struct mp_env *v)
{
	if (v->e != NULL)
		rte_avq_engine_destroy(v->e);
	v->e = NULL;
	avq_fx_teardown(&v->fx);
}

/*
 * @p n regions of 1..@p maxp pages over the buffer; @p merge_pct of the
 * neighbours continue the previous region in IOVA, DMA and permissions.
 * @return buffer pages used.
 */
static size_t
layout(uint64_t *s, const struct mp_env *v, struct rte_avq_mmu_region *r,
       unsigned int n, unsigned int maxp, unsigned int merge_pct)
{
	uint64_t iova = MP_IOVA_BASE, page = 0, k;
	unsigned int i;

	for (i = 0; i < n; i++) {
		bool merge = i > 0 && avq_fx_prng(s) % 100 < merge_pct;

		k = 1 + avq_fx_prng(s) % maxp;
		if (!merge) {
			/* Break at least one of the three conditions. */
			switch (avq_fx_prng(s) % 3) {
			case 0: iova += MP_PAGE; break;
			case 1: page++; break;
			default: break;
			}
		}
		r[i].iova = iova;
		r[i].dma = v->buf_dma + page * MP_PAGE;
		r[i].len = k * MP_PAGE;
		if (merge)
			r[i].perm = r[i - 1].perm;
		else if (i > 0)
			r[i].perm = r[i - 1].perm == 3 ? 1 : 3;
		else
			r[i].perm = 3;
		iova += r[i].len;
		page += k;
	}
	return (size_t)page;
}

/* Device reads through the MMU of queue 0 of @p id: the start, the end and
 * a random place of every (every @p stride-th) region see the pattern.
 */
static int
verify_reads(struct mp_env *v, uint64_t id, uint64_t *s,
	     const struct rte_avq_mmu_region *r, unsigned int n,
	     unsigned int stride)
{
	uint64_t off[3], got;
	unsigned int i, k;
	int ret;

	for (i = 0; i < n; i += stride) {
		off[0] = 0;
		off[1] = r[i].len - 8;
		off[2] = (avq_fx_prng(s) % (r[i].len / 8)) * 8;
		for (k = 0; k < 3; k++) {
			ret = rte_avq_dev_vdev_dma(v->fx.dev, id, 0,
						   r[i].iova + off[k], &got, 8,
						   false);
			TEST_ASSERT_SUCCESS(ret, "region %u iova 0x%" PRIx64, i,
					    r[i].iova + off[k]);
			TEST_ASSERT(memcmp(&got, v->buf + (r[i].dma -
					   v->buf_dma) + off[k], 8) == 0,
				    "region %u iova 0x%" PRIx64 ": wrong bytes",
				    i, r[i].iova + off[k]);
		}
	}
	return TEST_SUCCESS;
}

/* Permissions: a write to a read-write region lands, a write to a read-only
 * region and a read of an unmapped IOVA fault. Run last on a device: a
 * fault sets DEVICE_NEEDS_RESET.
 */
static int
verify_faults(struct mp_env *v, uint64_t id, const struct rte_avq_mmu_region *r,
	      unsigned int n, uint64_t hole)
{
	unsigned int i, rw = n, ro = n;
	uint64_t x;

	for (i = 0; i < n; i++) {
		if (r[i].perm == 3 && rw == n)
			rw = i;
		if (r[i].perm == 1 && ro == n)
			ro = i;
	}
	TEST_ASSERT(rw < n && ro < n, "layout has both permissions");
	x = 0x0123456789abcdefull;
	TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_dma(v->fx.dev, id, 0, r[rw].iova,
						 &x, 8, true), "");
	TEST_ASSERT(memcmp(v->buf + (r[rw].dma - v->buf_dma), &x, 8) == 0, "");
	TEST_ASSERT_EQUAL(rte_avq_dev_vdev_dma(v->fx.dev, id, 0, r[ro].iova,
					       &x, 8, true), -EFAULT,
			  "write to a read-only region");
	TEST_ASSERT_EQUAL(rte_avq_dev_vdev_dma(v->fx.dev, id, 0, hole, &x, 8,
					       false), -EFAULT,
			  "read of an unmapped IOVA 0x%" PRIx64, hole);
	env_fill(v);
	return TEST_SUCCESS;
}

/* An IOVA inside no region of @p r (there is always a gap or the end). */
static uint64_t
find_hole(const struct rte_avq_mmu_region *r, unsigned int n)
{
	uint64_t a = MP_IOVA_BASE - MP_PAGE;
	unsigned int i;
	bool hit;

	do {
		hit = false;
		for (i = 0; i < n; i++)
			if (a >= r[i].iova && a < r[i].iova + r[i].len)
				hit = true;
		if (hit)
			a += MP_PAGE;
	} while (hit);
	return a;
}

static bool
cap_batch(struct mp_env *v)
{
	struct rte_avq_cmd c;
	rte_le64_t caps = 0;
	uint32_t in_len = 0;
	uint8_t ack = 0xff;

	memset(&c, 0, sizeof(c));
	c.class_id = AVQ_CLASS_CAP;
	c.command = AVQ_CAP_GET;
	c.in = &caps;
	c.in_len = sizeof(caps);
	if (rte_avq_exec(v->e, &c, &ack, &in_len) < 0 || ack != AVQ_ACK_OK ||
	    in_len != sizeof(caps))
		return false;
	return (avq_le64(caps) >> AVQ_CAP_F_EXT(AVQ_CLASS_MMU_BATCH)) & 1;
}

static unsigned int
div_up(unsigned int a, unsigned int b)
{
	return (a + b - 1) / b;
}

/* MMU_MAP entries of one 16 KiB MMU_BATCH command (avq_mmu_prog.c). */
#define MP_BATCH_MAP_PER	((16384u - 16u) / 32u)
#define MP_BATCH_UNMAP_PER	((16384u - 16u) / 16u)

#define MP_N		256u

static int
map_modes_body(struct mp_env *v)
{
	static const enum rte_avq_mmu_mode modes[] = {
		RTE_AVQ_MMU_NAIVE, RTE_AVQ_MMU_ASYNC, RTE_AVQ_MMU_BATCHED,
	};
	struct rte_avq_mmu_region r[MP_N], in[MP_N], co[MP_N];
	struct rte_avq_mmu_prog_stats st[3];
	uint64_t s = 42, hole;
	unsigned int m;
	int c;

	TEST_ASSERT(cap_batch(v), "default device offers MMU_BATCH");
	TEST_ASSERT(layout(&s, v, r, MP_N, 3, 50) * MP_PAGE <= v->buf_len, "");
	memcpy(co, r, sizeof(r));
	c = rte_avq_mmu_coalesce(co, MP_N);
	TEST_ASSERT(c > 8 && c < (int)MP_N, "layout coalesces to %d", c);
	hole = find_hole(r, MP_N);
	memcpy(in, r, sizeof(r));
	shuffle(&s, in, MP_N);

	for (m = 0; m < RTE_DIM(modes); m++) {
		TEST_ASSERT_SUCCESS(rte_avq_mmu_map_regions(v->e, v->id[m], 0,
							    in, MP_N, modes[m],
							    &st[m]),
				    "mode %u", m);
		TEST_ASSERT_EQUAL(st[m].regions_in, MP_N, "mode %u", m);
		TEST_ASSERT_EQUAL(st[m].regions,
				  m == 0 ? MP_N : (unsigned int)c, "mode %u", m);
		TEST_ASSERT_EQUAL(avq_fx_mmu_mappings(&v->fx, v->id[m]),
				  st[m].regions, "mode %u", m);
		if (verify_reads(v, v->id[m], &s, r, MP_N, 1) != TEST_SUCCESS)
			return TEST_FAILED;
		printf("mode %u: %u regions -> %u, %u commands, %" PRIu64 " us\n",
		       m, st[m].regions_in, st[m].regions, st[m].commands,
		       st[m].ns / 1000);
	}
	TEST_ASSERT_EQUAL(st[0].commands, MP_N, "NAIVE: one per region");
	TEST_ASSERT_EQUAL(st[1].commands, c, "ASYNC: one per coalesced region");
	TEST_ASSERT_EQUAL(st[2].commands, div_up((unsigned int)c,
						 MP_BATCH_MAP_PER), "BATCHED");
	TEST_ASSERT(st[2].commands * 10 < st[1].commands, "far fewer");
	for (m = 0; m < RTE_DIM(modes); m++)
		if (verify_faults(v, v->id[m], r, MP_N, hole) != TEST_SUCCESS)
			return TEST_FAILED;
	return TEST_SUCCESS;
}

static int
test_map_modes(void)
{
	struct mp_env v;
	int ret;

	ret = env_setup(&v, true, 16384, 4 * MP_N);
	if (ret == TEST_SUCCESS)
		ret = map_modes_body(&v);
	env_teardown(&v);
	return ret;
}
REGISTER_AVQ_TEST(mmu_prog_map_modes_autotest, test_map_modes);

/* Non-zero ASID: the 36-byte MMU_MAP form and the MMU_BATCH header. */
static int
asid_body(struct mp_env *v)
{
	static const enum rte_avq_mmu_mode modes[] = {
		RTE_AVQ_MMU_NAIVE, RTE_AVQ_MMU_ASYNC, RTE_AVQ_MMU_BATCHED,
	};
	struct rte_avq_mmu_region r[64];
	struct rte_avq_mmu_prog_stats st;
	struct avq_mmu_asid_set as;
	struct rte_avq_cmd c;
	uint64_t s = 7, x;
	uint32_t in_len;
	unsigned int m;
	uint8_t ack;

	layout(&s, v, r, RTE_DIM(r), 2, 30);
	for (m = 0; m < RTE_DIM(modes); m++) {
		memset(&as, 0, sizeof(as));
		as.queue_index = avq_to_le16(0);
		as.asid = avq_to_le64(5);
		memset(&c, 0, sizeof(c));
		c.device_id = v->id[m];
		c.class_id = AVQ_CLASS_MMU;
		c.command = AVQ_MMU_ASID_SET;
		c.out = &as;
		c.out_len = sizeof(as);
		TEST_ASSERT_SUCCESS(rte_avq_exec(v->e, &c, &ack, &in_len), "");
		TEST_ASSERT_EQUAL(ack, AVQ_ACK_OK, "");
		TEST_ASSERT_SUCCESS(rte_avq_mmu_map_regions(v->e, v->id[m], 5,
							    r, RTE_DIM(r),
							    modes[m], &st),
				    "mode %u", m);
		if (verify_reads(v, v->id[m], &s, r, RTE_DIM(r), 1) !=
		    TEST_SUCCESS)
			return TEST_FAILED;
		/* Nothing went to ASID 0: queue 1 still uses it. */
		TEST_ASSERT_EQUAL(rte_avq_dev_vdev_dma(v->fx.dev, v->id[m], 1,
						       r[0].iova, &x, 8, false),
				  -EFAULT, "mode %u: ASID 0 is empty", m);
	}
	return TEST_SUCCESS;
}

static int
test_asid(void)
{
	struct mp_env v;
	int ret;

	ret = env_setup(&v, true, 16384, 4 * 64);
	if (ret == TEST_SUCCESS)
		ret = asid_body(&v);
	env_teardown(&v);
	return ret;
}
REGISTER_AVQ_TEST(mmu_prog_asid_autotest, test_asid);

/* MMU commands the device executed after @p seq, all acked OK. */
static int
trace_mmu_commands(struct mp_env *v, uint64_t seq, unsigned int *unmaps,
		   unsigned int *maps, unsigned int *total)
{
	struct rte_avq_dev_trace_entry t[64];
	int n, i;

	*unmaps = *maps = *total = 0;
	do {
		n = avq_fx_trace(&v->fx, seq, t, RTE_DIM(t));
		TEST_ASSERT(n >= 0, "");
		for (i = 0; i < n; i++) {
			seq = t[i].seq;
			if (t[i].class_id != AVQ_CLASS_MMU &&
			    t[i].class_id != AVQ_CLASS_MMU_BATCH)
				continue;
			TEST_ASSERT_EQUAL(t[i].ack, AVQ_ACK_OK, "");
			(*total)++;
			if (t[i].class_id == AVQ_CLASS_MMU &&
			    t[i].command == AVQ_MMU_UNMAP)
				(*unmaps)++;
			if (t[i].class_id == AVQ_CLASS_MMU &&
			    t[i].command == AVQ_MMU_MAP)
				(*maps)++;
		}
	} while (n == (int)RTE_DIM(t));
	return TEST_SUCCESS;
}

static int
update_body(struct mp_env *v)
{
	static const enum rte_avq_mmu_mode modes[] = {
		RTE_AVQ_MMU_NAIVE, RTE_AVQ_MMU_ASYNC, RTE_AVQ_MMU_BATCHED,
	};
	struct rte_avq_mmu_region old[MP_N], nw[MP_N + 32];
	struct rte_avq_mmu_region co[MP_N], cn[MP_N + 32], um[MP_N], mp[MP_N + 32];
	struct rte_avq_mmu_prog_stats st;
	unsigned int m, i, n_new = 0, n_um, n_mp, t_um, t_mp, t_all, want;
	uint64_t s = 99, seq, hole;
	size_t pages;
	int c_old, c_new;

	pages = layout(&s, v, old, MP_N, 2, 50);
	/* New table: most regions kept, some dropped, some re-pointed to
	 * other pages, some with the other permission, some added after. */
	for (i = 0; i < MP_N; i++) {
		nw[n_new] = old[i];
		switch (avq_fx_prng(&s) % 20) {
		case 0:
			continue;
		case 1:
			nw[n_new].dma = v->buf_dma +
					(avq_fx_prng(&s) % (pages - 2)) * MP_PAGE;
			break;
		case 2:
			nw[n_new].perm = nw[n_new].perm == 3 ? 1 : 3;
			break;
		default:
			break;
		}
		n_new++;
	}
	for (i = 0; i < 32; i++, n_new++) {
		nw[n_new].iova = old[MP_N - 1].iova + old[MP_N - 1].len +
				 (2 * i + 1) * MP_PAGE;
		nw[n_new].dma = v->buf_dma + i * MP_PAGE;
		nw[n_new].len = MP_PAGE;
		nw[n_new].perm = 3;
	}
	memcpy(co, old, sizeof(old));
	memcpy(cn, nw, sizeof(nw[0]) * n_new);
	c_old = rte_avq_mmu_coalesce(co, MP_N);
	c_new = rte_avq_mmu_coalesce(cn, n_new);
	TEST_ASSERT(c_old > 0 && c_new > 0, "");
	TEST_ASSERT_SUCCESS(rte_avq_mmu_diff(co, (unsigned int)c_old, cn,
					     (unsigned int)c_new, um, &n_um,
					     mp, &n_mp), "");
	TEST_ASSERT(n_um > 0 && n_mp > 0 && n_um < (unsigned int)c_old / 2,
		    "a partial change: %u unmaps, %u maps of %d", n_um, n_mp,
		    c_old);
	/* A dropped region must fault afterwards. */
	for (i = 0; i < MP_N; i++)
		if (!model_lookup(nw, n_new, old[i].iova, &seq, &t_um))
			break;
	TEST_ASSERT(i < MP_N, "some region was dropped");
	hole = old[i].iova;

	for (m = 0; m < RTE_DIM(modes); m++) {
		TEST_ASSERT_SUCCESS(rte_avq_mmu_map_regions(v->e, v->id[m], 0,
							    old, MP_N,
							    RTE_AVQ_MMU_ASYNC,
							    &st), "");
		seq = avq_fx_trace_last(&v->fx);
		TEST_ASSERT_SUCCESS(rte_avq_mmu_update(v->e, v->id[m], 0, old,
						       MP_N, nw, n_new,
						       modes[m], &st),
				    "mode %u", m);
		if (trace_mmu_commands(v, seq, &t_um, &t_mp, &t_all) !=
		    TEST_SUCCESS)
			return TEST_FAILED;
		if (modes[m] == RTE_AVQ_MMU_BATCHED)
			want = div_up(n_um, MP_BATCH_UNMAP_PER) +
			       div_up(n_mp, MP_BATCH_MAP_PER);
		else
			want = n_um + n_mp;
		TEST_ASSERT_EQUAL(st.commands, want, "mode %u", m);
		TEST_ASSERT_EQUAL(t_all, want, "mode %u: device saw", m);
		if (modes[m] != RTE_AVQ_MMU_BATCHED) {
			TEST_ASSERT_EQUAL(t_um, n_um, "mode %u", m);
			TEST_ASSERT_EQUAL(t_mp, n_mp, "mode %u", m);
		}
		TEST_ASSERT_EQUAL(st.regions, n_um + n_mp, "mode %u", m);
		TEST_ASSERT_EQUAL(avq_fx_mmu_mappings(&v->fx, v->id[m]), c_new,
				  "mode %u", m);
		if (verify_reads(v, v->id[m], &s, nw, n_new, 1) != TEST_SUCCESS)
			return TEST_FAILED;
		TEST_ASSERT_EQUAL(rte_avq_dev_vdev_dma(v->fx.dev, v->id[m], 0,
						       hole, &seq, 8, false),
				  -EFAULT, "mode %u: dropped region", m);

		/* No change: no command. */
		TEST_ASSERT_SUCCESS(rte_avq_mmu_update(v->e, v->id[m], 0, nw,
						       n_new, nw, n_new,
						       modes[m], &st), "");
		TEST_ASSERT_EQUAL(st.commands, 0, "mode %u", m);
	}
	return TEST_SUCCESS;
}

static int
test_update(void)
{
	struct mp_env v;
	int ret;

	ret = env_setup(&v, true, 16384, 3 * MP_N);
	if (ret == TEST_SUCCESS)
		ret = update_body(&v);
	env_teardown(&v);
	return ret;
}
REGISTER_AVQ_TEST(mmu_prog_update_autotest, test_update);

/* BATCHED falls back: to ASYNC without the class, to smaller commands when
 * the engine's max_out is below 16 KiB.
 */
static int
fallback_body(struct mp_env *v, bool offered, unsigned int per)
{
	struct rte_avq_mmu_region r[1000];
	struct rte_avq_mmu_prog_stats st;
	uint64_t s = 3;

	TEST_ASSERT_EQUAL(cap_batch(v), offered, "");
	layout(&s, v, r, RTE_DIM(r), 1, 0);
	TEST_ASSERT_SUCCESS(rte_avq_mmu_map_regions(v->e, v->id[0], 0, r,
						    RTE_DIM(r),
						    RTE_AVQ_MMU_BATCHED, &st), "");
	TEST_ASSERT_EQUAL(st.regions, RTE_DIM(r), "");
	TEST_ASSERT_EQUAL(st.commands, offered ? div_up(RTE_DIM(r), per) :
			  RTE_DIM(r), "");
	TEST_ASSERT_EQUAL(avq_fx_mmu_mappings(&v->fx, v->id[0]), RTE_DIM(r), "");
	return verify_reads(v, v->id[0], &s, r, RTE_DIM(r), 7);
}

static int
test_fallback(void)
{
	struct mp_env v;
	int ret;

	/* No MMU_BATCH class: one MMU_MAP per region. */
	ret = env_setup(&v, false, 16384, 2 * 1000 + 8);
	if (ret == TEST_SUCCESS)
		ret = fallback_body(&v, false, 0);
	env_teardown(&v);
	if (ret != TEST_SUCCESS)
		return ret;
	/* Engine's default max_out (4096): 16 KiB halves to 127 entries. */
	ret = env_setup(&v, true, 0, 2 * 1000 + 8);
	if (ret == TEST_SUCCESS)
		ret = fallback_body(&v, true, (4096 - 16) / 32);
	env_teardown(&v);
	return ret;
}
REGISTER_AVQ_TEST(mmu_prog_fallback_autotest, test_fallback);

/* Errors: bad input is refused before any command; a device refusal comes
 * back as its errno.
 */
static int
errors_body(struct mp_env *v)
{
	static const enum rte_avq_mmu_mode modes[] = {
		RTE_AVQ_MMU_NAIVE, RTE_AVQ_MMU_ASYNC, RTE_AVQ_MMU_BATCHED,
	};
	struct rte_avq_mmu_region r[4], bad[2];
	struct rte_avq_mmu_prog_stats st;
	uint64_t s = 5, seq;
	unsigned int m, a, b, c;

	layout(&s, v, r, RTE_DIM(r), 1, 0);
	for (m = 0; m < RTE_DIM(modes); m++) {
		seq = avq_fx_trace_last(&v->fx);
		bad[0] = r[0];
		bad[1] = r[0];
		bad[1].iova += MP_PAGE / 2;	/* overlap */
		TEST_ASSERT_EQUAL(rte_avq_mmu_map_regions(v->e, v->id[m], 0,
							  bad, 2, modes[m], &st),
				  -EINVAL, "mode %u: overlap", m);
		bad[1] = r[1];
		bad[1].perm = AVQ_MMU_F_MMIO | AVQ_MMU_F_READ;
		TEST_ASSERT_EQUAL(rte_avq_mmu_map_regions(v->e, v->id[m], 0,
							  bad, 2, modes[m], &st),
				  -EINVAL, "mode %u: perm", m);
		bad[1].perm = 3;
		bad[1].len = 0;
		TEST_ASSERT_EQUAL(rte_avq_mmu_map_regions(v->e, v->id[m], 0,
							  bad, 2, modes[m], &st),
				  -EINVAL, "mode %u: len 0", m);
		TEST_ASSERT_EQUAL(rte_avq_mmu_map_regions(v->e, 0, 0, r, 4,
							  modes[m], &st),
				  -EINVAL, "mode %u: device 0", m);
		TEST_ASSERT_SUCCESS(trace_mmu_commands(v, seq, &a, &b, &c), "");
		TEST_ASSERT_EQUAL(c, 0, "mode %u: refused input sent commands",
				  m);

		/* Device refusals come back as their errno. */
		TEST_ASSERT_SUCCESS(rte_avq_mmu_map_regions(v->e, v->id[m], 0,
							    r, 2, modes[m], &st),
				    "mode %u", m);
		TEST_ASSERT_EQUAL(rte_avq_mmu_map_regions(v->e, v->id[m], 0,
							  r, 1, modes[m], &st),
				  -EEXIST, "mode %u: mapped twice", m);
		/* RFC admin VQ / DESIGN: the MSI doorbell range cannot be
		 * mapped. */
		bad[0] = r[2];
		bad[1] = r[3];
		bad[1].iova = 0xfee00000;
		TEST_ASSERT_EQUAL(rte_avq_mmu_map_regions(v->e, v->id[m], 0,
							  bad, 2, modes[m], &st),
				  -ERANGE, "mode %u: reserved range", m);
		if (modes[m] == RTE_AVQ_MMU_BATCHED)
			TEST_ASSERT_EQUAL(avq_fx_mmu_mappings(&v->fx, v->id[m]),
					  2, "MMU_BATCH is all-or-nothing");
	}
	return TEST_SUCCESS;
}

static int
test_errors(void)
{
	struct mp_env v;
	int ret;

	ret = env_setup(&v, true, 16384, 16);
	if (ret == TEST_SUCCESS)
		ret = errors_body(&v);
	env_teardown(&v);
	return ret;
}
REGISTER_AVQ_TEST(mmu_prog_errors_autotest, test_errors);

/* Cost of 4096 regions per mode, coalescible or not (numbers only). */
static int
perf_body(struct mp_env *v)
{
	static const enum rte_avq_mmu_mode modes[] = {
		RTE_AVQ_MMU_NAIVE, RTE_AVQ_MMU_ASYNC, RTE_AVQ_MMU_BATCHED,
	};
	static const char * const names[] = { "naive", "async", "batched" };
	static struct rte_avq_mmu_region r[4096];
	struct rte_avq_mmu_prog_stats st;
	unsigned int m, pct;
	uint64_t s = 11;

	for (pct = 0; pct <= 50; pct += 50) {
		layout(&s, v, r, RTE_DIM(r), 1, pct);
		for (m = 0; m < RTE_DIM(modes); m++) {
			TEST_ASSERT_SUCCESS(rte_avq_mmu_map_regions(v->e,
				v->id[m], 0, r, RTE_DIM(r), modes[m], &st), "");
			TEST_ASSERT_SUCCESS(verify_reads(v, v->id[m], &s, r,
							 RTE_DIM(r), 61), "");
			printf("%u regions (%u%% mergeable) %-7s: %u mappings,"
			       " %u commands, %.2f ms\n", st.regions_in, pct,
			       names[m], st.regions, st.commands, st.ns / 1e6);
			TEST_ASSERT_SUCCESS(rte_avq_mmu_update(v->e, v->id[m],
				0, r, RTE_DIM(r), NULL, 0, modes[m], &st), "");
			printf("  unmap all %-7s: %u commands, %.2f ms\n",
			       names[m], st.commands, st.ns / 1e6);
			TEST_ASSERT_EQUAL(avq_fx_mmu_mappings(&v->fx, v->id[m]),
					  0, "");
		}
	}
	return TEST_SUCCESS;
}

static int
test_perf(void)
{
	struct mp_env v;
	int ret;

	ret = env_setup(&v, true, 16384, 2 * 4096 + 8);
	if (ret == TEST_SUCCESS)
		ret = perf_body(&v);
	env_teardown(&v);
	return ret;
}
REGISTER_AVQ_PERF_TEST(mmu_prog_perf_autotest, test_perf);

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * avq-vdpa: a vhost-user host of vdpa_avq devices
 * (doc/guides/sample_app_ug/avq_vdpa.rst).
 *
 *   avq-vdpa -l 0 -d <build>/drivers -a avq:sim0,cpu=0 -- \
 *       --socket-dir DIR [--devices N] [--queue-pairs Q] [--client] [-i]
 *
 * creates N managed devices of class vdpa on the management device and
 * serves each on DIR/vdpa<slot>.sock (devices the devargs created, vdpa=M,
 * are served too, first). Quiet unless something fails; with -i it reads
 * commands (list, stats, create, remove, ...) from stdin. On SIGINT,
 * SIGTERM, `quit` or the end of stdin it closes the sockets, deletes the
 * devices and exits 0.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_log.h>
#include <rte_vdpa.h>
#include <rte_vhost.h>

#include "rte_bus_avq.h"
#ifdef AVQ_VDPA_HAVE_CONF_STATS
#include "rte_vdpa_avq.h"
#endif

#define MAX_SLOTS	64
#define MAX_QP		16	/* vdpa_avq: 2 * 16 vrings */
#define LINE_MAX_LEN	512
#define PROMPT		"avq-vdpa> "

/* One vhost-user socket and the managed device behind it. */
struct slot {
	bool used;
	char name[RTE_AVQ_NAME_LEN];	/* managed device ("sim0.vd3") */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct rte_vdpa_device *vd;
	uint16_t queue_pairs;
	struct rte_ether_addr mac;
	bool registered;		/* rte_vhost_driver_register done */
	int vid;			/* connected vhost device, or -1 */
	uint64_t connects;		/* new_device calls */
};

static struct {
	char mgmt[RTE_AVQ_NAME_LEN];
	const char *dir;
	bool client;
	bool interactive;
	bool verbose;
	unsigned int devices;
	bool devices_set;
	uint16_t queue_pairs;
} cfg = { .queue_pairs = 1 };

/* slots[] and each slot's vid: the main thread changes the table, vhost's
 * thread updates vid through the callbacks. Never held across a vhost
 * call: rte_vhost_driver_unregister() runs destroy_device itself. */
static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot slots[MAX_SLOTS];

static volatile sig_atomic_t quit_signal;

static void
on_signal(int sig)
{
	quit_signal = sig;
}

/* ---- vhost callbacks ---- */

static void
set_vid_by_path(int vid, bool up)
{
	char path[PATH_MAX];
	unsigned int i;

	if (rte_vhost_get_ifname(vid, path, sizeof(path)) != 0)
		return;
	pthread_mutex_lock(&slot_lock);
	for (i = 0; i < MAX_SLOTS; i++) {
		if (!slots[i].used || strcmp(slots[i].path, path) != 0)
			continue;
		if (up) {
			slots[i].vid = vid;
			slots[i].connects++;
		} else if (slots[i].vid == vid) {
			slots[i].vid = -1;
		}
	}
	pthread_mutex_unlock(&slot_lock);
}

/* The vDPA driver does the datapath; these only track the state for
 * `list`. */
static int
on_new_device(int vid)
{
	set_vid_by_path(vid, true);
	return 0;
}

static void
on_destroy_device(int vid)
{
	set_vid_by_path(vid, false);
}

static const struct rte_vhost_device_ops vhost_ops = {
	.new_device = on_new_device,
	.destroy_device = on_destroy_device,
};

/* ---- Slots ---- */

static int
free_slot(void)
{
	unsigned int i;

	for (i = 0; i < MAX_SLOTS; i++)
		if (!slots[i].used)
			return (int)i;
	return -1;
}

/* A slot by number ("0"), device name ("sim0.vd0") or socket path. */
static int
find_slot(const char *key)
{
	char *end;
	unsigned long n;
	unsigned int i;

	errno = 0;
	n = strtoul(key, &end, 10);
	if (errno == 0 && end != key && *end == '\0')
		return n < MAX_SLOTS && slots[n].used ? (int)n : -1;
	for (i = 0; i < MAX_SLOTS; i++)
		if (slots[i].used && (strcmp(slots[i].name, key) == 0 ||
				      strcmp(slots[i].path, key) == 0))
			return (int)i;
	return -1;
}

/* Close the socket of slot @p i (and with it the connection: vhost calls
 * the driver's dev_close). */
static int
unserve(unsigned int i)
{
	struct slot *s = &slots[i];
	int rc = 0;

	if (s->registered) {
		if (rte_vhost_driver_unregister(s->path) != 0) {
			fprintf(stderr, "avq-vdpa: %s: cannot close %s\n",
				s->name, s->path);
			rc = -EBUSY;
		} else {
			s->registered = false;
		}
	}
	/* In client mode the path is the frontend's socket, not ours. */
	if (rc == 0 && !cfg.client)
		unlink(s->path);
	return rc;
}

/* Serve managed device @p name on a new slot. @return the slot or -errno. */
static int
serve(const char *name)
{
	uint64_t flags = cfg.client ? RTE_VHOST_USER_CLIENT : 0;
	struct rte_avq_vdev_info info;
	struct rte_avq_vdev *v;
	struct rte_vdpa_device *vd;
	struct slot *s;
	int i, n;

	v = rte_avq_vdev_lookup(name);
	if (v == NULL || rte_avq_vdev_info_get(v, &info) != 0)
		return -ENODEV;
	vd = rte_vdpa_find_device_by_name(name);
	if (vd == NULL) {
		fprintf(stderr, "avq-vdpa: %s: no vDPA device (is vdpa_avq loaded with -d <build>/drivers?)\n",
			name);
		return -ENODEV;
	}
	i = free_slot();
	if (i < 0) {
		fprintf(stderr, "avq-vdpa: %s: all %d sockets in use\n", name,
			MAX_SLOTS);
		return -ENOSPC;
	}
	s = &slots[i];
	pthread_mutex_lock(&slot_lock);
	memset(s, 0, sizeof(*s));
	n = snprintf(s->path, sizeof(s->path), "%s/vdpa%d.sock", cfg.dir, i);
	rte_strscpy(s->name, name, sizeof(s->name));
	s->vd = vd;
	s->queue_pairs = info.queue_pairs;
	s->mac = info.mac;
	s->vid = -1;
	s->used = true;
	pthread_mutex_unlock(&slot_lock);
	if (n < 0 || (size_t)n >= sizeof(s->path)) {
		fprintf(stderr, "avq-vdpa: socket path %s/vdpa%d.sock longer than %zu bytes\n",
			cfg.dir, i, sizeof(s->path) - 1);
		goto fail;
	}
	if (!cfg.client)
		unlink(s->path);
	if (rte_vhost_driver_register(s->path, flags) != 0) {
		fprintf(stderr, "avq-vdpa: %s: cannot register %s\n", name, s->path);
		goto fail;
	}
	s->registered = true;
	if (rte_vhost_driver_callback_register(s->path, &vhost_ops) != 0 ||
	    rte_vhost_driver_attach_vdpa_device(s->path, vd) != 0 ||
	    rte_vhost_driver_start(s->path) != 0) {
		fprintf(stderr, "avq-vdpa: %s: cannot serve it on %s\n", name,
			s->path);
		unserve((unsigned int)i);
		goto fail;
	}
	if (cfg.verbose)
		printf("avq-vdpa: %s on %s\n", name, s->path);
	return i;

fail:
	pthread_mutex_lock(&slot_lock);
	s->used = false;
	pthread_mutex_unlock(&slot_lock);
	return -EINVAL;
}

/* Create a managed device of class vdpa and serve it. */
static int
create_dev(const struct rte_ether_addr *mac, uint16_t qp)
{
	struct rte_avq_vdev_params p;
	char name[RTE_AVQ_NAME_LEN];
	int ret, i;

	if (free_slot() < 0) {
		fprintf(stderr, "avq-vdpa: all %d sockets in use\n", MAX_SLOTS);
		return -ENOSPC;
	}
	memset(&p, 0, sizeof(p));
	p.cls = RTE_AVQ_VDEV_CLASS_VDPA;
	p.queue_pairs = qp;
	if (mac != NULL)
		p.mac = *mac;
	ret = rte_avq_vdev_create(cfg.mgmt, &p, name);
	if (ret != 0) {
		fprintf(stderr, "avq-vdpa: creating a vdpa device on %s: %s\n",
			cfg.mgmt, strerror(-ret));
		return ret;
	}
	i = serve(name);
	if (i < 0) {
		ret = rte_avq_vdev_delete(name);
		if (ret != 0)
			fprintf(stderr, "avq-vdpa: %s: cannot delete it: %s\n",
				name, strerror(-ret));
	}
	return i;
}

/* Close slot @p i's socket and delete its device. */
static int
remove_slot(unsigned int i)
{
	char name[RTE_AVQ_NAME_LEN];
	int ret;

	ret = unserve(i);
	if (ret != 0)
		return ret;
	rte_strscpy(name, slots[i].name, sizeof(name));
	pthread_mutex_lock(&slot_lock);
	slots[i].used = false;
	pthread_mutex_unlock(&slot_lock);
	ret = rte_avq_vdev_delete(name);
	if (ret != 0)
		fprintf(stderr, "avq-vdpa: %s: cannot delete it: %s\n", name,
			strerror(-ret));
	return ret;
}

/* ---- Interactive commands ---- */

static void
cmd_list(void)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	unsigned int i;
	int vid;

	printf("%-4s %-16s %-17s %-3s %-6s %-8s %s\n", "slot", "device", "mac",
	       "qp", "mode", "state", "socket");
	for (i = 0; i < MAX_SLOTS; i++) {
		pthread_mutex_lock(&slot_lock);
		if (!slots[i].used) {
			pthread_mutex_unlock(&slot_lock);
			continue;
		}
		vid = slots[i].vid;
		rte_ether_format_addr(mac, sizeof(mac), &slots[i].mac);
		printf("%-4u %-16s %-17s %-3u %-6s %-8s %s\n", i, slots[i].name,
		       mac, slots[i].queue_pairs, cfg.client ? "client" : "server",
		       vid >= 0 ? "running" : "idle", slots[i].path);
		pthread_mutex_unlock(&slot_lock);
	}
}

static void
cmd_stats(const char *arg, bool reset)
{
	struct rte_vdpa_stat_name *names = NULL;
	struct rte_vdpa_stat *st = NULL;
	struct slot *s;
	uint16_t q, nq;
	int i, n, got, k;

	i = arg == NULL ? -1 : find_slot(arg);
	if (i < 0) {
		printf("error: no device %s (a slot, device name or socket of `list`)\n",
		       arg == NULL ? "given" : arg);
		return;
	}
	s = &slots[i];
	nq = (uint16_t)(2 * RTE_MAX(s->queue_pairs, (uint16_t)1));
	if (reset) {
		for (q = 0; q < nq; q++) {
			n = rte_vdpa_reset_stats(s->vd, q);
			if (n < 0) {
				printf("error: %s queue %u: %s\n", s->name, q,
				       strerror(-n));
				return;
			}
		}
		printf("%s: statistics reset\n", s->name);
		return;
	}
	n = rte_vdpa_get_stats_names(s->vd, NULL, 0);
	if (n <= 0) {
		printf("error: %s: no statistics: %s\n", s->name,
		       n == 0 ? "none" : strerror(-n));
		return;
	}
	names = calloc((size_t)n, sizeof(*names));
	st = calloc((size_t)n, sizeof(*st));
	if (names == NULL || st == NULL) {
		printf("error: out of memory\n");
		goto out;
	}
	got = rte_vdpa_get_stats_names(s->vd, names, (unsigned int)n);
	if (got < 0 || got > n) {
		printf("error: %s: statistics names: %s\n", s->name,
		       got < 0 ? strerror(-got) : "count changed");
		goto out;
	}
	printf("%s (%s): %u queue(s)\n", s->name, s->path, nq);
	for (q = 0; q < nq; q++) {
		got = rte_vdpa_get_stats(s->vd, q, st, (unsigned int)n);
		if (got < 0) {
			printf("error: %s queue %u: %s\n", s->name, q,
			       strerror(-got));
			goto out;
		}
		printf("queue %u:", q);
		for (k = 0; k < got && k < n; k++)
			if (st[k].id < (uint64_t)n)
				printf(" %s=%" PRIu64, names[st[k].id].name,
				       st[k].value);
		printf("\n");
	}
out:
	free(names);
	free(st);
}

static void
cmd_conf_stats(const char *arg)
{
	int i = arg == NULL ? -1 : find_slot(arg);

	if (i < 0) {
		printf("error: no device %s\n", arg == NULL ? "given" : arg);
		return;
	}
#ifdef AVQ_VDPA_HAVE_CONF_STATS
	struct rte_vdpa_avq_conf_stats cs;

	if (rte_vdpa_avq_conf_stats(slots[i].name, &cs) != 0) {
		printf("error: %s: %s\n", slots[i].name, rte_strerror(rte_errno));
		return;
	}
	printf("%s: confs=%" PRIu64 " ns=%" PRIu64 " result=%d incremental=%u commands=%u mmu_commands=%u regions=%u mmu_regions=%u windows_mapped=%u windows_unmapped=%u vrings=%u vectors=%u vrings_kept=%u stop_commands=%u\n",
	       slots[i].name, cs.confs, cs.ns, cs.result, cs.incremental,
	       cs.commands, cs.mmu_commands, cs.regions, cs.mmu_regions,
	       cs.windows_mapped, cs.windows_unmapped, cs.vrings, cs.vectors,
	       cs.vrings_kept, cs.stop_commands);
#else
	printf("error: %s: this build of vdpa_avq has no configuration counters\n",
	       slots[i].name);
#endif
}

/* "create [MAC] [QUEUE_PAIRS]", either order. */
static void
cmd_create(char **argv, int argc)
{
	struct rte_ether_addr mac, *pmac = NULL;
	uint16_t qp = cfg.queue_pairs;
	unsigned long n;
	char *end;
	int k, i;

	for (k = 1; k < argc; k++) {
		if (strchr(argv[k], ':') != NULL) {
			if (rte_ether_unformat_addr(argv[k], &mac) != 0 ||
			    !rte_is_unicast_ether_addr(&mac)) {
				printf("error: %s: not a unicast MAC address\n",
				       argv[k]);
				return;
			}
			pmac = &mac;
			continue;
		}
		errno = 0;
		n = strtoul(argv[k], &end, 10);
		if (errno != 0 || end == argv[k] || *end != '\0' || n == 0 ||
		    n > MAX_QP) {
			printf("error: %s: neither a MAC address nor a number of queue pairs (1-%d)\n",
			       argv[k], MAX_QP);
			return;
		}
		qp = (uint16_t)n;
	}
	i = create_dev(pmac, qp);
	if (i < 0)
		printf("error: create: %s\n", strerror(-i));
	else
		printf("created %s on %s (slot %d)\n", slots[i].name,
		       slots[i].path, i);
}

static void
cmd_help(void)
{
	printf("list                      devices, sockets, connection state\n"
	       "stats <dev>               per-queue statistics of a device\n"
	       "stats-reset <dev>         reset them\n"
	       "conf-stats <dev>          admin commands and time of the last set-up\n"
	       "create [MAC] [QP]         a new device and its socket\n"
	       "remove <dev>              close a socket, delete its device\n"
	       "quit                      close everything and exit\n"
	       "<dev>: a slot number, device name or socket path (see list)\n");
}

/* @return true to quit. */
static bool
run_command(char *line)
{
	char *argv[8], *save = NULL, *tok;
	int argc = 0, i;

	for (tok = strtok_r(line, " \t\r\n", &save); tok != NULL && argc < 8;
	     tok = strtok_r(NULL, " \t\r\n", &save))
		argv[argc++] = tok;
	if (argc == 0)
		return false;
	if (strcmp(argv[0], "quit") == 0 || strcmp(argv[0], "exit") == 0)
		return true;
	if (strcmp(argv[0], "list") == 0) {
		cmd_list();
	} else if (strcmp(argv[0], "stats") == 0) {
		cmd_stats(argc > 1 ? argv[1] : NULL, false);
	} else if (strcmp(argv[0], "stats-reset") == 0) {
		cmd_stats(argc > 1 ? argv[1] : NULL, true);
	} else if (strcmp(argv[0], "conf-stats") == 0) {
		cmd_conf_stats(argc > 1 ? argv[1] : NULL);
	} else if (strcmp(argv[0], "create") == 0) {
		cmd_create(argv, argc);
	} else if (strcmp(argv[0], "remove") == 0) {
		i = argc > 1 ? find_slot(argv[1]) : -1;
		if (i < 0)
			printf("error: no device %s\n", argc > 1 ? argv[1] : "given");
		else if (remove_slot((unsigned int)i) == 0)
			printf("removed slot %d\n", i);
		else
			printf("error: remove %s failed\n", argv[1]);
	} else if (strcmp(argv[0], "help") == 0) {
		cmd_help();
	} else {
		printf("error: unknown command %s (try help)\n", argv[0]);
	}
	return false;
}

/* Read commands from stdin until quit, its end or a signal. */
static void
interactive(void)
{
	char buf[LINE_MAX_LEN];
	size_t len = 0;
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	ssize_t r;
	char *nl;

	printf(PROMPT);
	fflush(stdout);
	while (!quit_signal) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		r = read(STDIN_FILENO, buf + len, sizeof(buf) - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return;		/* end of input: as quit */
		len += (size_t)r;
		buf[len] = '\0';
		while ((nl = strchr(buf, '\n')) != NULL) {
			*nl = '\0';
			if (run_command(buf))
				return;
			len -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, len + 1);
			printf(PROMPT);
			fflush(stdout);
		}
		if (len == sizeof(buf) - 1) {
			printf("error: line longer than %d bytes\n", LINE_MAX_LEN - 2);
			len = 0;
			printf(PROMPT);
			fflush(stdout);
		}
	}
}

/* ---- Options ---- */

static void
usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s <EAL args> -- --socket-dir DIR [--devices N] [--queue-pairs Q]\n"
		"       [--mgmt NAME] [--client] [-i|--interactive] [--verbose]\n"
		"  --socket-dir DIR   sockets DIR/vdpa<slot>.sock (DIR must exist)\n"
		"  --devices N        managed devices of class vdpa to create (0-%d;\n"
		"                     default 1, or 0 if the devargs made some: vdpa=M)\n"
		"  --queue-pairs Q    queue pairs of each created device (1-%d, default 1)\n"
		"  --mgmt NAME        management device (default: the first, e.g. sim0)\n"
		"  --client           connect to the frontends' sockets, reconnect on loss\n"
		"  -i, --interactive  read commands from stdin (help lists them)\n"
		"  --verbose          print the sockets and vhost's messages\n",
		prog, MAX_SLOTS, MAX_QP);
}

static int
parse_uint(const char *opt, const char *s, unsigned long min, unsigned long max,
	   unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' ||
	    *out < min || *out > max) {
		fprintf(stderr, "avq-vdpa: %s %s: expected a number from %lu to %lu\n",
			opt, s, min, max);
		return -EINVAL;
	}
	return 0;
}

static int
parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket-dir", required_argument, NULL, 's' },
		{ "devices", required_argument, NULL, 'n' },
		{ "queue-pairs", required_argument, NULL, 'q' },
		{ "mgmt", required_argument, NULL, 'm' },
		{ "client", no_argument, NULL, 'c' },
		{ "interactive", no_argument, NULL, 'i' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long n;
	struct stat sb;
	int opt;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "ih", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			cfg.dir = optarg;
			break;
		case 'n':
			if (parse_uint("--devices", optarg, 0, MAX_SLOTS, &n) != 0)
				return -EINVAL;
			cfg.devices = (unsigned int)n;
			cfg.devices_set = true;
			break;
		case 'q':
			if (parse_uint("--queue-pairs", optarg, 1, MAX_QP, &n) != 0)
				return -EINVAL;
			cfg.queue_pairs = (uint16_t)n;
			break;
		case 'm':
			if (strlen(optarg) >= sizeof(cfg.mgmt)) {
				fprintf(stderr, "avq-vdpa: --mgmt %s: name too long\n", optarg);
				return -EINVAL;
			}
			rte_strscpy(cfg.mgmt, optarg, sizeof(cfg.mgmt));
			break;
		case 'c':
			cfg.client = true;
			break;
		case 'i':
			cfg.interactive = true;
			break;
		case 'v':
			cfg.verbose = true;
			break;
		case 'h':
			usage(argv[0]);
			return -EAGAIN;
		default:
			fprintf(stderr, "avq-vdpa: unknown option or missing value: %s\n",
				argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "avq-vdpa: unexpected argument %s\n", argv[optind]);
		return -EINVAL;
	}
	if (cfg.dir == NULL) {
		fprintf(stderr, "avq-vdpa: --socket-dir is required\n");
		return -EINVAL;
	}
	if (stat(cfg.dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "avq-vdpa: --socket-dir %s: not a directory\n", cfg.dir);
		return -EINVAL;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static char names[MAX_SLOTS][RTE_AVQ_NAME_LEN];
	struct rte_avq_vdev_info info;
	struct rte_avq_mgmt *m;
	struct sigaction sa;
	unsigned int i, n, served = 0;
	int ret, total, rc = 0;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "avq-vdpa: EAL init failed: %s\n",
			rte_strerror(rte_errno));
		return 1;
	}
	argc -= ret;
	argv += ret;
	ret = parse_args(argc, argv);
	if (ret != 0) {
		if (ret != -EAGAIN)
			usage(argv[0]);
		rte_eal_cleanup();
		return ret == -EAGAIN ? 0 : 1;
	}
	/* Quiet by default: vhost logs every vhost-user message at INFO. */
	if (!cfg.verbose)
		rte_log_set_level_pattern("lib.vhost.*", RTE_LOG_WARNING);

	if (cfg.mgmt[0] == '\0') {
		if (rte_avq_mgmt_list(&names[0], 1) < 1) {
			fprintf(stderr, "avq-vdpa: no management device (-d <build>/drivers -a avq:sim0,cpu=0)\n");
			rte_eal_cleanup();
			return 1;
		}
		rte_strscpy(cfg.mgmt, names[0], sizeof(cfg.mgmt));
	}
	m = rte_avq_mgmt_lookup(cfg.mgmt);
	if (m == NULL) {
		fprintf(stderr, "avq-vdpa: --mgmt %s: no such management device\n",
			cfg.mgmt);
		rte_eal_cleanup();
		return 1;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* Devices the devargs made (vdpa=M) first, in bus order. */
	total = rte_avq_vdev_list(cfg.mgmt, names, MAX_SLOTS);
	n = total < 0 ? 0 : RTE_MIN((unsigned int)total, (unsigned int)MAX_SLOTS);
	for (i = 0; i < n && rc == 0; i++) {
		struct rte_avq_vdev *v = rte_avq_vdev_lookup(names[i]);

		if (v == NULL || rte_avq_vdev_info_get(v, &info) != 0 ||
		    info.cls != RTE_AVQ_VDEV_CLASS_VDPA)
			continue;
		if (serve(names[i]) < 0)
			rc = 1;
		else
			served++;
	}
	if (!cfg.devices_set)
		cfg.devices = served > 0 ? 0 : 1;
	for (i = 0; i < cfg.devices && rc == 0; i++)
		if (create_dev(NULL, cfg.queue_pairs) < 0)
			rc = 1;
	if (cfg.verbose)
		fflush(stdout);

	if (rc == 0) {
		if (cfg.interactive)
			interactive();
		else
			while (!quit_signal)
				usleep(100 * 1000);
	}

	/* Sockets first (vhost closes the connections: dev_close), then the
	 * devices. */
	for (i = 0; i < MAX_SLOTS; i++)
		if (slots[i].used && remove_slot(i) != 0)
			rc = 1;
	if (rte_eal_cleanup() != 0)
		rc = 1;
	if (cfg.interactive) {
		printf("bye\n");
		fflush(stdout);
	}
	return rc;
}

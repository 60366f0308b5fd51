/*
 * What a refresh tick costs with idle panels open; bench/run.sh builds it
 * against build/libtaptop.a and runs it after bench.py.
 *
 *     ticks PCAP [TICKS]
 *
 * Opens taptop's five default panels and twenty idle ones: every
 * conversation and endpoint class twice, once filtered on "udp" (they fill
 * up while the whole capture is read once first, then see no more
 * packets) and once on "ipv6" (nothing in the example capture matches: they
 * stay empty).  Then, TICKS times (1000), it dissects and dispatches the
 * next PER_TICK non-UDP packets of the capture (round and round) and times
 * one tick: a snapshot of every panel, as batch --interval and the
 * interface take them.  A tick is timed two ways on the same traffic:
 * panel_snapshot_if_changed() (an idle panel is skipped, its last table
 * kept) and panel_snapshot() (every panel drawn and sorted, as before
 * TAP_PACKET_REDRAW was honoured), alternately.  Only the tick is timed,
 * not the packets.  Prints the median cost per tick (the machine may be
 * shared: a median shrugs off the ticks another process interrupted) of
 * the idle panels each way and of the busy default panels; never fails on
 * the numbers.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "core/dfilter/dfilter.h"
#include "core/dissect.h"
#include "core/panel.h"
#include "core/pcapfile.h"
#include "core/proto.h"
#include "core/tap.h"

#define PER_TICK	50
#define TICKS		1000

static const char *const busy_names[] = {
	"summary", "protocols", "conv.ip", "conv.tcp", "endpoints.ip",
};
static const char *const idle_names[] = {
	"conv.eth", "conv.ip", "conv.ipv6", "conv.tcp", "conv.udp",
	"endpoints.eth", "endpoints.ip", "endpoints.ipv6", "endpoints.tcp",
	"endpoints.udp",
};
#define NBUSY	G_N_ELEMENTS(busy_names)
#define NIDLE	(2 * G_N_ELEMENTS(idle_names))

struct frame {
	uint8_t		*data;
	uint32_t	 caplen, len;
	int		 linktype;
	int64_t		 sec;
	uint32_t	 nsec;
	bool		 udp;
};

static struct dissect edt;
static uint64_t num;

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

static void
dissect(const struct frame *f)
{
	dissect_begin(&edt, ++num, f->sec, f->nsec, 0, f->len, f->caplen,
	    f->linktype);
	dissect_frame(&edt, f->data);
}

static GArray *
load(const char *path)
{
	GArray *frames = g_array_new(FALSE, TRUE, sizeof(struct frame));
	struct pcapfile_packet pkt;
	struct pcapfile *pf;
	struct frame f;
	char *err = NULL;
	int r;

	if ((pf = pcapfile_open(path, &err)) == NULL) {
		fprintf(stderr, "ticks: %s\n", err);
		exit(1);
	}
	while ((r = pcapfile_next(pf, &pkt)) == PCAPFILE_OK) {
		memset(&f, 0, sizeof(f));
		f.data = g_memdup2(pkt.data, pkt.caplen);
		f.caplen = pkt.caplen;
		f.len = pkt.len;
		f.linktype = pkt.linktype;
		f.sec = pkt.ts_sec;
		f.nsec = pkt.ts_nsec;
		g_array_append_val(frames, f);
	}
	if (r == PCAPFILE_ERROR) {
		fprintf(stderr, "ticks: %s: %s\n", path, pcapfile_error(pf));
		exit(1);
	}
	pcapfile_close(pf);
	return (frames);
}

/* Marks the UDP frames, with the filter engine rather than by hand. */
static void
classify(GArray *frames)
{
	struct dfilter *df;
	char *err;
	guint i;

	if ((err = dfilter_compile("udp", &df)) != NULL) {
		fprintf(stderr, "ticks: %s\n", err);
		exit(1);
	}
	dfilter_prime(df, true);
	for (i = 0; i < frames->len; i++) {
		struct frame *f = &g_array_index(frames, struct frame, i);

		dissect(f);
		f->udp = dfilter_apply(df, &edt);
	}
	dfilter_prime(df, false);
	dfilter_free(df);
}

static struct panel *
open_or_die(const char *name, const char *filter)
{
	struct panel *p;
	char *err = NULL;

	if ((p = panel_open(name, filter, 0, &err)) == NULL) {
		fprintf(stderr, "ticks: %s: %s\n", name, err);
		exit(1);
	}
	return (p);
}

/* One tick over panels [from, to): the new tables replace the kept ones. */
static int64_t
tick(struct panel **panels, struct table **last, int from, int to,
    bool skip)
{
	int64_t t0 = now_ns();
	struct table *t;
	int i;

	for (i = from; i < to; i++) {
		t = skip ? panel_snapshot_if_changed(panels[i]) :
		    panel_snapshot(panels[i]);
		if (t != NULL) {
			table_free(last[i]);
			last[i] = t;
		}
	}
	return (now_ns() - t0);
}

static int
cmp_ns(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return ((x > y) - (x < y));
}

/* The median of n samples, in microseconds. */
static double
median_us(int64_t *ns, int n)
{
	qsort(ns, (size_t)n, sizeof(*ns), cmp_ns);
	return ((double)ns[n / 2] / 1e3);
}

static void
line(double us, int npanels, const char *what)
{
	printf("  %2d %-41s %10.2f us\n", npanels, what, us);
}

int
main(int argc, char **argv)
{
	struct panel *panels[NBUSY + NIDLE];
	struct table *last[NBUSY + NIDLE] = { 0 };
	int64_t *idle_skip, *idle_draw, *busy_skip, *busy_draw;
	double is, id, bs, bd;
	int n = 0, ticks, k, i, nrows = 0;
	unsigned idle_draws = 0;
	guint next = 0, pushed;
	GArray *frames;

	if (argc < 2) {
		fprintf(stderr, "usage: ticks PCAP [TICKS]\n");
		return (2);
	}
	ticks = argc > 2 ? atoi(argv[2]) : TICKS;
	if (ticks <= 0)
		ticks = TICKS;
	idle_skip = g_new0(int64_t, ticks);
	idle_draw = g_new0(int64_t, ticks);
	busy_skip = g_new0(int64_t, ticks);
	busy_draw = g_new0(int64_t, ticks);
	proto_init();
	dissect_init(&edt);
	frames = load(argv[1]);
	classify(frames);
	for (i = 0; i < (int)frames->len; i++)
		if (!g_array_index(frames, struct frame, i).udp)
			break;
	if (i == (int)frames->len) {
		fprintf(stderr, "ticks: %s has no non-UDP packet\n", argv[1]);
		return (1);
	}

	for (i = 0; i < (int)NBUSY; i++)
		panels[n++] = open_or_die(busy_names[i], "");
	for (i = 0; i < (int)G_N_ELEMENTS(idle_names); i++) {
		panels[n++] = open_or_die(idle_names[i], "udp");
		panels[n++] = open_or_die(idle_names[i], "ipv6");
	}
	/* The whole capture once: the "udp" panels fill up. */
	for (i = 0; i < (int)frames->len; i++) {
		dissect(&g_array_index(frames, struct frame, i));
		tap_push_packet(&edt);
	}
	(void)tick(panels, last, 0, n, false);
	for (i = NBUSY; i < n; i++)
		nrows += last[i]->nrows;

	/* Then ticks of non-UDP traffic: the same packets for both ways. */
	for (k = 0; k < 2 * ticks; k++) {
		bool skip = k % 2 == 0;

		for (pushed = 0; pushed < PER_TICK; next = (next + 1) %
		    frames->len) {
			const struct frame *f = &g_array_index(frames,
			    struct frame, next);

			if (f->udp)
				continue;
			dissect(f);
			tap_push_packet(&edt);
			pushed++;
		}
		if (skip) {
			for (i = NBUSY; i < n; i++)
				idle_draws -= panels[i]->drawn;
			idle_skip[k / 2] = tick(panels, last, NBUSY, n, true);
			for (i = NBUSY; i < n; i++)
				idle_draws += panels[i]->drawn;
			busy_skip[k / 2] = tick(panels, last, 0, NBUSY, true);
		} else {
			idle_draw[k / 2] = tick(panels, last, NBUSY, n, false);
			busy_draw[k / 2] = tick(panels, last, 0, NBUSY, false);
		}
	}
	is = median_us(idle_skip, ticks);
	id = median_us(idle_draw, ticks);
	bs = median_us(busy_skip, ticks);
	bd = median_us(busy_draw, ticks);

	printf("refresh ticks: %d default panels and %d idle ones (%d rows "
	    "among them),\n%d non-UDP packets between ticks, %d ticks each "
	    "way; median per tick\n", (int)NBUSY, n - (int)NBUSY, nrows,
	    PER_TICK, ticks);
	line(is, (int)NIDLE, "idle panels, skipped (if_changed)");
	line(id, (int)NIDLE, "idle panels, drawn and sorted (snapshot)");
	line(bs, (int)NBUSY, "busy panels (if_changed)");
	line(bd, (int)NBUSY, "busy panels (snapshot)");
	printf("  idle panels drawn while skipping: %u (should be 0)\n",
	    idle_draws);
	printf("  the idle panels cost %.1f%% of the busy panels' tick "
	    "(%.0f%% when drawn every tick)\n", 100.0 * is / bs,
	    100.0 * id / bs);
	printf("  whole tick: %.1f us with the idle skipped, %.1f us drawing "
	    "every panel (%.1fx)\n", is + bs, id + bd, (id + bd) / (is + bs));

	for (i = 0; i < n; i++) {
		table_free(last[i]);
		panel_close(panels[i]);
	}
	for (i = 0; i < (int)frames->len; i++)
		g_free(g_array_index(frames, struct frame, i).data);
	g_array_free(frames, TRUE);
	g_free(idle_skip);
	g_free(idle_draw);
	g_free(busy_skip);
	g_free(busy_draw);
	dissect_free(&edt);
	return (0);
}

/*
 * libFuzzer target: arbitrary bytes dissected as one frame.
 *
 * The first byte chooses how the rest is read: its low 7 bits, modulo the
 * number of supported link types, pick the link type (an index into
 * link_types below, which is also what tests/fuzz/pcap_split.py writes), and
 * its top bit makes the frame claim 64 bytes more than it holds, as a
 * capture with a short snaplen does, so both "truncated" and "malformed"
 * paths are reached.  Bit 6 stops recording every field, so the cheap path
 * (fields recorded only when wanted) is fuzzed too.
 *
 * Everything downstream of the dissectors runs as in the real program: a
 * listener on every tap makes the dissectors build their tap data, every
 * panel class is open (once unfiltered, once with a filter) so their
 * packet() callbacks see the records, and every DRAW_EVERY inputs the
 * batch printers (text and JSON, to /dev/null) draw, sort and format every
 * panel before the panels reset, which also keeps their tables from
 * growing without bound across the run.
 *
 * The input is used in place: libFuzzer gives an allocation of exactly that
 * size, so AddressSanitizer catches a read one byte past the frame.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#include "core/dissect.h"
#include "core/panel.h"
#include "core/proto.h"
#include "core/report.h"
#include "core/tap.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const int link_types[] = { 1, 0, 108, 12, 228, 229, 113, 276, 9 };
#define NLINK	((int)(sizeof(link_types) / sizeof(link_types[0])))

/* Filters the second copy of each panel is opened with; those that do
 * not compile (a field not registered yet) are skipped. */
static const char *const filters[] = {
	"ip || ipv6",
	"tcp.port == 80 || udp.port == 53",
	"eth.addr == ff:ff:ff:ff:ff:ff",
	"frame.len > 100",
};

#define DRAW_EVERY	65536
#define PANELS_MAX	128

static struct dissect edt;
static char listener_ids[256];
static struct panel *panels[PANELS_MAX];
static int npanels;
static FILE *devnull;

static tap_packet_status
noop_packet(void *tapdata, struct packet_info *pinfo, struct dissect *e,
    const void *data)
{
	(void)tapdata; (void)pinfo; (void)e; (void)data;
	return (TAP_PACKET_DONT_REDRAW);
}

static void
open_panels(void)
{
	const struct panel_class *cls;
	struct panel *p;
	const char *filter;
	char *err;
	size_t f = 0;
	int i, k;

	for (i = 0; (cls = panel_class_at(i)) != NULL; i++) {
		/* A composite (the overview) has no table: its parts are
		 * classes of their own, opened here anyway. */
		if (cls->parts != NULL)
			continue;
		for (k = 0; k < 2 && npanels < PANELS_MAX; k++) {
			filter = k == 0 ? "" :
			    filters[f++ % G_N_ELEMENTS(filters)];
			err = NULL;
			if ((p = panel_open(cls->name, filter, 1000, &err)) ==
			    NULL)
				g_free(err);
			else
				panels[npanels++] = p;
		}
	}
}

/* What batch mode does at the end of a capture, output thrown away. */
static void
print_panels(uint64_t packets)
{
	struct report_capture cap = {
		.source = "fuzz",
		.packets = packets,
	};

	report_text(devnull, &cap, panels, npanels);
	report_json(devnull, &cap, panels, npanels);
	fflush(devnull);
}

static void
setup(void)
{
	const char *name;
	int i;

	proto_init();
	for (i = 1; i < 256 && (name = tap_name(i)) != NULL; i++)
		g_free(register_tap_listener(name, &listener_ids[i], NULL,
		    TL_REQUIRES_ERROR_PACKET, NULL, noop_packet, NULL, NULL));
	open_panels();
	dissect_init(&edt);
	if ((devnull = fopen("/dev/null", "w")) == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	static uint64_t num;
	uint32_t caplen, len;
	int linktype;

	if (!ready) {
		setup();
		ready = true;
	}
	if (size < 1 || size - 1 > UINT32_MAX - 64)
		return (0);
	linktype = link_types[(data[0] & 0x7f) % NLINK];
	caplen = (uint32_t)(size - 1);
	len = caplen + ((data[0] & 0x80) ? 64 : 0);
	atomic_store(&field_want_everything, (data[0] & 0x40) ? 0 : 1);

	num++;
	dissect_begin(&edt, num, (int64_t)num, 0, (double)num / 1000.0, len,
	    caplen, linktype);
	dissect_frame(&edt, data + 1);
	tap_push_packet(&edt);

	if (num % DRAW_EVERY == 0) {
		print_panels(num);
		reset_tap_listeners();
	}
	return (0);
}

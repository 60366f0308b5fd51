/*
 * The rules (core/rules.h) and what they did: one row per --on, in
 * command-line order, with its filter, its action and its counters.  The
 * counters live in the rules themselves (atomics that the capture thread
 * and the command workers bump); this panel listens on "frame" only so
 * that it is drawn again as packets go by, and copies them when drawn.
 * A command that ends after the last packet shows at the next packet or
 * the final report.
 */
#include <glib.h>

#include "core/panel.h"
#include "core/rules.h"

static const struct table_col rules_cols[] = {
	{ "rule", "Rule", COL_UINT },
	{ "filter", "Filter", COL_TEXT },
	{ "action", "Action", COL_TEXT },
	{ "matches", "Matches", COL_UINT },
	{ "runs", "Runs", COL_UINT },
	{ "suppressed", "Suppressed", COL_UINT },
	{ "failures", "Failures", COL_UINT },
	{ "timeouts", "Timeouts", COL_UINT },
	{ "written", "Written", COL_UINT },
	{ "bytes", "Bytes written", COL_BYTES },
};

static int rules_state;		/* a panel has state; this one needs none */

static void *
rules_create(struct panel *p)
{
	(void)p;
	return (&rules_state);
}

static void
rules_destroy(void *state)
{
	(void)state;
}

static tap_packet_status
rules_packet(void *state, struct packet_info *pinfo, struct dissect *edt,
    const void *data)
{
	(void)state;
	(void)pinfo;
	(void)edt;
	(void)data;
	return (TAP_PACKET_REDRAW);
}

static void
rules_draw(void *state, struct panel *p)
{
	struct rule_stats st[RULES_MAX];
	union cell *row;
	int i, n;

	(void)state;
	n = rules_stats(st, RULES_MAX);
	for (i = 0; i < n && i < RULES_MAX; i++) {
		row = table_add_row(p->table);
		row[0].u = (uint64_t)st[i].index;
		row[1].text = g_strdup(st[i].filter);
		row[2].text = g_strdup_printf("%s %s",
		    st[i].action == RULE_EXEC ? "exec" : "write",
		    st[i].target);
		row[3].u = st[i].matches;
		row[4].u = st[i].runs;
		row[5].u = st[i].suppressed;
		row[6].u = st[i].failures;
		row[7].u = st[i].timeouts;
		row[8].u = st[i].written;
		row[9].u = st[i].bytes;
	}
}

const struct panel_class panel_rules = {
	.name = "rules",
	.title = "Rules (--on)",
	.tap = "frame",
	.cols = rules_cols,
	.ncols = G_N_ELEMENTS(rules_cols),
	.create = rules_create,
	.destroy = rules_destroy,
	.packet = rules_packet,
	.draw = rules_draw,
};

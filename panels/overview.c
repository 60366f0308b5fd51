/*
 * The overview: the first screen, which answers "what is going on" at a
 * glance.  It is a composite (panel.h): the hosts and the conversations
 * of IPv4 and IPv6 together, and the protocol hierarchy, each an ordinary
 * panel; the interface lays them out on one screen under a chart of the
 * traffic (tui/screen.c), and batch mode lists them as three panels.
 */
#include <stddef.h>

#include "core/panel.h"

const struct panel_class panel_overview = {
	.name = "overview",
	.title = "Overview",
	.parts = (const char *const[]){
		"endpoints.host", "conv.host", "protocols", NULL
	},
};

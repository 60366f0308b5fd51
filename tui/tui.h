/*
 * The curses interface.  The only part of taptop that includes curses.
 */
#ifndef TAPTOP_TUI_H
#define TAPTOP_TUI_H

#include <signal.h>

#include <glib.h>

#include "core/capture.h"

/*
 * Runs the interface until the user quits or a signal in sigs arrives
 * (they are blocked; this polls them).  panels holds struct panel *;
 * delay is the refresh interval in seconds.  Returns the exit status.
 */
int	 tui_run(struct capture *, GPtrArray *panels, const sigset_t *sigs,
	    double delay);

#endif

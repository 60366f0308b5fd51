/*
 * The curses interface.  tui/ is the only part of taptop that includes
 * curses; the rest of taptop sees this one function.
 */
#ifndef TAPTOP_TUI_H
#define TAPTOP_TUI_H

#include <signal.h>
#include <stddef.h>

#include <glib.h>

#include "core/capture.h"

struct tui_opts {
	double		 delay;		/* -d: seconds between refreshes */
	size_t		 max_rows;	/* --max-rows, for panels added here */
	const char	*dfilter;	/* -Y as given (already set), or NULL */
	bool		 names;		/* --names: addresses as names at start */
	bool		 port_names;	/* --port-names */
};

/*
 * Starts the capture thread and runs the interface until the user quits,
 * a signal in sigs arrives (they are blocked in every thread; this polls
 * them with sigtimedwait) or the terminal goes away.  panels holds the
 * open struct panel *; panels added and closed here are added to and
 * removed from it, so the caller closes what is left.  The capture is
 * stopped and joined on return.  Returns the exit status.
 */
/* Opens the filter history's file while it may be (before the privilege
 * drop: under sudo it is root's). */
void	 tui_open_history(void);
int	 tui_run(struct capture *, GPtrArray *panels, const sigset_t *sigs,
	    const struct tui_opts *);

#endif

/*
 * The terminal's lifecycle, apart from what is drawn on it: taking it
 * (curses on stdin/stdout, or on /dev/tty when those carry a capture),
 * following its size, lending it to the shell on Ctrl-Z, noticing that it
 * is gone, and giving it back on every way out: term_close, exit() (an
 * atexit handler) and a crash (a handler for the fatal signals).
 *
 * One terminal, owned by the curses thread; nothing here is for other
 * threads.
 */
#ifndef TAPTOP_TUI_TERM_H
#define TAPTOP_TUI_TERM_H

#include <stdbool.h>

/* Takes the terminal and sets its modes (no echo, keys one by one, no
 * cursor).  On failure prints one line to stderr and returns false. */
bool	 term_open(void);

/* Gives the terminal back as it was found; safe to call twice. */
void	 term_close(void);

/* Follows the terminal's size (after SIGWINCH, or a suspension). */
void	 term_resize(void);

/* Ctrl-Z: gives the terminal back, stops, and takes it again on fg. */
void	 term_suspend(void);

/* After a stop (SIGCONT): the terminal's modes (tty, keypad) set again
 * and the screen drawn whole at the next refresh. */
void	 term_resume(void);

/* The descriptor keys come from, to poll. */
int	 term_input_fd(void);

/*
 * After poll said the terminal was readable and curses found no key:
 * false when the terminal is gone (EOF, EIO); true otherwise, with a
 * byte read given back to curses.
 */
bool	 term_alive(void);

#endif

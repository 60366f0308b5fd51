/*
 * The terminal: see term.h.
 *
 * The terminal is given back on every way out.  term_close is the normal
 * one; an atexit handler covers exit() from anywhere; and a crash (a
 * fatal signal) runs a handler that writes the terminal's reset strings,
 * read from terminfo beforehand, restores the modes saved at the start,
 * and then lets the previous handler (a sanitizer's, or the default)
 * have the signal.  That handler may use async-signal-safe calls only,
 * hence the reset strings prepared in advance.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <glib.h>

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>

#include "tui/term.h"

#define ESC_DELAY_MS	25	/* a lone Esc is a key after this */

static const int fatal_signals[] = {
	SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGQUIT,
};

static struct {
	SCREEN			*scr;
	FILE			*tty;		/* /dev/tty, if we opened it */
	int			 in_fd, out_fd;
	volatile sig_atomic_t	 active;	/* curses owns the terminal */
	struct termios		 saved;
	bool			 have_saved;
	bool			 atexit_set;
	/* What a crash writes: attributes off, cursor on, keypad off, the
	 * normal screen back. */
	char			 reset[256];
	size_t			 reset_len;
	struct sigaction	 old[G_N_ELEMENTS(fatal_signals)];
} term;

/* Async-signal-safe: write, tcsetattr, sigaction and raise only. */
static void
term_crash(int sig, siginfo_t *si, void *uc)
{
	ssize_t r;
	size_t i;

	if (term.active) {
		term.active = 0;
		if (term.reset_len > 0)
			r = write(term.out_fd, term.reset, term.reset_len);
		(void)r;
		if (term.have_saved)
			(void)tcsetattr(term.in_fd, TCSANOW, &term.saved);
	}
	for (i = 0; i < G_N_ELEMENTS(fatal_signals); i++)
		if (fatal_signals[i] == sig)
			(void)sigaction(sig, &term.old[i], NULL);
	/* A fault happens again on return and reaches the old handler (a
	 * sanitizer's, or the default); a signal that was sent, as SIGQUIT
	 * and abort()'s SIGABRT are, must be sent again. */
	(void)uc;
	if (sig == SIGQUIT || sig == SIGABRT || si == NULL ||
	    si->si_code <= 0)
		(void)raise(sig);
}

static void
term_atexit(void)
{
	if (term.active) {
		term.active = 0;
		endwin();
	}
}

/* Appends a terminfo string, without its padding ("$<5>"). */
static void
add_reset(const char *cap)
{
	const char *s = tigetstr(cap);

	if (s == NULL || s == (const char *)-1)
		return;
	for (; *s != '\0' && term.reset_len + 1 < sizeof(term.reset); s++) {
		if (s[0] == '$' && s[1] == '<') {
			while (*s != '\0' && *s != '>')
				s++;
			if (*s == '\0')
				break;
			continue;
		}
		term.reset[term.reset_len++] = *s;
	}
}

bool
term_open(void)
{
	FILE *in = stdin, *out = stdout;
	struct sigaction sa;
	size_t i;

	/* With -r - the capture comes in on stdin: talk to the terminal
	 * itself. */
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		if ((term.tty = fopen("/dev/tty", "r+e")) == NULL) {
			fprintf(stderr, "taptop: no terminal for the "
			    "interface (/dev/tty: %s); use --batch\n",
			    strerror(errno));
			return (false);
		}
		in = out = term.tty;
	}
	term.in_fd = fileno(in);
	term.out_fd = fileno(out);
	term.have_saved = tcgetattr(term.in_fd, &term.saved) == 0;
	if ((term.scr = newterm(NULL, out, in)) == NULL) {
		fprintf(stderr, "taptop: cannot start the terminal interface "
		    "(TERM=%s); use --batch\n", getenv("TERM") != NULL ?
		    getenv("TERM") : "");
		if (term.tty != NULL)
			fclose(term.tty);
		term.tty = NULL;
		return (false);
	}
	set_term(term.scr);
	term.active = 1;
	if (!term.atexit_set)
		term.atexit_set = atexit(term_atexit) == 0;
	term.reset_len = 0;
	add_reset("sgr0");
	add_reset("cnorm");
	add_reset("rmkx");
	add_reset("rmcup");
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = term_crash;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < G_N_ELEMENTS(fatal_signals); i++)
		sigaction(fatal_signals[i], &sa, &term.old[i]);

	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(ESC_DELAY_MS);
	curs_set(0);
	return (true);
}

void
term_close(void)
{
	size_t i;

	if (!term.active)
		return;
	term.active = 0;
	endwin();
	for (i = 0; i < G_N_ELEMENTS(fatal_signals); i++)
		sigaction(fatal_signals[i], &term.old[i], NULL);
	delscreen(term.scr);
	term.scr = NULL;
	if (term.tty != NULL)
		fclose(term.tty);
	term.tty = NULL;
}

void
term_resize(void)
{
	struct winsize ws;

	if (ioctl(term.out_fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0 && (ws.ws_row != LINES || ws.ws_col != COLS))
		resizeterm(ws.ws_row, ws.ws_col);
}

void
term_suspend(void)
{
	endwin();
	kill(getpid(), SIGSTOP);
	term_resume();
}

/*
 * curses puts its tty modes back at the first refresh after endwin, but
 * the keypad's mode only when a key is read: the first arrow typed after
 * fg would come in the cursor mode's codes and be lost.  Both are set
 * here, in that order (the keypad's after the alternate screen is back),
 * and the whole screen is drawn again over what the shell left.
 */
void
term_resume(void)
{
	if (!term.active)
		return;
	reset_prog_mode();
	term_resize();
	clearok(curscr, TRUE);
	refresh();
	keypad(stdscr, TRUE);
}

int
term_input_fd(void)
{
	return (term.in_fd);
}

/* Either a byte curses did not want yet, or the end (EOF, EIO): one byte
 * settles it; a real one goes back to curses. */
bool
term_alive(void)
{
	int fl = fcntl(term.in_fd, F_GETFL);
	unsigned char c;
	ssize_t k;

	if (fl >= 0)
		(void)fcntl(term.in_fd, F_SETFL, fl | O_NONBLOCK);
	k = read(term.in_fd, &c, 1);
	if (fl >= 0)
		(void)fcntl(term.in_fd, F_SETFL, fl);
	if (k == 1) {
		ungetch(c);
		return (true);
	}
	return (k < 0 && (errno == EAGAIN || errno == EINTR));
}

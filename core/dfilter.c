/*
 * Placeholder display-filter engine: only the empty filter compiles.  The
 * interface is the one the real engine will keep, so the tap engine and
 * the command line already carry filters end to end.
 */
#include <glib.h>

#include "dfilter.h"

struct dfilter {
	int	unused;
};

char *
dfilter_compile(const char *text, struct dfilter **out)
{
	*out = NULL;
	if (text == NULL)
		return (NULL);
	while (g_ascii_isspace(*text))
		text++;
	if (*text == '\0')
		return (NULL);
	return (g_strdup("display filters are not supported yet: "
	    "only an empty filter is accepted"));
}

bool
dfilter_apply(const struct dfilter *df, const struct dissect *edt)
{
	(void)edt;
	return (df == NULL);
}

void
dfilter_free(struct dfilter *df)
{
	g_free(df);
}

void
dfilter_prime(const struct dfilter *df, bool on)
{
	(void)df;
	(void)on;
}

/*
 * The panel registry (panels/list.def) and the glue between a panel and
 * the tap engine.
 *
 * An open panel is registered as a tap listener whose tapdata is the struct
 * panel itself; the four callbacks below unwrap it and call the class.  The
 * tap engine holds the listener's lock (a spin lock, tap.c) around reset,
 * packet and draw, so the classes need no locking of their own.  finish()
 * runs once the listener has left the list (tap.h): it is the only place
 * a panel is freed, whether it was closed from the curses thread or
 * removed from inside a callback.
 */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "panel.h"

#define PANEL(n) extern const struct panel_class panel_##n;
#include "../panels/list.def"
#undef PANEL

static const struct panel_class *const all_panels[] = {
#define PANEL(n) &panel_##n,
#include "../panels/list.def"
#undef PANEL
	NULL
};

/* panel_set_interval's: read by panel_open, on the threads that open
 * panels, which set it first (main.c, before any). */
static int64_t time_interval_ns = PANEL_INTERVAL_DEFAULT_NS;

/* The open panels (panel.h, panel_list_open). */
static GMutex open_lock;
static GPtrArray *open_list;		/* struct panel_entry *, owned */
static uint64_t open_ids;

static void
entry_free(gpointer data)
{
	struct panel_entry *e = data;

	g_free(e->filter);
	g_free(e);
}

static void
open_list_add(struct panel *p)
{
	struct panel_entry *e = g_new0(struct panel_entry, 1);

	e->p = p;
	e->id = p->id;
	e->cls = p->cls;
	e->filter = g_strdup(p->filter);
	g_mutex_lock(&open_lock);
	if (open_list == NULL)
		open_list = g_ptr_array_new_with_free_func(entry_free);
	g_ptr_array_add(open_list, e);
	g_mutex_unlock(&open_lock);
}

/* filter NULL: the panel is closing, its entry goes. */
static void
open_list_update(struct panel *p, const char *filter)
{
	struct panel_entry *e;
	guint i;

	g_mutex_lock(&open_lock);
	for (i = 0; open_list != NULL && i < open_list->len; i++) {
		e = g_ptr_array_index(open_list, i);
		if (e->p != p || e->id != p->id)
			continue;
		if (filter == NULL)
			g_ptr_array_remove_index(open_list, i);
		else {
			g_free(e->filter);
			e->filter = g_strdup(filter);
		}
		break;
	}
	g_mutex_unlock(&open_lock);
}

static gpointer
entry_copy(gconstpointer src, gpointer data)
{
	const struct panel_entry *e = src;
	struct panel_entry *c = g_memdup2(e, sizeof(*e));

	(void)data;
	c->filter = g_strdup(e->filter);
	return (c);
}

GPtrArray *
panel_list_open(void)
{
	GPtrArray *a;

	g_mutex_lock(&open_lock);
	a = open_list != NULL ? g_ptr_array_copy(open_list, entry_copy, NULL) :
	    g_ptr_array_new();
	g_mutex_unlock(&open_lock);
	g_ptr_array_set_free_func(a, entry_free);
	return (a);
}

struct peek {
	uint64_t	 id;
	struct table	*table;
	int64_t		 start_us;
	bool		 found;
};

/* Under the listener lock: the class draws into a stand-in panel that
 * has the real one's state and what draw reads, never its table. */
static void
peek_draw(void *tapdata, void *arg)
{
	struct panel *p = tapdata, tmp;
	struct peek *k = arg;

	if (p->id != k->id || p->cls->draw == NULL)
		return;
	memset(&tmp, 0, sizeof(tmp));
	tmp.cls = p->cls;
	tmp.state = p->state;
	tmp.table = k->table;
	tmp.max_rows = p->max_rows;
	tmp.interval_ns = p->interval_ns;
	tmp.clock.since_ns = tmp.drawn_clock.since_ns = INT64_MIN;
	tmp.quiet_after_ns = INT64_MIN;
	p->cls->draw(p->state, &tmp);
	k->start_us = p->start_us;
	k->found = true;
}

struct table *
panel_peek(const struct panel_entry *e, int64_t *start_us)
{
	struct peek k = { .id = e->id };

	k.table = table_new(e->cls->cols, e->cls->ncols);
	if (!tap_listener_peek(e->p, peek_draw, &k) || !k.found) {
		table_free(k.table);
		return (NULL);
	}
	if (e->cls->default_sort != NULL)
		table_sort(k.table, table_col_index(k.table,
		    e->cls->default_sort), true);
	if (start_us != NULL)
		*start_us = k.start_us;
	return (k.table);
}

const struct panel_class *
panel_class_find(const char *name)
{
	int i;

	if (name == NULL)
		return (NULL);
	for (i = 0; all_panels[i] != NULL; i++)
		if (strcmp(all_panels[i]->name, name) == 0)
			return (all_panels[i]);
	return (NULL);
}

const struct panel_class *
panel_class_at(int i)
{
	if (i < 0 || i >= (int)G_N_ELEMENTS(all_panels) - 1)
		return (NULL);
	return (all_panels[i]);
}

/* Only the state: p->table belongs to whichever thread draws, and the next
 * draw replaces it. */
static void
panel_reset(void *tapdata)
{
	struct panel *p = tapdata;

	if (p->cls->reset != NULL)
		p->cls->reset(p->state);
	p->start_us = g_get_real_time();
}

static tap_packet_status
panel_packet(void *tapdata, struct packet_info *pinfo, struct dissect *edt,
    const void *data)
{
	struct panel *p = tapdata;

	return (p->cls->packet(p->state, pinfo, edt, data));
}

static void
panel_draw(void *tapdata)
{
	struct panel *p = tapdata;

	table_clear(p->table);
	p->quiet_after_ns = INT64_MIN;
	if (p->cls->draw != NULL)
		p->cls->draw(p->state, p);
	p->drawn_clock = p->clock;
	p->drawn++;
}

static void
panel_free(struct panel *p)
{
	open_list_update(p, NULL);
	if (p->cls->destroy != NULL)
		p->cls->destroy(p->state);
	table_free(p->table);
	g_free(p->filter);
	g_free(p);
}

static void
panel_finish(void *tapdata)
{
	panel_free(tapdata);
}

/* A composite: its parts, no listener of its own. */
static struct panel *
composite_open(const struct panel_class *cls, const char *filter,
    size_t max_rows, char **err)
{
	struct panel *p = g_new0(struct panel, 1);
	int i;

	p->cls = cls;
	p->filter = g_strdup(filter != NULL ? filter : "");
	p->max_rows = max_rows;
	for (i = 0; cls->parts[i] != NULL && i < PANEL_PARTS_MAX; i++) {
		p->part[i] = panel_open(cls->parts[i], filter, max_rows, err);
		if (p->part[i] == NULL) {
			panel_close(p);
			return (NULL);
		}
		p->nparts = i + 1;
	}
	return (p);
}

struct panel *
panel_open(const char *name, const char *filter, size_t max_rows, char **err)
{
	const struct panel_class *cls = panel_class_find(name);
	struct panel *p;
	char *e;

	if (cls == NULL) {
		if (err != NULL)
			*err = g_strdup_printf("There is no panel named "
			    "\"%s\".", name != NULL ? name : "");
		return (NULL);
	}
	if (cls->parts != NULL)
		return (composite_open(cls, filter, max_rows, err));
	p = g_new0(struct panel, 1);
	p->cls = cls;
	p->filter = g_strdup(filter != NULL ? filter : "");
	p->max_rows = max_rows > 0 ? max_rows : PANEL_MAX_ROWS_DEFAULT;
	p->interval_ns = time_interval_ns;
	p->clock.since_ns = p->drawn_clock.since_ns = INT64_MIN;
	p->quiet_after_ns = INT64_MIN;
	p->table = table_new(cls->cols, cls->ncols);
	p->state = cls->create != NULL ? cls->create(p) : NULL;
	g_mutex_lock(&open_lock);
	p->id = ++open_ids;
	g_mutex_unlock(&open_lock);
	p->start_us = g_get_real_time();
	/* The state exists before the listener does: packets may arrive as
	 * soon as it is registered. */
	e = register_tap_listener(cls->tap, p, p->filter, cls->flags,
	    panel_reset, panel_packet, panel_draw, panel_finish);
	if (e != NULL) {
		panel_free(p);
		if (err != NULL)
			*err = e;
		else
			g_free(e);
		return (NULL);
	}
	open_list_add(p);
	return (p);
}

void
panel_close(struct panel *p)
{
	int i;

	if (p == NULL)
		return;
	if (p->cls->parts == NULL) {
		open_list_update(p, NULL);
		remove_tap_listener(p);
		return;
	}
	for (i = 0; i < p->nparts; i++)
		panel_close(p->part[i]);
	g_free(p->filter);
	g_free(p);
}

char *
panel_set_filter(struct panel *p, const char *filter)
{
	char *e = NULL;
	int i;

	/* The parts take the same text: all compile or none does. */
	if (p->cls->parts == NULL)
		e = set_tap_dfilter(p, filter);
	for (i = 0; i < p->nparts && e == NULL; i++)
		e = panel_set_filter(p->part[i], filter);

	if (e == NULL) {
		g_free(p->filter);
		p->filter = g_strdup(filter != NULL ? filter : "");
		if (p->cls->parts == NULL)
			open_list_update(p, p->filter);
	}
	return (e);
}

void
panel_set_interval(double seconds)
{
	/* As capture.c rounds --interval, so that the io panel's rows and
	 * the snapshots' intervals end together. */
	time_interval_ns = seconds > 0 ? MAX(llround(CLAMP(seconds, 0.001,
	    1e6) * 1e9), 1) : PANEL_INTERVAL_DEFAULT_NS;
}

void
panel_set_clock(struct panel *p, int64_t now_ns, int64_t since_ns)
{
	p->clock.now_ns = now_ns;
	p->clock.since_ns = since_ns;
}

/* Takes the drawn table rather than copy it: only the drawing thread
 * touches p->table, and the next draw refills a fresh one. */
static struct table *
take(struct panel *p)
{
	struct table *t = p->table;

	p->table = table_new(p->cls->cols, p->cls->ncols);
	p->taken = p->drawn;
	if (p->cls->default_sort != NULL)
		table_sort(t, table_col_index(t, p->cls->default_sort), true);
	return (t);
}

struct table *
panel_snapshot(struct panel *p)
{
	if (p->cls->parts != NULL)
		return (NULL);	/* a composite has no table: its parts do */
	draw_tap_listener(p);
	return (take(p));
}

struct table *
panel_snapshot_if_changed(struct panel *p)
{
	const struct rowrate_clock *c = &p->clock, *d = &p->drawn_clock;
	bool moved = c->now_ns != d->now_ns || c->since_ns != d->since_ns;

	if (p->cls->parts != NULL)
		return (NULL);

	/* When the clock moved: rates move with it, until the last draw
	 * found them all 0 for good; a time series' rows reach it (time
	 * passing with no packet adds empty ones). */
	if (moved && ((p->cls->show & PANEL_CHART) ||
	    MIN(c->now_ns, d->now_ns) < p->quiet_after_ns))
		draw_tap_listener(p);
	else
		(void)draw_tap_listener_if_changed(p);
	/* Drawn by that or by anyone since the last take: p->table is new. */
	if (p->drawn == p->taken)
		return (NULL);
	return (take(p));
}

void
panel_give_table(struct panel *p, struct table *t)
{
	if (t == NULL)
		return;
	if (p->cls->parts != NULL || t->cols != p->cls->cols ||
	    p->table->nrows > 0) {
		table_free(t);
		return;
	}
	table_clear(t);
	table_set_sink(t, NULL, NULL);
	table_free(p->table);
	p->table = t;
}

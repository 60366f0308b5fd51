/*
 * The tap engine: queueing, several instances per packet, flags, error
 * packets, FAILED and reset, removal during dispatch, filters, and the
 * threading contract (one thread dispatches real packets while another
 * registers, removes, refilters and draws).
 */
#include <stdatomic.h>
#include <string.h>

#include <check.h>
#include <glib.h>
#include <pcap/pcap.h>

#include "core/dissect.h"
#include "core/panel.h"
#include "core/tap.h"

struct probe {
	int		 packets;
	int		 resets;
	int		 draws;
	int		 finished;
	const void	*seen[8];
	tap_packet_status answer;
	void		*remove_on_packet;	/* listener to remove */
};

static int test_tap = -1;

static void
probe_reset(void *p)
{
	((struct probe *)p)->resets++;
	((struct probe *)p)->packets = 0;
}

static tap_packet_status
probe_packet(void *p, struct packet_info *pinfo, struct dissect *edt,
    const void *data)
{
	struct probe *pr = p;

	(void)pinfo;
	(void)edt;
	if (pr->packets < 8)
		pr->seen[pr->packets] = data;
	pr->packets++;
	if (pr->remove_on_packet != NULL)
		remove_tap_listener(pr->remove_on_packet);
	return (pr->answer);
}

static void
probe_draw(void *p)
{
	((struct probe *)p)->draws++;
}

static void
probe_finish(void *p)
{
	((struct probe *)p)->finished++;
}

static void
setup(void)
{
	if (test_tap < 0)
		test_tap = register_tap("unit-test");
}

/* A packet with entries already queued on the test tap. */
static void
fake_packet(struct dissect *edt, const void *const *data, const bool *err,
    int n)
{
	int i;

	dissect_begin(edt, 1, 0, 0, 0, 60, 60, 1);
	for (i = 0; i < n; i++) {
		edt->pinfo.in_error_pkt = err != NULL && err[i];
		tap_queue_packet(test_tap, &edt->pinfo, data[i]);
	}
	edt->pinfo.in_error_pkt = false;
}

static char *
probe_listen(struct probe *p, const char *filter, unsigned flags)
{
	return (register_tap_listener("unit-test", p, filter, flags,
	    probe_reset, probe_packet, probe_draw, probe_finish));
}

START_TEST(taps_by_name)
{
	ck_assert_int_gt(test_tap, 0);
	ck_assert_int_eq(find_tap_id("unit-test"), test_tap);
	ck_assert_int_eq(register_tap("unit-test"), test_tap);
	ck_assert_int_eq(find_tap_id("no-such-tap"), 0);
	ck_assert_int_gt(find_tap_id("frame"), 0);
}
END_TEST

START_TEST(unknown_tap_is_an_error)
{
	struct probe p = { 0 };
	char *err = register_tap_listener("no-such-tap", &p, NULL, 0, NULL,
	    probe_packet, NULL, NULL);

	ck_assert_ptr_nonnull(err);
	ck_assert_str_eq(err, "There is no tap named \"no-such-tap\".");
	g_free(err);
}
END_TEST

START_TEST(each_instance_is_delivered)
{
	struct dissect edt;
	struct probe p = { .answer = TAP_PACKET_REDRAW };
	int a = 1, b = 2;
	const void *data[] = { &a, &b };

	dissect_init(&edt);
	ck_assert_ptr_null(probe_listen(&p, NULL, TL_REQUIRES_NOTHING));
	fake_packet(&edt, data, NULL, 2);
	tap_push_packet(&edt);
	ck_assert_int_eq(p.packets, 2);
	ck_assert_ptr_eq(p.seen[0], &a);
	ck_assert_ptr_eq(p.seen[1], &b);
	remove_tap_listener(&p);
	ck_assert_int_eq(p.finished, 1);
	/* Gone: no more packets. */
	fake_packet(&edt, data, NULL, 2);
	tap_push_packet(&edt);
	ck_assert_int_eq(p.packets, 2);
	dissect_free(&edt);
}
END_TEST

START_TEST(error_packets_need_the_flag)
{
	struct dissect edt;
	struct probe plain = { 0 }, errors = { 0 };
	int outer = 1, inner = 2;
	const void *data[] = { &outer, &inner };
	const bool err[] = { false, true };

	dissect_init(&edt);
	ck_assert_ptr_null(probe_listen(&plain, NULL, TL_REQUIRES_NOTHING));
	ck_assert_ptr_null(probe_listen(&errors, NULL, TL_REQUIRES_ERROR_PACKET));
	fake_packet(&edt, data, err, 2);
	tap_push_packet(&edt);
	ck_assert_int_eq(plain.packets, 1);
	ck_assert_ptr_eq(plain.seen[0], &outer);
	ck_assert_int_eq(errors.packets, 2);
	ck_assert_ptr_eq(errors.seen[1], &inner);
	remove_tap_listener(&plain);
	remove_tap_listener(&errors);
	dissect_free(&edt);
}
END_TEST

START_TEST(failed_until_reset)
{
	struct dissect edt;
	struct probe p = { .answer = TAP_PACKET_FAILED };
	int a = 1;
	const void *data[] = { &a, &a };

	dissect_init(&edt);
	ck_assert_ptr_null(probe_listen(&p, NULL, 0));
	fake_packet(&edt, data, NULL, 2);
	tap_push_packet(&edt);
	ck_assert_int_eq(p.packets, 1);		/* not even the 2nd entry */
	fake_packet(&edt, data, NULL, 1);
	tap_push_packet(&edt);
	ck_assert_int_eq(p.packets, 1);
	reset_tap_listeners();
	ck_assert_int_eq(p.resets, 1);
	p.answer = TAP_PACKET_DONT_REDRAW;
	tap_push_packet(&edt);
	ck_assert_int_eq(p.packets, 1);		/* reset zeroed, then one */
	remove_tap_listener(&p);
	dissect_free(&edt);
}
END_TEST

START_TEST(draw_only_when_asked)
{
	struct dissect edt;
	struct probe quiet = { .answer = TAP_PACKET_DONT_REDRAW };
	struct probe loud = { .answer = TAP_PACKET_REDRAW };
	int a = 1;
	const void *data[] = { &a };

	dissect_init(&edt);
	ck_assert_ptr_null(probe_listen(&quiet, NULL, 0));
	ck_assert_ptr_null(probe_listen(&loud, NULL, 0));
	draw_tap_listeners(false);	/* new listeners draw once */
	ck_assert_int_eq(quiet.draws, 1);
	ck_assert_int_eq(loud.draws, 1);
	fake_packet(&edt, data, NULL, 1);
	tap_push_packet(&edt);
	draw_tap_listeners(false);
	ck_assert_int_eq(quiet.draws, 1);
	ck_assert_int_eq(loud.draws, 2);
	draw_tap_listeners(false);
	ck_assert_int_eq(loud.draws, 2);
	draw_tap_listeners(true);
	ck_assert_int_eq(quiet.draws, 2);
	ck_assert_int_eq(loud.draws, 3);
	remove_tap_listener(&quiet);
	remove_tap_listener(&loud);
	dissect_free(&edt);
}
END_TEST

/* One listener at a time, as a screen's tick draws: an idle listener's
 * draw() is not called, a busy one's is; a reset, a new filter and a new
 * global filter each force the next draw, a refused filter does not. */
START_TEST(draw_one_only_if_changed)
{
	struct dissect edt;
	struct probe idle = { .answer = TAP_PACKET_DONT_REDRAW };
	struct probe busy = { .answer = TAP_PACKET_REDRAW };
	int a = 1;
	const void *data[] = { &a };
	char *err;

	dissect_init(&edt);
	ck_assert_ptr_null(probe_listen(&idle, NULL, 0));
	ck_assert_ptr_null(probe_listen(&busy, NULL, 0));
	ck_assert(draw_tap_listener_if_changed(&idle));	/* new: drawn */
	ck_assert(draw_tap_listener_if_changed(&busy));
	ck_assert_int_eq(idle.draws, 1);
	ck_assert_int_eq(busy.draws, 1);

	fake_packet(&edt, data, NULL, 1);
	tap_push_packet(&edt);
	tap_push_packet(&edt);
	ck_assert_int_eq(idle.packets, 2);	/* it saw them, said no */
	ck_assert(!draw_tap_listener_if_changed(&idle));
	ck_assert(draw_tap_listener_if_changed(&busy));
	ck_assert_int_eq(idle.draws, 1);
	ck_assert_int_eq(busy.draws, 2);	/* two packets, one draw */
	ck_assert(!draw_tap_listener_if_changed(&busy));
	ck_assert_int_eq(busy.draws, 2);

	reset_tap_listener(&idle);
	ck_assert(draw_tap_listener_if_changed(&idle));
	ck_assert(!draw_tap_listener_if_changed(&idle));
	ck_assert_int_eq(idle.draws, 2);

	ck_assert_ptr_null(set_tap_dfilter(&idle, "frame"));
	ck_assert(draw_tap_listener_if_changed(&idle));
	ck_assert(!draw_tap_listener_if_changed(&busy));
	err = set_tap_dfilter(&idle, "frame ==");
	ck_assert_ptr_nonnull(err);
	g_free(err);
	ck_assert(!draw_tap_listener_if_changed(&idle));
	ck_assert_int_eq(idle.draws, 3);

	ck_assert_ptr_null(set_tap_global_dfilter("frame"));
	ck_assert(draw_tap_listener_if_changed(&idle));
	ck_assert(draw_tap_listener_if_changed(&busy));
	ck_assert_ptr_null(set_tap_global_dfilter(""));
	ck_assert(draw_tap_listener_if_changed(&idle));
	ck_assert(draw_tap_listener_if_changed(&busy));
	ck_assert_int_eq(idle.draws, 5);
	ck_assert_int_eq(busy.draws, 4);

	/* The unconditional draw is still there, and leaves nothing due. */
	draw_tap_listener(&idle);
	ck_assert_int_eq(idle.draws, 6);
	ck_assert(!draw_tap_listener_if_changed(&idle));
	ck_assert(!draw_tap_listener_if_changed(&edt));	/* not a listener */
	remove_tap_listener(&idle);
	remove_tap_listener(&busy);
	dissect_free(&edt);
}
END_TEST

START_TEST(remove_self_during_dispatch)
{
	struct dissect edt;
	struct probe p = { 0 }, other = { 0 };
	int a = 1;
	const void *data[] = { &a, &a, &a };

	dissect_init(&edt);
	p.remove_on_packet = &p;
	ck_assert_ptr_null(probe_listen(&other, NULL, 0));
	ck_assert_ptr_null(probe_listen(&p, NULL, 0));
	fake_packet(&edt, data, NULL, 3);
	tap_push_packet(&edt);
	/* Removed after its first entry; finish ran once, after dispatch. */
	ck_assert_int_eq(p.packets, 1);
	ck_assert_int_eq(p.finished, 1);
	ck_assert_int_eq(other.packets, 3);
	tap_push_packet(&edt);
	ck_assert_int_eq(p.packets, 1);
	ck_assert_int_eq(other.packets, 6);
	remove_tap_listener(&other);
	ck_assert_int_eq(other.finished, 1);
	dissect_free(&edt);
}
END_TEST

START_TEST(remove_other_during_dispatch)
{
	struct dissect edt;
	struct probe killer = { 0 }, victim = { 0 };
	int a = 1;
	const void *data[] = { &a };

	dissect_init(&edt);
	ck_assert_ptr_null(probe_listen(&victim, NULL, 0));
	ck_assert_ptr_null(probe_listen(&killer, NULL, 0));	/* walked first */
	killer.remove_on_packet = &victim;
	fake_packet(&edt, data, NULL, 1);
	tap_push_packet(&edt);
	ck_assert_int_eq(killer.packets, 1);
	ck_assert_int_eq(victim.packets, 0);	/* dead before its turn */
	ck_assert_int_eq(victim.finished, 1);
	killer.remove_on_packet = NULL;
	remove_tap_listener(&killer);
	dissect_free(&edt);
}
END_TEST

START_TEST(bad_filter_keeps_the_old_one)
{
	struct probe p = { 0 };
	char *err;

	ck_assert_ptr_null(probe_listen(&p, "", 0));
	err = set_tap_dfilter(&p, "ip.addr == ");
	ck_assert_ptr_nonnull(err);
	g_free(err);
	err = probe_listen(&p, "ip.addr ==", 0);
	ck_assert_ptr_nonnull(err);	/* refused, not registered twice */
	g_free(err);
	ck_assert_ptr_null(set_tap_dfilter(&p, "  "));
	remove_tap_listener(&p);
	ck_assert_int_eq(p.finished, 1);
	err = set_tap_dfilter(&p, "");		/* no such listener now */
	ck_assert_ptr_nonnull(err);
	g_free(err);
}
END_TEST

START_TEST(full_queue_is_counted)
{
	struct dissect edt;
	int i;

	dissect_init(&edt);
	dissect_begin(&edt, 1, 0, 0, 0, 60, 60, 1);
	for (i = 0; i < PACKET_TAPQ_MAX + 5; i++)
		tap_queue_packet(test_tap, &edt.pinfo, NULL);
	ck_assert_int_eq(edt.ntap, PACKET_TAPQ_MAX);
	ck_assert_uint_eq(edt.tapq_full, 5);
	dissect_free(&edt);
}
END_TEST

/* Entries of two taps interleaved reach their own listeners in order, and
 * a truncated queue delivers only what is left. */
START_TEST(interleaved_taps_and_truncation)
{
	static int other_tap = -1;
	struct dissect edt;
	struct probe p = { .answer = TAP_PACKET_REDRAW };
	struct probe q = { .answer = TAP_PACKET_REDRAW };
	int v[5] = { 0, 1, 2, 3, 4 };

	if (other_tap < 0)
		other_tap = register_tap("unit-test-other");
	ck_assert_ptr_null(probe_listen(&p, "", 0));
	ck_assert_ptr_null(register_tap_listener("unit-test-other", &q, "", 0,
	    probe_reset, probe_packet, probe_draw, probe_finish));
	dissect_init(&edt);
	dissect_begin(&edt, 1, 0, 0, 0, 60, 60, 1);
	tap_queue_packet(test_tap, &edt.pinfo, &v[0]);
	tap_queue_packet(other_tap, &edt.pinfo, &v[1]);
	tap_queue_packet(test_tap, &edt.pinfo, &v[2]);
	tap_queue_packet(other_tap, &edt.pinfo, &v[3]);
	tap_queue_packet(test_tap, &edt.pinfo, &v[4]);
	tap_push_packet(&edt);
	ck_assert_int_eq(p.packets, 3);
	ck_assert_ptr_eq(p.seen[0], &v[0]);
	ck_assert_ptr_eq(p.seen[1], &v[2]);
	ck_assert_ptr_eq(p.seen[2], &v[4]);
	ck_assert_int_eq(q.packets, 2);
	ck_assert_ptr_eq(q.seen[1], &v[3]);

	/* Taken back to the first two, then one more of each tap. */
	p.packets = q.packets = 0;
	tap_queue_truncate(&edt, 2);
	tap_queue_packet(other_tap, &edt.pinfo, &v[3]);
	tap_queue_packet(test_tap, &edt.pinfo, &v[4]);
	tap_push_packet(&edt);
	ck_assert_int_eq(p.packets, 2);
	ck_assert_ptr_eq(p.seen[0], &v[0]);
	ck_assert_ptr_eq(p.seen[1], &v[4]);
	ck_assert_int_eq(q.packets, 2);
	ck_assert_ptr_eq(q.seen[0], &v[1]);
	ck_assert_ptr_eq(q.seen[1], &v[3]);

	/* A new packet starts with no entries of either. */
	p.packets = q.packets = 0;
	dissect_begin(&edt, 2, 0, 0, 0, 60, 60, 1);
	tap_queue_packet(other_tap, &edt.pinfo, &v[1]);
	tap_push_packet(&edt);
	ck_assert_int_eq(p.packets, 0);
	ck_assert_int_eq(q.packets, 1);
	remove_tap_listener(&p);
	remove_tap_listener(&q);
	dissect_free(&edt);
}
END_TEST

/* --- the threading contract --- */

struct packets {
	GPtrArray	*data;		/* GBytes of each packet */
	GArray		*len;		/* wire lengths */
	int		 linktype;
};

struct counter {
	/* Two counters that packet() keeps equal; draw() must never see
	 * them apart, or it saw a half-updated state. */
	uint64_t	 a, b;
	uint64_t	 drawn_a;
	atomic_int	*torn;
};

static tap_packet_status
counter_packet(void *p, struct packet_info *pinfo, struct dissect *edt,
    const void *data)
{
	struct counter *c = p;

	(void)edt;
	(void)data;
	c->a += pinfo->len;
	c->b += pinfo->len;
	return (TAP_PACKET_REDRAW);
}

static void
counter_draw(void *p)
{
	struct counter *c = p;

	if (c->a != c->b)
		atomic_fetch_add(c->torn, 1);
	c->drawn_a = c->a;
}

static void
counter_reset(void *p)
{
	struct counter *c = p;

	c->a = c->b = 0;
}

static void
counter_finish(void *p)
{
	g_free(p);
}

static atomic_bool dispatch_done;

static struct packets *
load_packets(const char *path)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	struct packets *pk;
	pcap_t *pc;

	pc = pcap_open_offline(path, ebuf);
	if (pc == NULL)
		return (NULL);
	pk = g_new0(struct packets, 1);
	pk->data = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	pk->len = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	pk->linktype = pcap_datalink(pc);
	while (pcap_next_ex(pc, &h, &d) == 1) {
		g_ptr_array_add(pk->data, g_bytes_new(d, h->caplen));
		g_array_append_val(pk->len, h->len);
	}
	pcap_close(pc);
	return (pk);
}

static gpointer
dispatcher(gpointer arg)
{
	struct packets *pk = arg;
	struct dissect edt;
	int round, i;

	dissect_init(&edt);
	for (round = 0; round < 20; round++)
		for (i = 0; i < (int)pk->data->len; i++) {
			GBytes *b = g_ptr_array_index(pk->data, i);
			gsize n;
			const uint8_t *p = g_bytes_get_data(b, &n);

			dissect_begin(&edt, (uint64_t)i + 1, 0, 0, 0,
			    g_array_index(pk->len, uint32_t, i), (uint32_t)n,
			    pk->linktype);
			dissect_frame(&edt, p);
			tap_push_packet(&edt);
		}
	atomic_store(&dispatch_done, true);
	dissect_free(&edt);
	return (NULL);
}

START_TEST(threads_hammer_the_contract)
{
	static const char *const taps[] = { "frame", "eth", "ip", "tcp",
	    "udp" };
	struct counter *live[16] = { 0 };
	struct panel *panels[8] = { 0 };
	const struct panel_class *pc;
	struct packets *pk;
	atomic_int torn = 0;
	GThread *t;
	int ops = 0, k;
	char *err;

	pk = load_packets("../shared/pcaps/traffic/example.pcap");
	ck_assert_msg(pk != NULL, "cannot read the example capture");
	atomic_store(&dispatch_done, false);
	t = g_thread_new("dispatch", dispatcher, pk);
	while (!atomic_load(&dispatch_done) || ops < 2000) {
		k = g_random_int_range(0, 16);
		switch (g_random_int_range(0, 7)) {
		case 0:		/* add */
			if (live[k] != NULL)
				break;
			live[k] = g_new0(struct counter, 1);
			live[k]->torn = &torn;
			err = register_tap_listener(taps[k % 5], live[k], NULL,
			    0, counter_reset, counter_packet, counter_draw,
			    counter_finish);
			ck_assert_ptr_null(err);
			break;
		case 1:		/* remove: finish frees it */
			if (live[k] != NULL)
				remove_tap_listener(live[k]);
			live[k] = NULL;
			break;
		case 2:		/* refilter, good then bad */
			if (live[k] == NULL)
				break;
			ck_assert_ptr_null(set_tap_dfilter(live[k], ""));
			err = set_tap_dfilter(live[k], "tcp.port ==");
			ck_assert_ptr_nonnull(err);
			g_free(err);
			break;
		case 3:
			draw_tap_listeners(k & 1);
			break;
		case 4:
			if (live[k] != NULL)
				reset_tap_listener(live[k]);
			break;
		case 5:		/* the real panels: open or close */
			k %= 8;
			if (panels[k] != NULL) {
				panel_close(panels[k]);
				panels[k] = NULL;
				break;
			}
			pc = panel_class_at(g_random_int_range(0, 12));
			ck_assert_ptr_nonnull(pc);
			panels[k] = panel_open(pc->name, NULL, 64, &err);
			ck_assert_ptr_nonnull(panels[k]);
			break;
		case 6:		/* what the screen does: draw and copy */
			if (panels[k % 8] != NULL)
				table_free(panel_snapshot(panels[k % 8]));
			break;
		}
		ops++;
	}
	g_thread_join(t);
	draw_tap_listeners(true);
	for (k = 0; k < 16; k++)
		if (live[k] != NULL)
			remove_tap_listener(live[k]);
	for (k = 0; k < 8; k++)
		if (panels[k] != NULL)
			panel_close(panels[k]);
	ck_assert_int_eq(atomic_load(&torn), 0);
	g_ptr_array_free(pk->data, TRUE);
	g_array_free(pk->len, TRUE);
	g_free(pk);
}
END_TEST

/* The idle skip while packets flow: the curses thread takes only new
 * tables, a busy panel's last one ends with every packet counted, and a
 * panel that no packet matches is drawn only when it was new, reset or
 * refiltered. */
START_TEST(threads_skip_idle_panels)
{
	struct panel *busy, *idle;
	struct table *bt = NULL, *it = NULL, *t;
	struct packets *pk;
	unsigned forced = 1, ops = 0;
	GThread *th;
	char *err = NULL;

	pk = load_packets("../shared/pcaps/traffic/example.pcap");
	ck_assert_msg(pk != NULL, "cannot read the example capture");
	busy = panel_open("summary", NULL, 0, &err);
	ck_assert_ptr_nonnull(busy);
	idle = panel_open("conv.tcp", "ipv6", 0, &err);	/* no IPv6 there */
	ck_assert_ptr_nonnull(idle);
	atomic_store(&dispatch_done, false);
	th = g_thread_new("dispatch", dispatcher, pk);
	while (!atomic_load(&dispatch_done)) {
		if ((t = panel_snapshot_if_changed(busy)) != NULL) {
			table_free(bt);
			bt = t;
		}
		if ((t = panel_snapshot_if_changed(idle)) != NULL) {
			table_free(it);
			it = t;
		}
		if (++ops % 64 == 0) {
			reset_tap_listener(idle);
			forced++;
		}
		if (ops % 100 == 0) {
			ck_assert_ptr_null(panel_set_filter(idle, "ipv6"));
			forced++;
		}
	}
	g_thread_join(th);
	if ((t = panel_snapshot_if_changed(busy)) != NULL) {
		table_free(bt);
		bt = t;
	}
	ck_assert_ptr_null(panel_snapshot_if_changed(busy));
	ck_assert_ptr_nonnull(bt);
	ck_assert_uint_eq(table_row(bt, 0)[table_col_index(bt,
	    "packets")].u, 20 * pk->len->len);
	ck_assert_ptr_nonnull(it);
	ck_assert_int_eq(it->nrows, 0);
	ck_assert_uint_ge(idle->drawn, 1);
	ck_assert_uint_le(idle->drawn, forced);
	table_free(bt);
	table_free(it);
	panel_close(busy);
	panel_close(idle);
	g_ptr_array_free(pk->data, TRUE);
	g_array_free(pk->len, TRUE);
	g_free(pk);
}
END_TEST

Suite *
suite_tap(void)
{
	Suite *s = suite_create("tap");
	TCase *tc = tcase_create("engine");

	tcase_add_unchecked_fixture(tc, setup, NULL);
	tcase_add_test(tc, taps_by_name);
	tcase_add_test(tc, unknown_tap_is_an_error);
	tcase_add_test(tc, each_instance_is_delivered);
	tcase_add_test(tc, error_packets_need_the_flag);
	tcase_add_test(tc, failed_until_reset);
	tcase_add_test(tc, draw_only_when_asked);
	tcase_add_test(tc, draw_one_only_if_changed);
	tcase_add_test(tc, remove_self_during_dispatch);
	tcase_add_test(tc, remove_other_during_dispatch);
	tcase_add_test(tc, bad_filter_keeps_the_old_one);
	tcase_add_test(tc, full_queue_is_counted);
	tcase_add_test(tc, interleaved_taps_and_truncation);
	suite_add_tcase(s, tc);
	return (s);
}

Suite *
suite_tap_threads(void)
{
	Suite *s = suite_create("tap_threads");
	TCase *tc = tcase_create("threads");

	tcase_add_unchecked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, threads_hammer_the_contract);
	tcase_add_test(tc, threads_skip_idle_panels);
	suite_add_tcase(s, tc);
	return (s);
}

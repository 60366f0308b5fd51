/* See testutil.h. */
#include <stdatomic.h>
#include <string.h>

#include <glib.h>

#include "core/dissect.h"
#include "core/proto.h"
#include "core/tap.h"
#include "testutil.h"

void
test_dissect(struct dissect *edt, int linktype, const uint8_t *p,
    size_t caplen, size_t len)
{
	/* Unit tests look at every field, as a tree-reading listener would. */
	atomic_store(&field_want_everything, 1);
	dissect_begin(edt, 1, 0, 0, 0.0, (uint32_t)len, (uint32_t)caplen,
	    linktype);
	dissect_frame(edt, p);
}

const char *
test_path(const struct dissect *edt)
{
	static char out[512];
	int i;

	out[0] = '\0';
	for (i = 0; i < edt->nlayers; i++) {
		if (i > 0)
			g_strlcat(out, ":", sizeof(out));
		g_strlcat(out, proto_name(edt->layers[i].proto), sizeof(out));
	}
	return (out);
}

int
test_tap_count(const struct dissect *edt, const char *tap)
{
	int id = find_tap_id(tap), i, n = 0;

	for (i = 0; i < edt->ntap; i++)
		n += edt->tapq[i].tap == id;
	return (n);
}

const void *
test_tap_data(const struct dissect *edt, const char *tap, int k)
{
	int id = find_tap_id(tap), i;

	for (i = 0; i < edt->ntap; i++)
		if (edt->tapq[i].tap == id && k-- == 0)
			return (edt->tapq[i].data);
	return (NULL);
}

const struct field_value *
test_field(const struct dissect *edt, const char *name)
{
	int id = field_find(name), i;

	for (i = 0; i < edt->nfields; i++)
		if (edt->fields[i].id == id)
			return (&edt->fields[i]);
	return (NULL);
}

int
test_field_count(const struct dissect *edt, const char *name)
{
	int id = field_find(name), i, n = 0;

	for (i = 0; i < edt->nfields; i++)
		n += edt->fields[i].id == id;
	return (n);
}

static tap_packet_status
noop_packet(void *tapdata, struct packet_info *pinfo, struct dissect *edt,
    const void *data)
{
	(void)tapdata; (void)pinfo; (void)edt; (void)data;
	return (TAP_PACKET_DONT_REDRAW);
}

void
test_listen_all(void)
{
	static char ids[256];
	static bool done;
	const char *name;
	int i;

	if (done)
		return;
	done = true;
	for (i = 1; i < 256 && (name = tap_name(i)) != NULL; i++)
		g_free(register_tap_listener(name, &ids[i], NULL,
		    TL_REQUIRES_ERROR_PACKET, NULL, noop_packet, NULL, NULL));
}

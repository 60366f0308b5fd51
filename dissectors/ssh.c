/*
 * Secure Shell, its version exchange.  RFC 4253, section 4.2.
 *
 *   SSH-protoversion-softwareversion SP comments CR LF
 *
 * Each side's first line is its banner, sent in clear before the key
 * exchange; everything after is binary packets (encrypted once keys are
 * in use), which are counted as ssh and not read.  The banner is
 * ssh.protocol, Wireshark's field: the line without its CR LF, at most
 * 255 bytes, as RFC 4253 bounds it.  A banner is recognised in a segment
 * that starts with "SSH-" on port 22; one cut by the capture is left
 * truncated, one that runs past 255 bytes without a line end is not a
 * banner.
 */
#include <string.h>

#include "core/dissect.h"
#include "core/proto.h"

#define SSH_PORT	22
#define SSH_BANNER_MAX	255

static int proto_ssh = -1;
static int hf_ssh_protocol = -1;

static const struct field_def ssh_fields[] = {
	{ &hf_ssh_protocol, "ssh.protocol", FT_STRING, "Protocol", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

static enum dissect_result
ssh_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	const uint8_t *p = b->data + b->off;
	size_t have = b->caplen - b->off, claimed = buf_reported_left(b), n;

	(void)pinfo;
	if (claimed < 4 || have < 4 || memcmp(p, "SSH-", 4) != 0)
		return (DISSECT_OK);		/* binary packets */
	for (n = 4; n < have && n < claimed && n <= SSH_BANNER_MAX; n++)
		if (p[n] == '\n')
			break;
	if (n < have && n < claimed && p[n] == '\n') {
		size_t end = n > 4 && p[n - 1] == '\r' ? n - 1 : n;

		field_add_bytes(edt, hf_ssh_protocol, p, (uint32_t)end);
		(void)buf_skip(b, n + 1);
		return (DISSECT_OK);
	}
	if (n >= have && have < claimed && n <= SSH_BANNER_MAX)
		buf_fail(b, BUF_TRUNCATED);	/* the capture cut it */
	return (DISSECT_OK);
}

const struct dissector dissector_ssh = {
	.name = "ssh",
	.longname = "SSH Protocol",
	.proto = &proto_ssh,
	.handoff = { { "tcp.port", SSH_PORT } },
	.fields = ssh_fields,
	.dissect = ssh_dissect,
};
